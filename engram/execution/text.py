"""Text renderings the language defines: `toString()` and string concatenation.

Floats print the way Java's `Double.toString` prints them, as Neo4j does: the shortest
digits that round-trip, plain notation for magnitudes in [1e-3, 1e7) (`0.001`, `1.5`,
`1234567.0`) and scientific notation with an `E` outside it (`1.0E7`, `1.0E-4`), always
with a fractional digit; `NaN`, `Infinity` and `-Infinity` for the special values.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from engram.temporal.base import TemporalValue

__all__ = ["format_float", "scalar_to_string"]


def format_float(value: float) -> str:
    """`value` as Java's `Double.toString` writes it.

    >>> format_float(1.0), format_float(1e10), format_float(0.0001), format_float(-2.5)
    ('1.0', '1.0E10', '1.0E-4', '-2.5')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign, digits, point = _shortest_digits(value)
    prefix = "-" if sign else ""
    if 1e-3 <= abs(value) < 1e7:
        return prefix + _plain(digits, point)
    mantissa = digits[0] + "." + (digits[1:] or "0")
    return f"{prefix}{mantissa}E{point - 1}"


def _shortest_digits(value: float) -> tuple[int, str, int]:
    """(sign, significant digits, decimal point position) of the shortest round-trip form.

    Java always prints two significant digits at least ("d.d"); when one digit would do,
    it picks the two-digit decimal closest to the exact binary value (`4.9E-324`, not
    `5.0E-324`), so that case is recomputed from the exact value.
    """
    sign, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    assert isinstance(exponent, int)  # finite values only
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    point = len(digit_tuple) + exponent
    if len(digits) == 1:
        exact = abs(Decimal(value))
        scale = exact.adjusted() - 1
        two = exact.scaleb(-scale).quantize(Decimal(1), rounding=ROUND_HALF_EVEN).scaleb(scale)
        if float(two) == abs(value):
            _, two_digits, two_exponent = two.as_tuple()
            assert isinstance(two_exponent, int)
            digits = "".join(map(str, two_digits)).rstrip("0") or "0"
            point = len(two_digits) + two_exponent
    return sign, digits, point


def _plain(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits)) + ".0"
    return digits[:point] + "." + digits[point:]


def scalar_to_string(value: Any) -> str | None:
    """The `toString()` text of a non-null scalar, or None when it has no string form.

    Booleans are `true`/`false`, integers decimal, floats as `format_float`, strings
    themselves and temporal values their canonical Cypher text. Lists, maps and graph
    entities have none.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_float(value)
    if isinstance(value, TemporalValue):
        return str(value)
    return None
