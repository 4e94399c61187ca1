"""LocalTime and Time: a time of day, without and with a UTC offset, to the nanosecond.

Adding a duration to a time uses only its seconds group and wraps around midnight; the
months and days of the duration do not move a time of day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engram.errors import InternalError
from engram.temporal.calendar import NANOS_PER_DAY, NANOS_PER_SECOND
from engram.temporal.components import time_component, zone_component
from engram.temporal.date import check_range
from engram.temporal.duration import Duration
from engram.temporal.instant import TemporalInstant
from engram.temporal.render import format_time
from engram.temporal.zones import MAX_OFFSET_SECONDS, format_offset

__all__ = ["LocalTime", "Time", "nano_of_day"]


def nano_of_day(hour: int, minute: int, second: int, nanosecond: int) -> int:
    """The nanosecond of the day of a time, validating each component.

    Raises:
        QueryRuntimeError: ArgumentError/NumberOutOfRange for invalid components.
    """
    check_range("hour", hour, 0, 23)
    check_range("minute", minute, 0, 59)
    check_range("second", second, 0, 59)
    check_range("nanosecond", nanosecond, 0, NANOS_PER_SECOND - 1)
    return (hour * 3600 + minute * 60 + second) * NANOS_PER_SECOND + nanosecond


def _check_nano_of_day(value: int) -> None:
    if not 0 <= value < NANOS_PER_DAY:
        raise InternalError(f"time of day out of range: {value}")


@dataclass(frozen=True, slots=True, repr=False)
class LocalTime(TemporalInstant):
    """A time of day without a zone, stored as the nanosecond of the day.

    >>> str(LocalTime.of(12, 31, 14, 645876123))
    '12:31:14.645876123'
    """

    nano_of_day: int

    order_rank = 4

    def __post_init__(self) -> None:
        _check_nano_of_day(self.nano_of_day)

    @classmethod
    def of(cls, hour: int, minute: int = 0, second: int = 0, nanosecond: int = 0) -> LocalTime:
        """The time hour:minute:second.nanosecond (validated)."""
        return cls(nano_of_day(hour, minute, second, nanosecond))

    def __str__(self) -> str:
        return format_time(self.nano_of_day)

    def __repr__(self) -> str:
        return f"LocalTime('{self}')"

    def order_key(self) -> tuple[int]:
        """Chronological within the day."""
        return (self.nano_of_day,)

    def shifted(self, duration: Duration, sign: int) -> LocalTime:
        """Add the seconds group, wrapping around midnight."""
        return LocalTime((self.nano_of_day + sign * duration.total_nanoseconds()) % NANOS_PER_DAY)

    def _component(self, key: str) -> Any:
        return time_component(self.nano_of_day, key)


@dataclass(frozen=True, slots=True, repr=False)
class Time(TemporalInstant):
    """A time of day with a UTC offset (seconds east of Greenwich).

    Equality needs the same local time and the same offset; ordering is by the UTC time
    of day, then by offset.

    >>> str(Time.of(12, 31, 14, 0, offset=3600))
    '12:31:14+01:00'
    """

    nano_of_day: int
    offset: int

    order_rank = 3

    def __post_init__(self) -> None:
        _check_nano_of_day(self.nano_of_day)
        if abs(self.offset) > MAX_OFFSET_SECONDS:
            raise InternalError(f"time offset out of range: {self.offset}")

    @classmethod
    def of(
        cls, hour: int, minute: int = 0, second: int = 0, nanosecond: int = 0, *, offset: int = 0
    ) -> Time:
        """The time hour:minute:second.nanosecond at `offset` seconds east of UTC."""
        check_range("offset", offset, -MAX_OFFSET_SECONDS, MAX_OFFSET_SECONDS)
        return cls(nano_of_day(hour, minute, second, nanosecond), offset)

    def local(self) -> LocalTime:
        """The same time of day without the offset."""
        return LocalTime(self.nano_of_day)

    def with_offset_same_instant(self, offset: int) -> Time:
        """The same moment seen at another offset."""
        shifted = self.nano_of_day + (offset - self.offset) * NANOS_PER_SECOND
        return Time(shifted % NANOS_PER_DAY, offset)

    def utc_nano_of_day(self) -> int:
        """Nanoseconds since UTC midnight (may fall outside 0..24h by up to 18 hours)."""
        return self.nano_of_day - self.offset * NANOS_PER_SECOND

    def __str__(self) -> str:
        return format_time(self.nano_of_day) + format_offset(self.offset)

    def __repr__(self) -> str:
        return f"Time('{self}')"

    def order_key(self) -> tuple[int, int]:
        """UTC time of day, then offset."""
        return self.utc_nano_of_day(), self.offset

    def shifted(self, duration: Duration, sign: int) -> Time:
        """Add the seconds group to the local time (wrapping), keeping the offset."""
        moved = (self.nano_of_day + sign * duration.total_nanoseconds()) % NANOS_PER_DAY
        return Time(moved, self.offset)

    def _component(self, key: str) -> Any:
        value = time_component(self.nano_of_day, key)
        return value if value is not None else zone_component(self.offset, None, key)
