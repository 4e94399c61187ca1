"""Resolving named date and time fields (year/week/dayOfWeek, hour/millisecond, ...).

Maps like ``{year: 1984, week: 10, dayOfWeek: 3}`` and the parsed parts of ISO strings
both end here. Dates use exactly one of four field groups, all sharing ``year``:

| group    | fields                          | ``year`` means           |
|----------|---------------------------------|--------------------------|
| calendar | ``month``, ``day``              | the calendar year        |
| week     | ``week``, ``dayOfWeek``         | the ISO week-based year  |
| ordinal  | ``ordinalDay``                  | the calendar year        |
| quarter  | ``quarter``, ``dayOfQuarter``   | the calendar year        |

Without a base value, omitted smaller fields take their lowest value and a field cannot
skip the one above it (``{year: 1984, day: 5}`` is an error). With a base value
(``{date: d, day: 5}``) omitted fields come from the base, clamped when the base's
value does not exist in the new period (31 January with ``month: 2`` gives the 28th/29th).

Keys are the lower-case field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from engram.temporal.calendar import (
    MAX_YEAR,
    MIN_YEAR,
    NANOS_PER_SECOND,
    civil_from_days,
    days_from_civil,
    days_in_month,
    days_in_quarter,
    days_in_year,
    iso_week_date,
    quarter_start,
    week_one_monday,
    weeks_in_year,
)
from engram.temporal.date import check_range
from engram.temporal.errors import invalid_value

__all__ = [
    "DATE_FIELDS",
    "FIELD_NAMES",
    "SUBSECOND_FIELDS",
    "TIME_FIELDS",
    "resolve_date",
    "resolve_time",
]

_GROUPS: Final = {
    "calendar": ("month", "day"),
    "week": ("week", "dayofweek"),
    "ordinal": ("ordinalday",),
    "quarter": ("quarter", "dayofquarter"),
}
DATE_FIELDS: Final = frozenset({"year"}.union(*_GROUPS.values()))
SUBSECOND_FIELDS: Final = frozenset({"millisecond", "microsecond", "nanosecond"})
TIME_FIELDS: Final = frozenset({"hour", "minute", "second"} | SUBSECOND_FIELDS)

#: lower-case key -> documented spelling, for messages
FIELD_NAMES: Final = {
    "year": "year",
    "month": "month",
    "day": "day",
    "week": "week",
    "dayofweek": "dayOfWeek",
    "ordinalday": "ordinalDay",
    "quarter": "quarter",
    "dayofquarter": "dayOfQuarter",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "millisecond": "millisecond",
    "microsecond": "microsecond",
    "nanosecond": "nanosecond",
}


def _requires(fields: Mapping[str, int], smaller: str, larger: str) -> None:
    if smaller in fields and larger not in fields:
        raise invalid_value(
            f"'{FIELD_NAMES[smaller]}' cannot be given without '{FIELD_NAMES[larger]}'"
        )


_GROUP_OF: Final = {key: group for group, keys in _GROUPS.items() for key in keys}


def _date_group(fields: Mapping[str, int]) -> str:
    groups = {_GROUP_OF[key] for key in fields if key in _GROUP_OF}
    if len(groups) > 1:
        names = sorted(FIELD_NAMES[key] for key in fields if key in DATE_FIELDS - {"year"})
        raise invalid_value(
            "cannot mix fields of different date forms: " + ", ".join(f"'{n}'" for n in names),
            hint="use one of month/day, week/dayOfWeek, ordinalDay or quarter/dayOfQuarter",
        )
    return groups.pop() if groups else "calendar"


def resolve_date(fields: Mapping[str, int], base: int | None) -> int:
    """The epoch day named by date fields, filled from `base` (an epoch day) if given.

    Raises:
        QueryRuntimeError: ArgumentError for missing, mixed or out-of-range fields.
    """
    group = _date_group(fields)
    year = fields.get("year")
    if year is None and base is None:
        raise invalid_value("'year' is required to build a date")
    if year is not None:
        check_range("year", year, MIN_YEAR, MAX_YEAR)
    match group:
        case "week":
            return _week_date(fields, year, base)
        case "ordinal":
            return _ordinal_date(fields, year, base)
        case "quarter":
            return _quarter_date(fields, year, base)
    return _calendar_date(fields, year, base)


def _calendar_date(fields: Mapping[str, int], year: int | None, base: int | None) -> int:
    if base is None:
        _requires(fields, "day", "month")
        base_year, base_month, base_day = year or 0, 1, 1
    else:
        base_year, base_month, base_day = civil_from_days(base)
    year = base_year if year is None else year
    month = check_range("month", fields.get("month", base_month), 1, 12)
    length = days_in_month(year, month)
    day = check_range("day", fields["day"], 1, length) if "day" in fields else min(base_day, length)
    return days_from_civil(year, month, day)


def _week_date(fields: Mapping[str, int], year: int | None, base: int | None) -> int:
    if base is None:
        _requires(fields, "dayofweek", "week")
        base_year, base_week, base_weekday = year or 0, 1, 1
    else:
        base_year, base_week, base_weekday = iso_week_date(base)
    week_year = base_year if year is None else year
    weeks = weeks_in_year(week_year)
    if "week" in fields:
        week = check_range("week", fields["week"], 1, weeks)
    else:
        week = min(base_week, weeks)
    weekday = check_range("dayOfWeek", fields.get("dayofweek", base_weekday), 1, 7)
    return week_one_monday(week_year) + (week - 1) * 7 + weekday - 1


def _ordinal_date(fields: Mapping[str, int], year: int | None, base: int | None) -> int:
    if year is None:
        year = civil_from_days(base if base is not None else 0)[0]
    day = check_range("ordinalDay", fields["ordinalday"], 1, days_in_year(year))
    return days_from_civil(year, 1, 1) + day - 1


def _quarter_date(fields: Mapping[str, int], year: int | None, base: int | None) -> int:
    if base is None:
        _requires(fields, "dayofquarter", "quarter")
        base_year, base_quarter, base_day = year or 0, 1, 1
    else:
        base_year, base_month, _ = civil_from_days(base)
        base_quarter = (base_month - 1) // 3 + 1
        base_day = base - quarter_start(base_year, base_quarter) + 1
    year = base_year if year is None else year
    quarter = check_range("quarter", fields.get("quarter", base_quarter), 1, 4)
    length = days_in_quarter(year, quarter)
    if "dayofquarter" in fields:
        day = check_range("dayOfQuarter", fields["dayofquarter"], 1, length)
    else:
        day = min(base_day, length)
    return quarter_start(year, quarter) + day - 1


def _subsecond(fields: Mapping[str, int]) -> int:
    total = 0
    milli, micro, nano = (fields.get(key) for key in ("millisecond", "microsecond", "nanosecond"))
    if milli is not None:
        total += check_range("millisecond", milli, 0, 999) * 1_000_000
    if micro is not None:
        total += check_range("microsecond", micro, 0, 999 if milli is not None else 999_999) * 1000
    if nano is not None:
        limit = 999 if milli is not None or micro is not None else NANOS_PER_SECOND - 1
        total += check_range("nanosecond", nano, 0, limit)
    return total


def resolve_time(fields: Mapping[str, int], base: int | None) -> int:
    """The nanosecond of the day named by time fields, filled from `base` if given.

    Sub-second fields add up (``{millisecond: 123, microsecond: 456}`` is .123456);
    giving any of them replaces the whole fraction of the base.

    Raises:
        QueryRuntimeError: ArgumentError for missing or out-of-range fields.
    """
    if base is None:
        _requires(fields, "minute", "hour")
        _requires(fields, "second", "minute")
        for key in SUBSECOND_FIELDS:
            _requires(fields, key, "second")
        base = 0
    seconds, base_nanos = divmod(base, NANOS_PER_SECOND)
    hour = check_range("hour", fields.get("hour", seconds // 3600), 0, 23)
    minute = check_range("minute", fields.get("minute", seconds // 60 % 60), 0, 59)
    second = check_range("second", fields.get("second", seconds % 60), 0, 59)
    nanos = _subsecond(fields) if SUBSECOND_FIELDS & fields.keys() else base_nanos
    return (hour * 3600 + minute * 60 + second) * NANOS_PER_SECOND + nanos
