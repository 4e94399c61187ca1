"""ORDER BY: a full stable sort, and Top (ORDER BY ... LIMIT) with a bounded heap."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from engram.errors import Span
from engram.execution.context import ExecContext
from engram.execution.expressions import CompiledExpr
from engram.execution.memory import POINTER, batch_size, value_size
from engram.execution.operators.relational import count_argument
from engram.execution.ordering import order_key, sort_key, sort_values
from engram.execution.physical import Batch, PhysicalOp, Row, batched

__all__ = ["SortExec", "TopExec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SortExec(PhysicalOp):
    """Materialise and sort by each (expression, descending) item; stable."""

    child: PhysicalOp
    items: tuple[tuple[CompiledExpr, bool], ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        keyed: list[tuple[list[Any], Row]] = []
        held = ctx.memory.holding("Sort (ORDER BY)")
        try:
            for batch in self.child.run(ctx, arg):
                ctx.check()
                start = len(keyed)
                for row in batch:
                    keyed.append(([order_key(e(row, ctx)) for e, _ in self.items], row))
                if len(keyed) > start:  # the rows, a (keys, row) pair and a key list per row
                    held.add(batch_size(batch) + len(batch) * _entry_size(keyed[start][0]))
            # one stable pass per item, last item first
            for position in range(len(self.items) - 1, -1, -1):
                descending = self.items[position][1]
                keyed.sort(key=lambda entry: entry[0][position], reverse=descending)
            yield from batched(row for _, row in keyed)
        finally:
            held.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class TopExec(PhysicalOp):
    """The first `skip + limit` rows in sort order through a heap, then skip."""

    child: PhysicalOp
    items: tuple[tuple[CompiledExpr, bool], ...]
    limit: CompiledExpr
    skip: CompiledExpr | None
    origin: Span

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        limit = count_argument(self.limit((), ctx), self.origin, "LIMIT")
        skip = 0 if self.skip is None else count_argument(self.skip((), ctx), self.origin, "SKIP")
        if limit == 0:
            return
        wanted = limit + skip
        if wanted > _HEAP_FROM:
            yield from self._heap(ctx, arg, wanted, skip)
            return
        # sort a bounded buffer (a stable sort per item, fast on plain columns) and keep
        # its first `wanted` rows whenever it grows past the bound: ties keep input order
        keys = [(_evaluator(expr, ctx), desc) for expr, desc in self.items]
        bound = max(4 * wanted, _BUFFER)
        buffer: list[Row] = []
        held = ctx.memory.holding("Top (ORDER BY ... LIMIT)")
        try:
            for batch in self.child.run(ctx, arg):
                ctx.check()
                buffer.extend(batch)
                if len(buffer) > bound:
                    del sort_values(buffer, keys)[wanted:]
                if batch:
                    held.resize(len(buffer) * batch_size(batch) // len(batch))
            sort_values(buffer, keys)
            yield from batched(iter(buffer[skip:wanted]))
        finally:
            held.close()

    def _heap(self, ctx: ExecContext, arg: Row, wanted: int, skip: int) -> Iterator[Batch]:
        descending = [desc for _, desc in self.items]
        heap: list[tuple[Any, int, Row]] = []
        counter = 0
        held = ctx.memory.holding("Top (ORDER BY ... LIMIT)")
        try:
            for batch in self.child.run(ctx, arg):
                ctx.check()
                for row in batch:
                    key = sort_key([e(row, ctx) for e, _ in self.items], descending)
                    counter += 1
                    entry = (_Reversed(key), -counter, row)
                    if len(heap) < wanted:
                        heapq.heappush(heap, entry)
                    elif entry[0] > heap[0][0]:
                        heapq.heapreplace(heap, entry)
                if batch:
                    each = batch_size(batch) // len(batch) + _entry_size(heap[0][0].key)
                    held.resize(len(heap) * each)
            ordered = sorted(heap, key=lambda entry: (entry[0].key, -entry[1]))
            yield from batched(row for _, _, row in ordered[skip:])
        finally:
            held.close()


#: rows kept in Top's buffer before it is cut back (at least four times the limit)
_BUFFER = 4096
#: from this many wanted rows on, a heap (which holds only those) replaces the buffer
_HEAP_FROM = 100_000


def _entry_size(key: Any) -> int:
    # the (keys, row) pair or heap entry around a row, and its sort key
    return 64 + 2 * POINTER + value_size(key)


def _evaluator(expr: CompiledExpr, ctx: ExecContext) -> Callable[[Row], Any]:
    def value_of(row: Row) -> Any:
        return expr(row, ctx)

    return value_of


class _Reversed:
    """Max-heap adapter: the heap keeps the `wanted` smallest keys by evicting the largest."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(other.key < self.key)

    def __gt__(self, other: _Reversed) -> bool:
        return bool(other.key > self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash(self.key)
