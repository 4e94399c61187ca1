"""Filters, ordering and paging inputs, and their translation into query text with parameters.

Each scalar has one filter input (`LongFilter`, `StringFilter`, ...) shared by every
label; each label has a `<Type>Where` input with one filter per property, `_id`, and
`AND`, `OR`, `NOT`. Several operators in one filter all apply (AND). A null operand is
ignored (use `isNull`). Values never enter the query text: every one becomes a `$p<n>`
parameter, and names are quoted with backticks.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import strawberry

from engram.server.errors import BadUserInput
from engram.server.typed.dynamic import InputField, finish_input, list_of, shell
from engram.server.typed.model import PropertyModel, Scalar
from engram.server.typed.scalars import input_expression, scalar_annotation

__all__ = [
    "FILTERS",
    "ID_FIELD",
    "PageInfo",
    "Params",
    "SortDirection",
    "WhereSpec",
    "compile_filter",
    "compile_order",
    "compile_where",
    "ident",
    "parse_id",
    "parse_ids",
]

ID_FIELD: Final = "_id"


def ident(name: str) -> str:
    """A label, type or key quoted for query text."""
    return "`" + name.replace("`", "``") + "`"


class Params:
    """Parameters of one generated statement, named `p0`, `p1`, ..."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def add(self, value: Any) -> str:
        """Add a value; returns its `$name`."""
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"${name}"


def parse_id(value: Any) -> int:
    """A node or relationship id from an `ID` argument."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19:
        raise BadUserInput(f"'{value}' is not a node or relationship id")
    return int(text)


def parse_ids(values: Sequence[Any]) -> list[int]:
    """Ids from an `[ID]` argument."""
    return [parse_id(value) for value in values]


@strawberry.enum(description="Sort order.")
class SortDirection(enum.Enum):
    """Ascending (nulls last) or descending (nulls first)."""

    ASC = "ASC"
    DESC = "DESC"


@strawberry.type(description="Where a page of a connection sits.")
class PageInfo:
    """Relay page information."""

    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True, slots=True)
class _Operator:
    name: str
    graphql_name: str
    template: str
    operand: str  # "value", "list", "bool", "element"


_COMPARE: Final = (
    _Operator("eq", "eq", "{x} = {v}", "value"),
    _Operator("ne", "ne", "{x} <> {v}", "value"),
    _Operator("in_", "in", "{x} IN {v}", "list"),
    _Operator("not_in", "notIn", "NOT {x} IN {v}", "list"),
)
_RANGE: Final = (
    _Operator("lt", "lt", "{x} < {v}", "value"),
    _Operator("lte", "lte", "{x} <= {v}", "value"),
    _Operator("gt", "gt", "{x} > {v}", "value"),
    _Operator("gte", "gte", "{x} >= {v}", "value"),
)
_TEXT: Final = (
    _Operator("starts_with", "startsWith", "{x} STARTS WITH {v}", "value"),
    _Operator("ends_with", "endsWith", "{x} ENDS WITH {v}", "value"),
    _Operator("contains", "contains", "{x} CONTAINS {v}", "value"),
    _Operator("matches", "matches", "{x} =~ {v}", "value"),
)
_NULL: Final = (_Operator("is_null", "isNull", "", "bool"),)
_LIST: Final = (
    _Operator("includes", "includes", "{v} IN {x}", "element"),
    _Operator("is_empty", "isEmpty", "", "bool"),
    *_NULL,
)


@dataclass(frozen=True, slots=True)
class _FilterKind:
    """One filter input: its scalar, whether it filters lists, and its operators."""

    scalar: Scalar | None  # None: ids
    is_list: bool
    operators: tuple[_Operator, ...]


def _operators(scalar: Scalar) -> tuple[_Operator, ...]:
    if scalar is Scalar.BOOLEAN:
        return (*_COMPARE[:2], *_NULL)
    if scalar in (Scalar.JSON, Scalar.DURATION):
        return (*_COMPARE, *_NULL)
    if scalar is Scalar.STRING:
        return (*_COMPARE, *_RANGE, *_TEXT, *_NULL)
    return (*_COMPARE, *_RANGE, *_NULL)


def _build_filters() -> dict[tuple[Scalar | None, bool], type]:
    out: dict[tuple[Scalar | None, bool], type] = {}
    kinds: dict[type, _FilterKind] = {}
    id_kind = _FilterKind(None, False, _COMPARE)
    cls = finish_input(
        shell("IDFilter"),
        [InputField(op.name, op.graphql_name, _operand(None, op)) for op in id_kind.operators],
        "Conditions on an id.",
    )
    out[(None, False)] = cls
    kinds[cls] = id_kind
    for scalar in Scalar:
        kind = _FilterKind(scalar, False, _operators(scalar))
        name = f"{scalar.value}Filter"
        fields = [
            InputField(op.name, op.graphql_name, _operand(scalar, op)) for op in kind.operators
        ]
        cls = finish_input(shell(name), fields, f"Conditions on a {scalar.value} value.")
        out[(scalar, False)] = cls
        kinds[cls] = kind
        if scalar in (Scalar.LONG, Scalar.FLOAT, Scalar.STRING, Scalar.BOOLEAN):
            list_kind = _FilterKind(scalar, True, _LIST)
            fields = [InputField(op.name, op.graphql_name, _operand(scalar, op)) for op in _LIST]
            cls = finish_input(
                shell(f"{scalar.value}ListFilter"),
                fields,
                f"Conditions on a list of {scalar.value}.",
            )
            out[(scalar, True)] = cls
            kinds[cls] = list_kind
    _KINDS.update(kinds)
    return out


def _operand(scalar: Scalar | None, op: _Operator) -> Any:
    base: Any = strawberry.ID if scalar is None else scalar_annotation(scalar)
    if op.operand == "bool":
        return bool | None
    if op.operand == "list":
        return list_of(base) | None
    return base | None


_KINDS: dict[type, _FilterKind] = {}
FILTERS: Final = _build_filters()


def filter_type(prop: PropertyModel) -> type:
    """The filter input of a property (JSON for lists that have no list filter)."""
    return FILTERS.get((prop.scalar, prop.is_list), FILTERS[(Scalar.JSON, False)])


def _given(value: Any) -> bool:
    return value is not None and value is not strawberry.UNSET


def compile_filter(
    filter_value: Any, expression: str, prop: PropertyModel | None, params: Params
) -> list[str]:
    """Conditions of one filter input on `expression` (a property or `id(n)`)."""
    kind = _KINDS.get(type(filter_value))
    if kind is None:
        return []
    scalar = prop.scalar if prop is not None and kind.scalar is not Scalar.JSON else kind.scalar
    conditions = []
    for op in kind.operators:
        value = getattr(filter_value, op.name, strawberry.UNSET)
        if not _given(value):
            continue
        if op.operand == "bool":
            conditions.append(_bool_condition(op, bool(value), expression))
            continue
        if kind.scalar is None:
            value = parse_ids(value) if op.operand == "list" else parse_id(value)
        param = params.add(list(value) if op.operand == "list" else value)
        if scalar is not None:
            param = input_expression(scalar, op.operand == "list", param)
        conditions.append(op.template.format(x=expression, v=param))
    return conditions


def _bool_condition(op: _Operator, value: bool, expression: str) -> str:
    if op.name == "is_null":
        return f"{expression} IS NULL" if value else f"{expression} IS NOT NULL"
    return f"size({expression}) = 0" if value else f"size({expression}) > 0"


@dataclass(frozen=True, slots=True)
class WhereSpec:
    """How a `<Type>Where` input's Python attributes map to properties."""

    properties: Mapping[str, PropertyModel]


def compile_where(where: Any, spec: WhereSpec, var: str, params: Params) -> str | None:
    """The condition of a where input on variable `var`, or None when it has none."""
    if not _given(where):
        return None
    conditions: list[str] = []
    identity = getattr(where, "id_", strawberry.UNSET)
    if _given(identity):
        conditions.extend(compile_filter(identity, f"id({var})", None, params))
    for attribute, prop in spec.properties.items():
        value = getattr(where, attribute, strawberry.UNSET)
        if _given(value):
            conditions.extend(compile_filter(value, f"{var}.{ident(prop.key)}", prop, params))
    for part in getattr(where, "and_", None) or ():
        compiled = compile_where(part, spec, var, params)
        if compiled:
            conditions.append(compiled)
    alternatives = getattr(where, "or_", strawberry.UNSET)
    if _given(alternatives):
        options = [compile_where(part, spec, var, params) for part in alternatives]
        # an empty OR matches nothing; an unconditional alternative matches everything
        if not options:
            conditions.append("false")
        elif all(option is not None for option in options):
            conditions.append("(" + " OR ".join(f"({option})" for option in options) + ")")
    negated = getattr(where, "not_", strawberry.UNSET)
    if _given(negated):
        inner = compile_where(negated, spec, var, params)
        conditions.append(f"NOT ({inner})" if inner else "false")
    if not conditions:
        return None
    return " AND ".join(f"({condition})" for condition in conditions)


def compile_order(
    order: Sequence[Any] | None, spec: Mapping[str, PropertyModel]
) -> list[tuple[PropertyModel, bool]]:
    """(property, descending) sort keys of an `orderBy` list; one field per element."""
    keys: list[tuple[PropertyModel, bool]] = []
    for element in order or ():
        chosen = [
            (prop, getattr(element, attribute))
            for attribute, prop in spec.items()
            if _given(getattr(element, attribute, strawberry.UNSET))
        ]
        if len(chosen) != 1:
            raise BadUserInput("each orderBy element names exactly one field")
        prop, direction = chosen[0]
        keys.append((prop, direction is SortDirection.DESC))
    return keys
