"""Numeric functions: abs, rounding, sign, logarithms, trigonometry, constants, rand.

They follow Java's `Math` as Neo4j does: float results, and domain errors give NaN
rather than an error (`sqrt(-1)`, `asin(2)`), overflow gives infinity, `log(0)` is
`-Infinity`. `abs` keeps integers integers (and raises on the one integer whose
absolute value does not fit in 64 bits); `ceil`, `floor` and `round` return floats;
`sign` returns an integer. Null arguments give null.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    Inexact,
)
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.arithmetic import check_int64
from engram.execution.faults import argument_error
from engram.execution.functions.checks import expect_integer, expect_number, expect_string
from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.types import BOOLEAN, FLOAT, INTEGER, NUMBER, STRING, CypherType, TypeKind

__all__ = ["SPECS", "java_round", "round_to"]

_ROUNDING_MODES: Final = {
    "UP": ROUND_UP,
    "DOWN": ROUND_DOWN,
    "CEILING": ROUND_CEILING,
    "FLOOR": ROUND_FLOOR,
    "HALF_UP": ROUND_HALF_UP,
    "HALF_DOWN": ROUND_HALF_DOWN,
    "HALF_EVEN": ROUND_HALF_EVEN,
    "UNNECESSARY": ROUND_HALF_EVEN,
}
# a double has at most 17 significant digits at exponents down to -324, so scales beyond
# these bounds cannot change the value (or push it past the float range either way)
_MAX_SCALE: Final = 400
_DECIMAL_CONTEXT: Final = Context(prec=2 * _MAX_SCALE + 20)


def absolute(value: Any) -> int | float:
    """`abs()`: integers stay integers."""
    number = expect_number("abs", 1, value)
    if isinstance(number, int):
        return check_int64(abs(number), "abs()")
    return abs(number)


def ceil(value: Any) -> float:
    """`ceil()`: the smallest integral float not below the value."""
    number = float(expect_number("ceil", 1, value))
    return number if not math.isfinite(number) else float(math.ceil(number))


def floor(value: Any) -> float:
    """`floor()`: the largest integral float not above the value."""
    number = float(expect_number("floor", 1, value))
    return number if not math.isfinite(number) else float(math.floor(number))


def java_round(value: float) -> float:
    """Java's `Math.round` as a float: the nearest integer, halves toward +infinity."""
    if not math.isfinite(value):
        return value
    floored = math.floor(value)
    result = float(floored + 1 if value - floored >= 0.5 else floored)
    return result + 0.0  # no negative zero


def round_to(value: int | float, precision: int, mode: str = "HALF_UP") -> float:
    """The value rounded to `precision` decimal places with a Java `RoundingMode` name.

    Raises:
        QueryRuntimeError: ArgumentError InvalidArgumentValue for an unknown mode, and
            ArgumentError NumberOutOfRange when mode UNNECESSARY would have to round.
    """
    rounding = _ROUNDING_MODES.get(mode.upper())
    if rounding is None:
        raise argument_error(
            f"round() expects a rounding mode ({', '.join(_ROUNDING_MODES)}), got {mode!r}",
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        )
    if isinstance(value, float) and not math.isfinite(value):
        return value
    exact = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    scale = max(-_MAX_SCALE, min(_MAX_SCALE, precision))
    context = _DECIMAL_CONTEXT.copy()
    rounded = exact.quantize(Decimal(1).scaleb(-scale), rounding=rounding, context=context)
    if mode.upper() == "UNNECESSARY" and context.flags[Inexact]:
        raise argument_error(f"round() with mode UNNECESSARY cannot round {value!r} exactly")
    return float(rounded) + 0.0


def round_(value: Any, precision: Any = None, mode: Any = None) -> float:
    """`round()`: to an integer (halves up), or to `precision` places with a mode."""
    number = expect_number("round", 1, value)
    if precision is None:
        return java_round(float(number))
    places = expect_integer("round", 2, precision)
    name = "HALF_UP" if mode is None else expect_string("round", 3, mode)
    return round_to(number, places, name)


def sign(value: Any) -> int:
    """`sign()`: -1, 0 or 1 (0 for NaN)."""
    number = expect_number("sign", 1, value)
    return (number > 0) - (number < 0)


def is_nan(value: Any) -> bool:
    """`isNaN()`: whether the number is NaN."""
    number = expect_number("isNaN", 1, value)
    return isinstance(number, float) and math.isnan(number)


def _java(function: str, operation: Callable[[float], float]) -> Callable[[Any], float]:
    """A one-argument float function with Java's NaN / infinity results."""

    def call(value: Any) -> float:
        number = float(expect_number(function, 1, value))
        try:
            return operation(number)
        except OverflowError:
            return math.inf
        except (ValueError, ZeroDivisionError):
            return math.nan

    call.__name__ = function
    call.__doc__ = f"`{function}()` with Java's special values."
    return call


def _log(function: str, operation: Callable[[float], float]) -> Callable[[Any], float]:
    def call(value: Any) -> float:
        number = float(expect_number(function, 1, value))
        if number == 0.0:
            return -math.inf
        if number < 0 or math.isnan(number):
            return math.nan
        return operation(number)

    call.__name__ = function
    call.__doc__ = f"`{function}()`: -Infinity at 0, NaN below."
    return call


def _cot(number: float) -> float:
    tangent = math.tan(number)
    if tangent == 0.0:
        return math.copysign(math.inf, tangent)
    return 1.0 / tangent


def _coth(number: float) -> float:
    if number == 0.0:
        return math.copysign(math.inf, number)
    return 1.0 / math.tanh(number)


def atan2(y: Any, x: Any) -> float:
    """`atan2()`: the angle of the point (x, y), in radians."""
    return math.atan2(float(expect_number("atan2", 1, y)), float(expect_number("atan2", 2, x)))


def haversin(value: Any) -> float:
    """`haversin()`: half the versine, (1 - cos(x)) / 2."""
    number = float(expect_number("haversin", 1, value))
    return math.nan if math.isinf(number) else (1.0 - math.cos(number)) / 2.0


def _same_numeric_type(types: Sequence[CypherType]) -> CypherType:
    if types and types[0].kind in (TypeKind.INTEGER, TypeKind.FLOAT):
        return types[0]
    return NUMBER


_N = (NUMBER,)


def _float_function(display: str, impl: Callable[[Any], float], description: str) -> FunctionSpec:
    return scalar_spec(
        display,
        impl,
        [_N],
        FLOAT,
        signature=f"{display}(input :: FLOAT) :: FLOAT",
        description=description,
    )


def _constant(display: str, value: float, description: str) -> FunctionSpec:
    return scalar_spec(
        display,
        lambda: value,
        [],
        FLOAT,
        signature=f"{display}() :: FLOAT",
        description=description,
    )


SPECS: Final[tuple[FunctionSpec, ...]] = (
    scalar_spec(
        "abs",
        absolute,
        [_N],
        NUMBER,
        infer_result=_same_numeric_type,
        signature="abs(input :: INTEGER | FLOAT) :: INTEGER | FLOAT",
        description="The absolute value, of the same type as the input.",
    ),
    _float_function("ceil", ceil, "The smallest integral value not below the input."),
    _float_function("floor", floor, "The largest integral value not above the input."),
    scalar_spec(
        "round",
        round_,
        [_N, (INTEGER,), (STRING,)],
        FLOAT,
        optional=2,
        signature="round(value :: FLOAT [, precision :: INTEGER [, mode :: STRING]]) :: FLOAT",
        description="The value rounded to the nearest integer, or to a number of decimal "
        "places with a rounding mode (default HALF_UP).",
    ),
    scalar_spec(
        "sign",
        sign,
        [_N],
        INTEGER,
        signature="sign(input :: INTEGER | FLOAT) :: INTEGER",
        description="-1, 0 or 1: the signum of the input.",
    ),
    scalar_spec(
        "isNaN",
        is_nan,
        [_N],
        BOOLEAN,
        signature="isNaN(input :: INTEGER | FLOAT) :: BOOLEAN",
        description="Whether the input is NaN.",
    ),
    _float_function("sqrt", _java("sqrt", math.sqrt), "The square root."),
    _float_function("exp", _java("exp", math.exp), "e raised to the power of the input."),
    _float_function("log", _log("log", math.log), "The natural logarithm."),
    _float_function("log10", _log("log10", math.log10), "The base-10 logarithm."),
    _float_function("sin", _java("sin", math.sin), "The sine of an angle in radians."),
    _float_function("cos", _java("cos", math.cos), "The cosine of an angle in radians."),
    _float_function("tan", _java("tan", math.tan), "The tangent of an angle in radians."),
    _float_function("cot", _java("cot", _cot), "The cotangent of an angle in radians."),
    _float_function("asin", _java("asin", math.asin), "The arcsine, in radians."),
    _float_function("acos", _java("acos", math.acos), "The arccosine, in radians."),
    _float_function("atan", _java("atan", math.atan), "The arctangent, in radians."),
    _float_function("sinh", _java("sinh", math.sinh), "The hyperbolic sine."),
    _float_function("cosh", _java("cosh", math.cosh), "The hyperbolic cosine."),
    _float_function("tanh", _java("tanh", math.tanh), "The hyperbolic tangent."),
    _float_function("coth", _java("coth", _coth), "The hyperbolic cotangent."),
    _float_function("haversin", haversin, "Half the versine of an angle in radians."),
    _float_function("degrees", _java("degrees", math.degrees), "Radians converted to degrees."),
    _float_function("radians", _java("radians", math.radians), "Degrees converted to radians."),
    scalar_spec(
        "atan2",
        atan2,
        [_N, _N],
        FLOAT,
        signature="atan2(y :: FLOAT, x :: FLOAT) :: FLOAT",
        description="The angle of the point (x, y) from the x axis, in radians.",
    ),
    _constant("e", math.e, "Euler's number, the base of natural logarithms."),
    _constant("pi", math.pi, "The ratio of a circle's circumference to its diameter."),
    scalar_spec(
        "rand",
        random.random,
        [],
        FLOAT,
        deterministic=False,
        signature="rand() :: FLOAT",
        description="A random number in [0, 1), uniformly distributed.",
    ),
)
