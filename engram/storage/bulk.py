"""Bulk creation of nodes and relationships, encoded straight into the commit batch.

`BulkLoad` is what the importer writes through. It creates entities in write
transactions of its own (the caller decides when to commit, so one commit can hold
millions of records) but, unlike `WriteTransaction.create_node`, it keeps new records
as columns (one id range and label set per call, property columns, numpy arrays of
relationship ends) instead of one overlay entry per entity, and the commit encodes them
with numpy and few Python steps per record:

- node and relationship records, label and type membership keys, and the index entries
  of the new nodes (unique constraints are checked against committed data and the load
  itself before anything is created);
- adjacency lists that cannot exist yet (of a node this load created, in a direction
  and type nothing has written to) are built whole, chunked as `engram.storage.chunks`
  lays them out; appends to lists that may exist go through the overlay's ordinary
  list changes, which the commit merges into the stored chunks (correct, but slower:
  a load that commits once per type of work never needs them);
- statistics as counts per label set and per (start labels, type, end labels).

Every commit is atomic, as any commit is. The transaction's own reads do not see bulk
records, so a load only creates. Labels with a derived (vector) index use the ordinary
per-node path, which keeps those indexes current.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from engram.catalog import PROPERTY_INDEX, IndexDef
from engram.errors import ErrorDetail, ErrorKind, InternalError, QueryRuntimeError
from engram.storage import keys as layout
from engram.storage.bulk_part import BulkPart, ListKey
from engram.storage.bulk_records import (
    IdRanges,
    Lists,
    NodeRun,
    RelRun,
    vectors_beside,
)
from engram.storage.columns import (
    Columns,
    checked_columns,
    row_maps,
    row_values,
)
from engram.storage.indexing import entry_for
from engram.storage.reads import GraphView, as_ids
from engram.storage.schema import unique_violation
from engram.storage.statistics import StatsDelta
from engram.storage.store import Store
from engram.storage.transaction import WriteTransaction

__all__ = ["BulkLoad"]

#: bulk loads creating at least this many entities in a commit are ingested as a table file
INGEST_MIN: Final = 50_000
_NO_IDS: Final = np.empty(0, dtype=np.int64)


def _not_found(node_id: int) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"node {node_id} does not exist",
        kind=ErrorKind.ENTITY_NOT_FOUND,
        detail=ErrorDetail.DELETED_ENTITY_ACCESS,
    )


def _as_columns(
    properties: Sequence[Mapping[int, Any]] | None, columns: Columns | None, count: int | None
) -> tuple[Columns, int]:
    """Properties given as maps or as columns, as (columns, row count)."""
    if properties is not None and columns is not None:
        raise InternalError("pass properties as maps or as columns, not both")
    if properties is not None:
        keys: dict[int, None] = {}
        for props in properties:
            keys.update(dict.fromkeys(props))
        return {key: [props.get(key) for props in properties] for key in keys}, len(properties)
    if columns is None:
        return {}, count or 0
    if count is None:
        count = len(next(iter(columns.values()))) if columns else 0
    return columns, count


class BulkLoad:
    """Creates many nodes and relationships through large bulk commits.

    >>> import shutil, tempfile
    >>> from engram.storage import Direction, Store
    >>> directory = tempfile.mkdtemp()
    >>> store = Store(directory)
    >>> with BulkLoad(store) as load:
    ...     tx = load.transaction
    ...     person, knows = tx.intern_label("Person"), tx.intern_type("KNOWS")
    ...     name = tx.intern_property_key("name")
    ...     ids = load.create_nodes([person], [{name: "Ada"}, {name: "Alan"}])
    ...     rels = load.create_relationships(knows, ids[:1], ids[1:])
    >>> with store.begin_read() as view:
    ...     view.expand(ids[:1], Direction.OUT, [knows]).neighbour.tolist()
    [1]
    >>> store.close(); shutil.rmtree(directory)

    Use it as a context manager (commit on normal exit, roll back the open transaction
    on an exception) or call `commit` whenever a batch is complete; the next call
    starts a new transaction. Properties come as one map per entity or, cheaper, as
    columns (`engram.storage.columns`). Ids are handed out as numpy arrays.

    Args:
        store: the open store (read-write).
        timeout: seconds each transaction waits for another writer.
    """

    def __init__(self, store: Store, *, timeout: float | None = None) -> None:
        self._store = store
        self._timeout = timeout
        self._tx: WriteTransaction | None = None
        self._part: BulkPart | None = None
        self._ranges = IdRanges()
        self._pending_ranges = IdRanges()
        self._written: dict[ListKey, np.ndarray] = {}
        self._last_version: int | None = None
        self._large = False  # whether the last commit wrote table files
        self.committed_nodes = 0
        self.committed_relationships = 0
        self._pending_nodes = 0
        self._pending_relationships = 0
        #: called with a record count as the commit writes records (progress bars)
        self.progress: Callable[[int], None] | None = None

    # transactions ----------------------------------------------------------------------

    @property
    def transaction(self) -> WriteTransaction:
        """The open write transaction (begun on first use), e.g. to intern names."""
        if self._tx is None or not self._tx.is_open:
            tx = self._store.begin_write(self._timeout)
            if tx.version != self._last_version:
                # another writer committed since our last commit: it may have written
                # lists of our nodes, so none of them is known to be empty any more
                self._ranges = IdRanges()
                self._written = {}
            self._part = BulkPart(
                layout.version_bytes(tx.version + 1),
                self._store.ingest_files,
                ingest_min=INGEST_MIN,
                eager=self._large,
            )
            tx.overlay.bulk.append(self._part)
            self._tx = tx
        return self._tx

    def _open_part(self) -> tuple[WriteTransaction, BulkPart]:
        tx = self.transaction
        part = self._part
        if part is None:
            raise InternalError("a bulk transaction has no bulk part")
        return tx, part

    @property
    def pending(self) -> int:
        """Nodes plus relationships created in the open transaction."""
        return self._pending_nodes + self._pending_relationships

    def commit(self) -> int | None:
        """Commit the open transaction (if any); its version."""
        tx, part = self._tx, self._part
        if tx is None or part is None or not tx.is_open:
            return None
        self._tx = self._part = None
        part.count_lists(tx.overlay.stats)
        part.progress = self.progress
        try:
            version = tx.commit()
        except BaseException:
            part.discard()
            raise
        finally:
            pending, self._pending_ranges = self._pending_ranges, IdRanges()
            nodes, rels = self._pending_nodes, self._pending_relationships
            self._pending_nodes = self._pending_relationships = 0
        self._ranges.extend(pending)
        for key, lists in part.lists.items():
            written = lists.sorted()[0][lists.groups()[0]]
            before = self._written.get(key)
            self._written[key] = written if before is None else np.union1d(before, written)
        self._last_version = version
        self._large = part.files is not None
        self.committed_nodes += nodes
        self.committed_relationships += rels
        return version

    def rollback(self) -> None:
        """Discard what the open transaction created."""
        tx, part, self._tx, self._part = self._tx, self._part, None, None
        if part is not None:
            part.discard()
        self._pending_ranges = IdRanges()
        self._pending_nodes = self._pending_relationships = 0
        if tx is not None:
            tx.rollback()

    def __enter__(self) -> BulkLoad:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    # nodes -------------------------------------------------------------------------------

    def create_nodes(
        self,
        labels: Iterable[int],
        properties: Sequence[Mapping[int, Any]] | None = None,
        *,
        columns: Columns | None = None,
        count: int | None = None,
    ) -> np.ndarray:
        """Create nodes with `labels`, one per property map or per row of `columns`.

        Args:
            labels: label ids of every new node.
            properties: one property map (key id -> value) per node.
            columns: instead of maps, key id -> one value per node (None: no property).
            count: the number of nodes when there are no properties at all.

        Returns:
            The new node ids.

        Raises:
            QueryRuntimeError: an invalid property value or a unique constraint violation;
                nothing is created then.
        """
        tx, part = self._open_part()
        label_set = frozenset(labels)
        _check_ids(label_set, len(tx.catalog.labels), "label")
        given, rows = _as_columns(properties, columns, count)
        _check_ids(given, len(tx.catalog.property_keys), "property key")
        checked = checked_columns(given, rows)
        if not rows:
            return _NO_IDS.copy()
        indexes = _indexes(tx, label_set)
        if any(index.kind != PROPERTY_INDEX for index in indexes):
            return self._create_one_by_one(tx, label_set, checked, rows)
        keys = sorted({key for index in indexes for key in index.property_key_ids})
        found = self._index_entries(tx, indexes, checked, keys, rows)
        first = self._store.allocate_node_ids(rows)
        stats = tx.overlay.stats
        for position, index in found:
            entry = entry_for(index, row_values(checked, keys, position), first + position)
            if entry is None:
                raise InternalError("an index entry disappeared between check and creation")
            part.entries.append(entry)
            part.indexes.add(index.id)
            if index.unique:
                part.unique[entry.key] = first + position
            stats.index_entry(index.id, entry.value_key, +1)
        part.add_nodes(NodeRun(first, rows, label_set, *vectors_beside(checked)))
        part.labels |= label_set
        part.property_keys |= set(checked)
        stats.node(label_set, rows)
        self._pending_ranges.add(first, first + rows, label_set)
        self._pending_nodes += rows
        return np.arange(first, first + rows, dtype=np.int64)

    def _create_one_by_one(
        self, tx: WriteTransaction, labels: frozenset[int], columns: Columns, rows: int
    ) -> np.ndarray:
        created = [tx.create_node(labels, props) for props in row_maps(columns, rows)]
        self._pending_nodes += len(created)
        return np.asarray(created, dtype=np.int64)

    def unique_conflicts(
        self,
        labels: Iterable[int],
        properties: Sequence[Mapping[int, Any]] | None = None,
        *,
        columns: Columns | None = None,
    ) -> list[tuple[int, QueryRuntimeError]]:
        """The rows `create_nodes` would reject for a unique constraint, as (row, error).

        A row conflicts when a committed node, a node this load created, or an earlier
        row of the same call already holds its value.
        """
        tx, _ = self._open_part()
        indexes = [index for index in _indexes(tx, frozenset(labels)) if index.unique]
        given, rows = _as_columns(properties, columns, None)
        if not indexes or not rows:
            return []
        keys = sorted({key for index in indexes for key in index.property_key_ids})
        conflicts: list[tuple[int, QueryRuntimeError]] = []
        seen: dict[bytes, int] = {}
        for position in range(rows):
            values = row_values(given, keys, position)
            entries = [(index, entry_for(index, values, 0)) for index in indexes]
            for index, entry in entries:
                if entry is None:
                    continue
                owner = self._owner(tx, index, entry.key, seen)
                if owner is not None:
                    error = unique_violation(tx.catalog, index, owner, entry.value_key)
                    conflicts.append((position, error))
                    break
            else:
                for _, entry in entries:
                    if entry is not None:
                        seen[entry.key] = -1
        return conflicts

    def _owner(
        self, tx: WriteTransaction, index: IndexDef, key: bytes, seen: Mapping[bytes, int]
    ) -> int | None:
        part = self._part
        if key in seen:
            return seen[key]
        if part is not None and key in part.unique:
            return part.unique[key]
        return GraphView.unique_owner(tx, index, key)

    def _index_entries(
        self,
        tx: WriteTransaction,
        indexes: list[IndexDef],
        columns: Columns,
        keys: list[int],
        rows: int,
    ) -> list[tuple[int, IndexDef]]:
        """(row, index) of the entries the new nodes need; raises on a unique violation."""
        if not indexes:
            return []
        found: list[tuple[int, IndexDef]] = []
        seen: dict[bytes, int] = {}
        for position in range(rows):
            values = row_values(columns, keys, position)
            for index in indexes:
                entry = entry_for(index, values, 0)
                if entry is None:
                    continue
                if index.unique:
                    owner = self._owner(tx, index, entry.key, seen)
                    if owner is not None:
                        raise unique_violation(tx.catalog, index, owner, entry.value_key)
                    seen[entry.key] = -1
                found.append((position, index))
        return found

    # relationships -------------------------------------------------------------------------

    def create_relationships(
        self,
        type_id: int,
        starts: Sequence[int] | np.ndarray,
        ends: Sequence[int] | np.ndarray,
        properties: Sequence[Mapping[int, Any]] | None = None,
        *,
        columns: Columns | None = None,
    ) -> np.ndarray:
        """Create relationships of one type from `starts[i]` to `ends[i]`; their ids.

        Properties come as one map per relationship or as columns (see `create_nodes`).

        Raises:
            QueryRuntimeError: an end node does not exist or a property value is invalid;
                nothing is created then.
        """
        tx, part = self._open_part()
        _check_ids((type_id,), len(tx.catalog.types), "relationship type")
        start_ids, end_ids = as_ids(starts), as_ids(ends)
        count = len(start_ids)
        given, rows = _as_columns(properties, columns, count)
        if len(end_ids) != count or rows != count:
            raise InternalError("create_relationships needs aligned starts, ends and properties")
        _check_ids(given, len(tx.catalog.property_keys), "property key")
        checked = checked_columns(given, count)
        if not count:
            return _NO_IDS.copy()
        codes, label_sets, ours = self._endpoint_labels(tx, start_ids, end_ids)
        first = self._store.allocate_rel_ids(count)
        ids = np.arange(first, first + count, dtype=np.int64)
        part.add_relationships(RelRun(first, type_id, start_ids, end_ids, checked))
        part.types.add(type_id)
        for direction, nodes, neighbours, created in (
            (layout.OUT, start_ids, end_ids, ours[0]),
            (layout.IN, end_ids, start_ids, ours[1]),
        ):
            fresh = self._fresh(nodes, (direction, type_id), created)
            self._adjacency(tx, part, (direction, type_id), (nodes, neighbours, ids), fresh)
        _count_patterns(tx.overlay.stats, type_id, codes, label_sets)
        self._pending_relationships += count
        return ids

    def _endpoint_labels(
        self, tx: WriteTransaction, starts: np.ndarray, ends: np.ndarray
    ) -> tuple[np.ndarray, list[frozenset[int]], np.ndarray]:
        """Label-set codes of both ends, the sets, and which ends this load created.

        Codes and the mask have shape 2 x n (starts, ends). Checks that the ends exist.
        """
        both = np.concatenate([starts, ends])
        codes = np.full(len(both), -1, dtype=np.int64)
        ours = np.zeros(len(both), dtype=bool)
        known: dict[frozenset[int], int] = {}
        for ranges in (self._pending_ranges, self._ranges):
            if not ranges:
                continue
            located = ranges.locate(both)
            found = located >= 0
            ours |= found
            inside = found & (codes < 0)
            if inside.any():
                range_codes = np.asarray(
                    [known.setdefault(labels, len(known)) for labels in ranges.label_sets()],
                    dtype=np.int64,
                )
                codes[inside] = range_codes[located[inside]]
        unknown = codes < 0
        if unknown.any():
            others, inverse = np.unique(both[unknown], return_inverse=True)
            if others[0] < 0:
                raise _not_found(int(others[0]))
            exists = np.asarray(tx.nodes_exist(others), dtype=bool)
            if not exists.all():
                raise _not_found(int(others[~exists][0]))
            other_codes = np.asarray(
                [known.setdefault(frozenset(s or ()), len(known)) for s in tx.labels_of(others)],
                dtype=np.int64,
            )
            codes[unknown] = other_codes[inverse]
        sets = [labels for labels, _ in sorted(known.items(), key=lambda item: item[1])]
        return codes.reshape(2, -1), sets, ours.reshape(2, -1)

    def _fresh(self, nodes: np.ndarray, key: ListKey, created: np.ndarray) -> np.ndarray:
        """Mask of the nodes whose list `key` cannot exist yet.

        They are nodes this load created (`created`) whose list it never wrote.
        """
        written = self._written.get(key)
        if written is None or not len(written):
            return created
        position = np.minimum(np.searchsorted(written, nodes), len(written) - 1)
        fresh: np.ndarray = created & (written[position] != nodes)
        return fresh

    def _adjacency(
        self,
        tx: WriteTransaction,
        part: BulkPart,
        key: ListKey,
        pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
        fresh: np.ndarray,
    ) -> None:
        """Add (node, neighbour, relationship) `pairs` to the lists.

        Where `fresh`, to the new lists built whole; elsewhere, to the overlay's changes.
        """
        nodes, neighbours, ids = pairs
        if fresh.all():
            # the arrays are kept as they are (each direction shares them: no copies)
            part.lists.setdefault(key, Lists()).add(nodes, neighbours, ids)
            return
        if fresh.any():
            part.lists.setdefault(key, Lists()).add(nodes[fresh], neighbours[fresh], ids[fresh])
        if not fresh.all():
            stale = ~fresh
            overlay = tx.overlay
            direction, type_id = key
            for node_id, neighbour, rel_id in zip(
                nodes[stale].tolist(), neighbours[stale].tolist(), ids[stale].tolist(), strict=True
            ):
                overlay.list_change(node_id, direction, type_id).added[rel_id] = neighbour


def _check_ids(ids: Iterable[object], table_size: int, what: str) -> None:
    for item in ids:
        if not isinstance(item, int | np.integer) or not 0 <= int(item) < table_size:
            raise InternalError(f"unknown {what} id {item!r}")


def _indexes(tx: WriteTransaction, labels: frozenset[int]) -> list[IndexDef]:
    catalog = tx.catalog
    return [index for label in sorted(labels) for index in catalog.indexes_for_label(label)]


def _count_patterns(
    stats: StatsDelta, type_id: int, codes: np.ndarray, label_sets: list[frozenset[int]]
) -> None:
    width = max(len(label_sets), 1)
    tally = np.bincount(codes[0] * width + codes[1], minlength=width * width)
    values = np.flatnonzero(tally)
    counts = tally[values]
    for value, amount in zip(values.tolist(), counts.tolist(), strict=True):
        start, end = divmod(value, width)
        stats.relationship(type_id, label_sets[start], label_sets[end], amount)
