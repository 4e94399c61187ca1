"""WHERE predicates over frames, in three-valued logic: (true, false) masks per row.

A row is unknown (null) where neither mask is set. Only the forms `support` accepts
reach here; data the masks cannot express exactly (a column of mixed types, a list
parameter, an integer too large for float comparison) raises `Unvectorizable`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from engram.binder.bound import (
    BBinary,
    BExpr,
    BHasLabels,
    BinaryOp,
    BIsNull,
    BLiteral,
    BProperty,
    BUnary,
    BVariable,
    VarKind,
)
from engram.execution.columnar.frame import Columns, Frame, Unvectorizable
from engram.execution.columnar.support import COMPARISONS
from engram.execution.context import ExecContext
from engram.execution.expressions import compile_expr
from engram.planner.operators import PlanUnique
from engram.storage.derived import PropertyColumn

__all__ = ["Masks", "known_labels", "truth"]

#: (true, false) per row
Masks = tuple[np.ndarray, np.ndarray]

_OPERATORS: Final[dict[BinaryOp, Callable[[Any, Any], Any]]] = {
    BinaryOp.EQ: operator.eq,
    BinaryOp.NE: operator.ne,
    BinaryOp.LT: operator.lt,
    BinaryOp.LE: operator.le,
    BinaryOp.GT: operator.gt,
    BinaryOp.GE: operator.ge,
}
_MIRRORED: Final = {
    BinaryOp.EQ: BinaryOp.EQ,
    BinaryOp.NE: BinaryOp.NE,
    BinaryOp.LT: BinaryOp.GT,
    BinaryOp.LE: BinaryOp.GE,
    BinaryOp.GT: BinaryOp.LT,
    BinaryOp.GE: BinaryOp.LE,
}
_NUMERIC: Final = frozenset({"int", "float"})
_EXACT: Final = 2**53


def truth(expr: BExpr, frame: Frame, columns: Columns, ctx: ExecContext) -> Masks:
    """The (true, false) masks of a predicate over every row of `frame`."""
    size = frame.size
    match expr:
        case BLiteral(value=value):
            return np.full(size, value is True), np.full(size, value is False)
        case BBinary(op=BinaryOp.AND, left=left, right=right):
            lt, lf = truth(left, frame, columns, ctx)
            rt, rf = truth(right, frame, columns, ctx)
            return lt & rt, lf | rf
        case BBinary(op=BinaryOp.OR, left=left, right=right):
            lt, lf = truth(left, frame, columns, ctx)
            rt, rf = truth(right, frame, columns, ctx)
            return lt | rt, lf & rf
        case BBinary(op=BinaryOp.XOR, left=left, right=right):
            lt, lf = truth(left, frame, columns, ctx)
            rt, rf = truth(right, frame, columns, ctx)
            known = (lt | lf) & (rt | rf)
            differ = lt ^ rt
            return known & differ, known & ~differ
        case BUnary(operand=operand):  # NOT: support admits no other unary operator
            positive, negative = truth(operand, frame, columns, ctx)
            return negative, positive
        case BBinary(op=op, left=left, right=right) if op in COMPARISONS:
            return _comparison(op, left, right, frame, columns, ctx)
        case BHasLabels(subject=BVariable(symbol=symbol), labels=labels):
            ids = frame.nodes[symbol]
            has = ids >= 0
            known = has.copy()
            for label in labels:
                has &= ctx.graph.has_label_mask(ids, label)
            return has, known & ~has
        case BIsNull(operand=BProperty(subject=BVariable(symbol=symbol), key=key), negated=neg):
            _, present, _ = frame.property(columns, symbol, key)
            return (present, ~present) if neg else (~present, present)
        case PlanUnique(left=left, right=right):
            a, b = frame.rels[left].ids, frame.rels[right].ids
            unique = (a != b) | (a < 0) | (b < 0)
            return unique, ~unique
    raise Unvectorizable(f"no column form for {type(expr).__name__}")


def known_labels(expr: BExpr) -> dict[Any, frozenset[str]]:
    """Labels a row passing `expr` certainly has, per node symbol (its AND-ed label tests)."""
    found: dict[Any, frozenset[str]] = {}
    stack = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, BBinary) and current.op == BinaryOp.AND:
            stack.extend((current.left, current.right))
        elif isinstance(current, BHasLabels) and isinstance(current.subject, BVariable):
            symbol = current.subject.symbol
            found[symbol] = found.get(symbol, frozenset()) | frozenset(current.labels)
    return found


def _comparison(
    op: BinaryOp, left: BExpr, right: BExpr, frame: Frame, columns: Columns, ctx: ExecContext
) -> Masks:
    if isinstance(left, BVariable) and isinstance(right, BVariable):
        return _entities(op, left, right, frame)
    if not isinstance(left, BProperty):
        left, right, op = right, left, _MIRRORED[op]
    assert isinstance(left, BProperty)
    assert isinstance(left.subject, BVariable)
    constant = compile_expr(right, {})((), ctx)
    symbol = left.subject.symbol
    column = frame.column(columns, symbol, left.key)
    if column.kind == "str" and type(constant) is str and column.categories is not None:
        codes, present = column.lookup_codes(frame.nodes[symbol])
        return _against_string(op, codes, present & (frame.nodes[symbol] >= 0), column, constant)
    values, present, kind = frame.property(columns, symbol, left.key)
    return _against_constant(op, values, present, kind, constant)


def _against_string(
    op: BinaryOp, codes: np.ndarray, present: np.ndarray, column: PropertyColumn, text: str
) -> Masks:
    """A dictionary-encoded string column against a string: compare codes, not strings."""
    categories = column.categories
    assert categories is not None
    left = int(np.searchsorted(categories, text, side="left"))
    right = int(np.searchsorted(categories, text, side="right"))
    if op in (BinaryOp.EQ, BinaryOp.NE):
        result = codes == left if right > left else np.zeros(codes.shape[0], dtype=bool)
        if op == BinaryOp.NE:
            result = ~result
    elif op == BinaryOp.LT:
        result = codes < left
    elif op == BinaryOp.LE:
        result = codes < right
    elif op == BinaryOp.GT:
        result = codes >= right
    else:
        result = codes >= left
    return present & result, present & ~result


def _entities(op: BinaryOp, left: BVariable, right: BVariable, frame: Frame) -> Masks:
    if left.symbol.kind == VarKind.NODE:
        a, b = frame.nodes[left.symbol], frame.nodes[right.symbol]
    else:
        a, b = frame.rels[left.symbol].ids, frame.rels[right.symbol].ids
    known = (a >= 0) & (b >= 0)
    same = a == b
    if op == BinaryOp.NE:
        same = ~same
    return known & same, known & ~same


def _kind_of(value: Any) -> str:
    kind = type(value)
    if kind is bool:
        return "bool"
    if kind is int:
        return "int"
    if kind is float:
        return "float"
    if kind is str:
        return "str"
    raise Unvectorizable(f"a {kind.__name__} constant in a comparison")


def _against_constant(
    op: BinaryOp, values: np.ndarray, present: np.ndarray, kind: str, constant: Any
) -> Masks:
    size = present.shape[0]
    if constant is None:
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    other = _kind_of(constant)
    if kind in _NUMERIC and other in _NUMERIC:
        if kind != other and not _exact(values, kind, constant):
            raise Unvectorizable("an integer beyond float precision compared with a float")
    elif kind != other:
        if op == BinaryOp.EQ:
            return np.zeros(size, dtype=bool), present
        if op == BinaryOp.NE:
            return present, np.zeros(size, dtype=bool)
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    result = np.asarray(_OPERATORS[op](values, constant), dtype=bool)
    return present & result, present & ~result


def _exact(values: np.ndarray, kind: str, constant: Any) -> bool:
    if kind == "float":
        return bool(abs(constant) <= _EXACT)
    return values.shape[0] == 0 or bool(values.min() >= -_EXACT and values.max() <= _EXACT)
