"""A vector search's predicates checked for a whole batch of nodes through property columns.

A filtered vector search checks its predicates on nodes in score order. Row by row,
each check reads and decodes the node's record (vector included); through the property
columns of the label (`StoreGraph.property_column`, shared by the readers of a version)
a batch is a few numpy operations. Building a column costs about one read of the label,
so the operator switches to columns once the nodes it has checked row by row at the
current version reach the size of the label (`VectorAccess.columns_pay_off`): never more
than about twice the cheaper of the two.

Only predicates on the searched node alone with constant operands qualify: `n.key`
compared with a literal or parameter, `n.key IS [NOT] NULL`, label tests, and AND, OR,
XOR and NOT of those. Data the masks cannot express exactly (a column of mixed types, a
list parameter) falls back to the row checks.
"""

from __future__ import annotations

import numpy as np

from engram.binder.bound import (
    BBinary,
    BExpr,
    BHasLabels,
    BinaryOp,
    BIsNull,
    BLiteral,
    BParameter,
    BProperty,
    BUnary,
    BVariable,
    Symbol,
    UnaryOp,
)
from engram.execution.columnar.frame import Columns, Frame, Unvectorizable
from engram.execution.columnar.predicates import truth
from engram.execution.columnar.support import COMPARISONS
from engram.execution.context import ExecContext

__all__ = ["column_mask", "columnar_predicates"]

_LOGICAL = frozenset({BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR})


def columnar_predicates(predicates: tuple[BExpr, ...], node: Symbol) -> bool:
    """Whether every predicate has a column form over `node` alone."""
    return bool(predicates) and all(_supported(predicate, node) for predicate in predicates)


def _supported(expr: BExpr, node: Symbol) -> bool:
    match expr:
        case BLiteral(value=value):
            return value is None or isinstance(value, bool)
        case BBinary(op=op, left=left, right=right) if op in _LOGICAL:
            return _supported(left, node) and _supported(right, node)
        case BUnary(op=UnaryOp.NOT, operand=operand):
            return _supported(operand, node)
        case BBinary(op=op, left=left, right=right) if op in COMPARISONS:
            return (_property(left, node) and _constant(right)) or (
                _property(right, node) and _constant(left)
            )
        case BHasLabels(subject=BVariable(symbol=symbol)):
            return symbol == node
        case BIsNull(operand=operand):
            return _property(operand, node)
    return False


def _property(expr: BExpr, node: Symbol) -> bool:
    return (
        isinstance(expr, BProperty)
        and isinstance(expr.subject, BVariable)
        and expr.subject.symbol == node
    )


def _constant(expr: BExpr) -> bool:
    return isinstance(expr, BParameter | BLiteral)


def column_mask(
    predicates: tuple[BExpr, ...],
    node: Symbol,
    label: str,
    node_ids: np.ndarray,
    ctx: ExecContext,
) -> np.ndarray | None:
    """Which of `node_ids` (nodes with `label`) pass every predicate; None: use rows."""
    frame = Frame.of_nodes(node, node_ids, label)
    columns = Columns(ctx)
    mask = np.ones(len(node_ids), dtype=bool)
    try:
        for predicate in predicates:
            passing, _ = truth(predicate, frame, columns, ctx)
            mask &= passing
    except Unvectorizable:
        return None
    return mask
