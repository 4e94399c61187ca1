"""Bound expressions to compiled closures `(row, ctx) -> value`, one compiler per kind.

Compiled once per query. Rows are tuples laid out by a `Layout` (symbol -> slot).
Value semantics come from `ternary`, `arithmetic`, `ordering` and the function
library; errors raised while evaluating get the span of the expression that failed,
so runtime errors point into the query text like compile-time ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from engram.binder.bound import (
    BAggregate,
    BBinary,
    BCase,
    BExpr,
    BFunction,
    BHasLabels,
    BIsNull,
    BList,
    BListComprehension,
    BLiteral,
    BMap,
    BMapProjection,
    BParameter,
    BProperty,
    BQuantifier,
    BReduce,
    BSlice,
    BSubscript,
    BUnary,
    BVariable,
    Symbol,
)
from engram.errors import (
    ErrorDetail,
    ErrorKind,
    InternalError,
    ParameterError,
    Phase,
    QueryError,
    QueryRuntimeError,
    Span,
)
from engram.execution import arithmetic, ternary
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.functions import access, strings
from engram.execution.memory import value_size
from engram.parser.ast import BinaryOp, QuantifierKind, UnaryOp
from engram.planner.operators import PlanCollect, PlanExists, PlanMapMatch, PlanPath, PlanUnique
from engram.temporal.base import TemporalValue

__all__ = [
    "CompiledExpr",
    "Layout",
    "Row",
    "compile_expr",
    "entity_property",
    "layout_of",
    "slot_reader",
]

Row = tuple[Any, ...]
CompiledExpr = Callable[[Row, ExecContext], Any]
Layout = Mapping[Symbol, int]


def layout_of(symbols: tuple[Symbol, ...]) -> dict[Symbol, int]:
    """Slot of each symbol in rows of these fields."""
    return {symbol: index for index, symbol in enumerate(symbols)}


def _located(error: QueryError, origin: Span) -> QueryError:
    if error.span is None and origin.end > origin.start:
        error.span = origin
    return error


@functools.singledispatch
def compile_expr(expr: BExpr, layout: Layout) -> CompiledExpr:
    """Compile a bound expression for rows laid out by `layout`."""
    raise InternalError(f"execution: cannot compile {type(expr).__name__}")


@compile_expr.register
def _literal(expr: BLiteral, layout: Layout) -> CompiledExpr:
    value = expr.value
    return lambda row, ctx: value


@compile_expr.register
def _list(expr: BList, layout: Layout) -> CompiledExpr:
    items = [compile_expr(item, layout) for item in expr.items]
    return lambda row, ctx: [item(row, ctx) for item in items]


@compile_expr.register
def _map(expr: BMap, layout: Layout) -> CompiledExpr:
    entries = [(key, compile_expr(value, layout)) for key, value in expr.entries]
    return lambda row, ctx: {key: value(row, ctx) for key, value in entries}


@compile_expr.register
def _parameter(expr: BParameter, layout: Layout) -> CompiledExpr:
    name, origin = expr.name, expr.origin

    def parameter(row: Row, ctx: ExecContext) -> Any:
        try:
            return ctx.params[name]
        except KeyError:
            raise ParameterError(
                f"missing parameter '{name}'",
                detail=ErrorDetail.MISSING_PARAMETER,
                phase=Phase.COMPILE,
                span=origin,
            ) from None

    return parameter


@compile_expr.register
def _variable(expr: BVariable, layout: Layout) -> CompiledExpr:
    try:
        slot = layout[expr.symbol]
    except KeyError:
        raise InternalError(f"execution: {expr.symbol!r} is not in the row") from None
    return slot_reader(slot)


def slot_reader(slot: int) -> CompiledExpr:
    """The value at `slot` of the row."""
    return lambda row, ctx: row[slot]


def entity_property(ctx: ExecContext) -> access.EntityProperty:
    """The callback the function library uses to read a node or relationship property."""
    graph = ctx.graph

    def read(entity: Any, key: str) -> Any:
        if type(entity) is NodeRef:
            return graph.node_property(entity.id, key)
        return graph.rel_property(entity.id, key)

    return read


@compile_expr.register
def _property(expr: BProperty, layout: Layout) -> CompiledExpr:
    subject, key, origin = compile_expr(expr.subject, layout), expr.key, expr.origin
    if isinstance(expr.subject, BVariable):
        return _variable_property(layout[expr.subject.symbol], key, origin)

    def prop(row: Row, ctx: ExecContext) -> Any:
        value = subject(row, ctx)
        if type(value) is NodeRef:
            return ctx.graph.node_property(value.id, key)
        return _property_of(value, key, ctx, origin)

    return prop


def _variable_property(slot: int, key: str, origin: Span) -> CompiledExpr:
    """`_property` of a variable (`n.name`): the most common form, one call less per row."""

    def prop(row: Row, ctx: ExecContext) -> Any:
        value = row[slot]
        if type(value) is NodeRef:
            return ctx.graph.node_property(value.id, key)
        return _property_of(value, key, ctx, origin)

    return prop


def _property_of(value: Any, key: str, ctx: ExecContext, origin: Span) -> Any:
    """`value.key` for anything but a node."""
    kind = type(value)
    if kind is RelRef:
        return ctx.graph.rel_property(value.id, key)
    if kind is dict:
        return value.get(key)
    if value is None:
        return None
    try:
        return access.property_of(value, key, entity_property(ctx))
    except QueryError as error:
        raise _located(error, origin) from None


@compile_expr.register
def _subscript(expr: BSubscript, layout: Layout) -> CompiledExpr:
    subject, index = compile_expr(expr.subject, layout), compile_expr(expr.index, layout)
    origin = expr.origin

    def subscript(row: Row, ctx: ExecContext) -> Any:
        try:
            return access.index(subject(row, ctx), index(row, ctx), entity_property(ctx))
        except QueryError as error:
            raise _located(error, origin) from None

    return subscript


@compile_expr.register
def _slice(expr: BSlice, layout: Layout) -> CompiledExpr:
    subject = compile_expr(expr.subject, layout)
    start = None if expr.start is None else compile_expr(expr.start, layout)
    end = None if expr.end is None else compile_expr(expr.end, layout)
    origin = expr.origin

    def slice_(row: Row, ctx: ExecContext) -> Any:
        low = access.OMITTED if start is None else start(row, ctx)
        high = access.OMITTED if end is None else end(row, ctx)
        try:
            return access.list_slice(subject(row, ctx), low, high)
        except QueryError as error:
            raise _located(error, origin) from None

    return slice_


_UNARY: dict[UnaryOp, Callable[[Any], Any]] = {
    UnaryOp.NOT: ternary.not3,
    UnaryOp.NEGATE: arithmetic.negate,
    UnaryOp.PLUS: arithmetic.plus,
}


@compile_expr.register
def _unary(expr: BUnary, layout: Layout) -> CompiledExpr:
    operand, function, origin = compile_expr(expr.operand, layout), _UNARY[expr.op], expr.origin

    def unary(row: Row, ctx: ExecContext) -> Any:
        try:
            return function(operand(row, ctx))
        except QueryError as error:
            raise _located(error, origin) from None

    return unary


_BINARY: dict[BinaryOp, Callable[[Any, Any], Any]] = {
    BinaryOp.XOR: ternary.xor3,
    BinaryOp.EQ: ternary.equals,
    BinaryOp.NE: ternary.not_equals,
    BinaryOp.LT: ternary.less_than,
    BinaryOp.LE: ternary.less_equal,
    BinaryOp.GT: ternary.greater_than,
    BinaryOp.GE: ternary.greater_equal,
    BinaryOp.ADD: arithmetic.add,
    BinaryOp.SUB: arithmetic.subtract,
    BinaryOp.MUL: arithmetic.multiply,
    BinaryOp.DIV: arithmetic.divide,
    BinaryOp.MOD: arithmetic.modulo,
    BinaryOp.POW: arithmetic.power,
    BinaryOp.IN: ternary.in_list,
    BinaryOp.STARTS_WITH: strings.starts_with,
    BinaryOp.ENDS_WITH: strings.ends_with,
    BinaryOp.CONTAINS: strings.contains,
    BinaryOp.REGEX: strings.regex_match,
}


@compile_expr.register
def _binary(expr: BBinary, layout: Layout) -> CompiledExpr:
    left, right = compile_expr(expr.left, layout), compile_expr(expr.right, layout)
    origin = expr.origin
    if expr.op is BinaryOp.AND:
        return _and(left, right, origin)
    if expr.op is BinaryOp.OR:
        return _or(left, right, origin)
    function = _BINARY[expr.op]

    def binary(row: Row, ctx: ExecContext) -> Any:
        try:
            return function(left(row, ctx), right(row, ctx))
        except QueryError as error:
            raise _located(error, origin) from None

    return binary


def _and(left: CompiledExpr, right: CompiledExpr, origin: Span) -> CompiledExpr:
    def and_(row: Row, ctx: ExecContext) -> Any:
        try:
            first = left(row, ctx)
            if first is False:
                return False
            return ternary.and3(first, right(row, ctx))
        except QueryError as error:
            raise _located(error, origin) from None

    return and_


def _or(left: CompiledExpr, right: CompiledExpr, origin: Span) -> CompiledExpr:
    def or_(row: Row, ctx: ExecContext) -> Any:
        try:
            first = left(row, ctx)
            if first is True:
                return True
            return ternary.or3(first, right(row, ctx))
        except QueryError as error:
            raise _located(error, origin) from None

    return or_


@compile_expr.register
def _is_null(expr: BIsNull, layout: Layout) -> CompiledExpr:
    operand = compile_expr(expr.operand, layout)
    if expr.negated:
        return lambda row, ctx: operand(row, ctx) is not None
    return lambda row, ctx: operand(row, ctx) is None


@compile_expr.register
def _has_labels(expr: BHasLabels, layout: Layout) -> CompiledExpr:
    subject, labels, origin = compile_expr(expr.subject, layout), expr.labels, expr.origin

    def has_labels(row: Row, ctx: ExecContext) -> Any:
        value = subject(row, ctx)
        if value is None:
            return None
        if type(value) is not NodeRef:
            raise _located(
                QueryRuntimeError(
                    "label predicates need a node",
                    detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
                    kind=ErrorKind.TYPE_ERROR,
                ),
                origin,
            )
        graph = ctx.graph
        return all(graph.has_label(value.id, label) for label in labels)

    return has_labels


def _entity_id(slot: int, function: Callable[..., Any], origin: Span) -> CompiledExpr:
    """`id(n)` of a variable, read straight from the row (the common case of a hot call)."""

    def entity_id(row: Row, ctx: ExecContext) -> Any:
        value = row[slot]
        kind = type(value)
        if kind is NodeRef or kind is RelRef:
            return value.id
        try:
            return function(ctx, value)  # null, or the function's own error
        except QueryError as error:
            raise _located(error, origin) from None

    return entity_id


@compile_expr.register
def _function(expr: BFunction, layout: Layout) -> CompiledExpr:
    args = [compile_expr(arg, layout) for arg in expr.args]
    function = expr.spec.bind(len(args))
    origin = expr.origin
    if expr.spec.name == "id" and len(expr.args) == 1 and isinstance(expr.args[0], BVariable):
        return _entity_id(layout[expr.args[0].symbol], function, origin)
    if expr.spec.needs_context:

        def with_context(row: Row, ctx: ExecContext) -> Any:
            try:
                return function(ctx, *[arg(row, ctx) for arg in args])
            except QueryError as error:
                raise _located(error, origin) from None

        return with_context
    if len(args) == 1:
        (only,) = args

        def unary_call(row: Row, ctx: ExecContext) -> Any:
            try:
                return function(only(row, ctx))
            except QueryError as error:
                raise _located(error, origin) from None

        return unary_call

    def call(row: Row, ctx: ExecContext) -> Any:
        try:
            return function(*[arg(row, ctx) for arg in args])
        except QueryError as error:
            raise _located(error, origin) from None

    return call


@compile_expr.register
def _aggregate(expr: BAggregate, layout: Layout) -> CompiledExpr:
    raise InternalError("execution: aggregate outside an Aggregate operator")


@compile_expr.register
def _case(expr: BCase, layout: Layout) -> CompiledExpr:
    whens = [(compile_expr(c, layout), compile_expr(r, layout)) for c, r in expr.whens]
    default = None if expr.default is None else compile_expr(expr.default, layout)
    if expr.subject is None:

        def searched(row: Row, ctx: ExecContext) -> Any:
            for condition, result in whens:
                if condition(row, ctx) is True:
                    return result(row, ctx)
            return None if default is None else default(row, ctx)

        return searched
    subject = compile_expr(expr.subject, layout)

    def simple(row: Row, ctx: ExecContext) -> Any:
        value = subject(row, ctx)
        for candidate, result in whens:
            if ternary.equals(value, candidate(row, ctx)) is True:
                return result(row, ctx)
        return None if default is None else default(row, ctx)

    return simple


def _extended(layout: Layout, *symbols: Symbol) -> dict[Symbol, int]:
    out = dict(layout)
    width = len(layout)
    for offset, symbol in enumerate(symbols):
        out[symbol] = width + offset
    return out


def _iterable(value: Any, origin: Span, what: str) -> list[Any] | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return list(value)
    raise _located(
        QueryRuntimeError(
            f"{what} needs a list, got {type(value).__name__}",
            detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
            kind=ErrorKind.TYPE_ERROR,
        ),
        origin,
    )


#: values a list comprehension's projection may build large, and how many of their bytes
#: it builds between checks of the memory budget
_BUILT = frozenset({list, dict, str})
_CHECK_BYTES = 1 << 20
#: a pattern comprehension's list is checked against the budget from this length on
BATCH = 1024


@compile_expr.register
def _list_comprehension(expr: BListComprehension, layout: Layout) -> CompiledExpr:
    source = compile_expr(expr.source, layout)
    inner = _extended(layout, expr.variable)
    where = None if expr.where is None else compile_expr(expr.where, inner)
    projection = None if expr.projection is None else compile_expr(expr.projection, inner)
    origin = expr.origin

    def comprehension(row: Row, ctx: ExecContext) -> Any:
        items = _iterable(source(row, ctx), origin, "a list comprehension")
        if items is None:
            return None
        out = []
        built = 0  # bytes of the strings, lists and maps the projection built so far
        for item in items:
            extended = (*row, item)
            if where is not None and where(extended, ctx) is not True:
                continue
            value = item if projection is None else projection(extended, ctx)
            out.append(value)
            if type(value) in _BUILT:
                built += value_size(value)
                if built > _CHECK_BYTES:  # then at every large value: one comparison
                    ctx.memory.check(built + 8 * len(out), "list comprehension")
            if len(out) & 4095 == 0:
                ctx.memory.check(value_size(out), "list comprehension")
        return out

    return comprehension


_QUANTIFIERS = {
    QuantifierKind.ALL: ternary.all3,
    QuantifierKind.ANY: ternary.any3,
    QuantifierKind.NONE: ternary.none3,
    QuantifierKind.SINGLE: ternary.single3,
}


@compile_expr.register
def _quantifier(expr: BQuantifier, layout: Layout) -> CompiledExpr:
    source = compile_expr(expr.source, layout)
    inner = _extended(layout, expr.variable)
    where = None if expr.where is None else compile_expr(expr.where, inner)
    combine, origin, name = _QUANTIFIERS[expr.kind], expr.origin, f"{expr.kind.value}()"

    def quantifier(row: Row, ctx: ExecContext) -> Any:
        items = _iterable(source(row, ctx), origin, name)
        if items is None:
            return None
        if where is None:
            return combine(item for item in items)
        return combine(where((*row, item), ctx) for item in items)

    return quantifier


@compile_expr.register
def _reduce(expr: BReduce, layout: Layout) -> CompiledExpr:
    init, source = compile_expr(expr.init, layout), compile_expr(expr.source, layout)
    inner = _extended(layout, expr.accumulator, expr.variable)
    step, origin = compile_expr(expr.expression, inner), expr.origin

    def reduce_(row: Row, ctx: ExecContext) -> Any:
        accumulator = init(row, ctx)
        items = _iterable(source(row, ctx), origin, "reduce()")
        if items is None:
            return None
        for item in items:
            accumulator = step((*row, accumulator, item), ctx)
        return accumulator

    return reduce_


@compile_expr.register
def _map_projection(expr: BMapProjection, layout: Layout) -> CompiledExpr:
    subject, origin = compile_expr(expr.subject, layout), expr.origin
    items = [
        (kind, key, None if value is None else compile_expr(value, layout))
        for kind, key, value in expr.items
    ]

    def projection(row: Row, ctx: ExecContext) -> Any:
        value = subject(row, ctx)
        if value is None:
            return None
        read = _properties_reader(value, ctx, origin)
        out: dict[str, Any] = {}
        for kind, key, compiled in items:
            if kind == "all":
                out.update(read(None))
            elif kind == "property":
                out[key] = read(key)
            else:
                assert compiled is not None
                out[key] = compiled(row, ctx)
        return out

    return projection


def _properties_reader(value: Any, ctx: ExecContext, origin: Span) -> Callable[[str | None], Any]:
    if type(value) is NodeRef:
        graph, node = ctx.graph, value.id
        return lambda key: (
            graph.node_properties(node) if key is None else graph.node_property(node, key)
        )
    if type(value) is RelRef:
        graph, rel = ctx.graph, value.id
        return lambda key: (
            graph.rel_properties(rel) if key is None else graph.rel_property(rel, key)
        )
    if isinstance(value, dict):
        return lambda key: dict(value) if key is None else value.get(key)
    raise _located(
        QueryRuntimeError(
            "a map projection needs a node, relationship or map",
            detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
            kind=ErrorKind.TYPE_ERROR,
        ),
        origin,
    )


# ---------------------------------------------------------------------------------------
# planner-introduced expressions


@compile_expr.register
def _plan_exists(expr: PlanExists, layout: Layout) -> CompiledExpr:
    from engram.execution.lowering import lower_nested

    run = lower_nested(expr.plan, layout)

    def exists(row: Row, ctx: ExecContext) -> Any:
        return any(batch for batch in run(row, ctx))

    return exists


@compile_expr.register
def _plan_collect(expr: PlanCollect, layout: Layout) -> CompiledExpr:
    from engram.execution.lowering import lower_nested, output_layout

    run = lower_nested(expr.plan, layout)
    projection = compile_expr(expr.projection, output_layout(expr.plan))

    def collect(row: Row, ctx: ExecContext) -> Any:
        out: list[Any] = []
        for batch in run(row, ctx):
            out.extend(projection(inner, ctx) for inner in batch)
            if len(out) > BATCH:  # a pattern comprehension over many matches
                ctx.memory.check(value_size(out), "pattern comprehension")
        return out

    return collect


@compile_expr.register
def _plan_path(expr: PlanPath, layout: Layout) -> CompiledExpr:
    parts = [(kind, layout[symbol]) for kind, symbol in expr.parts]

    def path(row: Row, ctx: ExecContext) -> Any:
        nodes: list[NodeRef] = []
        rels: list[RelRef] = []
        for kind, slot in parts:
            value = row[slot]
            if value is None:
                return None
            if kind == "node":
                if not nodes:
                    nodes.append(value)
                continue
            steps = value if kind == "rels" else [value]
            for rel in steps:
                rels.append(rel)
                nodes.append(NodeRef(rel.other(nodes[-1].id)))
        return PathValue(nodes=tuple(nodes), rels=tuple(rels))

    return path


@compile_expr.register
def _plan_unique(expr: PlanUnique, layout: Layout) -> CompiledExpr:
    left, right = layout[expr.left], layout[expr.right]

    def unique(row: Row, ctx: ExecContext) -> Any:
        a, b = row[left], row[right]
        if a is None or b is None:
            return True
        if type(a) is RelRef and type(b) is RelRef:
            return a.id != b.id
        ids_a = {a.id} if type(a) is RelRef else {r.id for r in a}
        ids_b = [b.id] if type(b) is RelRef else [r.id for r in b]
        return not any(i in ids_a for i in ids_b)

    return unique


@compile_expr.register
def _plan_map_match(expr: PlanMapMatch, layout: Layout) -> CompiledExpr:
    subject, properties = compile_expr(expr.subject, layout), compile_expr(expr.properties, layout)
    origin = expr.origin

    def matches(row: Row, ctx: ExecContext) -> Any:
        entity, wanted = subject(row, ctx), properties(row, ctx)
        if entity is None:
            return None
        if wanted is None:
            return True
        if not isinstance(wanted, dict):
            raise _located(
                QueryRuntimeError(
                    "a pattern's properties must be a map",
                    detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
                    kind=ErrorKind.TYPE_ERROR,
                ),
                origin,
            )
        read = _properties_reader(entity, ctx, origin)
        return all(ternary.equals(read(key), value) is True for key, value in wanted.items())

    return matches


def is_temporal(value: object) -> bool:
    """Whether a value is one of the temporal types."""
    return isinstance(value, TemporalValue)
