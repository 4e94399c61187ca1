"""Frames: rows held as aligned numpy columns, one per symbol, and the chain's row steps.

Nodes are int64 id columns, relationships four int64 columns (id, type, start, end);
-1 stands for null. Other values (outer-row arguments) are object columns. A frame
also remembers labels every node of a column is known to carry (from the scan or a
label filter), so property reads can use that label's column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engram.binder.bound import Symbol, VarKind
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, RelRef
from engram.execution.physical import Batch, Row
from engram.execution.reach import reachable
from engram.planner import operators as lp
from engram.storage.derived import PropertyColumn

__all__ = ["Columns", "Frame", "RelColumn", "Unvectorizable"]

_NO_IDS = np.empty(0, dtype=np.int64)


class Unvectorizable(Exception):
    """The data cannot be handled on columns (mixed types, lists): run the row plan."""


@dataclass(frozen=True, slots=True)
class RelColumn:
    """Relationships as aligned id, type, start and end arrays (-1 ids: null)."""

    ids: np.ndarray
    types: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    def take(self, index: np.ndarray) -> RelColumn:
        """The rows at `index`."""
        return RelColumn(self.ids[index], self.types[index], self.starts[index], self.ends[index])

    def ref(self, i: int) -> RelRef | None:
        """The relationship of row `i`."""
        rel = int(self.ids[i])
        if rel < 0:
            return None
        return RelRef(rel, int(self.types[i]), int(self.starts[i]), int(self.ends[i]))


@dataclass(slots=True)
class Frame:
    """Rows as columns; every column has `size` entries."""

    size: int
    nodes: dict[Symbol, np.ndarray] = field(default_factory=dict)
    rels: dict[Symbol, RelColumn] = field(default_factory=dict)
    values: dict[Symbol, np.ndarray] = field(default_factory=dict)
    labels: dict[Symbol, frozenset[str]] = field(default_factory=dict)

    @property
    def nbytes(self) -> int:
        """Bytes of the frame's arrays (object columns: their slots and a value each)."""
        total = sum(int(column.nbytes) for column in self.nodes.values())
        total += sum(4 * int(column.ids.nbytes) for column in self.rels.values())
        total += sum(int(column.nbytes) * 5 for column in self.values.values())
        return total

    @classmethod
    def of_nodes(cls, symbol: Symbol, ids: np.ndarray, label: str | None) -> Frame:
        """One node column (from a scan)."""
        labels = {symbol: frozenset({label})} if label is not None else {}
        return cls(int(ids.shape[0]), {symbol: ids}, labels=labels)

    @classmethod
    def of_rows(cls, fields: tuple[Symbol, ...], batches: Iterator[Batch]) -> Frame:
        """The rows of a row plan, turned into columns by the kinds of `fields`."""
        rows = [row for batch in batches for row in batch]
        frame = cls(len(rows))
        for slot, symbol in enumerate(fields):
            cells = [row[slot] for row in rows]
            if symbol.kind == VarKind.NODE and _all_are(cells, NodeRef):
                frame.nodes[symbol] = np.fromiter(
                    (-1 if c is None else c.id for c in cells), dtype=np.int64, count=len(cells)
                )
            elif symbol.kind == VarKind.RELATIONSHIP and _all_are(cells, RelRef):
                frame.rels[symbol] = _rel_column(cells)
            else:
                column = np.empty(len(cells), dtype=object)
                column[:] = cells
                frame.values[symbol] = column
        return frame

    def take(self, index: np.ndarray) -> Frame:
        """The rows at `index` (a boolean mask or positions), in that order."""
        size = int(index.sum()) if index.dtype == bool else int(index.shape[0])
        return Frame(
            size,
            {s: c[index] for s, c in self.nodes.items()},
            {s: c.take(index) for s, c in self.rels.items()},
            {s: c[index] for s, c in self.values.items()},
            dict(self.labels),
        )

    def row(self, i: int, fields: tuple[Symbol, ...]) -> Row:
        """Row `i` as the row engine lays it out over `fields`."""
        return tuple(self._cell(symbol, i) for symbol in fields)

    def _cell(self, symbol: Symbol, i: int) -> Any:
        node = self.nodes.get(symbol)
        if node is not None:
            return None if node[i] < 0 else NodeRef(int(node[i]))
        rel = self.rels.get(symbol)
        if rel is not None:
            return rel.ref(i)
        values = self.values.get(symbol)
        return None if values is None else values[i]  # a column nothing reads was left out

    def expand(
        self,
        ctx: ExecContext,
        source: Symbol,
        rel: Symbol,
        target: Symbol,
        direction: str,
        types: tuple[str, ...],
        into: bool,
        keep_rel: bool = True,
    ) -> Frame:
        """One hop from `source`: a row per relationship (only to `target` with `into`).

        Without `keep_rel` the relationship column is left out (nothing reads it).
        """
        start = self.nodes[source]
        keep = start >= 0
        if into:
            keep &= self.nodes[target] >= 0
        frame = self if bool(keep.all()) else self.take(keep)
        ids = frame.nodes[source]
        index, neighbour, rel_ids, type_ids, outgoing = ctx.graph.expand(ids, direction, types)
        if into:
            hits = neighbour == frame.nodes[target][index]
            index, neighbour, rel_ids = index[hits], neighbour[hits], rel_ids[hits]
            type_ids, outgoing = type_ids[hits], outgoing[hits]
        out = frame.take(index)
        if keep_rel:
            origin = ids[index]
            out.rels[rel] = RelColumn(
                rel_ids,
                type_ids,
                np.where(outgoing, origin, neighbour),
                np.where(outgoing, neighbour, origin),
            )
        if not into:
            out.nodes[target] = neighbour
            out.labels.pop(target, None)
        return out

    def reach(self, ctx: ExecContext, op: lp.VarExpand) -> Frame:
        """Each node reachable from `op.source` (breadth first), once per row."""
        sources = self.nodes[op.source]
        found: dict[int, np.ndarray] = {}
        parts_index: list[np.ndarray] = []
        parts_ends: list[np.ndarray] = []
        direction = op.direction.value
        for row, start in enumerate(sources.tolist()):
            if start < 0:
                continue
            ends = found.get(start)
            if ends is None:
                ends = reachable(ctx, start, direction, op.types, op.min, op.max)
                found[start] = ends
            parts_index.append(np.full(ends.shape[0], row, dtype=np.int64))
            parts_ends.append(ends)
        index = np.concatenate(parts_index) if parts_index else _NO_IDS
        out = self.take(index)
        out.nodes[op.target] = np.concatenate(parts_ends) if parts_ends else _NO_IDS
        out.labels.pop(op.target, None)
        nulls = np.empty(out.size, dtype=object)
        out.values[op.rel] = nulls
        return out

    def column(self, columns: Columns, symbol: Symbol, key: str) -> PropertyColumn:
        """The property column `symbol.key` reads from (its known label's, or every node's)."""
        labels = self.labels.get(symbol)
        return columns.get(min(labels) if labels else None, key)

    def property(
        self, columns: Columns, symbol: Symbol, key: str
    ) -> tuple[np.ndarray, np.ndarray, str]:
        """(values, present, kind) of `symbol.key` for every row."""
        ids = self.nodes[symbol]
        column = self.column(columns, symbol, key)
        if column.kind == "object":
            raise Unvectorizable(f"property {key!r} holds values of several types")
        values, present = column.lookup(ids)
        return values, present & (ids >= 0), column.kind


class Columns:
    """Property columns read by one run of a columnar operator (each read once per run)."""

    __slots__ = ("_ctx", "_found")

    def __init__(self, ctx: ExecContext) -> None:
        self._ctx = ctx
        self._found: dict[tuple[str | None, str], PropertyColumn] = {}

    def get(self, label: str | None, key: str) -> PropertyColumn:
        """The column of `key` over the nodes with `label` (None: every node)."""
        found = self._found.get((label, key))
        if found is None:
            found = self._ctx.graph.property_column(label, key)
            self._found[(label, key)] = found
        return found


def _all_are(cells: list[Any], kind: type) -> bool:
    return all(cell is None or type(cell) is kind for cell in cells)


def _rel_column(cells: list[Any]) -> RelColumn:
    count = len(cells)
    arrays = [np.full(count, -1, dtype=np.int64) for _ in range(4)]
    for i, cell in enumerate(cells):
        if cell is not None:
            arrays[0][i], arrays[1][i] = cell.id, cell.type_id
            arrays[2][i], arrays[3][i] = cell.start, cell.end
    return RelColumn(*arrays)
