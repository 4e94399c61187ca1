"""Canonical text of expression and pattern nodes (one printer per node class).

A printer returns a leaf's text directly, or is a generator that yields child nodes,
receives their text and returns its own (`engram.parser.printer` drives it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar, cast

from engram.parser.ast import (
    AllPropertiesSelector,
    AstNode,
    Binary,
    Case,
    CaseWhen,
    CountStar,
    Direction,
    ExistsSubquery,
    FunctionCall,
    HasLabels,
    IsNull,
    ListComprehension,
    ListLiteral,
    Literal,
    MapEntry,
    MapLiteral,
    MapProjection,
    Match,
    NodePattern,
    Parameter,
    PathPattern,
    PatternComprehension,
    PatternExpression,
    PropertyAccess,
    PropertySelector,
    Quantifier,
    Reduce,
    RelationshipPattern,
    SingleQuery,
    Slice,
    Subscript,
    Unary,
    UnaryOp,
    Variable,
    VariableLength,
    VariableSelector,
)
from engram.parser.precedence import (
    ADDITIVE,
    NOT,
    POSTFIX,
    PREDICATE,
    UNARY,
    Printed,
    binary_operands,
    joined,
    operand,
    reads_as_comprehension,
)
from engram.parser.tokens import (
    format_literal,
    format_name,
    format_parameter,
    format_schema_name,
)

__all__ = ["EXPRESSION_PRINTERS"]

#: node class → its printer
EXPRESSION_PRINTERS: Final[dict[type[AstNode], Callable[[AstNode], Printed | str]]] = {}

_Node = TypeVar("_Node", bound=AstNode)


def _prints(
    kind: type[_Node],
) -> Callable[[Callable[[_Node], Printed | str]], Callable[[_Node], Printed | str]]:
    def register(printer: Callable[[_Node], Printed | str]) -> Callable[[_Node], Printed | str]:
        EXPRESSION_PRINTERS[kind] = cast(Callable[[AstNode], Printed | str], printer)
        return printer

    return register


def _labels(labels: tuple[str, ...]) -> str:
    return "".join(f":{format_schema_name(label)}" for label in labels)


# -- leaves --------------------------------------------------------------------------------


@_prints(Literal)
def _literal(node: Literal) -> str:
    return format_literal(node.value)


@_prints(Parameter)
def _parameter(node: Parameter) -> str:
    return format_parameter(node.name)


@_prints(Variable)
def _variable(node: Variable) -> str:
    return format_name(node.name)


@_prints(CountStar)
def _count_star(node: CountStar) -> str:
    return "count(*)"


@_prints(PropertySelector)
def _property_selector(node: PropertySelector) -> str:
    return f".{format_schema_name(node.key)}"


@_prints(AllPropertiesSelector)
def _all_properties_selector(node: AllPropertiesSelector) -> str:
    return ".*"


@_prints(VariableLength)
def _variable_length(node: VariableLength) -> str:
    low = "" if node.min is None else str(node.min)
    high = "" if node.max is None else str(node.max)
    if node.min is None and node.max is None:
        return "*"
    if node.min == node.max:
        return f"*{low}"
    return f"*{low}..{high}"


# -- operators -----------------------------------------------------------------------------


@_prints(Binary)
def _binary(node: Binary) -> Printed:
    left, right = yield from binary_operands(node)
    return f"{left} {node.op.value} {right}"


@_prints(Unary)
def _unary(node: Unary) -> Printed:
    if node.op is UnaryOp.NOT:
        text = yield from operand(node.operand, NOT)
        return f"NOT {text}"
    text = yield from operand(node.operand, UNARY)
    inner = node.operand
    is_number = isinstance(inner, Literal) and type(inner.value) in (int, float)
    # `-5` would read back as the literal -5, and `--x` as a relationship
    if text[:1] in "-+" or (node.op is UnaryOp.NEGATE and is_number and text[:1] != "("):
        text = f"({text})"
    return f"{node.op.value}{text}"


@_prints(IsNull)
def _is_null(node: IsNull) -> Printed:
    text = yield from operand(node.operand, PREDICATE)
    return f"{text} IS NOT NULL" if node.negated else f"{text} IS NULL"


@_prints(HasLabels)
def _has_labels(node: HasLabels) -> Printed:
    subject = yield from operand(node.subject, POSTFIX)
    return subject + _labels(node.labels)


@_prints(PropertyAccess)
def _property_access(node: PropertyAccess) -> Printed:
    subject = yield from operand(node.subject, POSTFIX)
    return f"{subject}.{format_schema_name(node.key)}"


@_prints(Subscript)
def _subscript(node: Subscript) -> Printed:
    subject = yield from operand(node.subject, POSTFIX)
    index = yield node.index
    return f"{subject}[{index}]"


@_prints(Slice)
def _slice(node: Slice) -> Printed:
    subject = yield from operand(node.subject, POSTFIX)
    start = "" if node.start is None else (yield node.start)
    end = "" if node.end is None else (yield node.end)
    return f"{subject}[{start}..{end}]"


@_prints(FunctionCall)
def _function_call(node: FunctionCall) -> Printed:
    args = yield from joined(node.args)
    distinct = "DISTINCT " if node.distinct else ""
    if node.name.lower() == "exists" and len(node.args) == 1 and not node.distinct:
        # the grammar's exists(expression); other argument lists go through the name
        return f"{node.name}({args})"
    return f"{_function_name(node.name)}({distinct}{args})"


def _function_name(name: str) -> str:
    first, *rest = name.split(".")
    return ".".join([format_name(first), *(format_schema_name(part) for part in rest)])


# -- atoms ---------------------------------------------------------------------------------


@_prints(ListLiteral)
def _list_literal(node: ListLiteral) -> Printed:
    items = yield from joined(node.items)
    if len(node.items) == 1 and reads_as_comprehension(node.items[0]):
        items = f"({items})"
    return f"[{items}]"


@_prints(MapEntry)
def _map_entry(node: MapEntry) -> Printed:
    value = yield node.value
    return f"{format_schema_name(node.key)}: {value}"


@_prints(MapLiteral)
def _map_literal(node: MapLiteral) -> Printed:
    entries = yield from joined(node.entries)
    return f"{{{entries}}}"


@_prints(MapProjection)
def _map_projection(node: MapProjection) -> Printed:
    subject = yield node.subject
    items = yield from joined(node.items)
    return f"{subject} {{{items}}}"


@_prints(VariableSelector)
def _variable_selector(node: VariableSelector) -> Printed:
    return (yield node.variable)


@_prints(CaseWhen)
def _case_when(node: CaseWhen) -> Printed:
    condition = yield node.condition
    result = yield node.result
    return f"WHEN {condition} THEN {result}"


@_prints(Case)
def _case(node: Case) -> Printed:
    parts = ["CASE"]
    if node.subject is not None:
        parts.append((yield node.subject))
    parts.append((yield from joined(node.whens, " ")))
    if node.default is not None:
        parts.append("ELSE " + (yield node.default))
    parts.append("END")
    return " ".join(parts)


@_prints(ListComprehension)
def _list_comprehension(node: ListComprehension) -> Printed:
    variable = yield node.variable
    source = yield from operand(node.source, ADDITIVE)
    text = f"[{variable} IN {source}"
    if node.where is not None:
        text += " WHERE " + (yield node.where)
    if node.projection is not None:
        text += " | " + (yield node.projection)
    return text + "]"


@_prints(PatternComprehension)
def _pattern_comprehension(node: PatternComprehension) -> Printed:
    text = "[" + (yield node.pattern)
    if node.where is not None:
        text += " WHERE " + (yield node.where)
    return text + " | " + (yield node.projection) + "]"


@_prints(Quantifier)
def _quantifier(node: Quantifier) -> Printed:
    variable = yield node.variable
    source = yield node.source
    where = "" if node.where is None else " WHERE " + (yield node.where)
    return f"{node.kind.value}({variable} IN {source}{where})"


@_prints(Reduce)
def _reduce(node: Reduce) -> Printed:
    accumulator = yield node.accumulator
    init = yield node.init
    variable = yield node.variable
    source = yield node.source
    expression = yield node.expression
    return f"reduce({accumulator} = {init}, {variable} IN {source} | {expression})"


@_prints(PatternExpression)
def _pattern_expression(node: PatternExpression) -> Printed:
    return (yield node.pattern)


@_prints(ExistsSubquery)
def _exists_subquery(node: ExistsSubquery) -> Printed:
    query = node.query
    if isinstance(query, SingleQuery) and len(query.clauses) == 1:
        match = query.clauses[0]
        if isinstance(match, Match) and not match.optional:
            # the short form: EXISTS { (a)-->(b) WHERE ... }
            text = yield from joined(match.patterns)
            if match.where is not None:
                text += " WHERE " + (yield match.where)
            return f"EXISTS {{ {text} }}"
    return "EXISTS { " + (yield query) + " }"


# -- patterns ------------------------------------------------------------------------------


@_prints(PathPattern)
def _path_pattern(node: PathPattern) -> Printed:
    elements = yield from joined(node.elements, "")
    if node.shortest is not None:
        elements = f"{node.shortest.value}({elements})"
    if node.variable is None:
        return elements
    return f"{(yield node.variable)} = {elements}"


@_prints(NodePattern)
def _node_pattern(node: NodePattern) -> Printed:
    text = "" if node.variable is None else (yield node.variable)
    text += _labels(node.labels)
    if node.properties is not None:
        text += (" " if text else "") + (yield node.properties)
    return f"({text})"


@_prints(RelationshipPattern)
def _relationship_pattern(node: RelationshipPattern) -> Printed:
    detail = "" if node.variable is None else (yield node.variable)
    if node.types:
        detail += ":" + "|".join(format_schema_name(name) for name in node.types)
    if node.length is not None:
        detail += yield node.length
    if node.properties is not None:
        detail += (" " if detail else "") + (yield node.properties)
    left = "<" if node.direction is Direction.INCOMING else ""
    right = ">" if node.direction is Direction.OUTGOING else ""
    if not detail:
        return f"{left}--{right}"
    return f"{left}-[{detail}]-{right}"
