"""AST → canonical query text (round trip: ``parse(print(tree)) == tree``).

Canonical means: keywords in upper case, single spaces, the fewest parentheses the
precedence rules allow, strings single-quoted, names backquoted only when needed and
floats printed so that they parse back to the same value.

The printer is iterative: every node's printer is a generator that yields its child
nodes and receives their text, and one loop drives them with an explicit stack, so a
tree of any depth (the query builder's trees are not bounded) prints without recursion.

>>> from engram.parser import parse_expression
>>> print_expression(parse_expression("(1+2)*  3 = x.`name`"))
'(1 + 2) * 3 = x.name'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from engram.parser.ast import AstNode, Expr, Statement
from engram.parser.clause_printers import CLAUSE_PRINTERS
from engram.parser.expression_printers import EXPRESSION_PRINTERS
from engram.parser.precedence import Printed

__all__ = ["print_expression", "print_node", "print_statement"]

_PRINTERS: Final[dict[type[AstNode], Callable[[AstNode], Printed | str]]] = {
    **EXPRESSION_PRINTERS,
    **CLAUSE_PRINTERS,
}


def print_statement(statement: Statement) -> str:
    """The canonical text of a statement."""
    return print_node(statement)


def print_expression(expr: Expr) -> str:
    """The canonical text of an expression."""
    return print_node(expr)


def print_node(node: AstNode) -> str:
    """The canonical text of any AST node (iteratively, for trees of any depth)."""
    started = _start(node)
    if isinstance(started, str):
        return started
    stack: list[Printed] = [started]
    value: str | None = None
    while True:
        try:
            # sending None starts a new generator; later sends carry a child's text
            child = stack[-1].send(value)  # type: ignore[arg-type]
        except StopIteration as done:
            stack.pop()
            value = done.value
            if not stack:
                assert isinstance(value, str)
                return value
            continue
        started = _start(child)
        if isinstance(started, str):
            value = started
        else:
            stack.append(started)
            value = None


def _start(node: AstNode) -> Printed | str:
    """A leaf's text, or the generator that prints an inner node."""
    printer = _PRINTERS.get(type(node))
    if printer is None:
        raise TypeError(f"cannot print {type(node).__name__}")
    return printer(node)
