"""Variable-length expansions under DISTINCT-only aggregation become reachability.

Why: `MATCH (a {id: $id})-[:KNOWS*1..3]->(c) RETURN count(DISTINCT c)` enumerates every
trail (degree^3 of them) only to keep each end once. When the aggregation cannot see
multiplicities (every aggregate is DISTINCT, or min / max) and nothing reads the
relationship list, a breadth-first search gives the same distinct ends while touching
each node once. Directed expansions only: there, the ends of trails of 1..n hops are
exactly the nodes at walk distance 1..n (`engram.execution.reach`); undirected walks
may reuse a relationship, trails may not.

Before::

    Aggregate: aggregates=count(DISTINCT c) AS reach
      Filter: predicate=c <> a
        VarExpand: pattern=(a)-[:KNOWS*1..3]->(c)

After::

    Aggregate: aggregates=count(DISTINCT c) AS reach
      Filter: predicate=c <> a
        VarExpand: pattern=(a)-[:KNOWS*1..3]->(c), targets=distinct (breadth first)
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from engram.binder.bound import BAggregate, Direction, Symbol
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.planner.expressions import symbols_read
from engram.planner.operators import Aggregate, Filter, LogicalOp, VarExpand

__all__ = ["DistinctReachability"]


class DistinctReachability:
    """Mark a VarExpand whose path multiplicity no aggregate above it can observe."""

    name: ClassVar[str] = "distinct_reachability"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Rewrite Aggregate(Filter*(VarExpand)) when the conditions hold."""
        if not isinstance(op, Aggregate) or not op.aggregates:
            return None
        if not all(_blind_to_duplicates(call) for _, call in op.aggregates):
            return None
        filters: list[Filter] = []
        current = op.child
        while isinstance(current, Filter):
            filters.append(current)
            current = current.child
        if not isinstance(current, VarExpand) or not _eligible(current):
            return None
        if current.rel in _read_above(op, filters):
            return None
        rebuilt: LogicalOp = replace(current, distinct_targets=True)
        for step in reversed(filters):
            rebuilt = replace(step, child=rebuilt)
        return replace(op, child=rebuilt)


def _blind_to_duplicates(call: BAggregate) -> bool:
    return not call.star and (call.distinct or call.spec.name in ("min", "max"))


def _eligible(op: VarExpand) -> bool:
    return (
        not op.distinct_targets
        and not op.into
        and op.direction != Direction.BOTH
        and op.min <= 1
        and op.rel_predicate is None
    )


def _read_above(op: Aggregate, filters: list[Filter]) -> frozenset[Symbol]:
    projected = [expr for _, expr in (*op.keys, *op.aggregates)]
    return symbols_read([*projected, *(p for step in filters for p in step.predicates)])
