"""Render temporal values as canonical Cypher text, the form the TCK's expected cells use.

engram returns `datetime.date`, `datetime.time` and `datetime.datetime` where Python can
hold a value exactly, and its own temporal types otherwise; `str()` of engram's types is
already canonical. The conventions are Java/Neo4j style (`shared/TCK.md` section 4):

- times print `HH:MM` when seconds and nanoseconds are zero, else `HH:MM:SS`, with 3, 6 or
  9 fractional digits;
- offsets print `Z` or `+hh:mm` (`+hh:mm:ss` with offset seconds), and a named zone is
  appended as `[Region/City]`;
- durations print `P…T…S` with the seconds' fraction stripped of trailing zeros, and a
  zero duration prints `PT0S`.
"""

from __future__ import annotations

import datetime as dt
from typing import Final
from zoneinfo import ZoneInfo

from engram.temporal.base import TemporalValue

__all__ = ["cypher_temporal_text", "duration_text", "is_temporal"]

_NANOS_PER_SECOND: Final = 1_000_000_000
_SECONDS_PER_DAY: Final = 86_400


def is_temporal(value: object) -> bool:
    """Whether `value` is a date, time, datetime, duration or one of engram's temporal types."""
    if isinstance(value, dt.date | dt.time | dt.timedelta | TemporalValue):
        return True
    return type(value).__module__.startswith("engram.temporal")


def cypher_temporal_text(value: object) -> str:
    """The canonical Cypher text of a temporal value.

    >>> cypher_temporal_text(dt.date(1984, 10, 11))
    '1984-10-11'
    >>> cypher_temporal_text(dt.datetime(1984, 8, 14, 12, 0))
    '1984-08-14T12:00'
    >>> cypher_temporal_text(dt.time(12, 31, 14, 645876, tzinfo=dt.timezone(dt.timedelta(hours=1))))
    '12:31:14.645876+01:00'

    Raises:
        TypeError: `value` is not temporal.
    """
    match value:
        case dt.datetime():
            return _datetime_text(value)
        case dt.date():
            return _date_text(value)
        case dt.time():
            return _time_text(value)
        case dt.timedelta():
            return _timedelta_text(value)
        case _ if is_temporal(value):
            return str(value)
        case _:
            raise TypeError(f"not a temporal value: {type(value).__name__}")


def _date_text(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _local_time_text(hour: int, minute: int, second: int, nanos: int) -> str:
    text = f"{hour:02d}:{minute:02d}"
    if second or nanos:
        text += f":{second:02d}"
    if nanos:
        if nanos % 1_000_000 == 0:
            text += f".{nanos // 1_000_000:03d}"
        elif nanos % 1_000 == 0:
            text += f".{nanos // 1_000:06d}"
        else:
            text += f".{nanos:09d}"
    return text


def _offset_text(offset: dt.timedelta) -> str:
    total = int(offset.total_seconds())
    if total == 0:
        return "Z"
    sign = "+" if total > 0 else "-"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return text + f":{seconds:02d}" if seconds else text


def _time_text(value: dt.time) -> str:
    text = _local_time_text(value.hour, value.minute, value.second, value.microsecond * 1000)
    offset = value.utcoffset()
    return text if offset is None else text + _offset_text(offset)


def _datetime_text(value: dt.datetime) -> str:
    text = _date_text(value) + "T"
    text += _local_time_text(value.hour, value.minute, value.second, value.microsecond * 1000)
    offset = value.utcoffset()
    if offset is None:
        return text
    text += _offset_text(offset)
    if isinstance(value.tzinfo, ZoneInfo):
        text += f"[{value.tzinfo.key}]"
    return text


def _timedelta_text(value: dt.timedelta) -> str:
    """A timedelta as a Cypher duration of days and seconds (no months), signs per component."""
    total_micros = (value.days * _SECONDS_PER_DAY + value.seconds) * 1_000_000 + value.microseconds
    sign = -1 if total_micros < 0 else 1
    days, rest_micros = divmod(abs(total_micros), _SECONDS_PER_DAY * 1_000_000)
    return duration_text(0, sign * days, sign * rest_micros * 1000)


def duration_text(months: int, days: int, nanos: int) -> str:
    """Canonical text of a duration with the given months, days and nanoseconds.

    Hours, minutes and seconds are derived from `nanos` truncating toward zero, so every
    component carries the sign of its part (`P-27DT-21H-40M-32.142S`, `PT-0.4S`).

    >>> duration_text(14, 16, (12 * 3600 + 70) * 10**9)
    'P1Y2M16DT12H1M10S'
    >>> duration_text(0, 0, -400_000_000)
    'PT-0.4S'
    """
    if months == 0 and days == 0 and nanos == 0:
        return "PT0S"
    text = "P"
    years, rest_months = _split_toward_zero(months, 12)
    text += f"{years}Y" if years else ""
    text += f"{rest_months}M" if rest_months else ""
    text += f"{days}D" if days else ""
    if nanos == 0:
        return text
    seconds, fraction = _split_toward_zero(nanos, _NANOS_PER_SECOND)
    hours, seconds = _split_toward_zero(seconds, 3600)
    minutes, seconds = _split_toward_zero(seconds, 60)
    text += "T"
    text += f"{hours}H" if hours else ""
    text += f"{minutes}M" if minutes else ""
    if seconds or fraction:
        sign = "-" if seconds < 0 or fraction < 0 else ""
        digits = f"{abs(fraction):09d}".rstrip("0")
        text += f"{sign}{abs(seconds)}" + (f".{digits}" if digits else "") + "S"
    return text


def _split_toward_zero(value: int, unit: int) -> tuple[int, int]:
    """(quotient, remainder) with the quotient truncated toward zero."""
    quotient = abs(value) // unit
    remainder = abs(value) - quotient * unit
    return (quotient, remainder) if value >= 0 else (-quotient, -remainder)
