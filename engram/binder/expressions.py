"""Expression binding: names to symbols, functions to specs, types inferred and checked.

`ExpressionBinder.bind(expr, ctx)` turns one AST expression into a bound expression. It
resolves variables in `ctx.scope`, enforces where aggregates and pattern predicates may
appear, infers types bottom-up and rejects what is certainly ill-typed. Pattern
predicates and comprehensions are delegated to the pattern binder, EXISTS subqueries to
the clause driver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Final

from engram import types as t
from engram.binder import comprehensions, functions, inference
from engram.binder.bound import (
    BAggregate,
    BBinary,
    BCase,
    BExists,
    BExpr,
    BFunction,
    BHasLabels,
    BinaryOp,
    BIsNull,
    BList,
    BLiteral,
    BMap,
    BMapProjection,
    BParameter,
    BProperty,
    BSingleQuery,
    BSlice,
    BSubscript,
    BUnary,
    BVariable,
    Symbol,
    UnaryOp,
)
from engram.binder.checks import (
    check_boolean_operand,
    check_has_properties,
    check_index,
    described,
    outer_symbols,
)
from engram.binder.context import Aggregates, BinderState, ExprContext
from engram.binder.diagnostics import fail, type_error, undefined_variable
from engram.binder.scope import Scope
from engram.binder.suggestions import did_you_mean
from engram.errors import ErrorDetail, Span
from engram.parser import ast
from engram.types import TypeKind

if TYPE_CHECKING:
    from engram.binder.patterns import PatternBinder

__all__ = ["MAX_DEPTH", "ExpressionBinder"]

#: deepest expression nesting bound (deeper input gets a clear error, never a RecursionError)
MAX_DEPTH: Final = 200

#: depth charged for entering a subquery, which costs about ten times the stack of one
#: expression level
_SUBQUERY_COST: Final = 10
_INT_MIN: Final = -(2**63)
_INT_MAX: Final = 2**63 - 1
_BOOLEAN_OPS: Final = frozenset({BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR})
_COMPARISONS: Final = frozenset(
    {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE}
)
_STRING_OPS: Final = frozenset(
    {BinaryOp.STARTS_WITH, BinaryOp.ENDS_WITH, BinaryOp.CONTAINS, BinaryOp.REGEX}
)

_NO_CONTEXT: Final = ExprContext(scope=Scope())

SubqueryBinder = Callable[[ast.Query, Scope], BSingleQuery]


class ExpressionBinder:
    """Binds expressions; one instance per `bind` call (it tracks the nesting depth)."""

    def __init__(self, state: BinderState) -> None:
        self.state = state
        self.patterns: PatternBinder | None = None
        self.subquery: SubqueryBinder | None = None
        self._depth = 0
        #: aggregates bound so far outside subqueries (a projection compares before/after)
        self.aggregate_count = 0
        self._handlers: dict[type, Callable[[ast.Expr, ExprContext], BExpr]] = {
            ast.Literal: self._literal,
            ast.Parameter: self._parameter,
            ast.Variable: self._variable,
            ast.PropertyAccess: self._property,
            ast.Subscript: self._subscript,
            ast.Slice: self._slice,
            ast.Unary: self._unary,
            ast.Binary: self._binary,
            ast.IsNull: self._is_null,
            ast.HasLabels: self._has_labels,
            ast.FunctionCall: self._function,
            ast.CountStar: self._count_star,
            ast.Case: self._case,
            ast.ListLiteral: self._list,
            ast.MapLiteral: self._map,
            ast.ListComprehension: partial(comprehensions.list_comprehension, self),
            ast.Quantifier: partial(comprehensions.quantifier, self),
            ast.Reduce: partial(comprehensions.reduce, self),
            ast.PatternComprehension: self._pattern_comprehension,
            ast.PatternExpression: self._pattern_expression,
            ast.ExistsSubquery: self._exists,
            ast.MapProjection: self._map_projection,
        }

    # -----------------------------------------------------------------------------------
    # entry points

    def bind(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        """Bind `expr` in the position described by `ctx`.

        Raises:
            SemanticError: an undefined name, a misplaced aggregate or pattern, a type error.
        """
        if ctx.substitutions:
            for substitution in ctx.substitutions:
                if type(substitution.expression) is type(expr) and substitution.expression == expr:
                    symbol = substitution.symbol
                    return BVariable(origin=expr.span, type=symbol.type, symbol=symbol)
        handler = self._handlers.get(type(expr))
        if handler is None:
            raise fail(
                ErrorDetail.UNEXPECTED_SYNTAX,
                f"'{type(expr).__name__}' is not an expression",
                expr.span,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise fail(
                    ErrorDetail.RESOURCE_LIMIT,
                    f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                    expr.span,
                    hint="split the expression with WITH",
                )
            return handler(expr, ctx)
        finally:
            self._depth -= 1

    def _bind_all(self, exprs: tuple[ast.Expr, ...], ctx: ExprContext) -> tuple[BExpr, ...]:
        bound = []
        for expr in exprs:  # a loop, not a generator: one stack frame less per level
            bound.append(self.bind(expr, ctx))
        return tuple(bound)

    def predicate(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        """Bind a WHERE predicate: pattern predicates allowed, the result must be boolean."""
        bound = self.bind(expr, ctx.as_predicate())
        if not inference.accepts_boolean(bound.type):
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: expected a BOOLEAN predicate in {ctx.place} "
                f"but got {described(bound)}",
                expr.span,
            )
        return bound

    # -----------------------------------------------------------------------------------
    # leaves

    def _literal(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Literal)
        value = expr.value
        if isinstance(value, int) and not isinstance(value, bool):
            if not _INT_MIN <= value <= _INT_MAX:
                raise fail(
                    ErrorDetail.INTEGER_OVERFLOW,
                    f"integer literal {value} does not fit in 64 bits",
                    expr.span,
                )
        elif isinstance(value, float) and value in (float("inf"), float("-inf")):
            raise fail(
                ErrorDetail.FLOATING_POINT_OVERFLOW,
                "floating point literal is too large for a 64-bit float",
                expr.span,
            )
        return BLiteral(origin=expr.span, type=inference.literal_type(value), value=value)

    def _parameter(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Parameter)
        self.state.parameters.add(expr.name)
        return BParameter(origin=expr.span, name=expr.name)

    def _variable(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Variable)
        symbol = self.resolve(expr, ctx)
        return BVariable(origin=expr.span, type=symbol.type, symbol=symbol)

    def resolve(self, variable: ast.Variable, ctx: ExprContext) -> Symbol:
        """The symbol a variable refers to in `ctx`.

        Raises:
            SemanticError: UndefinedVariable, or AmbiguousAggregationExpression for a
                variable behind a grouping key used next to an aggregate in ORDER BY.
        """
        symbol = ctx.scope.lookup(variable.name)
        if symbol is not None:
            return symbol
        if variable.name in ctx.grouped and ctx.hidden_is_ambiguous:
            raise fail(
                ErrorDetail.AMBIGUOUS_AGGREGATION_EXPRESSION,
                f"'{variable.name}' is not a grouping key of the aggregating projection; "
                f"{ctx.place} can only combine aggregates with projected variables and "
                "property accesses",
                variable.span,
                hint=f"project '{variable.name}' (or the property used) under an alias",
            )
        if variable.name in ctx.hidden:
            raise fail(
                ErrorDetail.UNDEFINED_VARIABLE,
                f"variable '{variable.name}' is not available in {ctx.place}",
                variable.span,
                hint="a DISTINCT or aggregating projection keeps only what it projects; "
                f"project '{variable.name}' (or the expression using it) to use it here",
            )
        raise undefined_variable(variable.name, variable.span, ctx.scope.names())

    # -----------------------------------------------------------------------------------
    # access

    def _property(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.PropertyAccess)
        subject = self.bind(expr.subject, ctx.value())
        check_has_properties(subject, expr.key, expr.span)
        self.state.note_unknown("property key", expr.key, expr.span)
        result = t.ANY
        if isinstance(subject, BMap):
            result = next((v.type for k, v in subject.entries if k == expr.key), t.NULL)
        elif subject.type.kind is TypeKind.NULL:
            result = t.NULL
        return BProperty(origin=expr.span, type=result, subject=subject, key=expr.key)

    def _subscript(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Subscript)
        subject = self.bind(expr.subject, ctx.value())
        index = self.bind(expr.index, ctx.value())
        kind = subject.type.kind
        result = t.ANY
        if kind is TypeKind.LIST:
            check_index(index, t.INTEGER, ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER)
            result = inference.element_type(subject.type)
        elif kind in (TypeKind.MAP, TypeKind.NODE, TypeKind.RELATIONSHIP):
            check_index(index, t.STRING, ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING)
        elif kind is TypeKind.NULL:
            result = t.NULL
        elif kind is not TypeKind.ANY:
            raise type_error(
                f"type mismatch: cannot index into {described(subject)} with '[]'",
                expr.subject.span,
            )
        return BSubscript(origin=expr.span, type=result, subject=subject, index=index)

    def _slice(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Slice)
        subject = self.bind(expr.subject, ctx.value())
        start = None if expr.start is None else self.bind(expr.start, ctx.value())
        end = None if expr.end is None else self.bind(expr.end, ctx.value())
        for bound in (start, end):
            if bound is not None:
                check_index(bound, t.INTEGER, ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER)
        kind = subject.type.kind
        if kind not in (TypeKind.LIST, TypeKind.ANY, TypeKind.NULL):
            raise type_error(f"type mismatch: cannot slice {described(subject)}", expr.subject.span)
        return BSlice(origin=expr.span, type=subject.type, subject=subject, start=start, end=end)

    # -----------------------------------------------------------------------------------
    # operators

    def _unary(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Unary)
        if expr.op is UnaryOp.NOT:
            operand = self.bind(expr.operand, ctx.as_predicate())
            check_boolean_operand(operand, "NOT", expr.operand.span)
            return BUnary(origin=expr.span, type=t.BOOLEAN, op=expr.op, operand=operand)
        literal = expr.operand
        if isinstance(literal, ast.Literal) and _is_number(literal.value):
            return self._negated_literal(expr, literal)
        operand = self.bind(expr.operand, ctx.value())
        result = inference.negation(operand.type)
        if result is None:
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: cannot apply unary '{expr.op}' to {described(operand)}",
                expr.span,
            )
        return BUnary(origin=expr.span, type=result, op=expr.op, operand=operand)

    def _negated_literal(self, expr: ast.Unary, literal: ast.Literal) -> BExpr:
        """`-1` and `+1.5` are literals (this is how -9223372036854775808 is written)."""
        value = literal.value
        assert isinstance(value, int | float)
        folded = -value if expr.op is UnaryOp.NEGATE else value
        return self._literal(ast.Literal(span=expr.span, value=folded), _NO_CONTEXT)

    def _binary(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Binary)
        op = expr.op
        if op in _BOOLEAN_OPS:
            operands = ctx.as_predicate()
            left = self.bind(expr.left, operands)
            right = self.bind(expr.right, operands)
            check_boolean_operand(left, str(op), expr.left.span)
            check_boolean_operand(right, str(op), expr.right.span)
            return BBinary(origin=expr.span, type=t.BOOLEAN, op=op, left=left, right=right)
        operands = ctx.value()
        left = self.bind(expr.left, operands)
        right = self.bind(expr.right, operands)
        if op in _COMPARISONS or op in _STRING_OPS:
            result = t.BOOLEAN
        elif op is BinaryOp.IN:
            if right.type.kind not in (TypeKind.LIST, TypeKind.ANY, TypeKind.NULL):
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_TYPE,
                    f"type mismatch: the right side of IN must be a LIST, not {described(right)}",
                    expr.right.span,
                )
            result = t.BOOLEAN
        else:
            found = inference.arithmetic(op, left.type, right.type)
            if found is None:
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_TYPE,
                    f"type mismatch: cannot apply '{op}' to {described(left)} "
                    f"and {described(right)}",
                    expr.span,
                )
            result = found
        return BBinary(origin=expr.span, type=result, op=op, left=left, right=right)

    def _is_null(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.IsNull)
        operand = self.bind(expr.operand, ctx.value())
        return BIsNull(origin=expr.span, type=t.BOOLEAN, operand=operand, negated=expr.negated)

    def _has_labels(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.HasLabels)
        subject = self.bind(expr.subject, ctx.value())
        if subject.type.kind not in (
            TypeKind.NODE,
            TypeKind.RELATIONSHIP,
            TypeKind.ANY,
            TypeKind.NULL,
        ):
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: a label predicate needs a node, not {described(subject)}",
                expr.subject.span,
            )
        what = "relationship type" if subject.type.kind is TypeKind.RELATIONSHIP else "label"
        for label in expr.labels:
            self.state.note_unknown(what, label, expr.span)
        return BHasLabels(origin=expr.span, type=t.BOOLEAN, subject=subject, labels=expr.labels)

    # -----------------------------------------------------------------------------------
    # function calls

    def _function(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.FunctionCall)
        if _is_pattern_exists(expr):
            argument = expr.args[0]
            assert isinstance(argument, ast.PatternExpression)
            return self._pattern_predicate(argument, ctx)
        spec = functions.resolve(expr.name)
        if spec is None:
            raise fail(
                ErrorDetail.UNKNOWN_FUNCTION,
                f"unknown function '{expr.name}'",
                _name_span(expr),
                hint=did_you_mean(expr.name, functions.function_names(), suffix="()"),
            )
        name = functions.display_name(spec)
        if not functions.accepts_arity(spec, len(expr.args)):
            raise fail(
                ErrorDetail.INVALID_NUMBER_OF_ARGUMENTS,
                f"function '{name}' takes {functions.arity_text(spec)} "
                f"argument{'' if functions.arity_text(spec) == '1' else 's'}, "
                f"got {len(expr.args)}",
                expr.span,
            )
        aggregate = functions.is_aggregate(spec)
        if aggregate:
            args_ctx = self._aggregate_context(name, expr.span, ctx)
        else:
            if expr.distinct:
                raise fail(
                    ErrorDetail.UNEXPECTED_SYNTAX,
                    f"DISTINCT is only allowed in aggregate functions, not in '{name}'",
                    expr.span,
                )
            args_ctx = ctx.value()
        args = self._bind_all(expr.args, args_ctx)
        for position, (arg, written) in enumerate(zip(args, expr.args, strict=True)):
            if inference.is_known(arg.type) and not functions.accepts_argument(
                spec, position, arg.type
            ):
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_TYPE,
                    f"type mismatch: function '{name}' does not accept "
                    f"{described(arg)} as argument {position + 1}",
                    written.span,
                )
        result = functions.result_type(spec, [arg.type for arg in args])
        if aggregate:
            self.aggregate_count += 1
            return BAggregate(
                origin=expr.span, type=result, spec=spec, args=args, distinct=expr.distinct
            )
        return BFunction(origin=expr.span, type=result, spec=spec, args=args)

    def _count_star(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        spec = functions.resolve("count")
        if spec is None:
            raise fail(ErrorDetail.UNKNOWN_FUNCTION, "unknown function 'count'", expr.span)
        self._aggregate_context("count", expr.span, ctx)
        self.aggregate_count += 1
        return BAggregate(origin=expr.span, type=t.INTEGER, spec=spec, args=(), star=True)

    def _aggregate_context(self, name: str, span: Span, ctx: ExprContext) -> ExprContext:
        if ctx.aggregates is Aggregates.NESTED:
            raise fail(
                ErrorDetail.NESTED_AGGREGATION,
                f"aggregate function '{name}' cannot be used inside another aggregate",
                span,
            )
        if ctx.aggregates is Aggregates.FORBIDDEN:
            raise fail(
                ErrorDetail.INVALID_AGGREGATION,
                f"aggregate function '{name}' is not allowed in {ctx.place}",
                span,
                hint="aggregate in a WITH first and use its alias here",
            )
        return replace(
            ctx, aggregates=Aggregates.NESTED, predicate=False, hidden_is_ambiguous=False
        )

    # -----------------------------------------------------------------------------------
    # compound values

    def _case(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.Case)
        values = ctx.value()
        subject = None if expr.subject is None else self.bind(expr.subject, values)
        # a condition of the generic form is a truth value: a pattern predicate may stand there
        conditions = values if subject is not None else ctx.as_predicate()
        whens: list[tuple[BExpr, BExpr]] = []
        for when in expr.whens:  # loops, not generators: one stack frame less per level
            whens.append((self.bind(when.condition, conditions), self.bind(when.result, values)))
        default = None if expr.default is None else self.bind(expr.default, values)
        results = [result.type for _, result in whens]
        results.append(t.NULL if default is None else default.type)
        return BCase(
            origin=expr.span,
            type=inference.join_all(results),
            subject=subject,
            whens=tuple(whens),
            default=default,
        )

    def _list(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.ListLiteral)
        items = self._bind_all(expr.items, ctx.value())
        element = inference.join_all([item.type for item in items])
        return BList(origin=expr.span, type=t.list_of(element), items=items)

    def _map(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.MapLiteral)
        entries: dict[str, BExpr] = {}
        for entry in expr.entries:
            entries[entry.key] = self.bind(entry.value, ctx.value())
        return BMap(origin=expr.span, type=t.MAP, entries=tuple(entries.items()))

    def _map_projection(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.MapProjection)
        subject = self.bind(expr.subject, ctx.value())
        if subject.type.kind not in (
            TypeKind.NODE,
            TypeKind.RELATIONSHIP,
            TypeKind.MAP,
            TypeKind.ANY,
            TypeKind.NULL,
        ):
            raise type_error(
                f"type mismatch: a map projection needs a node, relationship or map, "
                f"not {described(subject)}",
                expr.subject.span,
            )
        items: list[tuple[str, str, BExpr | None]] = []
        for item in expr.items:
            if isinstance(item, ast.PropertySelector):
                items.append(("property", item.key, None))
            elif isinstance(item, ast.AllPropertiesSelector):
                items.append(("all", "", None))
            elif isinstance(item, ast.VariableSelector):
                items.append(("entry", item.variable.name, self.bind(item.variable, ctx.value())))
            elif isinstance(item, ast.MapEntry):
                items.append(("entry", item.key, self.bind(item.value, ctx.value())))
        return BMapProjection(origin=expr.span, type=t.MAP, subject=subject, items=tuple(items))

    # -----------------------------------------------------------------------------------
    # scoped expressions

    def _pattern_comprehension(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.PatternComprehension)
        return self._pattern_binder().bind_comprehension(expr, ctx)

    def _pattern_expression(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.PatternExpression)
        elements = expr.pattern.elements
        if len(elements) == 1 and isinstance(elements[0], ast.NodePattern):
            node = elements[0]
            if node.variable is not None and not node.labels and node.properties is None:
                # `(n)` is a parenthesised variable, whatever the parser made of it
                return self.bind(node.variable, ctx.value())
        if not ctx.predicate:
            raise fail(
                ErrorDetail.UNEXPECTED_SYNTAX,
                "a pattern can only be used as a predicate here",
                expr.span,
                hint="use a pattern comprehension [(a)-->(b) | b] or EXISTS { ... }",
            )
        return self._pattern_predicate(expr, ctx)

    def _pattern_predicate(self, expr: ast.PatternExpression, ctx: ExprContext) -> BExpr:
        return self._pattern_binder().bind_predicate(expr, ctx)

    def _exists(self, expr: ast.Expr, ctx: ExprContext) -> BExpr:
        assert isinstance(expr, ast.ExistsSubquery)
        if self.subquery is None:
            raise fail(ErrorDetail.UNSUPPORTED, "EXISTS subqueries are not available", expr.span)
        self._depth += _SUBQUERY_COST
        aggregates = self.aggregate_count  # the subquery's own aggregates are not ours
        try:
            if self._depth > MAX_DEPTH:
                raise fail(
                    ErrorDetail.RESOURCE_LIMIT,
                    "subqueries nested too deeply",
                    expr.span,
                )
            body = self.subquery(expr.query, ctx.scope)
        finally:
            self._depth -= _SUBQUERY_COST
            self.aggregate_count = aggregates
        return BExists(
            origin=expr.span, type=t.BOOLEAN, body=body, outer=outer_symbols(body, ctx.scope)
        )

    def _pattern_binder(self) -> PatternBinder:
        if self.patterns is None:
            raise AssertionError("pattern binder not connected")
        return self.patterns


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_pattern_exists(expr: ast.FunctionCall) -> bool:
    return (
        expr.name.lower() == "exists"
        and len(expr.args) == 1
        and isinstance(expr.args[0], ast.PatternExpression)
    )


def _name_span(expr: ast.FunctionCall) -> Span:
    return Span(expr.span.start, expr.span.start + len(expr.name))
