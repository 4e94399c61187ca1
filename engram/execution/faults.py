"""Runtime error constructors with openCypher kinds and details, and value type names.

Value semantics and functions raise these without a span: the compiled expression that
called them knows where it came from in the query text and attaches the span (see
`with_span`). Messages are lower-case and name the Cypher types involved, e.g.
``cannot apply '+' to INTEGER and BOOLEAN``.
"""

from __future__ import annotations

from typing import Any, Final

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError, Span
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.temporal.base import TemporalValue
from engram.types import ANY, CypherType, TypeKind, list_of

__all__ = [
    "argument_error",
    "arithmetic_error",
    "type_error",
    "type_name",
    "value_type",
    "with_span",
]

_TEMPORAL_NAMES: Final = {
    "date": "DATE",
    "localtime": "LOCALTIME",
    "time": "TIME",
    "localdatetime": "LOCALDATETIME",
    "datetime": "DATETIME",
    "duration": "DURATION",
}

_SIMPLE_NAMES: Final[dict[type, str]] = {
    type(None): "NULL",
    bool: "BOOLEAN",
    int: "INTEGER",
    float: "FLOAT",
    str: "STRING",
    list: "LIST",
    tuple: "LIST",
    dict: "MAP",
    NodeRef: "NODE",
    RelRef: "RELATIONSHIP",
    PathValue: "PATH",
}


def type_name(value: Any) -> str:
    """The Cypher type name of a runtime value, for error messages (`'INTEGER'`, `'MAP'`).

    Temporal values are named after their class (`Date` -> `DATE`), since the temporal
    protocol carries no name of its own.
    """
    name = _SIMPLE_NAMES.get(type(value))
    if name is not None:
        return name
    if isinstance(value, TemporalValue):
        class_name = type(value).__name__.lower()
        return _TEMPORAL_NAMES.get(class_name, class_name.upper())
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list | tuple):
        return "LIST"
    if isinstance(value, dict):
        return "MAP"
    return type(value).__name__.upper()


def value_type(value: Any) -> CypherType:
    """The logical type of a runtime value (constant folding, inference from results).

    A list's element type is the common type of its non-null elements (`ANY` when they
    differ); null is `NULL`; a value this layer does not know is `ANY`.
    """
    name = type_name(value)
    if isinstance(value, list | tuple):
        kinds = {value_type(item) for item in value if item is not None}
        return list_of(kinds.pop() if len(kinds) == 1 else ANY)
    try:
        return CypherType(TypeKind(name))
    except ValueError:
        return ANY


def type_error(
    message: str,
    detail: ErrorDetail = ErrorDetail.INVALID_ARGUMENT_TYPE,
    *,
    hint: str | None = None,
) -> QueryRuntimeError:
    """A `TypeError` (default detail `InvalidArgumentType`): a value of the wrong type."""
    return QueryRuntimeError(message, detail=detail, kind=ErrorKind.TYPE_ERROR, hint=hint)


def argument_error(
    message: str,
    detail: ErrorDetail = ErrorDetail.NUMBER_OUT_OF_RANGE,
    *,
    hint: str | None = None,
) -> QueryRuntimeError:
    """An `ArgumentError` (default detail `NumberOutOfRange`): a valid type, a bad value."""
    return QueryRuntimeError(message, detail=detail, kind=ErrorKind.ARGUMENT_ERROR, hint=hint)


def arithmetic_error(message: str, detail: ErrorDetail) -> QueryRuntimeError:
    """An `ArithmeticError`: integer overflow or integer division by zero."""
    return QueryRuntimeError(message, detail=detail, kind=ErrorKind.ARITHMETIC_ERROR)


def with_span(error: QueryRuntimeError, span: Span) -> QueryRuntimeError:
    """Attach `span` to a runtime error raised without one (an inner span wins). Returns it."""
    if error.span is None:
        error.span = span
    return error
