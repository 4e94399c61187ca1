"""Hash joins: the right side runs once into a hash table, the input rows probe it."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass

from engram.execution.context import ExecContext
from engram.execution.expressions import CompiledExpr
from engram.execution.memory import Holding, batch_size
from engram.execution.ordering import join_key
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row

__all__ = ["ValueHashJoinExec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueHashJoinExec(PhysicalOp):
    """Rows of `child` joined with rows of `right` on `left_key = right_key`.

    Keys use Cypher equality (`join_key`): a null (or NaN, or a list holding one) joins
    nothing, and 1 joins 1.0.
    """

    child: PhysicalOp
    right: PhysicalOp
    left_key: CompiledExpr
    right_key: CompiledExpr

    @property
    def children(self) -> tuple[PhysicalOp, ...]:
        return (self.child, self.right)

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        held = ctx.memory.holding("ValueHashJoin (hash table)")
        try:
            yield from self._join(ctx, arg, self._table(ctx, held))
        finally:
            held.close()

    def _table(self, ctx: ExecContext, held: Holding) -> dict[Hashable, list[Row]]:
        table: dict[Hashable, list[Row]] = {}
        for batch in self.right.run(ctx, ()):
            ctx.check()
            for row in batch:
                key = join_key(self.right_key(row, ctx))
                if key is not None:
                    table.setdefault(key, []).append(row)
            # each row, its key and its slot in a bucket list
            held.add(batch_size(batch) + 120 * len(batch))
        return table

    def _join(
        self, ctx: ExecContext, arg: Row, table: dict[Hashable, list[Row]]
    ) -> Iterator[Batch]:
        if not table:
            for _ in self.child.run(ctx, arg):
                pass
            return
        out: Batch = []
        for batch in self.child.run(ctx, arg):
            ctx.check()
            for row in batch:
                key = join_key(self.left_key(row, ctx))
                if key is None:
                    continue
                for match in table.get(key, ()):
                    out.append((*row, *match))
                if len(out) >= BATCH_SIZE:
                    yield out
                    out = []
        if out:
            yield out
