"""The runtime errors temporal functions and operators raise, with their openCypher kinds.

All are `engram.errors.QueryRuntimeError` without a span: the engine attaches the span of
the call or operator that failed.

- `wrong_type`: TypeError / InvalidArgumentValue, an argument or map value of the wrong
  type (`date(42)`);
- `invalid_value`: ArgumentError / InvalidArgumentValue, unparsable text, an unknown
  zone, unit or map key, fields that cannot be combined;
- `out_of_range`: ArgumentError / NumberOutOfRange, a component outside its range
  (`{month: 13}`);
- `overflow`: ArithmeticError / NumberOutOfRange, a result outside the supported range;
- `division_by_zero`: ArithmeticError / DivisionByZero, a duration divided by zero.
"""

from __future__ import annotations

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError

__all__ = [
    "division_by_zero",
    "invalid_value",
    "out_of_range",
    "overflow",
    "quoted",
    "wrong_type",
]


def quoted(text: str, limit: int = 60) -> str:
    """`text` in single quotes for a message, shortened with an ellipsis when long."""
    return f"'{text}'" if len(text) <= limit else f"'{text[:limit]}…'"


def wrong_type(message: str, *, hint: str | None = None) -> QueryRuntimeError:
    """An argument of a type the function does not accept (`date(42)`)."""
    return QueryRuntimeError(
        message, kind=ErrorKind.TYPE_ERROR, detail=ErrorDetail.INVALID_ARGUMENT_VALUE, hint=hint
    )


def invalid_value(message: str, *, hint: str | None = None) -> QueryRuntimeError:
    """A well-typed argument with an unusable value (bad text, unknown zone or key)."""
    return QueryRuntimeError(
        message,
        kind=ErrorKind.ARGUMENT_ERROR,
        detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
        hint=hint,
    )


def out_of_range(message: str, *, hint: str | None = None) -> QueryRuntimeError:
    """A component value outside its range (`{month: 13}`)."""
    return QueryRuntimeError(
        message, kind=ErrorKind.ARGUMENT_ERROR, detail=ErrorDetail.NUMBER_OUT_OF_RANGE, hint=hint
    )


def overflow(message: str) -> QueryRuntimeError:
    """An arithmetic result outside the supported range (years beyond ±999,999,999)."""
    return QueryRuntimeError(
        message, kind=ErrorKind.ARITHMETIC_ERROR, detail=ErrorDetail.NUMBER_OUT_OF_RANGE
    )


def division_by_zero(message: str) -> QueryRuntimeError:
    """A duration divided by zero."""
    return QueryRuntimeError(
        message, kind=ErrorKind.ARITHMETIC_ERROR, detail=ErrorDetail.DIVISION_BY_ZERO
    )
