"""Hash aggregation: group rows by key values (openCypher equivalence), fold aggregates.

Without grouping keys there is exactly one output row, even for empty input (`count(*)`
of nothing is 0). Group keys keep the first value seen for each group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from engram.errors import QueryError, Span
from engram.execution.context import ExecContext
from engram.execution.expressions import CompiledExpr, _located
from engram.execution.functions.spec import Accumulator
from engram.execution.ordering import group_key
from engram.execution.physical import Batch, PhysicalOp, Row, batched

__all__ = ["AggregateCall", "AggregateExec", "CountStar"]


class CountStar:
    """`count(*)`: counts rows, nulls included."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0

    def add(self, *args: Any) -> None:
        """One more row."""
        self.count += 1

    def result(self) -> int:
        """The number of rows."""
        return self.count


@dataclass(frozen=True, slots=True)
class AggregateCall:
    """One aggregate: a fresh-accumulator factory, its compiled arguments, its span."""

    make: Callable[[], Accumulator]
    args: tuple[CompiledExpr, ...]
    origin: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateExec(PhysicalOp):
    """Group by `keys`, fold `aggregates`; output: key values then aggregate results."""

    child: PhysicalOp
    keys: tuple[CompiledExpr, ...]
    aggregates: tuple[AggregateCall, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        keys, aggregates = self.keys, self.aggregates
        groups: dict[Any, tuple[Row, list[Accumulator]]] = {}
        for batch in self.child.run(ctx, arg):
            ctx.check()
            for row in batch:
                values = tuple(key(row, ctx) for key in keys)
                identity = tuple(group_key(v) for v in values) if keys else ()
                group = groups.get(identity)
                if group is None:
                    group = (values, [call.make() for call in aggregates])
                    groups[identity] = group
                for call, state in zip(aggregates, group[1], strict=True):
                    try:
                        state.add(*[argument(row, ctx) for argument in call.args])
                    except QueryError as error:
                        raise _located(error, call.origin) from None
        if not groups and not keys:
            groups[()] = ((), [call.make() for call in aggregates])

        def rows() -> Iterator[Row]:
            for values, states in groups.values():
                results = []
                for call, state in zip(aggregates, states, strict=True):
                    try:
                        results.append(state.result())
                    except QueryError as error:
                        raise _located(error, call.origin) from None
                yield (*values, *results)

        yield from batched(rows())
