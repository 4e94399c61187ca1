"""Turn each MatchPattern into scans, seeks, expansions and filters, by estimated cost.

Why: the start point of a pattern, the direction of each expansion and the use of an
index decide the cost of a graph query by orders of magnitude. The greedy strategy
(`optimizer.cost.strategy`) scores every possible next step from the statistics.

Before::

    MatchPattern: (p:Person)-[:LIVES_IN]->(c:City {name: $n})

After (an index on :City(name), 100 cities, 100,000 people)::

    Filter: p:Person
      Expand: (c)<-[:LIVES_IN]-(p)
        IndexSeek: c:City(name) = $n
"""

from __future__ import annotations

from typing import ClassVar

from engram.binder.bound import BBinary, BProperty, BVariable
from engram.optimizer.cost.strategy import CostStrategy
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.parser.ast import BinaryOp
from engram.planner.operators import LogicalOp, MatchPattern
from engram.planner.patterns import PatternBuilder, ScanStep

__all__ = ["PlanPatterns"]


class PlanPatterns:
    """MatchPattern -> operator chain chosen by the cost-based strategy."""

    name: ClassVar[str] = "plan_patterns"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Plan a MatchPattern; leave everything else."""
        if not isinstance(op, MatchPattern):
            return None
        builder = PatternBuilder(op, indexes=ctx.indexes)
        strategy = CostStrategy(ctx.statistics)
        planned = builder.build(strategy)
        _advise(op, strategy, ctx)
        return planned


def _advise(op: MatchPattern, strategy: CostStrategy, ctx: RuleContext) -> None:
    """Note label scans filtered by property equality that an index would turn into seeks."""
    indexed = {(index.label, index.keys[0]) for index in ctx.indexes}
    scanned = {
        step.node: step.label
        for step, _ in strategy.choices
        if isinstance(step, ScanStep) and step.operator == "label"
    }
    for pattern in op.patterns:
        for node in pattern.nodes:
            if node.properties is not None and node.symbol in scanned:
                for key in _map_keys(node.properties):
                    _note(ctx, scanned[node.symbol], key, indexed)
    for predicate in op.predicates:
        match predicate:
            case BBinary(op=BinaryOp.EQ, left=BProperty(subject=BVariable(symbol=s), key=key)):
                if s in scanned:
                    _note(ctx, scanned[s], key, indexed)


def _map_keys(properties: object) -> list[str]:
    entries = getattr(properties, "entries", ())
    return [key for key, _ in entries]


def _note(ctx: RuleContext, label: str | None, key: str, indexed: set[tuple[str, str]]) -> None:
    if label is None or (label, key) in indexed:
        return
    note = (
        f"no index on :{label}({key}); `CREATE INDEX FOR (n:{label}) ON (n.{key})` would turn "
        f"the scan of :{label} into a seek"
    )
    if note not in ctx.notes:
        ctx.notes.append(note)
