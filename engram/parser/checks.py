"""Syntactic rules the grammar does not express, checked on the AST after parsing.

- Nesting: at most `MAX_DEPTH` levels of AST (and of brackets in the text), so that
  every later stage may walk the tree recursively; deeper input gets a clear error.
- An integer literal must fit 64 bits once a leading minus is applied
  (`-9223372036854775808` is fine, `9223372036854775808` overflows).
- A pattern such as `(a)-->(b)` is an expression only where its value is a truth
  value: in WHERE, under NOT / AND / OR / XOR, as a CASE condition or in exists();
  elsewhere openCypher reports UnexpectedSyntax (use a pattern comprehension).
- `YIELD *` belongs to a standalone CALL (the whole statement is that CALL).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Final

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser.ast import (
    AstNode,
    Binary,
    BinaryOp,
    Call,
    CaseWhen,
    Expr,
    FunctionCall,
    ListComprehension,
    Literal,
    Match,
    PatternComprehension,
    PatternExpression,
    Quantifier,
    SingleQuery,
    Statement,
    Unary,
    UnaryOp,
    With,
)
from engram.parser.literals import MAX_INTEGER, check_integer
from engram.parser.scanner import scan

__all__ = ["MAX_DEPTH", "check_expression", "check_nesting", "check_statement", "depth_error"]

#: the deepest AST (and bracket nesting) a query may have
MAX_DEPTH: Final = 200

_BOOLEAN_OPERATORS = frozenset({BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR})
_SKIPPED_FIELDS = frozenset({"span", "text"})
_CHILD_FIELDS: dict[type[AstNode], tuple[str, ...]] = {}


def depth_error(span: Span | None) -> CypherSyntaxError:
    """The error for input nested deeper than `MAX_DEPTH`."""
    return CypherSyntaxError(
        f"query is nested too deeply (more than {MAX_DEPTH} levels)",
        detail=ErrorDetail.RESOURCE_LIMIT,
        span=span,
        hint="split the expression, or pass large values as parameters",
    )


def check_nesting(text: str) -> None:
    """Refuse text whose brackets nest deeper than `MAX_DEPTH`, before parsing it."""
    result = scan(text, limit=MAX_DEPTH)
    if result.max_depth > MAX_DEPTH:
        raise depth_error(Span(result.deepest_offset, result.deepest_offset + 1))


def check_statement(statement: Statement) -> None:
    """Apply the module's rules to a parsed statement.

    Raises:
        CypherSyntaxError: for the first violation found.
    """
    standalone = None
    body = statement.body
    if isinstance(body, SingleQuery) and len(body.clauses) == 1:
        standalone = body.clauses[0]
    _check_tree(statement, standalone, root_is_predicate=False)


def check_expression(expr: Expr) -> None:
    """Apply the module's rules to a parsed standalone expression (a predicate)."""
    _check_tree(expr, None, root_is_predicate=True)


def _check_tree(root: AstNode, standalone: AstNode | None, *, root_is_predicate: bool) -> None:
    stack: list[tuple[AstNode, int, bool]] = [(root, 1, root_is_predicate)]
    while stack:
        node, depth, is_predicate = stack.pop()
        if depth > MAX_DEPTH:
            raise depth_error(node.span)
        _check_node(node, is_predicate, standalone)
        predicates = _predicate_children(node)
        for child in _children(node):
            stack.append((child, depth + 1, any(child is p for p in predicates)))


def _check_node(node: AstNode, is_predicate: bool, standalone: AstNode | None) -> None:
    if isinstance(node, Literal):
        value = node.value
        if type(value) is int and value > MAX_INTEGER:
            check_integer(value, str(value), node.span)
    elif isinstance(node, PatternExpression) and not is_predicate:
        raise CypherSyntaxError(
            "a pattern can only be used as a predicate here",
            detail=ErrorDetail.UNEXPECTED_SYNTAX,
            span=node.span,
            hint="to collect matches use a pattern comprehension, [(a)-->(b) | b]; "
            "to test for a pattern use it in WHERE or in EXISTS { ... }",
        )
    elif isinstance(node, Call) and node.yield_star and node is not standalone:
        raise CypherSyntaxError(
            "YIELD * is only allowed when the CALL is the whole query",
            detail=ErrorDetail.UNEXPECTED_SYNTAX,
            span=node.span,
            hint="name the fields to yield: YIELD a, b",
        )


def _predicate_children(node: AstNode) -> tuple[AstNode | None, ...]:
    """The children of `node` that sit where a truth value is expected."""
    if isinstance(node, Match | With | Call | ListComprehension | Quantifier):
        return (node.where,)
    if isinstance(node, PatternComprehension):
        return (node.where,)
    if isinstance(node, Binary) and node.op in _BOOLEAN_OPERATORS:
        return (node.left, node.right)
    if isinstance(node, Unary) and node.op is UnaryOp.NOT:
        return (node.operand,)
    if isinstance(node, CaseWhen):
        return (node.condition,)
    if isinstance(node, FunctionCall) and node.name.lower() == "exists":
        return node.args
    return ()


def _children(node: AstNode) -> Iterator[AstNode]:
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = tuple(
            item.name for item in dataclasses.fields(node) if item.name not in _SKIPPED_FIELDS
        )
        _CHILD_FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, AstNode):
            yield value
        elif isinstance(value, tuple):
            for element in value:
                if isinstance(element, AstNode):
                    yield element
