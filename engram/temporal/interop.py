"""Python interop: engram temporal values to and from the `datetime` module's types.

`to_python` gives the `datetime` type when it holds the value exactly and engram's own
value otherwise; `from_python` accepts the `datetime` types as query parameters.

| engram        | Python, when exact                            | otherwise                |
|---------------|-----------------------------------------------|--------------------------|
| Date          | `datetime.date` (years 1-9999)                | `Date`                   |
| LocalTime     | `datetime.time` (whole microseconds)          | `LocalTime`              |
| Time          | `datetime.time` with a fixed `timezone`       | `Time`                   |
| LocalDateTime | naive `datetime.datetime`                     | `LocalDateTime`          |
| DateTime      | aware `datetime.datetime`; named zones get a  | `DateTime`               |
|               | tzdata `ZoneInfo`, offsets a `timezone`       |                          |
| Duration      | never (months and days have no `timedelta`)   | `Duration`               |

A `timedelta` parameter becomes a Duration of its whole days plus the rest of its time,
both signed like the whole.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from engram.errors import ErrorDetail, ErrorKind, ParameterError
from engram.temporal.base import TemporalValue
from engram.temporal.calendar import NANOS_PER_SECOND, SECONDS_PER_DAY, days_from_civil, java_div
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import (
    MAX_OFFSET_SECONDS,
    Zone,
    ZoneOffset,
    ZoneRegion,
    canonical_zone_name,
    tzinfo_for,
)

__all__ = ["PYTHON_TEMPORAL_TYPES", "from_python", "to_python"]

#: the Python types `from_python` accepts
PYTHON_TEMPORAL_TYPES = (_dt.datetime, _dt.date, _dt.time, _dt.timedelta)

_NANOS_PER_MICRO = 1000


def _python_date(epoch_day: int) -> _dt.date | None:
    ordinal = epoch_day + 719_163  # date(1970, 1, 1).toordinal()
    if not 1 <= ordinal <= _dt.date.max.toordinal():
        return None
    return _dt.date.fromordinal(ordinal)


def _python_time(nano_of_day: int, tzinfo: _dt.tzinfo | None) -> _dt.time | None:
    if nano_of_day % _NANOS_PER_MICRO:
        return None
    seconds, nanos = divmod(nano_of_day, NANOS_PER_SECOND)
    hours, rest = divmod(seconds, 3600)
    return _dt.time(hours, rest // 60, rest % 60, nanos // _NANOS_PER_MICRO, tzinfo=tzinfo)


def _python_datetime(
    epoch_day: int, nano_of_day: int, tzinfo: _dt.tzinfo | None
) -> _dt.datetime | None:
    date = _python_date(epoch_day)
    time = _python_time(nano_of_day, tzinfo)
    if date is None or time is None:
        return None
    return _dt.datetime.combine(date, time)


def to_python(value: TemporalValue) -> Any:
    """The `datetime` equivalent of a value when exact, else the value itself."""
    converted: Any = None
    match value:
        case Date():
            converted = _python_date(value.epoch_day)
        case LocalTime():
            converted = _python_time(value.nano_of_day, None)
        case Time():
            converted = _python_time(value.nano_of_day, tzinfo_for(ZoneOffset(value.offset)))
        case LocalDateTime():
            converted = _python_datetime(value.epoch_day, value.nano_of_day, None)
        case DateTime():
            converted = _aware(value)
    return value if converted is None else converted


def _aware(value: DateTime) -> _dt.datetime | None:
    tzinfo = tzinfo_for(value.zone)
    converted = _python_datetime(value.epoch_day, value.nano_of_day, tzinfo)
    if converted is None:
        return None
    for candidate in (converted, converted.replace(fold=1)):
        if _offset_seconds(candidate.utcoffset()) == value.offset:
            return candidate
    return None


def _offset_seconds(delta: _dt.timedelta | None) -> int | None:
    return None if delta is None else delta.days * SECONDS_PER_DAY + delta.seconds


def _fixed_offset(delta: _dt.timedelta | None, value: object) -> int | None:
    offset = _offset_seconds(delta)
    if offset is not None and abs(offset) > MAX_OFFSET_SECONDS:
        raise _bad_parameter(f"the UTC offset of {value} is beyond ±18:00")
    return offset


def _zone_of(moment: _dt.datetime) -> Zone:
    """A named zone for zoneinfo/pytz-style tzinfos, else the fixed offset."""
    name = getattr(moment.tzinfo, "key", None) or getattr(moment.tzinfo, "zone", None)
    if isinstance(name, str):
        canonical = canonical_zone_name(name)
        if canonical is not None:
            return ZoneRegion(canonical)
    offset = _fixed_offset(moment.utcoffset(), moment)
    assert offset is not None  # callers pass aware datetimes
    return ZoneOffset(offset)


def _bad_parameter(message: str) -> ParameterError:
    return ParameterError(
        message, kind=ErrorKind.TYPE_ERROR, detail=ErrorDetail.INVALID_ARGUMENT_VALUE
    )


def from_python(value: Any) -> TemporalValue:
    """The engram value of a `datetime`, `date`, `time` or `timedelta` parameter.

    Aware datetimes keep their instant; a tzinfo with an IANA key (zoneinfo, pytz) gives
    a named zone, any other tzinfo its fixed offset. A `timedelta` becomes a Duration of
    its whole days and the rest (both signed like the whole: -1 µs is ``PT-0.000001S``).
    engram temporal values pass through.

    Raises:
        ParameterError: for a time whose tzinfo gives no offset.
        TypeError: for objects that are not temporal (a bug in the caller).
    """
    if isinstance(value, TemporalValue):
        return value
    if isinstance(value, _dt.datetime):
        return _from_datetime(value)
    if isinstance(value, _dt.date):
        return Date(value.toordinal() - 719_163)
    if isinstance(value, _dt.time):
        return _from_time(value)
    if isinstance(value, _dt.timedelta):
        return _from_timedelta(value)
    raise TypeError(f"not a temporal value: {type(value).__name__}")


def _from_datetime(value: _dt.datetime) -> TemporalValue:
    epoch_day = days_from_civil(value.year, value.month, value.day)
    local_second = epoch_day * SECONDS_PER_DAY + value.hour * 3600 + value.minute * 60
    local_second += value.second
    nano = value.microsecond * _NANOS_PER_MICRO
    offset = _fixed_offset(value.utcoffset(), value)
    if offset is None:
        return LocalDateTime(local_second, nano)
    return DateTime.of_instant(local_second - offset, nano, _zone_of(value))


def _from_timedelta(value: _dt.timedelta) -> Duration:
    """Whole days as days, the rest as seconds, both with the sign of the whole."""
    micros = value // _dt.timedelta(microseconds=1)
    days = java_div(micros, SECONDS_PER_DAY * 1_000_000)
    rest = micros - days * SECONDS_PER_DAY * 1_000_000
    return Duration.of(0, days, 0, rest * _NANOS_PER_MICRO)


def _from_time(value: _dt.time) -> TemporalValue:
    nano_of_day = (value.hour * 3600 + value.minute * 60 + value.second) * NANOS_PER_SECOND
    nano_of_day += value.microsecond * _NANOS_PER_MICRO
    if value.tzinfo is None:
        return LocalTime(nano_of_day)
    offset = _fixed_offset(value.utcoffset(), value)
    if offset is None:
        raise _bad_parameter(
            f"the time {value.isoformat()} has a time zone without a fixed offset; "
            "use a datetime for named zones"
        )
    return Time(nano_of_day, offset)
