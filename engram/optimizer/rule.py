"""The rule protocol and the driver: traversal, fixpoint passes, verification, disabling.

Rules look at one operator (and its direct inputs) and return a replacement or None.
The driver walks the plan in the rule's `order`, including nested plans (OPTIONAL MATCH
bodies, MERGE patterns, FOREACH bodies, EXISTS and pattern-comprehension plans inside
expressions), repeats all rules until nothing changes or `max_passes` is reached, and
verifies invariants after each change when `verify` is on.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar, Protocol

from engram import deadline
from engram.binder.bound import BExpr, Symbol
from engram.errors import EngramError, InternalError
from engram.optimizer.cost.cardinality import GraphStatistics
from engram.optimizer.cost.vector import VectorIndexInfo
from engram.planner.expressions import transform
from engram.planner.operators import LogicalOp, PlanCollect, PlanExists, PlanUnique
from engram.planner.patterns import IndexInfo

__all__ = ["ApplyOrder", "Rule", "RuleContext", "run_rules"]


class ApplyOrder(enum.Enum):
    """Where a rule is tried first."""

    TOP_DOWN = "top_down"
    BOTTOM_UP = "bottom_up"


class Rule(Protocol):
    """One local rewrite."""

    name: ClassVar[str]
    order: ClassVar[ApplyOrder]

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """A replacement for `op`, or None to keep it."""
        ...


@dataclass
class RuleContext:
    """What rules may read: statistics, indexes, switches; where they leave notes."""

    statistics: GraphStatistics
    indexes: tuple[IndexInfo, ...] = ()
    disabled: frozenset[str] = frozenset()
    max_passes: int = 4
    verify: bool = False
    observer: Callable[[str, LogicalOp], None] | None = None
    #: remarks for EXPLAIN ("no index on :Person(email); CREATE INDEX ... would help")
    notes: list[str] = field(default_factory=list)
    #: the vector indexes (use_vector_index)
    vector_indexes: tuple[VectorIndexInfo, ...] = ()

    def enabled(self, rule: Rule) -> bool:
        """Whether the rule runs."""
        return "*" not in self.disabled and rule.name not in self.disabled


def run_rules(plan: LogicalOp, rules: tuple[Rule, ...], ctx: RuleContext) -> LogicalOp:
    """Apply `rules` in order, pass after pass, until the plan stops changing."""
    from engram.optimizer.verify import verify

    for _ in range(ctx.max_passes):
        before = plan
        for rule in rules:
            if not ctx.enabled(rule):
                continue
            deadline.check()
            try:
                rewritten = _traverse(plan, rule, ctx)
            except (EngramError, RecursionError):
                raise  # the engine reports a plan too deep to compile
            except Exception as error:
                raise InternalError(f"optimizer rule {rule.name!r} failed: {error}") from error
            # identity first: an unchanged plan comes back as the same object, and
            # comparing two deep plans field by field is slow
            if rewritten is not plan and rewritten != plan:
                if ctx.verify:
                    verify(plan, rewritten, rule.name)
                if ctx.observer is not None:
                    ctx.observer(rule.name, rewritten)
                plan = rewritten
        if plan is before or plan == before:
            break
    return plan


def _traverse(op: LogicalOp, rule: Rule, ctx: RuleContext) -> LogicalOp:
    deadline.check()
    if rule.order is ApplyOrder.TOP_DOWN:
        op = rule.apply(op, ctx) or op
        return _map_inputs(op, lambda child: _traverse(child, rule, ctx))
    op = _map_inputs(op, lambda child: _traverse(child, rule, ctx))
    return rule.apply(op, ctx) or op


def _map_inputs(op: LogicalOp, fn: Callable[[LogicalOp], LogicalOp]) -> LogicalOp:
    """Rebuild `op` with `fn` applied to its children, nested plans and expression plans."""
    children = op.children
    if children:
        mapped = tuple(fn(child) for child in children)
        if any(new is not old for new, old in zip(mapped, children, strict=True)):
            op = op.with_children(*mapped)
    changes: dict[str, Any] = {}
    for item in fields(op):
        if item.name in ("child", "left", "right", "parts"):
            continue
        value = getattr(op, item.name)
        new = _map_value(value, fn)
        if new is not value:
            changes[item.name] = new
    return replace(op, **changes) if changes else op


#: values that never hold a plan: symbols (an operator lists hundreds in a long pattern),
#: the n^2 / 2 uniqueness checks of a long pattern, and plain scalars
_INERT: frozenset[type] = frozenset({Symbol, PlanUnique, str, bool, int, float, type(None)})


def _map_value(value: Any, fn: Callable[[LogicalOp], LogicalOp]) -> Any:
    if isinstance(value, LogicalOp):
        return fn(value)
    if type(value) in _INERT:
        return value
    if isinstance(value, BExpr):
        return _map_expression(value, fn)
    if isinstance(value, tuple):
        mapped = tuple(item if type(item) in _INERT else _map_value(item, fn) for item in value)
        return value if all(a is b for a, b in zip(mapped, value, strict=True)) else mapped
    if hasattr(value, "__dataclass_fields__") and not isinstance(value, type):
        # set items, create specs: dataclasses holding expressions
        changes = {}
        for item in fields(value):
            inner = getattr(value, item.name)
            if isinstance(inner, BExpr | tuple):
                new = _map_value(inner, fn)
                if new is not inner:
                    changes[item.name] = new
        return replace(value, **changes) if changes else value
    return value


def _map_expression(expr: BExpr, fn: Callable[[LogicalOp], LogicalOp]) -> BExpr:
    def visit(node: BExpr) -> BExpr | None:
        if isinstance(node, PlanExists | PlanCollect):
            plan = fn(node.plan)
            changes: dict[str, Any] = {}
            if plan is not node.plan:
                changes["plan"] = plan
            if isinstance(node, PlanCollect):
                projection = _map_expression(node.projection, fn)
                if projection is not node.projection:
                    changes["projection"] = projection
            return replace(node, **changes) if changes else None
        return None

    if not _has_plans(expr):
        return expr
    return transform(expr, visit)


def _has_plans(expr: BExpr) -> bool:
    from engram.planner.expressions import walk

    return any(isinstance(node, PlanExists | PlanCollect) for node in walk(expr))
