"""PhysicalOp base: batches of row tuples pulled through generators, with profiling.

Every physical operator keeps the logical operator it was lowered from (EXPLAIN and
PROFILE render from it), its inputs, and whatever lowering compiled for it. Operators
pull from `child.run(ctx, arg)`; `arg` is the outer row of a nested plan (the `Start`
leaf emits it) and the empty tuple at the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engram.execution.context import ExecContext
from engram.planner.operators import LogicalOp

__all__ = ["BATCH_SIZE", "Batch", "PhysicalOp", "Row", "batched"]

Row = tuple[Any, ...]
Batch = list[Row]

#: rows per batch produced by scans and expansions
BATCH_SIZE = 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class PhysicalOp:
    """Base of physical operators."""

    logical: LogicalOp = field(compare=False, repr=False)

    @property
    def children(self) -> tuple[PhysicalOp, ...]:
        """Direct inputs, for EXPLAIN and PROFILE."""
        child = getattr(self, "child", None)
        return () if child is None else (child,)

    @property
    def nested(self) -> tuple[PhysicalOp, ...]:
        """Nested plans run per row (OPTIONAL MATCH, MERGE, FOREACH), for EXPLAIN."""
        return ()

    @property
    def fused(self) -> tuple[LogicalOp, ...]:
        """Logical operators below `logical` that this operator runs too, for EXPLAIN."""
        return ()

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        """Produce the output batches (never empty lists)."""
        raise NotImplementedError

    def run(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        """`execute`, counted by the profiler when PROFILE is on."""
        if ctx.profiler is None:
            return self.execute(ctx, arg)
        return ctx.profiler.wrap(self, self.execute(ctx, arg))


def batched(rows: Iterator[Row], size: int = BATCH_SIZE) -> Iterator[Batch]:
    """Group rows into batches of at most `size`."""
    batch: Batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
