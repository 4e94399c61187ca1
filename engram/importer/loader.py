"""The import: tables of nodes, then tables of relationships, into one bulk load.

Node tables are read first: every batch is checked (converted values, ids, duplicate
ids, unique constraints), grouped by label set and created through
`engram.storage.bulk.BulkLoad`, and the import ids are kept in id spaces
(`engram.importer.ids`). Relationship tables follow: their START_ID and END_ID cells are
resolved against the id spaces and relationships are created per type.

A row that cannot be imported is a `BadRow` (file, line, reason). By default the first
one stops the import and nothing is written; with `skip_bad_rows` each is reported and
skipped and every other row is imported. Everything is committed at the end in one
transaction, unless `batch_size` asks for a commit every so many records (for inputs
larger than memory; relationships whose lists span commits then cost more to write) or
`commit_nodes_first` asks for the nodes to be committed before the relationship files
are read (two commits; the relationship lists of the new nodes are still written whole).
The summary times the node phase and the relationship phase separately.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engram.execution.gc_pause import gc_paused
from engram.importer.header import Header, HeaderColumn
from engram.importer.ids import IdSpaces
from engram.importer.prefetch import prefetched
from engram.importer.progress import Progress
from engram.importer.report import BadRow, BulkImportError, FileReport, ImportSummary
from engram.importer.tables import Batch, Table
from engram.storage.bulk import BulkLoad
from engram.storage.columns import Column
from engram.storage.store import Store

__all__ = ["Importer", "NodeSource", "RelationshipSource"]

_STOP_HINT = (
    "nothing was imported; fix the row, or import with --skip-bad-rows "
    "(skip_bad_rows=True) to skip and report bad rows"
)


@dataclass(frozen=True, slots=True)
class NodeSource:
    """A table of nodes and the labels every node gets."""

    labels: tuple[str, ...]
    table: Table


@dataclass(frozen=True, slots=True)
class RelationshipSource:
    """A table of relationships and their type (unless a :TYPE column gives it)."""

    type: str | None
    table: Table


@dataclass(frozen=True, slots=True)
class _Clock:
    """A moment as wall-clock and CPU seconds (this process's, and its ended children's)."""

    wall: float
    cpu: float

    @staticmethod
    def now() -> _Clock:
        return _Clock(time.perf_counter(), time.process_time() + _children_cpu())


if sys.platform != "win32":
    import resource

    def _children_cpu() -> float:
        """CPU seconds of the ended child processes (the table file writers) so far."""
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

else:  # pragma: no cover - no resource module

    def _children_cpu() -> float:
        return 0.0


@dataclass(slots=True)
class _Counts:
    nodes: int = 0
    relationships: int = 0
    properties: int = 0
    commits: int = 0
    bad: list[BadRow] = field(default_factory=list)


def _take(column: Column, positions: np.ndarray | None) -> Column:
    if positions is None:
        return column
    if isinstance(column, np.ndarray):
        taken: np.ndarray = column[positions]
        return taken
    return [column[i] for i in positions.tolist()]


def _stored(column: Column) -> int:
    if isinstance(column, np.ndarray):
        return len(column)
    return sum(1 for value in column if value is not None)


class Importer:
    """Runs one import into an open store.

    Args:
        store: the open store (read-write).
        skip_bad_rows: skip and report bad rows instead of stopping at the first.
        array_delimiter: separates list items in a cell.
        id_type: "auto", "integer" or "string" (see `engram.importer.ids`).
        batch_size: commit every this many nodes plus relationships (None: once).
        progress: show progress bars on standard error.
        on_bad_row: called with every bad row as it is found.
        commit_nodes_first: commit the nodes before reading the relationship files.
    """

    def __init__(
        self,
        store: Store,
        *,
        skip_bad_rows: bool = False,
        array_delimiter: str = ";",
        id_type: str = "auto",
        batch_size: int | None = None,
        progress: bool = False,
        on_bad_row: Callable[[BadRow], None] | None = None,
        commit_nodes_first: bool = False,
    ) -> None:
        if batch_size is not None and batch_size < 1:
            raise BulkImportError(f"the batch size must be positive, not {batch_size}")
        if not array_delimiter:
            raise BulkImportError("the array delimiter cannot be empty")
        self._store = store
        self._skip = skip_bad_rows
        self._array_delimiter = array_delimiter
        self._spaces = IdSpaces(id_type)
        self._batch_size = batch_size
        self._show = progress
        self._on_bad_row = on_bad_row
        self._nodes_first = commit_nodes_first
        self._counts = _Counts()
        self._started = 0.0

    def run(
        self, nodes: Sequence[NodeSource], relationships: Sequence[RelationshipSource]
    ) -> ImportSummary:
        """Import every node table, then every relationship table; the summary.

        Raises:
            BulkImportError: a bad header, or a bad row without `skip_bad_rows`.
        """
        for source in nodes:
            source.table.header.check_nodes()
        for rel_source in relationships:
            rel_source.table.header.check_relationships()
        tables = [source.table for source in nodes] + [r.table for r in relationships]
        units = {table.unit for table in tables}
        total = sum(table.size for table in tables)
        self._started = time.perf_counter()
        with gc_paused():
            return self._run(nodes, relationships, tables, total, units)

    def _run(
        self,
        nodes: Sequence[NodeSource],
        relationships: Sequence[RelationshipSource],
        tables: list[Any],
        total: int,
        units: set[str],
    ) -> ImportSummary:
        started = _Clock.now()
        load = BulkLoad(self._store)
        reports = []
        with Progress(
            total, unit=units.pop() if len(units) == 1 else "rows", show=self._show
        ) as bar:
            self._bar = bar
            done = 0
            try:
                for source in nodes:
                    reports.append(self._table(load, source.table, done, self._node_batch, source))
                    done += source.table.size
                if self._nodes_first:
                    self._commit(load)
                node_phase = _Clock.now()
                for rel_source in relationships:
                    reports.append(
                        self._table(load, rel_source.table, done, self._rel_batch, rel_source)
                    )
                    done += rel_source.table.size
                bar.finish_reading()
                self._commit(load)
            except BaseException:
                load.rollback()
                raise
        finished = _Clock.now()
        counts = self._counts
        return ImportSummary(
            files=tuple(reports),
            nodes=counts.nodes,
            relationships=counts.relationships,
            properties=counts.properties,
            bad_rows=tuple(counts.bad),
            seconds=time.perf_counter() - self._started,
            commits=counts.commits,
            node_seconds=node_phase.wall - started.wall,
            relationship_seconds=finished.wall - node_phase.wall,
            node_cpu_seconds=node_phase.cpu - started.cpu,
            relationship_cpu_seconds=finished.cpu - node_phase.cpu,
        )

    # tables ---------------------------------------------------------------------------------

    def _table(
        self,
        load: BulkLoad,
        table: Table,
        offset: int,
        handle: Callable[[BulkLoad, Table, Batch, Any], int],
        source: Any,
    ) -> FileReport:
        started = time.perf_counter()
        rows = created = bad_before = 0
        bad_before = len(self._counts.bad)
        size = self._batch_size
        batches = table.batches(self._array_delimiter)
        if isinstance(source, RelationshipSource):
            batches = self._resolving(batches, table.header)
        for whole in prefetched(batches):
            for batch in whole.split(size) if size is not None else (whole,):
                rows += len(batch) + len(batch.skipped)
                created += handle(load, table, batch, source)
                if size is not None and load.pending >= size:
                    self._commit(load)
            done = self._counts.nodes + self._counts.relationships + load.pending
            elapsed = time.perf_counter() - self._started
            self._bar.read(offset + whole.position, done, elapsed)
        kind = "nodes" if isinstance(source, NodeSource) else "relationships"
        target = ":".join(source.labels) if kind == "nodes" else (source.type or "")
        return FileReport(
            path=table.name,
            kind=kind,
            target=target,
            rows=rows,
            imported=created,
            bad_rows=len(self._counts.bad) - bad_before,
            seconds=time.perf_counter() - started,
        )

    def _commit(self, load: BulkLoad) -> None:
        pending = load.pending
        if not pending:
            return
        self._bar.start_writing(pending)
        load.progress = self._bar.wrote
        load.commit()
        self._bar.finish_writing()
        self._counts.commits += 1

    def _bad(self, row: BadRow) -> None:
        if not self._skip:
            committed = self._counts.nodes + self._counts.relationships
            hint = _STOP_HINT
            if self._counts.commits:
                hint = (
                    f"{committed:,} nodes and relationships committed in earlier batches are "
                    "kept; nothing after them was imported"
                )
            raise BulkImportError(str(row), bad_rows=(row,), hint=hint, committed=committed)
        self._counts.bad.append(row)
        self._bar.print(f"skipped {row}")
        if self._on_bad_row is not None:
            self._on_bad_row(row)

    def _reject(self, table: Table, batch: Batch, bad: dict[int, str]) -> np.ndarray | None:
        """Report the bad rows of a batch (in line order); positions of the good ones."""
        found = [(int(batch.lines[position]), reason) for position, reason in bad.items()]
        found.extend(batch.skipped)
        batch.skipped = []
        for line, reason in sorted(found):
            self._bad(BadRow(table.name, line, reason))
        if not bad:
            return None
        keep = np.ones(len(batch), dtype=bool)
        keep[list(bad)] = False
        return np.flatnonzero(keep)

    def _properties(
        self, load: BulkLoad, batch: Batch, positions: np.ndarray | None, extra: dict[str, Column]
    ) -> dict[int, Column]:
        tx = load.transaction
        columns: dict[int, Column] = {}
        for name, column in {**batch.properties, **extra}.items():
            columns[tx.intern_property_key(name)] = _take(column, positions)
        return columns

    # nodes ----------------------------------------------------------------------------------

    def _node_batch(self, load: BulkLoad, table: Table, batch: Batch, source: NodeSource) -> int:
        bad = dict(batch.bad)
        header = table.header
        id_column = header.id_column
        ids: Any = None
        space = None
        if id_column is not None:
            space = self._spaces.space(id_column.space)
            ids, id_bad = space.parse(batch.ids, id_column.text)
            _merge(bad, id_bad)
            _merge(bad, space.duplicates(ids, bad))
        label_sets = self._label_sets(source, batch, bad)
        positions = self._reject(table, batch, bad)
        extra: dict[str, Column] = {}
        if id_column is not None and id_column.name:
            extra[id_column.name] = ids
        created = 0
        for labels, members in self._groups(label_sets, positions, len(batch)):
            created += self._create_nodes(load, table, batch, labels, members, extra, ids, space)
        return created

    def _label_sets(self, source: NodeSource, batch: Batch, bad: dict[int, str]) -> list[Any]:
        base = tuple(source.labels)
        if batch.labels is None:
            return [base]
        sets = []
        for position, cell in enumerate(batch.labels):
            extra = [label.strip() for label in str(cell).split(self._array_delimiter)]
            labels = tuple(dict.fromkeys(base + tuple(label for label in extra if label)))
            sets.append(labels)
            if not labels:
                _merge(bad, {position: "the node has no label"})
        return sets

    def _groups(
        self, label_sets: list[Any], positions: np.ndarray | None, rows: int
    ) -> Iterable[tuple[tuple[str, ...], np.ndarray | None]]:
        if len(label_sets) == 1:
            yield label_sets[0], positions
            return
        kept = np.arange(rows) if positions is None else positions
        groups: dict[tuple[str, ...], list[int]] = {}
        for position in kept.tolist():
            groups.setdefault(label_sets[position], []).append(position)
        for labels, members in groups.items():
            yield labels, np.asarray(members, dtype=np.int64)

    def _create_nodes(
        self,
        load: BulkLoad,
        table: Table,
        batch: Batch,
        labels: tuple[str, ...],
        positions: np.ndarray | None,
        extra: dict[str, Column],
        ids: Any,
        space: Any,
    ) -> int:
        count = len(batch) if positions is None else len(positions)
        if not count:
            return 0
        tx = load.transaction
        label_ids = [tx.intern_label(label) for label in labels]
        columns = self._properties(load, batch, positions, extra)
        conflicts = load.unique_conflicts(label_ids, columns=columns)
        if conflicts:
            chosen = np.arange(len(batch)) if positions is None else positions
            conflict_bad = {int(chosen[p]): error.message for p, error in conflicts}
            self._reject(table, batch, conflict_bad)
            keep = np.ones(count, dtype=bool)
            keep[[p for p, _ in conflicts]] = False
            positions = chosen[keep]
            columns = {key: _take(column, np.flatnonzero(keep)) for key, column in columns.items()}
            count = len(positions)
        node_ids = load.create_nodes(label_ids, columns=columns, count=count)
        if space is not None:
            space.add(_take(ids, positions), node_ids)
        self._counts.nodes += count
        self._counts.properties += sum(_stored(column) for column in columns.values())
        return count

    # relationships --------------------------------------------------------------------------

    def _rel_batch(
        self, load: BulkLoad, table: Table, batch: Batch, source: RelationshipSource
    ) -> int:
        header = table.header
        bad = dict(batch.bad)
        if batch.resolved:
            starts, ends = batch.starts, batch.ends
        else:
            starts = self._ends(header.start, batch.starts, bad)
            ends = self._ends(header.end, batch.ends, bad)
        types = self._types(source, batch, bad)
        positions = self._reject(table, batch, bad)
        created = 0
        for rel_type, members in self._groups(types, positions, len(batch)):
            created += self._create_relationships(load, batch, rel_type[0], members, starts, ends)
        return created

    def _resolving(self, batches: Iterator[Batch], header: Header) -> Iterator[Batch]:
        """Batches with their START_ID and END_ID cells resolved to node ids.

        Runs in the reader thread (`prefetched`): every node file has been read by then,
        so the id spaces no longer change, and the look-ups (numpy, GIL released)
        overlap the storing of the previous batch.
        """
        for batch in batches:
            bad: dict[int, str] = {}
            starts = self._ends(header.start, batch.starts, bad)
            ends = self._ends(header.end, batch.ends, bad)
            _merge(batch.bad, bad)
            batch.starts, batch.ends, batch.resolved = starts, ends, True
            yield batch

    def _ends(self, column: HeaderColumn | None, cells: Any, bad: dict[int, str]) -> np.ndarray:
        assert column is not None  # checked by Header.check_relationships
        space = self._spaces.space(column.space)
        nodes, missing = space.resolve(cells, column.text)
        _merge(bad, missing)
        return nodes

    def _types(self, source: RelationshipSource, batch: Batch, bad: dict[int, str]) -> list[Any]:
        if batch.types is None:
            if not source.type:
                raise BulkImportError(
                    f"{batch_name(source)}: no relationship type",
                    hint="give one with --relationships TYPE=FILE or add a :TYPE column",
                )
            return [(source.type,)]
        types = []
        for position, cell in enumerate(batch.types):
            name = str(cell).strip() or source.type or ""
            if not name:
                _merge(bad, {position: "the relationship has no type"})
            types.append((name,))
        return types

    def _create_relationships(
        self,
        load: BulkLoad,
        batch: Batch,
        rel_type: str,
        positions: np.ndarray | None,
        starts: np.ndarray,
        ends: np.ndarray,
    ) -> int:
        count = len(batch) if positions is None else len(positions)
        if not count:
            return 0
        tx = load.transaction
        type_id = tx.intern_type(rel_type)
        columns = self._properties(load, batch, positions, {})
        chosen_starts = starts if positions is None else starts[positions]
        chosen_ends = ends if positions is None else ends[positions]
        load.create_relationships(type_id, chosen_starts, chosen_ends, columns=columns)
        self._counts.relationships += count
        self._counts.properties += sum(_stored(column) for column in columns.values())
        return count


def batch_name(source: RelationshipSource) -> str:
    """The name of a relationship source's table."""
    return source.table.name


def _merge(into: dict[int, str], more: dict[int, str]) -> None:
    for position, reason in more.items():
        into.setdefault(position, reason)
