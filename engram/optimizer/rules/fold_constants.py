"""Evaluate constant sub-expressions once, with the same evaluator execution uses.

Why: `WHERE n.age > 20 + 10` should compare with 30, not add per row; and a folded
literal is what index selection and EXPLAIN can read. Only deterministic functions over
literals fold; an expression whose evaluation fails is left alone so the error is raised
at runtime with its position.

Before::

    Filter: n.age > 20 + 10

After::

    Filter: n.age > 30
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, ClassVar

from engram.binder.bound import (
    BBinary,
    BExpr,
    BFunction,
    BIsNull,
    BList,
    BLiteral,
    BMap,
    BUnary,
)
from engram.errors import EngramError
from engram.execution.context import ExecContext
from engram.execution.expressions import compile_expr
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.planner.expressions import children, transform
from engram.planner.operators import LogicalOp

__all__ = ["FoldConstants", "fold"]

_FOLDABLE = (BBinary, BUnary, BFunction, BIsNull)


class FoldConstants:
    """Replace constant expressions in any operator by their value."""

    name: ClassVar[str] = "fold_constants"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Fold the expressions held directly by `op`."""
        changes: dict[str, Any] = {}
        for item in fields(op):
            if item.name in ("child", "left", "right", "parts"):
                continue
            value = getattr(op, item.name)
            new = _fold_value(value)
            if new is not value:
                changes[item.name] = new
        return replace(op, **changes) if changes else None


def _fold_value(value: Any) -> Any:
    if isinstance(value, BExpr):
        return fold(value)
    if isinstance(value, tuple):
        mapped = tuple(_fold_value(item) for item in value)
        return value if all(a is b for a, b in zip(mapped, value, strict=True)) else mapped
    return value


def fold(expr: BExpr) -> BExpr:
    """`expr` with its constant parts evaluated."""
    return transform(expr, _fold_node)


def _fold_node(node: BExpr) -> BExpr | None:
    if not isinstance(node, _FOLDABLE):
        return None
    if isinstance(node, BFunction) and (not node.spec.deterministic or node.spec.needs_context):
        return None
    if not all(_is_constant(child) for child in children(node)):
        return None
    try:
        value = compile_expr(node, {})((), _NO_CONTEXT)
    except EngramError:
        return None
    if value is not None and not isinstance(value, bool | int | float | str):
        return None
    return BLiteral(value=value, origin=node.origin, type=node.type)


def _is_constant(expr: BExpr) -> bool:
    if isinstance(expr, BLiteral):
        return True
    if isinstance(expr, BList):
        return all(_is_constant(item) for item in expr.items)
    if isinstance(expr, BMap):
        return all(_is_constant(value) for _, value in expr.entries)
    return False


_NO_CONTEXT: ExecContext = ExecContext(graph=None, params={})  # type: ignore[arg-type]
