"""Type conversion: toInteger, toFloat, toBoolean, toString, their OrNull and List forms.

- A string that does not parse gives null (`toInteger('foo')`).
- A value of a type the conversion does not cover is TypeError InvalidArgumentValue
  (`toInteger([])`, `toBoolean(1.0)`, `toString({})`); the `...OrNull` forms give null
  instead and never raise.
- Strings parse like Java's `Long.parseLong`, then `Double.parseDouble` (surrounding
  whitespace allowed, `1.5e3`, `NaN`, `Infinity`); `toInteger` truncates toward zero.
- A float (or numeric string) whose integer part does not fit in 64 bits, or NaN or
  infinity, cannot become an INTEGER: `toInteger` raises ArgumentError NumberOutOfRange
  for a float and gives null for a string; `toIntegerOrNull` gives null.
- `toBoolean` accepts booleans, the strings 'true' / 'false' (any case, trimmed) and
  integers (0 is false).
- The `to...List` forms convert each element with the `...OrNull` rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.arithmetic import INT64_MAX, INT64_MIN
from engram.execution.faults import argument_error, type_error, type_name
from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.execution.text import scalar_to_string
from engram.types import (
    ANY,
    BOOLEAN,
    DATE,
    DATETIME,
    DURATION,
    FLOAT,
    INTEGER,
    LOCALDATETIME,
    LOCALTIME,
    NUMBER,
    STRING,
    TIME,
    list_of,
)

__all__ = [
    "SPECS",
    "parse_float",
    "parse_integer",
    "to_boolean",
    "to_float",
    "to_integer",
    "to_string",
]

_INTEGER_TEXT: Final = re.compile(r"[+-]?[0-9]+")
# Java's Double.parseDouble (decimal forms, an optional type suffix, NaN and Infinity);
# surrounding characters up to U+0020 are trimmed as Java's String.trim does
_FLOAT_TEXT: Final = re.compile(
    r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)"
)
_JAVA_TRIM: Final = "".join(chr(code) for code in range(0x21))
_INT64_DIGITS: Final = len(str(INT64_MAX))


def parse_float(text: str) -> float | None:
    """The float a string denotes, as Java's `Double.parseDouble` reads it, or None."""
    stripped = text.strip(_JAVA_TRIM)
    if not _FLOAT_TEXT.fullmatch(stripped):
        return None
    stripped = stripped.rstrip("fFdD")
    if stripped.lstrip("+-") == "NaN":
        return math.nan
    return float(stripped)


def parse_integer(text: str) -> int | None:
    """The integer a string denotes (a float text is truncated), or None."""
    stripped = text.strip(_JAVA_TRIM)
    if _INTEGER_TEXT.fullmatch(stripped):
        digits = stripped.lstrip("+-").lstrip("0") or "0"
        if len(digits) > _INT64_DIGITS:
            return None  # also keeps int() clear of Python's limit on digit strings
        number = -int(digits) if stripped.startswith("-") else int(digits)
        return number if INT64_MIN <= number <= INT64_MAX else None
    parsed = parse_float(stripped)
    if parsed is None or not math.isfinite(parsed):
        return None
    number = math.trunc(parsed)
    return number if INT64_MIN <= number <= INT64_MAX else None


def _invalid(function: str, value: Any) -> Exception:
    return type_error(
        f"{function}() cannot convert a {type_name(value)}",
        ErrorDetail.INVALID_ARGUMENT_VALUE,
    )


def _float_to_integer(value: float) -> int | None:
    if not math.isfinite(value):
        return None
    number = math.trunc(value)
    return number if INT64_MIN <= number <= INT64_MAX else None


def to_integer_or_null(value: Any) -> int | None:
    """`toIntegerOrNull()`: the integer, or null when there is none."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _float_to_integer(value)
    if isinstance(value, str):
        return parse_integer(value)
    return None


def to_integer(value: Any) -> int | None:
    """`toInteger()`: floats truncate toward zero, unparsable strings give null."""
    if isinstance(value, float):
        number = _float_to_integer(value)
        if number is None:
            raise argument_error(f"toInteger() cannot represent {value!r} as an INTEGER")
        return number
    if isinstance(value, bool | int | str):
        return to_integer_or_null(value)
    raise _invalid("toInteger", value)


def to_float_or_null(value: Any) -> float | None:
    """`toFloatOrNull()`: the float, or null when there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        return parse_float(value)
    return None


def to_float(value: Any) -> float | None:
    """`toFloat()`: numbers become floats, unparsable strings give null."""
    if isinstance(value, int | float | str) and not isinstance(value, bool):
        return to_float_or_null(value)
    raise _invalid("toFloat", value)


def to_boolean_or_null(value: Any) -> bool | None:
    """`toBooleanOrNull()`: the boolean, or null when there is none."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return {"true": True, "false": False}.get(value.strip(_JAVA_TRIM).lower())
    return None


def to_boolean(value: Any) -> bool | None:
    """`toBoolean()`: booleans, 'true' / 'false' strings and integers."""
    if isinstance(value, bool | int | str):
        return to_boolean_or_null(value)
    raise _invalid("toBoolean", value)


def to_string_or_null(value: Any) -> str | None:
    """`toStringOrNull()`: the text, or null for lists, maps and graph entities."""
    return scalar_to_string(value)


def to_string(value: Any) -> str:
    """`toString()`: booleans, numbers, strings and temporal values as text."""
    text = scalar_to_string(value)
    if text is None:
        raise _invalid("toString", value)
    return text


def _list_conversion(function: str, element: Callable[[Any], Any]) -> Callable[[Any], list[Any]]:
    def convert(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise _invalid(function, value)
        return [None if item is None else element(item) for item in value]

    convert.__name__ = function
    convert.__doc__ = f"`{function}()`: each element converted, or null."
    return convert


_TEMPORAL = (DATE, LOCALTIME, TIME, LOCALDATETIME, DATETIME, DURATION)
_STRINGABLE = (STRING, NUMBER, BOOLEAN, *_TEMPORAL)
_ANY_LIST = (list_of(ANY),)


def _conversion(
    display: str,
    impl: Callable[[Any], Any],
    accepted: tuple[Any, ...],
    result: Any,
    signature: str,
    description: str,
) -> FunctionSpec:
    return scalar_spec(
        display, impl, [accepted], result, signature=signature, description=description
    )


SPECS: Final[tuple[FunctionSpec, ...]] = (
    _conversion(
        "toInteger",
        to_integer,
        (STRING, NUMBER, BOOLEAN),
        INTEGER,
        "toInteger(input :: STRING | INTEGER | FLOAT | BOOLEAN) :: INTEGER",
        "The input as an INTEGER; null for a string that is not a number.",
    ),
    _conversion(
        "toIntegerOrNull",
        to_integer_or_null,
        (ANY,),
        INTEGER,
        "toIntegerOrNull(input :: ANY) :: INTEGER",
        "The input as an INTEGER, or null when it cannot be converted.",
    ),
    _conversion(
        "toFloat",
        to_float,
        (STRING, NUMBER),
        FLOAT,
        "toFloat(input :: STRING | INTEGER | FLOAT) :: FLOAT",
        "The input as a FLOAT; null for a string that is not a number.",
    ),
    _conversion(
        "toFloatOrNull",
        to_float_or_null,
        (ANY,),
        FLOAT,
        "toFloatOrNull(input :: ANY) :: FLOAT",
        "The input as a FLOAT, or null when it cannot be converted.",
    ),
    _conversion(
        "toBoolean",
        to_boolean,
        (STRING, BOOLEAN, INTEGER),
        BOOLEAN,
        "toBoolean(input :: STRING | BOOLEAN | INTEGER) :: BOOLEAN",
        "The input as a BOOLEAN; null for a string other than 'true' or 'false'.",
    ),
    _conversion(
        "toBooleanOrNull",
        to_boolean_or_null,
        (ANY,),
        BOOLEAN,
        "toBooleanOrNull(input :: ANY) :: BOOLEAN",
        "The input as a BOOLEAN, or null when it cannot be converted.",
    ),
    _conversion(
        "toString",
        to_string,
        _STRINGABLE,
        STRING,
        "toString(input :: STRING | INTEGER | FLOAT | BOOLEAN | temporal) :: STRING",
        "The input as a STRING.",
    ),
    _conversion(
        "toStringOrNull",
        to_string_or_null,
        (ANY,),
        STRING,
        "toStringOrNull(input :: ANY) :: STRING",
        "The input as a STRING, or null when it has no string form.",
    ),
    _conversion(
        "toIntegerList",
        _list_conversion("toIntegerList", to_integer_or_null),
        _ANY_LIST,
        list_of(INTEGER),
        "toIntegerList(input :: LIST<ANY>) :: LIST<INTEGER>",
        "Each element as an INTEGER, or null where it cannot be converted.",
    ),
    _conversion(
        "toFloatList",
        _list_conversion("toFloatList", to_float_or_null),
        _ANY_LIST,
        list_of(FLOAT),
        "toFloatList(input :: LIST<ANY>) :: LIST<FLOAT>",
        "Each element as a FLOAT, or null where it cannot be converted.",
    ),
    _conversion(
        "toBooleanList",
        _list_conversion("toBooleanList", to_boolean_or_null),
        _ANY_LIST,
        list_of(BOOLEAN),
        "toBooleanList(input :: LIST<ANY>) :: LIST<BOOLEAN>",
        "Each element as a BOOLEAN, or null where it cannot be converted.",
    ),
    _conversion(
        "toStringList",
        _list_conversion("toStringList", to_string_or_null),
        _ANY_LIST,
        list_of(STRING),
        "toStringList(input :: LIST<ANY>) :: LIST<STRING>",
        "Each element as a STRING, or null where it has no string form.",
    ),
)
