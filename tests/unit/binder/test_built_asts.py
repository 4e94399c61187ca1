"""ASTs that do not come from the parser (the query builder's): the binder checks them too.

They have no spans and no source text, can hold forms the grammar cannot produce, and
can nest without limit; the binder must still answer with a clear error or a bound tree.
"""

from __future__ import annotations

import sys
from types import FrameType

import pytest

from engram.binder import bind
from engram.binder.bound import BLiteral, BReturn, BSingleQuery
from engram.binder.expressions import MAX_DEPTH
from engram.errors import ErrorDetail, SemanticError
from engram.parser import ast
from tests.unit.binder.support import registry


def _var(name: str) -> ast.Variable:
    return ast.Variable(name=name)


def _node(name: str | None = None) -> ast.NodePattern:
    return ast.NodePattern(
        variable=None if name is None else _var(name), labels=(), properties=None
    )


def _match(*names: str) -> ast.Match:
    patterns = tuple(ast.PathPattern(variable=None, elements=(_node(n),)) for n in names)
    return ast.Match(patterns=patterns, where=None)


def _return(*expressions: ast.Expr) -> ast.Return:
    items = tuple(ast.ProjectionItem(expression=e, alias=None) for e in expressions)
    return ast.Return(projection=ast.Projection(items=items))


def _bind(*clauses: ast.Clause):
    return bind(ast.Statement(body=ast.SingleQuery(clauses=clauses)), procedures=registry())


def _error(*clauses: ast.Clause) -> SemanticError:
    with pytest.raises(SemanticError) as info:
        _bind(*clauses)
    return info.value


def test_column_names_come_from_the_printer_without_source_text():
    bound = _bind(
        _match("n"),
        _return(
            ast.PropertyAccess(subject=_var("n"), key="name"),
            ast.Binary(op=ast.BinaryOp.ADD, left=ast.Literal(value=1), right=ast.CountStar()),
            _var("n"),
        ),
    )
    assert isinstance(bound.body, BSingleQuery)
    assert bound.body.columns == ("n.name", "1 + count(*)", "n")


def test_errors_without_spans_render_without_caret():
    error = _error(_match("n"), _return(_var("m")))
    assert error.detail is ErrorDetail.UNDEFINED_VARIABLE
    assert error.span is None
    rendered = str(error.with_source(""))
    assert "^" not in rendered
    assert "variable 'm' is not defined" in rendered


def test_return_must_be_last():
    error = _error(_return(ast.Literal(value=1)), _match("n"), _return(_var("n")))
    assert error.detail is ErrorDetail.INVALID_CLAUSE_COMPOSITION


def test_foreach_takes_updating_clauses_only():
    foreach = ast.Foreach(
        variable=_var("x"), source=ast.ListLiteral(items=()), clauses=(_match("n"),)
    )
    assert _error(foreach).detail is ErrorDetail.INVALID_CLAUSE_COMPOSITION


def test_integer_literals_outside_64_bits():
    assert _error(_return(ast.Literal(value=2**63))).detail is ErrorDetail.INTEGER_OVERFLOW
    negated = ast.Unary(op=ast.UnaryOp.NEGATE, operand=ast.Literal(value=2**63))
    bound = _bind(_return(negated))
    assert isinstance(bound.body, BSingleQuery)
    returned = bound.body.clauses[0]
    assert isinstance(returned, BReturn)
    literal = returned.projection.items[0].expression
    assert isinstance(literal, BLiteral)
    assert literal.value == -(2**63)
    too_small = ast.Unary(op=ast.UnaryOp.NEGATE, operand=ast.Literal(value=2**63 + 1))
    assert _error(_return(too_small)).detail is ErrorDetail.INTEGER_OVERFLOW


def test_infinite_float_literal():
    error = _error(_return(ast.Literal(value=float("inf"))))
    assert error.detail is ErrorDetail.FLOATING_POINT_OVERFLOW


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5 * MAX_DEPTH, 20_000])
def test_deep_expressions_get_a_clear_error(depth):
    expression: ast.Expr = ast.Literal(value=True)
    for _ in range(depth):
        expression = ast.Unary(op=ast.UnaryOp.NOT, operand=expression)
    error = _error(_return(expression))
    assert error.detail is ErrorDetail.RESOURCE_LIMIT
    assert "nested too deeply" in error.message


def test_deep_subqueries_get_a_clear_error():
    predicate: ast.Expr = ast.Literal(value=True)
    for _ in range(MAX_DEPTH):
        inner = ast.SingleQuery(clauses=(ast.Match(patterns=(ast.PathPattern(
            variable=None, elements=(_node("n"),)),), where=predicate),))  # fmt: skip
        predicate = ast.ExistsSubquery(query=inner)
    where = ast.Match(patterns=(ast.PathPattern(variable=None, elements=(_node("n"),)),),
                      where=predicate)  # fmt: skip
    error = _error(where, _return(_var("n")))
    assert error.detail is ErrorDetail.RESOURCE_LIMIT


def test_union_inside_exists_is_rejected():
    part = ast.SingleQuery(clauses=(_match("m"), _return(_var("m"))))
    union = ast.UnionQuery(queries=(part, part), all=(False,))
    match = ast.Match(
        patterns=(ast.PathPattern(variable=None, elements=(_node("n"),)),),
        where=ast.ExistsSubquery(query=union),
    )
    assert _error(match, _return(_var("n"))).detail is ErrorDetail.INVALID_CLAUSE_COMPOSITION


def test_pattern_expression_outside_a_predicate():
    pattern = ast.PathPattern(
        variable=None,
        elements=(
            _node("n"),
            ast.RelationshipPattern(
                variable=None,
                types=(),
                direction=ast.Direction.OUTGOING,
                length=None,
                properties=None,
            ),
            _node(),
        ),
    )
    error = _error(_match("n"), _return(ast.PatternExpression(pattern=pattern)))
    assert error.detail is ErrorDetail.UNEXPECTED_SYNTAX


def test_deep_caller_stack_gets_a_clear_error():
    expression: ast.Expr = ast.Literal(value=True)
    for _ in range(MAX_DEPTH - 10):
        expression = ast.ListLiteral(items=(expression,))

    def call_at_depth(remaining: int) -> SemanticError | None:
        if remaining > 0:
            return call_at_depth(remaining - 1)
        try:
            _bind(_return(expression))
        except SemanticError as error:
            return error
        return None

    depth = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    error = call_at_depth(sys.getrecursionlimit() - depth - 150)
    assert error is not None
    assert error.detail is ErrorDetail.RESOURCE_LIMIT
