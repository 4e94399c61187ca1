"""Drop filter conjuncts that are always TRUE, and simplify boolean constants (NULL-aware).

Why: `WHERE true AND p.age > 30` (typical of generated queries) should plan like
`WHERE p.age > 30`; a filter left with nothing to test disappears. Three-valued logic
is respected: `x AND true` is `x`, `x OR false` is `x`, `x AND false` is `false`,
`x OR true` is `true`, and `NOT NOT x` is `x` for every x, null included.

Before::

    Filter: p.age > 30
      LabelScan: p:Person
        Filter: true

After::

    Filter: p.age > 30
      LabelScan: p:Person
"""

from __future__ import annotations

from typing import ClassVar

from engram.binder.bound import BBinary, BExpr, BLiteral, BUnary
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.parser.ast import BinaryOp, UnaryOp
from engram.planner.expressions import transform
from engram.planner.operators import Filter, LogicalOp

__all__ = ["SimplifyPredicates", "simplify"]


class SimplifyPredicates:
    """Boolean simplification inside filters; TRUE conjuncts removed."""

    name: ClassVar[str] = "simplify_predicates"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Simplify a Filter's predicates; drop it when nothing is left to test."""
        if not isinstance(op, Filter):
            return None
        simplified = tuple(simplify(p) for p in op.predicates)
        kept = tuple(p for p in simplified if not _is(p, value=True))
        if not kept:
            return op.child
        if kept == op.predicates:
            return None
        return Filter(child=op.child, predicates=kept)


def _is(expr: BExpr, *, value: bool) -> bool:
    return isinstance(expr, BLiteral) and expr.value is value


def simplify(expr: BExpr) -> BExpr:
    """`expr` with constant boolean operands folded away."""
    return transform(expr, _simplify_node)


def _simplify_node(node: BExpr) -> BExpr | None:
    match node:
        case BBinary(op=BinaryOp.AND, left=left, right=right):
            if _is(left, value=False) or _is(right, value=False):
                return BLiteral(value=False, origin=node.origin, type=node.type)
            if _is(left, value=True):
                return right
            if _is(right, value=True):
                return left
        case BBinary(op=BinaryOp.OR, left=left, right=right):
            if _is(left, value=True) or _is(right, value=True):
                return BLiteral(value=True, origin=node.origin, type=node.type)
            if _is(left, value=False):
                return right
            if _is(right, value=False):
                return left
        case BUnary(op=UnaryOp.NOT, operand=BUnary(op=UnaryOp.NOT, operand=inner)):
            return inner
    return None
