"""Result, Plan and ResultStats: what a query gives back to Python.

A `Result` streams its rows lazily (read queries hold their snapshot until the rows are
consumed or the result is closed); rows already pulled are kept, so iterating twice or
calling `rows()` after a partial iteration sees every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from types import TracebackType
from typing import Any, Final

from engram.errors import EngramError
from engram.execution.gc_pause import gc_paused
from engram.planner.explain import PlanLine, render_lines
from engram.values import Node, Path, Relationship

__all__ = ["Plan", "Result", "ResultStats"]

#: rows charged to the memory budget at a time while a result buffers them
_HOLD_ROWS: Final = 1024


@dataclass(frozen=True, slots=True)
class ResultStats:
    """What a statement changed."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    properties_set: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0

    @property
    def contains_updates(self) -> bool:
        """Whether anything changed."""
        return any(getattr(self, name) for name in self.__slots__)

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return {name: getattr(self, name) for name in self.__slots__}

    def __getitem__(self, name: str) -> int:
        if name not in self.__slots__:
            raise KeyError(name)
        value: int = getattr(self, name)
        return value


@dataclass(frozen=True, slots=True)
class Plan:
    """A query plan: operator lines (with estimates, and actuals under PROFILE) and notes.

    `str(plan)` is the rendered tree; `plan.lines` the structured form.
    """

    lines: tuple[PlanLine, ...]
    notes: tuple[str, ...] = ()
    profiled: bool = False

    def __str__(self) -> str:
        return render_lines(list(self.lines), list(self.notes))

    def render(self, *, timings: bool = True) -> str:
        """The rendered tree; `timings=False` leaves out times (stable for tests)."""
        return render_lines(list(self.lines), list(self.notes), timings=timings)

    @property
    def columns(self) -> list[str]:
        """Columns of the plan as a result."""
        base = ["operator", "details", "estimated_rows"]
        return [*base, "rows", "reads", "time_ms"] if self.profiled else base

    def rows(self) -> list[tuple[Any, ...]]:
        """The plan as result rows, one per operator (operator names indented by depth)."""
        out = []
        for line in self.lines:
            row: tuple[Any, ...] = (
                "  " * line.depth + line.operator,
                line.details,
                None if line.estimated_rows is None else round(line.estimated_rows, 2),
            )
            if self.profiled:
                time_ms = None if line.time_ms is None else round(line.time_ms, 3)
                row += (line.rows, line.reads, time_ms)
            out.append(row)
        return out


class Result:
    """The rows of a query, streamed; also its columns, statistics and (PROFILE) plan."""

    def __init__(
        self,
        columns: list[str],
        rows: Iterator[tuple[Any, ...]],
        stats: ResultStats | Callable[[], ResultStats],
        *,
        plan: Plan | Callable[[], Plan | None] | None = None,
        on_close: Callable[[], None] | None = None,
        hold: Callable[[list[tuple[Any, ...]]], None] | None = None,
    ) -> None:
        self.columns = columns
        self._source: Iterator[tuple[Any, ...]] | None = rows
        self._buffer: list[tuple[Any, ...]] = []
        self._stats = stats
        self._plan = plan
        self._on_close = on_close
        #: charges rows the result keeps to the statement's memory budget (may raise)
        self._hold = hold
        self._unheld = 0  # rows buffered one by one and not charged yet

    # -- rows ----------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        position = 0
        while True:
            if position < len(self._buffer):
                yield self._buffer[position]
                position += 1
                continue
            if not self._pull():
                return

    def _pull(self) -> bool:
        if self._source is None:
            return False
        try:
            row = next(self._source)
        except StopIteration:
            self.close()
            return False
        except BaseException:
            self.close()
            raise
        self._buffer.append(row)
        if self._hold is not None:
            self._unheld += 1
            if self._unheld >= _HOLD_ROWS:
                self._hold_last(self._unheld)
        return True

    def _hold_last(self, count: int) -> None:
        """Charge the last `count` buffered rows (closing the result if they do not fit)."""
        self._unheld = 0
        assert self._hold is not None
        try:
            self._hold(self._buffer[-count:])
        except BaseException:
            self.close()
            raise

    def stream(self) -> Iterator[tuple[Any, ...]]:
        """The rows not read yet, without keeping them (memory stays flat on huge results).

        Rows read this way are gone: a later `rows()` or iteration sees only rows that
        neither has read. The snapshot is released when the rows run out (or on `close`).
        """
        kept, self._buffer = self._buffer, []
        yield from kept
        while self._source is not None:
            try:
                row = next(self._source)
            except StopIteration:
                self.close()
                return
            except BaseException:
                self.close()
                raise
            yield row

    def rows(self) -> list[tuple[Any, ...]]:
        """Every row, as tuples."""
        self._drain()
        return list(self._buffer)

    def _drain(self) -> None:
        """Read every remaining row into the buffer at once (and release the source)."""
        if self._source is None:
            return
        try:
            # the rows all stay alive: collections on the way would only walk them (and
            # every other object of the process) again and again
            with gc_paused():
                self._buffer_rest()
        finally:
            self.close()

    def _buffer_rest(self) -> None:
        """Buffer every remaining row, charging them to the memory budget chunk by chunk."""
        hold, source = self._hold, self._source
        assert source is not None
        if hold is None:
            self._buffer.extend(source)
            return
        if self._unheld:
            self._hold_last(self._unheld)
        while True:
            chunk = list(islice(source, _HOLD_ROWS))
            if not chunk:
                return
            hold(chunk)
            self._buffer.extend(chunk)
            if len(chunk) < _HOLD_ROWS:
                return

    def dicts(self) -> list[dict[str, Any]]:
        """Every row, as dicts from column name to value."""
        columns = self.columns
        return [dict(zip(columns, row, strict=True)) for row in self.rows()]

    def single(self) -> tuple[Any, ...]:
        """The only row; an error when there are none or several."""
        rows = []
        for row in self:
            rows.append(row)
            if len(rows) > 1:
                break
        if len(rows) != 1:
            found = "no rows" if not rows else "more than one row"
            raise EngramError(f"expected exactly one row, got {found}")
        return rows[0]

    def scalar(self) -> Any:
        """The first value of the only row."""
        return self.single()[0]

    # -- metadata ------------------------------------------------------------------------------

    @property
    def stats(self) -> ResultStats:
        """What the statement changed (complete once every row has been read)."""
        if callable(self._stats):
            return self._stats()
        return self._stats

    @property
    def plan(self) -> Plan | None:
        """The profiled plan (for `db.profile`), complete once every row has been read."""
        if callable(self._plan):
            return self._plan()
        return self._plan

    # -- conversions ---------------------------------------------------------------------------

    def to_pandas(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas
        except ImportError:
            raise EngramError("to_pandas() needs pandas: pip install pandas") from None
        return pandas.DataFrame(self.rows(), columns=self.columns)

    def to_networkx(self) -> Any:
        """Nodes, relationships and paths in the rows as a networkx.MultiDiGraph."""
        import networkx

        graph = networkx.MultiDiGraph()
        for row in self:
            for value in row:
                _add_to_graph(graph, value)
        return graph

    # -- lifecycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop reading and release the snapshot (rows already read stay available)."""
        source, self._source = self._source, None
        if source is not None:
            close = getattr(source, "close", None)
            if close is not None:
                close()
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()

    def __enter__(self) -> Result:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<engram.Result columns={self.columns}>"


def _add_to_graph(graph: Any, value: Any) -> None:
    from engram.graphs import edge_attributes, node_attributes

    if isinstance(value, Node):
        graph.add_node(value.id, **node_attributes(value.labels, value.properties))
    elif isinstance(value, Relationship):
        attributes = edge_attributes(value.type, value.properties)
        graph.add_edge(value.start, value.end, key=value.id, **attributes)
    elif isinstance(value, Path):
        for node in value.nodes:
            _add_to_graph(graph, node)
        for rel in value.relationships:
            _add_to_graph(graph, rel)
    elif isinstance(value, list):
        for item in value:
            _add_to_graph(graph, item)
    elif isinstance(value, dict):
        for item in value.values():
            _add_to_graph(graph, item)
