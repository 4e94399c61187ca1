"""Date: a calendar date without time or zone, years -999,999,999 to 999,999,999."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engram.temporal.calendar import (
    MAX_YEAR,
    MIN_YEAR,
    SECONDS_PER_DAY,
    civil_from_days,
    days_from_civil,
    days_in_month,
    java_div,
    plus_months,
)
from engram.temporal.components import date_component
from engram.temporal.duration import Duration
from engram.temporal.errors import out_of_range
from engram.temporal.instant import TemporalInstant, check_epoch_day
from engram.temporal.render import format_date

__all__ = ["Date", "check_range", "shift_date"]


def check_range(name: str, value: int, low: int, high: int) -> int:
    """`value` if low <= value <= high, else ArgumentError/NumberOutOfRange naming it."""
    if not low <= value <= high:
        raise out_of_range(f"invalid value for '{name}': {value} (expected {low} to {high})")
    return value


def shift_date(epoch_day: int, months: int, days: int) -> int:
    """Add months (clamping the day of month) and then days to an epoch day."""
    if months:
        year, month, day = civil_from_days(epoch_day)
        epoch_day = days_from_civil(*plus_months(year, month, day, months))
    return epoch_day + days


@dataclass(frozen=True, slots=True, repr=False)
class Date(TemporalInstant):
    """A date, stored as days since 1970-01-01.

    >>> str(Date.of(1984, 10, 11))
    '1984-10-11'
    """

    epoch_day: int

    order_rank = 2

    def __post_init__(self) -> None:
        check_epoch_day(self.epoch_day)

    @classmethod
    def of(cls, year: int, month: int, day: int) -> Date:
        """The date year-month-day.

        Raises:
            QueryRuntimeError: ArgumentError/NumberOutOfRange for invalid components.
        """
        check_range("year", year, MIN_YEAR, MAX_YEAR)
        check_range("month", month, 1, 12)
        check_range("day", day, 1, days_in_month(year, month))
        return cls(days_from_civil(year, month, day))

    def ymd(self) -> tuple[int, int, int]:
        """(year, month, day)."""
        return civil_from_days(self.epoch_day)

    def __str__(self) -> str:
        return format_date(self.epoch_day)

    def __repr__(self) -> str:
        return f"Date('{self}')"

    def order_key(self) -> tuple[int]:
        """Chronological."""
        return (self.epoch_day,)

    def shifted(self, duration: Duration, sign: int) -> Date:
        """Months, then days, then whole days of the seconds group (toward zero)."""
        days = duration.days + java_div(duration.seconds, SECONDS_PER_DAY)
        return Date(shift_date(self.epoch_day, sign * duration.months, sign * days))

    def _component(self, key: str) -> Any:
        return date_component(self.epoch_day, key)
