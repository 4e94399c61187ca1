"""WITH and RETURN: items, column names, aggregation rules, ORDER BY scope, SKIP and LIMIT.

What a projection sees, and what sees it:

- items resolve in the scope before the projection; `*` expands to the visible user
  variables sorted by name;
- ORDER BY of a plain projection sees the items and everything before it; with DISTINCT
  or aggregation only the items, except that an ORDER BY expression equal to a projected
  expression refers to that item (`RETURN count(*) ORDER BY count(*)`);
- after an aggregating projection, an ORDER BY expression that aggregates may combine
  aggregates only with projected variables and property accesses
  (AmbiguousAggregationExpression otherwise);
- SKIP and LIMIT are constant: literals, parameters and expressions of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from engram.binder import functions, inference
from engram.binder.bound import (
    BAggregate,
    BExists,
    BExpr,
    BLiteral,
    BPatternComprehension,
    BProjection,
    BProjectionItem,
    BProperty,
    BReturn,
    BSortItem,
    BVariable,
    BWith,
    Symbol,
)
from engram.binder.context import Aggregates, BinderState, ExprContext, Substitution
from engram.binder.diagnostics import fail
from engram.binder.expressions import ExpressionBinder
from engram.binder.scope import Scope
from engram.binder.walk import (
    bound_children,
    contains_aggregate,
    introduced_symbols,
    referenced_symbols,
)
from engram.errors import ErrorDetail, SemanticError, Span
from engram.parser import ast
from engram.types import TypeKind

__all__ = ["ProjectionBinder", "column_name"]


def column_name(item: ast.ProjectionItem) -> str:
    """The column an item produces: its alias, else the expression's source text.

    Nodes built without source text (the query builder's) use the canonical printed text.
    """
    if item.alias is not None:
        return item.alias.name
    if item.text:
        return item.text
    if isinstance(item.expression, ast.Variable):
        return item.expression.name
    from engram.parser.printer import print_expression

    return print_expression(item.expression)


@dataclass(frozen=True, slots=True)
class _Item:
    """An item bound before the projection, with the AST it came from (None for `*`)."""

    bound: BProjectionItem
    source: ast.ProjectionItem | None
    is_aggregate: bool


class ProjectionBinder:
    """Binds WITH and RETURN clauses."""

    def __init__(self, state: BinderState, expressions: ExpressionBinder) -> None:
        self.state = state
        self.expressions = expressions

    def bind_with(self, clause: ast.With, scope: Scope, base: Scope | None) -> tuple[BWith, Scope]:
        """Bind a WITH; returns it and the scope after it (its items over `base`)."""
        projection, after, where = self._projection(
            clause.projection, scope, base, "WITH", clause.span, clause.where
        )
        return BWith(origin=clause.span, projection=projection, where=where), after

    def bind_return(self, clause: ast.Return, scope: Scope, base: Scope | None) -> BReturn:
        """Bind a RETURN."""
        projection, _, _ = self._projection(
            clause.projection, scope, base, "RETURN", clause.span, None
        )
        return BReturn(origin=clause.span, projection=projection)

    # -----------------------------------------------------------------------------------

    def _projection(
        self,
        projection: ast.Projection,
        scope: Scope,
        base: Scope | None,
        clause: str,
        span: Span,
        where: ast.Expr | None,
    ) -> tuple[BProjection, Scope, BExpr | None]:
        items = self._star(projection, scope, span) + self._items(projection, scope, clause)
        _check_column_names(items)
        is_aggregating = any(item.is_aggregate for item in items)
        if is_aggregating:
            _check_implicit_grouping(items, clause)
        after = Scope({item.bound.name: item.bound.symbol for item in items}, parent=base)
        late = _LateBinder(
            self.expressions, items, scope, after, clause, projection.distinct, is_aggregating
        )
        order_by = tuple(
            BSortItem(expression=late.bind(sort.expression, "ORDER BY"), descending=sort.descending)
            for sort in projection.order_by
        )
        skip = self._count(projection.skip, "SKIP", after)
        limit = self._count(projection.limit, "LIMIT", after)
        bound_where = None if where is None else late.bind(where, "WHERE", predicate=True)
        if clause == "WITH":
            _check_aliases(items)
        bound = BProjection(
            items=tuple(item.bound for item in items),
            distinct=projection.distinct,
            order_by=order_by,
            skip=skip,
            limit=limit,
            is_aggregating=is_aggregating,
        )
        return bound, after, bound_where

    def _star(self, projection: ast.Projection, scope: Scope, span: Span) -> list[_Item]:
        if not projection.star:
            return []
        symbols = scope.user_variables()
        if not symbols and not projection.items:
            raise fail(
                ErrorDetail.NO_VARIABLES_IN_SCOPE,
                "'*' needs at least one variable in scope, and there is none",
                span,
                hint="name a pattern part, as in MATCH (n) RETURN *",
            )
        return [
            _Item(
                BProjectionItem(
                    symbol=symbol,
                    expression=BVariable(origin=span, type=symbol.type, symbol=symbol),
                    name=symbol.name,
                ),
                None,
                False,
            )
            for symbol in symbols
        ]

    def _items(self, projection: ast.Projection, scope: Scope, clause: str) -> list[_Item]:
        ctx = ExprContext(scope=scope, aggregates=Aggregates.ALLOWED, place=clause)
        items = []
        for item in projection.items:
            aggregates = self.expressions.aggregate_count
            expression = self.expressions.bind(item.expression, ctx)
            name = column_name(item)
            symbol = self._item_symbol(item, expression, name)
            bound = BProjectionItem(symbol=symbol, expression=expression, name=name)
            items.append(_Item(bound, item, self.expressions.aggregate_count > aggregates))
        return items

    def _item_symbol(self, item: ast.ProjectionItem, expression: BExpr, name: str) -> Symbol:
        if isinstance(expression, BVariable) and isinstance(item.expression, ast.Variable):
            if item.alias is None or item.alias.name == item.expression.name:
                return expression.symbol  # `WITH a` passes the variable through unchanged
            kind = expression.symbol.kind
        else:
            kind = inference.kind_for_type(expression.type)
        return self.state.symbols.new(name, kind, expression.type)

    # -----------------------------------------------------------------------------------
    # SKIP / LIMIT

    def _count(self, expr: ast.Expr | None, what: str, scope: Scope) -> BExpr | None:
        if expr is None:
            return None
        ctx = ExprContext(scope=scope, place=what)
        bound = self._constant(expr, what, ctx)
        value = bound.value if isinstance(bound, BLiteral) else None
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise fail(
                ErrorDetail.NEGATIVE_INTEGER_ARGUMENT,
                f"{what} must be zero or a positive integer, not {value}",
                expr.span,
            )
        kind = bound.type.kind
        if kind not in (TypeKind.INTEGER, TypeKind.NUMBER, TypeKind.ANY, TypeKind.NULL):
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"{what} must be an INTEGER, not {bound.type}",
                expr.span,
            )
        return bound

    def _constant(self, expr: ast.Expr, what: str, ctx: ExprContext) -> BExpr:
        for node in ast.walk(expr):
            if isinstance(
                node, ast.PatternExpression | ast.PatternComprehension | ast.ExistsSubquery
            ):
                raise _non_constant(what, node.span)
        try:
            bound = self.expressions.bind(expr, ctx)
        except SemanticError as error:
            if error.detail is ErrorDetail.UNDEFINED_VARIABLE:
                raise _non_constant(what, expr.span) from error
            raise
        local = introduced_symbols(bound)
        if contains_aggregate(bound) or any(s not in local for s in referenced_symbols(bound)):
            raise _non_constant(what, expr.span)
        return bound


class _LateBinder:
    """Binds what is evaluated with a projection's result: ORDER BY and WITH's WHERE.

    - plain projection: the items and every variable visible before it;
    - DISTINCT: the items only, plus expressions equal to projected ones;
    - aggregating: the items only; an expression equal to a projected aggregate or
      grouping key refers to it; next to an aggregate, only variable and property
      grouping keys may be referred to that way (AmbiguousAggregationExpression).
    """

    def __init__(
        self,
        expressions: ExpressionBinder,
        items: list[_Item],
        before: Scope,
        after: Scope,
        clause: str,
        distinct: bool,
        is_aggregating: bool,
    ) -> None:
        self.expressions = expressions
        self.items = items
        self.before = before
        self.after = after
        self.clause = clause
        self.distinct = distinct
        self.is_aggregating = is_aggregating
        self._substitutions: list[Substitution] | None = None

    @property
    def substitutions(self) -> list[Substitution]:
        """The ORDER BY / WHERE rewrites, computed on first use (most projections have none)."""
        if self._substitutions is None:
            self._substitutions = _substitutions(self.items, self.before)
        return self._substitutions

    def bind(self, expr: ast.Expr, part: str, *, predicate: bool = False) -> BExpr:
        """Bind `expr` as part `part` (`"ORDER BY"`, `"WHERE"`) of the projection."""
        place = f"{part} of this {self.clause}"
        if self.is_aggregating:
            ctx = self._aggregating_context(expr, place)
        else:
            if self.distinct:
                ctx = ExprContext(
                    scope=self.after,
                    place=place,
                    substitutions=tuple(self.substitutions),
                    hidden=self._dropped(),
                )
            else:
                scope = Scope(dict(_names(self.items)), parent=self.before)
                ctx = ExprContext(scope=scope, place=place, substitutions=tuple(self.substitutions))
        aggregates = self.expressions.aggregate_count
        bound = (
            self.expressions.predicate(expr, ctx) if predicate else self.expressions.bind(expr, ctx)
        )
        if self.expressions.aggregate_count > aggregates:
            raise fail(
                ErrorDetail.INVALID_AGGREGATION,
                f"{place} can only use aggregates that it projects",
                expr.span,
                hint="add the aggregate to the projection with an alias and use that",
            )
        return bound

    def _aggregating_context(self, expr: ast.Expr, place: str) -> ExprContext:
        aggregates = _mentions_aggregate(expr)
        usable = [
            sub
            for sub, item in zip(
                self.substitutions, _substitutable(self.items, self.substitutions), strict=True
            )
            if not aggregates or item.is_aggregate or _is_simple_key(item)
        ]
        return ExprContext(
            scope=self.after,
            aggregates=Aggregates.ALLOWED,
            place=place,
            substitutions=tuple(usable),
            hidden=self._dropped(),
            grouped=frozenset(_grouping_dependencies(self.items, self.after)),
            hidden_is_ambiguous=aggregates,
        )

    def _dropped(self) -> dict[str, Symbol]:
        """Variables visible before the projection and not after it."""
        return {
            name: symbol
            for name, symbol in self.before.visible().items()
            if not symbol.anonymous and self.after.lookup(name) is None
        }


# ---------------------------------------------------------------------------------------
# helpers


def _non_constant(what: str, span: Span) -> Exception:
    return fail(
        ErrorDetail.NON_CONSTANT_EXPRESSION,
        f"{what} must be a constant: a literal, a parameter or an expression of them",
        span,
        hint="it cannot refer to variables",
    )


def _names(items: list[_Item]) -> list[tuple[str, Symbol]]:
    return [(item.bound.name, item.bound.symbol) for item in items]


def _check_column_names(items: list[_Item]) -> None:
    seen: set[str] = set()
    for item in items:
        name = item.bound.name
        if name in seen:
            source = item.source
            span = None
            if source is not None:
                span = source.alias.span if source.alias is not None else source.span
            raise fail(
                ErrorDetail.COLUMN_NAME_CONFLICT,
                f"column '{name}' is projected more than once",
                span,
                hint="give each column its own alias",
            )
        seen.add(name)


def _check_aliases(items: list[_Item]) -> None:
    """WITH must name every expression that is not a bare variable."""
    for item in items:
        source = item.source
        if source is None or source.alias is not None:
            continue
        if not isinstance(source.expression, ast.Variable):
            raise fail(
                ErrorDetail.NO_EXPRESSION_ALIAS,
                f"expression '{item.bound.name}' in WITH must be aliased",
                source.span,
                hint=f"write '{item.bound.name} AS name'",
            )


def _is_simple_key(item: _Item) -> bool:
    """A grouping key that is a variable or a property of a variable."""
    expression = item.bound.expression
    if isinstance(expression, BVariable):
        return True
    return isinstance(expression, BProperty) and isinstance(expression.subject, BVariable)


def _check_implicit_grouping(items: list[_Item], clause: str) -> None:
    """An aggregating item may combine aggregates only with grouping keys (Neo4j 5 rule)."""
    keys = [item.bound.expression for item in items if not item.is_aggregate]
    variables = {key.symbol for key in keys if isinstance(key, BVariable)}
    properties = {
        (key.subject.symbol, key.key)
        for key in keys
        if isinstance(key, BProperty) and isinstance(key.subject, BVariable)
    }
    for item in items:
        if item.is_aggregate:
            _check_grouped(item.bound.expression, variables, properties, clause)


def _check_grouped(
    expression: BExpr,
    variables: set[Symbol],
    properties: set[tuple[Symbol, str]],
    clause: str,
) -> None:
    local = introduced_symbols(expression)
    stack: list[object] = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, BAggregate):
            continue
        if _is_grouped_property(node, properties):
            continue
        if isinstance(node, BExists | BPatternComprehension):
            symbols = [s for s in node.outer if s not in local and s not in variables]
            if symbols:
                raise _ambiguous(symbols[0].name, node.origin, clause)
            continue
        if isinstance(node, BVariable):
            symbol = node.symbol
            if symbol not in variables and symbol not in local:
                raise _ambiguous(symbol.name, node.origin, clause)
            continue
        stack.extend(bound_children(node))


def _is_grouped_property(node: object, properties: set[tuple[Symbol, str]]) -> bool:
    return (
        isinstance(node, BProperty)
        and isinstance(node.subject, BVariable)
        and (node.subject.symbol, node.key) in properties
    )


def _ambiguous(name: str, span: Span, clause: str) -> Exception:
    return fail(
        ErrorDetail.AMBIGUOUS_AGGREGATION_EXPRESSION,
        f"'{name}' is used next to an aggregate in {clause} but is not a grouping key",
        span,
        hint=f"project '{name}' (or the property used) as its own column",
    )


def _substitutions(items: list[_Item], before: Scope) -> list[Substitution]:
    """ORDER BY rewrites for items whose expression means the same after the projection."""
    aliases = {item.bound.name: item.bound.symbol for item in items}
    result = []
    for item in items:
        source = item.source
        if source is None or isinstance(source.expression, ast.Variable):
            continue
        names = {n.name for n in ast.walk(source.expression) if isinstance(n, ast.Variable)}
        if any(name in aliases and aliases[name] != before.lookup(name) for name in names):
            continue  # `RETURN a.x AS a ORDER BY a.x`: `a` is the alias there
        result.append(Substitution(source.expression, item.bound.symbol))
    return result


def _substitutable(items: list[_Item], substitutions: list[Substitution]) -> list[_Item]:
    """The item each substitution stands for, in the same order."""
    by_symbol = {item.bound.symbol: item for item in items}
    return [by_symbol[sub.symbol] for sub in substitutions]


def _grouping_dependencies(items: list[_Item], after: Scope) -> dict[str, Symbol]:
    """Variables behind grouping keys, not projected themselves: usable only via a key."""
    hidden: dict[str, Symbol] = {}
    for item in items:
        if item.is_aggregate:
            continue
        for symbol in referenced_symbols(item.bound.expression):
            if after.lookup(symbol.name) is None and not symbol.anonymous:
                hidden[symbol.name] = symbol
    return hidden


def _mentions_aggregate(expr: ast.Expr) -> bool:
    for node in ast.walk(expr):
        if isinstance(node, ast.CountStar):
            return True
        if isinstance(node, ast.FunctionCall):
            spec = functions.resolve(node.name)
            if spec is not None and functions.is_aggregate(spec):
                return True
    return False
