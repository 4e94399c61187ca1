"""Operator precedence, and the helpers node printers use to parenthesise operands."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Final

from engram.parser.ast import (
    AstNode,
    Binary,
    BinaryOp,
    CountStar,
    Expr,
    FunctionCall,
    HasLabels,
    IsNull,
    Literal,
    PropertyAccess,
    Slice,
    Subscript,
    Unary,
    UnaryOp,
    Variable,
)

__all__ = [
    "ADDITIVE",
    "ATOM",
    "LABELS",
    "NOT",
    "POSTFIX",
    "PREDICATE",
    "UNARY",
    "Printed",
    "binary_operands",
    "joined",
    "operand",
    "precedence",
    "reads_as_comprehension",
]

#: a node printer: yields child nodes, receives their text, returns the node's text
Printed = Generator[AstNode, str, str]

# precedence levels, loosest first
OR: Final = 1
XOR: Final = 2
AND: Final = 3
NOT: Final = 4
COMPARISON: Final = 5
PREDICATE: Final = 6
ADDITIVE: Final = 7
MULTIPLICATIVE: Final = 8
POWER: Final = 9
UNARY: Final = 10
LABELS: Final = 11
POSTFIX: Final = 12
ATOM: Final = 13

_BINARY_LEVELS: Final = {
    BinaryOp.OR: OR,
    BinaryOp.XOR: XOR,
    BinaryOp.AND: AND,
    BinaryOp.EQ: COMPARISON,
    BinaryOp.NE: COMPARISON,
    BinaryOp.LT: COMPARISON,
    BinaryOp.LE: COMPARISON,
    BinaryOp.GT: COMPARISON,
    BinaryOp.GE: COMPARISON,
    BinaryOp.IN: PREDICATE,
    BinaryOp.STARTS_WITH: PREDICATE,
    BinaryOp.ENDS_WITH: PREDICATE,
    BinaryOp.CONTAINS: PREDICATE,
    BinaryOp.REGEX: PREDICATE,
    BinaryOp.ADD: ADDITIVE,
    BinaryOp.SUB: ADDITIVE,
    BinaryOp.MUL: MULTIPLICATIVE,
    BinaryOp.DIV: MULTIPLICATIVE,
    BinaryOp.MOD: MULTIPLICATIVE,
    BinaryOp.POW: POWER,
}


def precedence(expr: Expr) -> int:
    """How tightly `expr` binds; an operand looser than its context needs parentheses."""
    if isinstance(expr, Binary):
        return _BINARY_LEVELS[expr.op]
    if isinstance(expr, Unary):
        return NOT if expr.op is UnaryOp.NOT else UNARY
    if isinstance(expr, IsNull):
        return PREDICATE
    if isinstance(expr, HasLabels):
        return LABELS
    if isinstance(expr, PropertyAccess | Subscript | Slice | FunctionCall | CountStar):
        return POSTFIX
    if isinstance(expr, Literal) and _is_signed(expr):
        return UNARY
    return ATOM


def _is_signed(literal: Literal) -> bool:
    value = literal.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value < 0 or (value == 0 and str(value).startswith("-")) or value != value


def operand(node: Expr, level: int) -> Generator[AstNode, str, str]:
    """Print `node` as an operand needing at least `level`, parenthesised if looser."""
    text = yield node
    return text if precedence(node) >= level else f"({text})"


def joined(nodes: Iterable[AstNode], separator: str = ", ") -> Generator[AstNode, str, str]:
    """Print `nodes` and join their text."""
    texts = []
    for node in nodes:
        texts.append((yield node))
    return separator.join(texts)


def binary_operands(expr: Binary) -> Generator[AstNode, str, tuple[str, str]]:
    """The texts of a binary expression's operands, parenthesised as precedence needs."""
    level = _BINARY_LEVELS[expr.op]
    # comparisons do not associate: `a < b < c` would read as a chain
    left_level = level + 1 if level == COMPARISON else level
    left = yield from operand(expr.left, left_level)
    right = yield from operand(expr.right, level + 1)
    if left.endswith(")") and expr.op in (BinaryOp.SUB, BinaryOp.LT) and right[:1] in "-[":
        # `(a) - [1]` and `(a) < --(b)` would lex as relationship patterns
        right = f"({right})"
    return left, right


def reads_as_comprehension(expr: Expr) -> bool:
    """Whether `[expr]` would read as a list comprehension, as `[x IN list OR y]` does.

    The parser looks for `variable IN ...` down the left operands of `expr`; if one
    is there, the element is printed in parentheses to stay a list literal.
    """
    node: Expr = expr
    while True:
        if isinstance(node, Binary) and node.op is BinaryOp.IN and isinstance(node.left, Variable):
            return True
        if isinstance(node, Binary):
            node = node.left
        elif isinstance(node, IsNull):
            node = node.operand
        else:
            return False
