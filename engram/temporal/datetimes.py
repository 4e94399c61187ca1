"""LocalDateTime and DateTime: a date and a time of day, without and with a time zone.

A DateTime is an instant (UTC seconds and nanoseconds) plus a zone, either a fixed
offset or a named IANA zone; its offset is derived from the zone at that instant.
Adding a duration moves months and days on the local calendar (the local time stays,
re-resolved in the zone) and the seconds group on the timeline, so `P1D` across a
daylight-saving change keeps the wall-clock time while `PT24H` keeps the elapsed time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engram.errors import InternalError
from engram.temporal.calendar import NANOS_PER_SECOND, SECONDS_PER_DAY
from engram.temporal.components import date_component, time_component, zone_component
from engram.temporal.date import Date, shift_date
from engram.temporal.duration import Duration
from engram.temporal.instant import TemporalInstant, check_epoch_day
from engram.temporal.render import format_date, format_time
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import (
    Zone,
    ZoneOffset,
    ZoneRegion,
    format_offset,
    local_to_instant,
    offset_at,
)

__all__ = ["DateTime", "LocalDateTime"]


def _check_nano(nano: int) -> None:
    if not 0 <= nano < NANOS_PER_SECOND:
        raise InternalError(f"nanosecond of second out of range: {nano}")


@dataclass(frozen=True, slots=True, repr=False)
class LocalDateTime(TemporalInstant):
    """A date and time without a zone: local seconds since 1970-01-01T00:00 plus nanos.

    >>> str(LocalDateTime.of(Date.of(1984, 10, 11), LocalTime.of(12, 31)))
    '1984-10-11T12:31'
    """

    epoch_second: int
    nano: int

    order_rank = 1

    def __post_init__(self) -> None:
        _check_nano(self.nano)
        check_epoch_day(self.epoch_second // SECONDS_PER_DAY)

    @classmethod
    def of(cls, date: Date, time: LocalTime) -> LocalDateTime:
        """The local date-time of a date and a time of day."""
        return cls.from_parts(date.epoch_day, time.nano_of_day)

    @classmethod
    def from_parts(cls, epoch_day: int, nano_of_day: int) -> LocalDateTime:
        """From an epoch day and a nanosecond of that day."""
        seconds, nano = divmod(nano_of_day, NANOS_PER_SECOND)
        return cls(epoch_day * SECONDS_PER_DAY + seconds, nano)

    @property
    def epoch_day(self) -> int:
        """Days since 1970-01-01 of the date part."""
        return self.epoch_second // SECONDS_PER_DAY

    @property
    def nano_of_day(self) -> int:
        """Nanosecond of the day of the time part."""
        return (self.epoch_second % SECONDS_PER_DAY) * NANOS_PER_SECOND + self.nano

    def date(self) -> Date:
        """The date part."""
        return Date(self.epoch_day)

    def time(self) -> LocalTime:
        """The time part."""
        return LocalTime(self.nano_of_day)

    def __str__(self) -> str:
        return f"{format_date(self.epoch_day)}T{format_time(self.nano_of_day)}"

    def __repr__(self) -> str:
        return f"LocalDateTime('{self}')"

    def order_key(self) -> tuple[int, int]:
        """Chronological."""
        return self.epoch_second, self.nano

    def shifted(self, duration: Duration, sign: int) -> LocalDateTime:
        """Months and days on the calendar, then the seconds group."""
        epoch_day = shift_date(self.epoch_day, sign * duration.months, sign * duration.days)
        total = (
            epoch_day * SECONDS_PER_DAY * NANOS_PER_SECOND
            + self.nano_of_day
            + sign * duration.total_nanoseconds()
        )
        return LocalDateTime(*divmod(total, NANOS_PER_SECOND))

    def _component(self, key: str) -> Any:
        value = date_component(self.epoch_day, key)
        return value if value is not None else time_component(self.nano_of_day, key)


@dataclass(frozen=True, slots=True, repr=False)
class DateTime(TemporalInstant):
    """An instant with a zone: UTC seconds since the epoch, nanos, and the zone.

    `offset` is derived from the zone at the instant and is not part of equality. Two
    DateTimes are equal when they are the same instant in the same zone; they order by
    instant, then offset, then fixed offsets before named zones, then zone name.

    >>> str(DateTime.of_local(LocalDateTime.of(Date.of(1984, 10, 11), LocalTime.of(12)),
    ...                       ZoneRegion('Europe/Stockholm')))
    '1984-10-11T12:00+01:00[Europe/Stockholm]'
    """

    epoch_second: int
    nano: int
    zone: Zone
    offset: int = field(compare=False)

    order_rank = 0

    def __post_init__(self) -> None:
        _check_nano(self.nano)
        check_epoch_day((self.epoch_second + self.offset) // SECONDS_PER_DAY)

    @classmethod
    def of_instant(cls, epoch_second: int, nano: int, zone: Zone) -> DateTime:
        """The instant `epoch_second` (+ `nano`) seen in `zone`."""
        return cls(epoch_second, nano, zone, offset_at(zone, epoch_second))

    @classmethod
    def of_local(
        cls, local: LocalDateTime, zone: Zone, preferred_offset: int | None = None
    ) -> DateTime:
        """A local date-time placed in a zone.

        Gaps move the local time forward; overlaps take the earlier offset unless
        `preferred_offset` is valid there.
        """
        instant, offset = local_to_instant(zone, local.epoch_second, preferred_offset)
        return cls(instant, local.nano, zone, offset)

    @property
    def local_second(self) -> int:
        """Local seconds since 1970-01-01T00:00 (instant plus offset)."""
        return self.epoch_second + self.offset

    @property
    def epoch_day(self) -> int:
        """Days since 1970-01-01 of the local date."""
        return self.local_second // SECONDS_PER_DAY

    @property
    def nano_of_day(self) -> int:
        """Nanosecond of the local day."""
        return (self.local_second % SECONDS_PER_DAY) * NANOS_PER_SECOND + self.nano

    def local(self) -> LocalDateTime:
        """The local date and time, without the zone."""
        return LocalDateTime(self.local_second, self.nano)

    def date(self) -> Date:
        """The local date."""
        return Date(self.epoch_day)

    def time(self) -> Time:
        """The local time of day with the current offset."""
        return Time(self.nano_of_day, self.offset)

    def with_zone_same_instant(self, zone: Zone) -> DateTime:
        """The same instant in another zone."""
        return DateTime.of_instant(self.epoch_second, self.nano, zone)

    def with_zone_same_local(self, zone: Zone) -> DateTime:
        """The same local date and time in another zone."""
        return DateTime.of_local(self.local(), zone, self.offset)

    def zone_name(self) -> str | None:
        """The IANA name for named zones, None for fixed offsets."""
        return self.zone.name if isinstance(self.zone, ZoneRegion) else None

    def __str__(self) -> str:
        text = f"{format_date(self.epoch_day)}T{format_time(self.nano_of_day)}"
        text += format_offset(self.offset)
        return text if isinstance(self.zone, ZoneOffset) else f"{text}[{self.zone.name}]"

    def __repr__(self) -> str:
        return f"DateTime('{self}')"

    def order_key(self) -> tuple[int, int, int, int, str]:
        """Instant, then offset, then fixed offsets before names, then the name."""
        named = isinstance(self.zone, ZoneRegion)
        return self.epoch_second, self.nano, self.offset, int(named), self.zone_name() or ""

    def shifted(self, duration: Duration, sign: int) -> DateTime:
        """Months, then days on the local calendar, then the seconds group in time."""
        moved = self
        for months, days in ((sign * duration.months, 0), (0, sign * duration.days)):
            if months or days:
                epoch_day = shift_date(moved.epoch_day, months, days)
                local = LocalDateTime.from_parts(epoch_day, moved.nano_of_day)
                moved = DateTime.of_local(local, self.zone, moved.offset)
        total = moved.epoch_second * NANOS_PER_SECOND + moved.nano
        total += sign * duration.total_nanoseconds()
        return DateTime.of_instant(*divmod(total, NANOS_PER_SECOND), self.zone)

    def _component(self, key: str) -> Any:
        value: Any = date_component(self.epoch_day, key)
        if value is None:
            value = time_component(self.nano_of_day, key)
        if value is None:
            value = zone_component(self.offset, self.zone_name(), key)
        if value is None and key == "epochseconds":
            value = self.epoch_second
        if value is None and key == "epochmillis":
            value = self.epoch_second * 1000 + self.nano // 1_000_000
        return value
