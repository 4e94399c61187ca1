"""List comprehensions, quantifiers and reduce: a variable scoped to the expression's body.

The source list is bound where the expression stands (aggregates allowed there if the
position allows them); the body is bound in a child scope holding the iteration
variable, typed as the list's element type, where aggregates are not allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engram import types as t
from engram.binder import inference
from engram.binder.bound import (
    BExpr,
    BListComprehension,
    BQuantifier,
    BReduce,
    Symbol,
    VarKind,
)
from engram.binder.checks import check_list_source
from engram.binder.context import ExprContext
from engram.parser import ast
from engram.types import TypeKind

if TYPE_CHECKING:
    from engram.binder.expressions import ExpressionBinder

__all__ = ["list_comprehension", "quantifier", "reduce"]


def _iteration(
    binder: ExpressionBinder, variable: ast.Variable, source: BExpr, ctx: ExprContext, place: str
) -> tuple[Symbol, ExprContext]:
    """Declare a comprehension variable over `source` in a child scope."""
    check_list_source(source, place)
    symbol = binder.state.symbols.new(
        variable.name, VarKind.VALUE, inference.element_type(source.type)
    )
    scope = ctx.scope.child()
    scope.declare(symbol)
    body = ctx.without_aggregates(f"a {place}").with_scope(scope)
    return symbol, body


def list_comprehension(binder: ExpressionBinder, expr: ast.Expr, ctx: ExprContext) -> BExpr:
    """`[x IN source WHERE predicate | projection]`."""
    assert isinstance(expr, ast.ListComprehension)
    source = binder.bind(expr.source, ctx.value())
    symbol, body = _iteration(binder, expr.variable, source, ctx, "list comprehension")
    where = None if expr.where is None else binder.predicate(expr.where, body)
    projection = None if expr.projection is None else binder.bind(expr.projection, body.value())
    result = source.type if projection is None else t.list_of(projection.type)
    if result.kind is not TypeKind.LIST:
        result = t.list_of(t.ANY)
    return BListComprehension(
        origin=expr.span,
        type=result,
        variable=symbol,
        source=source,
        where=where,
        projection=projection,
    )


def quantifier(binder: ExpressionBinder, expr: ast.Expr, ctx: ExprContext) -> BExpr:
    """`all / any / none / single(x IN source WHERE predicate)`."""
    assert isinstance(expr, ast.Quantifier)
    source = binder.bind(expr.source, ctx.value())
    symbol, body = _iteration(binder, expr.variable, source, ctx, f"{expr.kind}() predicate")
    where = None if expr.where is None else binder.predicate(expr.where, body)
    return BQuantifier(
        origin=expr.span,
        type=t.BOOLEAN,
        kind=expr.kind,
        variable=symbol,
        source=source,
        where=where,
    )


def reduce(binder: ExpressionBinder, expr: ast.Expr, ctx: ExprContext) -> BExpr:
    """`reduce(acc = init, x IN source | expression)`: both variables scoped to the body."""
    assert isinstance(expr, ast.Reduce)
    init = binder.bind(expr.init, ctx.value())
    source = binder.bind(expr.source, ctx.value())
    variable, body = _iteration(binder, expr.variable, source, ctx, "reduce() expression")
    accumulator = binder.state.symbols.new(expr.accumulator.name, VarKind.VALUE, t.ANY)
    body.scope.declare(accumulator)
    expression = binder.bind(expr.expression, body.value())
    return BReduce(
        origin=expr.span,
        type=inference.join(init.type, expression.type),
        accumulator=accumulator,
        init=init,
        variable=variable,
        source=source,
        expression=expression,
    )
