"""Arithmetic operators with Cypher's typing: `-x`, `+x`, `+ - * / % ^`.

- Any null operand gives null.
- INTEGER op INTEGER stays INTEGER within signed 64 bits; a result outside raises
  ArithmeticError IntegerOverflow (never a silent wrap-around).
- `/` on two integers truncates toward zero; `%` takes the sign of the dividend (Java).
  Integer `/` or `%` by zero raises ArithmeticError DivisionByZero.
- With a FLOAT operand the result is FLOAT and follows IEEE 754: `1.0 / 0` is
  `Infinity`, `0.0 / 0` and `1.0 % 0` are `NaN`.
- `^` always gives a FLOAT (Java's `Math.pow`).
- `+` also concatenates: list + list, list + element, element + list, and string +
  string; a string plus a number, boolean or temporal value appends that value's
  `toString()` text.
- Temporal values take part through `TemporalValue.cypher_add/radd/sub/mul/div`; a
  `NotImplemented` answer is a type error.

Type errors are TypeError InvalidArgumentType.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.faults import arithmetic_error, type_error, type_name
from engram.execution.text import scalar_to_string
from engram.temporal.base import TemporalValue

__all__ = [
    "BINARY_OPERATORS",
    "INT64_MAX",
    "INT64_MIN",
    "add",
    "check_int64",
    "divide",
    "modulo",
    "multiply",
    "negate",
    "plus",
    "power",
    "subtract",
]

INT64_MAX: Final = 2**63 - 1
INT64_MIN: Final = -(2**63)


def check_int64(value: int, operator: str = "arithmetic") -> int:
    """`value` if it fits a signed 64-bit integer, else ArithmeticError IntegerOverflow."""
    if INT64_MIN <= value <= INT64_MAX:
        return value
    raise arithmetic_error(
        f"integer overflow in {operator}: the result does not fit in 64 bits",
        ErrorDetail.INTEGER_OVERFLOW,
    )


def _is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float or (isinstance(value, int | float) and kind is not bool)


def _is_int(value: Any) -> bool:
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def _mismatch(operator: str, left: Any, right: Any) -> Exception:
    return type_error(
        f"cannot apply '{operator}' to {type_name(left)} and {type_name(right)}",
    )


def negate(value: Any) -> Any:
    """Unary `-value`."""
    if value is None:
        return None
    if _is_int(value):
        return check_int64(-int(value), "unary minus")
    if isinstance(value, float):
        return -value
    if isinstance(value, TemporalValue):
        result = value.cypher_mul(-1)
        if result is not NotImplemented:
            return result
    raise type_error(f"cannot apply unary '-' to {type_name(value)}")


def plus(value: Any) -> Any:
    """Unary `+value`: numbers (and durations) unchanged."""
    if value is None or _is_number(value):
        return value
    if isinstance(value, TemporalValue) and value.cypher_mul(1) is not NotImplemented:
        return value
    raise type_error(f"cannot apply unary '+' to {type_name(value)}")


def add(left: Any, right: Any) -> Any:
    """`left + right`: numbers, concatenation of lists and strings, temporal arithmetic."""
    if left is None or right is None:
        return None
    left_kind, right_kind = type(left), type(right)
    if left_kind is int and right_kind is int:
        return check_int64(left + right, "'+'")
    if _is_number(left) and _is_number(right):
        if _is_int(left) and _is_int(right):
            return check_int64(int(left) + int(right), "'+'")
        return float(left) + float(right)
    if left_kind is str and right_kind is str:
        return left + right
    return _add_slow(left, right)


def _add_slow(left: Any, right: Any) -> Any:
    left_is_list = isinstance(left, list | tuple)
    if left_is_list and isinstance(right, list | tuple):
        return [*left, *right]
    if left_is_list:
        return [*left, right]
    if isinstance(right, list | tuple):
        return [left, *right]
    if isinstance(left, str):
        text = scalar_to_string(right)
        if text is not None:
            return left + text
    elif isinstance(right, str):
        text = scalar_to_string(left)
        if text is not None:
            return text + right
    result = _temporal("cypher_add", left, right, "cypher_radd")
    if result is not NotImplemented:
        return result
    raise _mismatch("+", left, right)


def _temporal(method: str, left: Any, right: Any, reflected: str | None) -> Any:
    """Dispatch to the temporal operand's method; NotImplemented if neither accepts."""
    if isinstance(left, TemporalValue):
        result = getattr(left, method)(right)
        if result is not NotImplemented:
            return result
    if reflected is not None and isinstance(right, TemporalValue):
        return getattr(right, reflected)(left)
    return NotImplemented


def subtract(left: Any, right: Any) -> Any:
    """`left - right`: numbers and temporal arithmetic."""
    if left is None or right is None:
        return None
    if type(left) is int and type(right) is int:
        return check_int64(left - right, "'-'")
    if _is_number(left) and _is_number(right):
        if _is_int(left) and _is_int(right):
            return check_int64(int(left) - int(right), "'-'")
        return float(left) - float(right)
    result = _temporal("cypher_sub", left, right, None)
    if result is not NotImplemented:
        return result
    raise _mismatch("-", left, right)


def multiply(left: Any, right: Any) -> Any:
    """`left * right`: numbers, and durations scaled by numbers (either order)."""
    if left is None or right is None:
        return None
    if type(left) is int and type(right) is int:
        return check_int64(left * right, "'*'")
    if _is_number(left) and _is_number(right):
        if _is_int(left) and _is_int(right):
            return check_int64(int(left) * int(right), "'*'")
        return float(left) * float(right)
    if isinstance(left, TemporalValue) and _is_number(right):
        result = left.cypher_mul(right)
    elif isinstance(right, TemporalValue) and _is_number(left):
        result = right.cypher_mul(left)
    else:
        result = NotImplemented
    if result is not NotImplemented:
        return result
    raise _mismatch("*", left, right)


def divide(left: Any, right: Any) -> Any:
    """`left / right`: integer division truncates toward zero; floats follow IEEE 754."""
    if left is None or right is None:
        return None
    if _is_int(left) and _is_int(right):
        if right == 0:
            raise arithmetic_error("division by zero", ErrorDetail.DIVISION_BY_ZERO)
        quotient = abs(left) // abs(right)
        return check_int64(quotient if (left < 0) == (right < 0) else -quotient, "'/'")
    if _is_number(left) and _is_number(right):
        return _float_divide(float(left), float(right))
    if isinstance(left, TemporalValue) and _is_number(right):
        result = left.cypher_div(right)
        if result is not NotImplemented:
            return result
    raise _mismatch("/", left, right)


def _float_divide(left: float, right: float) -> float:
    if right != 0.0:
        return left / right
    if left != left or left == 0.0:
        return math.nan
    # the sign of a zero divisor counts: 1.0 / -0.0 is -Infinity
    negative = (left < 0) != (math.copysign(1.0, right) < 0)
    return -math.inf if negative else math.inf


def modulo(left: Any, right: Any) -> Any:
    """`left % right`: the remainder takes the sign of the dividend, as in Java."""
    if left is None or right is None:
        return None
    if _is_int(left) and _is_int(right):
        if right == 0:
            raise arithmetic_error("modulo by zero", ErrorDetail.DIVISION_BY_ZERO)
        remainder = abs(left) % abs(right)
        return -remainder if left < 0 else remainder
    if _is_number(left) and _is_number(right):
        left_float, right_float = float(left), float(right)
        if right_float == 0.0 or math.isinf(left_float) or math.isnan(right_float):
            return math.nan
        return math.fmod(left_float, right_float)
    raise _mismatch("%", left, right)


def power(left: Any, right: Any) -> Any:
    """`left ^ right`: always a FLOAT, with Java's `Math.pow` special cases."""
    if left is None or right is None:
        return None
    if not (_is_number(left) and _is_number(right)):
        raise _mismatch("^", left, right)
    return java_pow(float(left), float(right))


def java_pow(base: float, exponent: float) -> float:
    """Java's `Math.pow`: NaN where Python raises for a domain error, inf on overflow."""
    if exponent != exponent or (abs(base) == 1.0 and math.isinf(exponent)):
        # C's pow gives 1.0 for these; Java gives NaN
        return math.nan
    try:
        return math.pow(base, exponent)
    except OverflowError:
        # magnitude overflow: negative only for a negative base and an odd integer power
        odd = exponent.is_integer() and exponent % 2 == 1
        return -math.inf if base < 0 and odd else math.inf
    except ValueError:
        if base == 0.0 and exponent < 0:
            odd = exponent.is_integer() and exponent % 2 == 1
            return -math.inf if odd and math.copysign(1.0, base) < 0 else math.inf
        return math.nan


#: operator text -> implementation, for the expression compiler
BINARY_OPERATORS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "+": add,
    "-": subtract,
    "*": multiply,
    "/": divide,
    "%": modulo,
    "^": power,
}
