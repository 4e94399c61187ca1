"""Custom scalars of the typed schema and value conversion between GraphQL and queries.

`Long` holds engram's 64-bit integers (GraphQL's `Int` has 32 bits); the temporal
scalars travel as their canonical text (`Date` is ``"2015-07-21"``, `DateTime`
``"2015-07-21T21:40:32.142+01:00[Europe/London]"``, `Duration` ``"P1DT2H"``) and are
parsed by the query language itself, so every spelling Cypher's `date()`,
`datetime()`, `duration()`, ... accept works.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final, NewType

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

from engram.server import values
from engram.server.errors import ServerError
from engram.server.typed.dynamic import list_of
from engram.server.typed.model import PropertyModel, Scalar

__all__ = [
    "SCALAR_MAP",
    "SchemaMismatch",
    "annotation",
    "input_expression",
    "output_value",
]

Long = NewType("Long", int)
Date = NewType("Date", str)
Time = NewType("Time", str)
LocalTime = NewType("LocalTime", str)
DateTime = NewType("DateTime", str)
LocalDateTime = NewType("LocalDateTime", str)
Duration = NewType("Duration", str)

_INT64: Final = (-(2**63), 2**63 - 1)


class SchemaMismatch(ServerError):
    """A stored value does not have the type the generated schema gives its property."""

    code = "SCHEMA_MISMATCH"


def _parse_long(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Long cannot represent a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("+-").isdigit():
        number = int(value.strip())
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        raise ValueError(f"Long cannot represent {value!r}")
    if not _INT64[0] <= number <= _INT64[1]:
        raise ValueError(f"Long cannot represent {number}: it needs more than 64 bits")
    return number


def _parse_text(name: str) -> Any:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"{name} is written as a string, not {value!r}")
        return value

    return parse


def _definitions() -> dict[object, ScalarDefinition]:
    texts = {
        Date: ("Date", "A date, as text: 2015-07-21."),
        Time: ("Time", "A time with an offset, as text: 21:40:32.142+01:00."),
        LocalTime: ("LocalTime", "A time without a zone, as text: 21:40:32.142."),
        DateTime: ("DateTime", "A date and time with a zone, as text: 2015-07-21T21:40:32Z."),
        LocalDateTime: ("LocalDateTime", "A date and time without a zone: 2015-07-21T21:40."),
        Duration: ("Duration", "A duration, as ISO 8601 text: P1DT2H."),
    }
    out: dict[object, ScalarDefinition] = {
        Long: strawberry.scalar(
            name="Long",
            description="A 64-bit integer (JSON number; also accepted as a string of digits).",
            serialize=_parse_long,
            parse_value=_parse_long,
        )
    }
    for kind, (name, description) in texts.items():
        out[kind] = strawberry.scalar(
            name=name, description=description, serialize=str, parse_value=_parse_text(name)
        )
    return out


SCALAR_MAP: Final = _definitions()

_ANNOTATIONS: Final[dict[Scalar, Any]] = {
    Scalar.LONG: Long,
    Scalar.FLOAT: float,
    Scalar.STRING: str,
    Scalar.BOOLEAN: bool,
    Scalar.DATE: Date,
    Scalar.TIME: Time,
    Scalar.LOCAL_TIME: LocalTime,
    Scalar.DATETIME: DateTime,
    Scalar.LOCAL_DATETIME: LocalDateTime,
    Scalar.DURATION: Duration,
    Scalar.JSON: JSON,
}

_FUNCTIONS: Final = {
    Scalar.DATE: "date",
    Scalar.TIME: "time",
    Scalar.LOCAL_TIME: "localtime",
    Scalar.DATETIME: "datetime",
    Scalar.LOCAL_DATETIME: "localdatetime",
    Scalar.DURATION: "duration",
}


def annotation(prop: PropertyModel) -> Any:
    """The Python annotation strawberry maps to the property's GraphQL type (nullable)."""
    base = _ANNOTATIONS[prop.scalar]
    if prop.is_list:
        return list_of(base | None) | None
    return base | None


def scalar_annotation(scalar: Scalar) -> Any:
    """The non-null annotation of a scalar."""
    return _ANNOTATIONS[scalar]


def input_expression(scalar: Scalar, is_list: bool, expression: str) -> str:
    """Cypher that turns an input value (`expression`, e.g. ``$p1``) into a stored value."""
    function = _FUNCTIONS.get(scalar)
    if function is None:
        return expression
    if is_list:
        return f"[_x IN {expression} | {function}(_x)]"
    return f"{function}({expression})"


def _mismatch(prop: PropertyModel, value: Any) -> SchemaMismatch:
    return SchemaMismatch(
        f"property '{prop.key}' holds {values.value_kind(value).value}, where the schema "
        f"says {prop.scalar.value}; the schema is being regenerated, retry shortly",
        property=prop.key,
    )


def _scalar_value(prop: PropertyModel, scalar: Scalar, value: Any) -> Any:
    if value is None:
        return None
    if scalar is Scalar.JSON:
        return values.to_json(value)
    if scalar is Scalar.LONG:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _mismatch(prop, value)
    if scalar is Scalar.FLOAT:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
            return None if math.isnan(number) or math.isinf(number) else number
        raise _mismatch(prop, value)
    if scalar is Scalar.STRING:
        if isinstance(value, str):
            return value
        raise _mismatch(prop, value)
    if scalar is Scalar.BOOLEAN:
        if isinstance(value, bool):
            return value
        raise _mismatch(prop, value)
    text = values.temporal_text(value)
    if text is None or values.value_kind(value).name != scalar.name:
        raise _mismatch(prop, value)
    return text


def output_value(prop: PropertyModel, properties: Mapping[str, Any]) -> Any:
    """The GraphQL value of a property of a node or relationship."""
    value = properties.get(prop.key)
    if value is None:
        return None
    if prop.is_list:
        if not isinstance(value, list | tuple):
            raise _mismatch(prop, value)
        return [_scalar_value(prop, prop.scalar, item) for item in value]
    return _scalar_value(prop, prop.scalar, value)
