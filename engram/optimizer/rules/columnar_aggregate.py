"""Run an aggregation and the scans, expansions and filters under it on numpy columns.

Why: a whole-graph aggregation (`MATCH (p:Person)-[:LIVES_IN]->(c) RETURN c.name,
count(p)`) touches every node of a label; row tuples cost microseconds per row and
operator, while columns of node ids, property values and masks cost nanoseconds. The
columnar engine groups by node ids, reads properties from per-version property columns,
and evaluates predicates in three-valued logic over masks (`engram.execution.columnar`).
Data it cannot answer exactly (a property holding several types) makes it hand the
query to the row operators below it, so results never depend on this rule.

Before::

    Aggregate: keys=c.name AS city, aggregates=count(p) AS persons
      Filter: predicate=p:Person
        Expand: pattern=(c)<-[:LIVES_IN]-(p)
          LabelScan: node=c:City

After::

    Aggregate: keys=c.name AS city, aggregates=count(p) AS persons, mode=columnar
      Filter: predicate=p:Person
        Expand: pattern=(c)<-[:LIVES_IN]-(p)
          LabelScan: node=c:City
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from engram.execution.columnar import columnar_chain
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.planner.operators import Aggregate, LogicalOp

__all__ = ["ColumnarAggregate"]


class ColumnarAggregate:
    """Mark an Aggregate whose input chain the columnar engine supports."""

    name: ClassVar[str] = "columnar_aggregate"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Set `columnar` on a supported Aggregate."""
        if isinstance(op, Aggregate) and not op.columnar and columnar_chain(op) is not None:
            return replace(op, columnar=True)
        return None
