"""Duration: months, days, seconds and nanoseconds kept apart, as Cypher requires.

A day is not always 24 hours (daylight saving) and a month has no fixed length, so the
three groups never convert into each other once a duration exists: `P1D` and `PT24H` are
different durations. The seconds group is normalized so that `nanos` is always in
[0, 10⁹), the way the value is stored; rendering and components present it signed.

Fractional amounts (`{months: 0.75}`, `duration * 0.5`) cascade down the groups using
an average month of 30.436875 days (365.2425 / 12) and a 86,400-second day, truncating
toward zero at each group; the arithmetic is exact (fractions, not floats), with a float
argument read as the shortest decimal that prints as it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from engram.errors import InternalError
from engram.temporal.base import TemporalValue
from engram.temporal.calendar import NANOS_PER_SECOND, java_div, java_mod
from engram.temporal.errors import division_by_zero, out_of_range, overflow

__all__ = ["AVG_SECONDS_PER_MONTH", "DURATION_COMPONENTS", "Duration", "exact_number"]

INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
AVG_SECONDS_PER_MONTH: Final = 2_629_746  # 365.2425 days * 86,400 s / 12
_AVG_DAYS_PER_MONTH: Final = Fraction(AVG_SECONDS_PER_MONTH, 86_400)
_NANOS_PER_MILLI: Final = 1_000_000


def exact_number(value: int | float, what: str) -> int | Fraction:
    """An int as is, a float as the exact decimal it prints as (0.1 is 1/10).

    Raises:
        QueryRuntimeError: ArgumentError/NumberOutOfRange for NaN and infinities.
    """
    if isinstance(value, int):
        return value
    if not math.isfinite(value):
        raise out_of_range(f"{what} must be a finite number, got {value}")
    return Fraction(repr(value))


def _in_int64(value: int) -> bool:
    return INT64_MIN <= value <= INT64_MAX


@dataclass(frozen=True, slots=True, repr=False)
class Duration(TemporalValue):
    """An amount of time: months, days, seconds and nanoseconds (0 <= nanos < 10⁹).

    Build values with `Duration.of` (integers, normalizes the seconds group) or
    `Duration.from_amounts` (exact fractions, cascading); the fields are each a signed
    64-bit integer, like the stored format.
    """

    months: int
    days: int
    seconds: int
    nanos: int

    order_rank = 5

    def __post_init__(self) -> None:
        if not 0 <= self.nanos < NANOS_PER_SECOND:
            raise InternalError(f"duration nanos out of range: {self.nanos}")
        if not (_in_int64(self.months) and _in_int64(self.days) and _in_int64(self.seconds)):
            raise overflow("duration out of range: a component exceeds 64 bits")

    @classmethod
    def of(cls, months: int = 0, days: int = 0, seconds: int = 0, nanos: int = 0) -> Duration:
        """A duration from integer amounts; nanoseconds carry into seconds."""
        carry, nanos = divmod(nanos, NANOS_PER_SECOND)
        return cls(months, days, seconds + carry, nanos)

    @classmethod
    def from_amounts(
        cls,
        months: int | Fraction,
        days: int | Fraction,
        seconds: int | Fraction,
        nanos: int | Fraction,
    ) -> Duration:
        """A duration from exact amounts; fractions cascade to the smaller groups."""
        if type(months) is type(days) is type(seconds) is type(nanos) is int:
            return cls.of(int(months), int(days), int(seconds), int(nanos))
        whole_months = math.trunc(months)
        days = days + (months - whole_months) * _AVG_DAYS_PER_MONTH
        whole_days = math.trunc(days)
        seconds = seconds + (days - whole_days) * 86_400
        whole_seconds = math.trunc(seconds)
        nanos = nanos + (seconds - whole_seconds) * NANOS_PER_SECOND
        return cls.of(whole_months, whole_days, whole_seconds, math.trunc(nanos))

    # -- presentation --------------------------------------------------------------

    def __str__(self) -> str:
        return _render(self)

    def __repr__(self) -> str:
        return f"Duration('{self}')"

    def signed_seconds(self) -> tuple[int, int]:
        """(seconds, nanoseconds) with a common sign, as the value is presented."""
        if self.seconds < 0 and self.nanos:
            return self.seconds + 1, self.nanos - NANOS_PER_SECOND
        return self.seconds, self.nanos

    def total_nanoseconds(self) -> int:
        """The seconds group in nanoseconds (months and days not included)."""
        return self.seconds * NANOS_PER_SECOND + self.nanos

    # -- value semantics -----------------------------------------------------------

    def cypher_equals(self, other: Any) -> bool | None:
        """Equal when all four groups are equal (`PT60S` = `PT1M`, `P1D` <> `PT24H`)."""
        if other is None:
            return None
        return bool(self == other)

    def cypher_compare(self, other: Any) -> int | None:
        """Durations are not comparable with `<`, `>` (a month has no fixed length)."""
        return None

    def order_key(self) -> tuple[int, int, int]:
        """Approximate length (30.436875-day months, 86,400-second days), then groups.

        The key is a total order consistent with equality, used by ORDER BY only.
        """
        approximate = (
            self.months * AVG_SECONDS_PER_MONTH + self.days * 86_400 + self.seconds
        ) * NANOS_PER_SECOND + self.nanos
        return approximate, self.months, self.days

    # -- arithmetic ----------------------------------------------------------------

    def cypher_add(self, other: Any) -> Any:
        """`duration + duration` (group-wise) or `duration + instant`."""
        if isinstance(other, Duration):
            return Duration.of(
                self.months + other.months,
                self.days + other.days,
                self.seconds + other.seconds,
                self.nanos + other.nanos,
            )
        if isinstance(other, TemporalValue):
            return other.cypher_add(self)
        return NotImplemented

    def cypher_radd(self, other: Any) -> Any:
        """`x + duration`: addition is commutative."""
        return self.cypher_add(other)

    def cypher_sub(self, other: Any) -> Any:
        """`duration - duration`, group-wise."""
        if isinstance(other, Duration):
            return Duration.of(
                self.months - other.months,
                self.days - other.days,
                self.seconds - other.seconds,
                self.nanos - other.nanos,
            )
        return NotImplemented

    def cypher_mul(self, other: Any) -> Any:
        """`duration * number` (also used for `number * duration`)."""
        if isinstance(other, bool) or not isinstance(other, int | float):
            return NotImplemented
        if isinstance(other, int):
            return Duration.of(
                self.months * other, self.days * other, self.seconds * other, self.nanos * other
            )
        factor = exact_number(other, "the factor")
        return Duration.from_amounts(
            self.months * factor, self.days * factor, self.seconds * factor, self.nanos * factor
        )

    def cypher_div(self, other: Any) -> Any:
        """`duration / number`; fractions cascade like `duration * (1 / number)`."""
        if isinstance(other, bool) or not isinstance(other, int | float):
            return NotImplemented
        divisor = exact_number(other, "the divisor")
        if divisor == 0:
            raise division_by_zero("cannot divide a duration by zero")
        return Duration.from_amounts(
            Fraction(self.months) / divisor,
            Fraction(self.days) / divisor,
            Fraction(self.seconds) / divisor,
            Fraction(self.nanos) / divisor,
        )

    def negated(self) -> Duration:
        """`-duration` (unary minus)."""
        return Duration.of(-self.months, -self.days, -self.seconds, -self.nanos)

    # -- components ----------------------------------------------------------------

    def property(self, name: str) -> Any:
        """A component such as ``years``, ``minutesOfHour`` (case-insensitive).

        Raises:
            KeyError: for names that are not duration components.
        """
        getter = _GETTERS.get(name.lower())
        if getter is None:
            raise KeyError(name)
        return getter(self)


def _component_table() -> dict[str, Any]:
    def milli_of_second(d: Duration) -> int:
        return d.nanos // _NANOS_PER_MILLI

    table: dict[str, Any] = {
        "years": lambda d: java_div(d.months, 12),
        "quarters": lambda d: java_div(d.months, 3),
        "months": lambda d: d.months,
        "weeks": lambda d: java_div(d.days, 7),
        "days": lambda d: d.days,
        "hours": lambda d: java_div(d.seconds, 3600),
        "minutes": lambda d: java_div(d.seconds, 60),
        "seconds": lambda d: d.seconds,
        "milliseconds": lambda d: d.seconds * 1000 + milli_of_second(d),
        "microseconds": lambda d: d.seconds * 1_000_000 + d.nanos // 1000,
        "nanoseconds": lambda d: d.seconds * NANOS_PER_SECOND + d.nanos,
        "quartersofyear": lambda d: java_mod(java_div(d.months, 3), 4),
        "monthsofquarter": lambda d: java_mod(d.months, 3),
        "monthsofyear": lambda d: java_mod(d.months, 12),
        "daysofweek": lambda d: java_mod(d.days, 7),
        "minutesofhour": lambda d: java_mod(java_div(d.seconds, 60), 60),
        "secondsofminute": lambda d: java_mod(d.seconds, 60),
        "millisecondsofsecond": milli_of_second,
        "microsecondsofsecond": lambda d: d.nanos // 1000,
        "nanosecondsofsecond": lambda d: d.nanos,
    }
    return table


_GETTERS: Final = _component_table()

#: every duration component name, in its documented spelling
DURATION_COMPONENTS: Final = (
    "years",
    "quarters",
    "months",
    "weeks",
    "days",
    "hours",
    "minutes",
    "seconds",
    "milliseconds",
    "microseconds",
    "nanoseconds",
    "quartersOfYear",
    "monthsOfQuarter",
    "monthsOfYear",
    "daysOfWeek",
    "minutesOfHour",
    "secondsOfMinute",
    "millisecondsOfSecond",
    "microsecondsOfSecond",
    "nanosecondsOfSecond",
)


def _render(duration: Duration) -> str:
    parts = ["P"]
    years, months = java_div(duration.months, 12), java_mod(duration.months, 12)
    for amount, unit in ((years, "Y"), (months, "M"), (duration.days, "D")):
        if amount:
            parts.append(f"{amount}{unit}")
    seconds, nanos = duration.signed_seconds()
    if seconds or nanos:
        parts.append("T")
        hours, seconds = java_div(seconds, 3600), java_mod(seconds, 3600)
        minutes, seconds = java_div(seconds, 60), java_mod(seconds, 60)
        for amount, unit in ((hours, "H"), (minutes, "M")):
            if amount:
                parts.append(f"{amount}{unit}")
        if seconds or nanos:
            sign = "-" if seconds < 0 or nanos < 0 else ""
            parts.append(f"{sign}{abs(seconds)}{_fraction(abs(nanos))}S")
    return "".join(parts) if len(parts) > 1 else "PT0S"


def _fraction(nanos: int) -> str:
    return "" if nanos == 0 else "." + f"{nanos:09d}".rstrip("0")
