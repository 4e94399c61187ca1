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
from engram.execution.memory import POINTER, Holding, row_size, value_size
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
    """One aggregate: a fresh-accumulator factory, its compiled arguments, its span.

    `holds` names aggregates that keep their argument values (`'collect()'`, percentiles,
    DISTINCT) in memory-limit errors; the budget is charged for what they keep.
    """

    make: Callable[[], Accumulator]
    args: tuple[CompiledExpr, ...]
    origin: Span
    holds: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregateExec(PhysicalOp):
    """Group by `keys`, fold `aggregates`; output: key values then aggregate results."""

    child: PhysicalOp
    keys: tuple[CompiledExpr, ...]
    aggregates: tuple[AggregateCall, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        groups: dict[Any, tuple[Row, list[Accumulator]]] = {}
        held = ctx.memory.holding("Aggregate")
        try:
            yield from self._aggregate(ctx, arg, groups, held)
        finally:
            held.close()

    def _aggregate(
        self,
        ctx: ExecContext,
        arg: Row,
        groups: dict[Any, tuple[Row, list[Accumulator]]],
        held: Holding,
    ) -> Iterator[Batch]:
        keys, aggregates = self.keys, self.aggregates
        holding = [(i, call) for i, call in enumerate(aggregates) if call.holds]
        counts: dict[int, int] = {}
        for batch in self.child.run(ctx, arg):
            ctx.check()
            before = len(groups)
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
            if batch:
                _charge(ctx, held, batch, groups, before, holding, counts)
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


def _charge(
    ctx: ExecContext,
    held: Holding,
    batch: Batch,
    groups: dict[Any, tuple[Row, list[Accumulator]]],
    before: int,
    holding: list[tuple[int, AggregateCall]],
    counts: dict[int, int],
) -> None:
    """Hold a batch's new groups and the values that collecting aggregates keep.

    With few groups the kept values are counted exactly (`held()`); with many, every
    row of the batch is assumed kept (an upper bound, and no walk over the groups).
    """
    added = len(groups) - before
    nbytes = 0
    if added:
        values, states = next(reversed(groups.values()))
        # the dict entry, the identity and values tuples, the accumulators
        nbytes += added * (2 * row_size(values) + 120 + len(states) * 72)
    first = batch[0]
    for position, call in holding:
        try:
            each = POINTER + sum(value_size(argument(first, ctx)) for argument in call.args[:1])
        except QueryError:
            continue
        if len(groups) <= _EXACT_GROUPS:
            kept = sum(_held(group[1][position]) for group in groups.values())
            nbytes += (kept - counts.get(position, 0)) * each
            counts[position] = kept
        else:
            nbytes += len(batch) * each
        held.operator = call.holds
    if nbytes:
        held.add(nbytes)


def _held(state: Accumulator) -> int:
    counted = getattr(state, "held", None)
    return int(counted()) if counted is not None else 0


#: up to this many groups, the values collecting aggregates keep are counted exactly
_EXACT_GROUPS = 64
