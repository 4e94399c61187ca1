"""Component access (`d.year`, `t.offsetMinutes`) shared by the temporal instant types.

Component names are matched case-insensitively; each function returns None for a name
it does not know, and the value types turn that into a KeyError.
"""

from __future__ import annotations

from typing import Final

from engram.temporal.calendar import (
    NANOS_PER_SECOND,
    civil_from_days,
    day_of_week,
    days_from_civil,
    iso_week_date,
    java_div,
    quarter_start,
)
from engram.temporal.zones import format_offset

__all__ = [
    "DATE_COMPONENTS",
    "EPOCH_COMPONENTS",
    "TIME_COMPONENTS",
    "ZONE_COMPONENTS",
    "date_component",
    "time_component",
    "zone_component",
]

DATE_COMPONENTS: Final = (
    "year",
    "quarter",
    "month",
    "week",
    "weekYear",
    "dayOfQuarter",
    "quarterDay",
    "day",
    "ordinalDay",
    "dayOfWeek",
    "weekDay",
)
TIME_COMPONENTS: Final = ("hour", "minute", "second", "millisecond", "microsecond", "nanosecond")
ZONE_COMPONENTS: Final = ("timezone", "offset", "offsetMinutes", "offsetSeconds")
EPOCH_COMPONENTS: Final = ("epochSeconds", "epochMillis")


def date_component(epoch_day: int, key: str) -> int | None:
    """A date component of an epoch day; `key` is lower-case."""
    if key in ("week", "weekyear"):
        week_year, week, _ = iso_week_date(epoch_day)
        return week if key == "week" else week_year
    if key in ("dayofweek", "weekday"):
        return day_of_week(epoch_day)
    year, month, day = civil_from_days(epoch_day)
    quarter = (month - 1) // 3 + 1
    match key:
        case "year":
            return year
        case "month":
            return month
        case "day":
            return day
        case "quarter":
            return quarter
        case "dayofquarter" | "quarterday":
            return epoch_day - quarter_start(year, quarter) + 1
        case "ordinalday":
            return epoch_day - days_from_civil(year, 1, 1) + 1
    return None


def time_component(nano_of_day: int, key: str) -> int | None:
    """A time component of a nanosecond of the day; `key` is lower-case."""
    seconds, nanos = divmod(nano_of_day, NANOS_PER_SECOND)
    match key:
        case "hour":
            return seconds // 3600
        case "minute":
            return seconds // 60 % 60
        case "second":
            return seconds % 60
        case "millisecond":
            return nanos // 1_000_000
        case "microsecond":
            return nanos // 1000
        case "nanosecond":
            return nanos
    return None


def zone_component(offset: int, zone_name: str | None, key: str) -> int | str | None:
    """``timezone`` (the name, or the offset text), ``offset``, ``offsetMinutes``, ..."""
    match key:
        case "timezone":
            return zone_name if zone_name is not None else format_offset(offset)
        case "offset":
            return format_offset(offset)
        case "offsetminutes":
            return java_div(offset, 60)
        case "offsetseconds":
            return offset
    return None
