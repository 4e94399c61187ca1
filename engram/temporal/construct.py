"""Building temporal values from maps, from other temporal values, and from the clock.

Map keys (case-insensitive): the date fields of `engram.temporal.fields`, the time
fields ``hour`` ... ``nanosecond``, ``timezone``, base values ``date``, ``time``,
``datetime`` whose missing fields fill in the rest (``{date: d, day: 28}``), and for
date-times ``epochSeconds`` / ``epochMillis``. A map holding only ``timezone`` means
"now in that zone".

Zones when selecting: a base time or date-time that has a zone keeps it (the local
fields are re-resolved in it) and a ``timezone`` key then converts to the new zone at
the same instant; without a zoned base, ``timezone`` (or the default zone) is simply
attached to the local value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, cast

from engram.temporal.arguments import normalize_map, require_int, require_number, require_str
from engram.temporal.arguments import type_name as _type_name
from engram.temporal.base import TemporalValue
from engram.temporal.calendar import NANOS_PER_SECOND
from engram.temporal.clock import ClockSource, TemporalContext
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration, exact_number
from engram.temporal.errors import invalid_value, wrong_type
from engram.temporal.fields import (
    DATE_FIELDS,
    FIELD_NAMES,
    SUBSECOND_FIELDS,
    TIME_FIELDS,
    resolve_date,
    resolve_time,
)
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import Zone, ZoneOffset, offset_at, parse_zone

__all__ = [
    "DURATION_KEYS",
    "current",
    "date_from_map",
    "datetime_from_map",
    "duration_from_map",
    "local_datetime_from_map",
    "local_time_from_map",
    "time_from_map",
    "to_date",
    "to_datetime",
    "to_local_datetime",
    "to_local_time",
    "to_time",
    "zone_argument",
]

_SPECIAL: Final = {
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "timezone": "timezone",
    "epochseconds": "epochSeconds",
    "epochmillis": "epochMillis",
}


def _keys(*names: str) -> dict[str, str]:
    return {name: FIELD_NAMES.get(name) or _SPECIAL[name] for name in names}


_DATE_KEYS: Final = _keys(*sorted(DATE_FIELDS), "date", "timezone")
_TIME_KEYS: Final = _keys(*sorted(TIME_FIELDS), "time", "timezone")
_LOCAL_DATETIME_KEYS: Final = _keys(
    *sorted(DATE_FIELDS | TIME_FIELDS), "date", "time", "datetime", "timezone"
)
_DATETIME_KEYS: Final = {**_LOCAL_DATETIME_KEYS, **_keys("epochseconds", "epochmillis")}
DURATION_KEYS: Final = {
    name.lower(): name
    for name in (
        "years",
        "months",
        "weeks",
        "days",
        "hours",
        "minutes",
        "seconds",
        "milliseconds",
        "microseconds",
        "nanoseconds",
    )
}


# -- the clock -----------------------------------------------------------------------


def current(context: TemporalContext, source: ClockSource, zone: Zone | None) -> DateTime:
    """The current instant of a clock, seen in `zone` (default: the context's zone)."""
    nanos = context.now(source)
    seconds, nano = divmod(nanos, NANOS_PER_SECOND)
    return DateTime.of_instant(seconds, nano, zone if zone is not None else context.default_zone)


def zone_argument(value: Any) -> Zone:
    """A zone from a ``timezone`` argument (a string such as '+01:00' or 'Europe/Paris')."""
    return parse_zone(require_str(value, "the time zone"))


# -- conversions between types ---------------------------------------------------------


def _cannot(target: str, value: Any) -> Exception:
    return wrong_type(f"cannot build {target} from {_type_name(value)}")


def to_date(value: TemporalValue) -> Date:
    """The date of a Date, LocalDateTime or DateTime (local date)."""
    if isinstance(value, Date):
        return value
    if isinstance(value, LocalDateTime | DateTime):
        return value.date()
    raise _cannot("a date", value)


def to_local_time(value: TemporalValue) -> LocalTime:
    """The local time of day of a LocalTime, Time, LocalDateTime or DateTime."""
    if isinstance(value, LocalTime):
        return value
    if isinstance(value, Time | LocalDateTime | DateTime):
        return LocalTime(value.nano_of_day)
    raise _cannot("a local time", value)


def to_time(value: TemporalValue, context: TemporalContext) -> Time:
    """A Time; values without an offset take the default zone's offset."""
    if isinstance(value, Time):
        return value
    if isinstance(value, DateTime):
        return value.time()
    if isinstance(value, LocalTime | LocalDateTime):
        return Time(value.nano_of_day, context.default_offset())
    raise _cannot("a time", value)


def to_local_datetime(value: TemporalValue) -> LocalDateTime:
    """A LocalDateTime from a LocalDateTime, DateTime (local part) or Date (midnight)."""
    if isinstance(value, LocalDateTime):
        return value
    if isinstance(value, DateTime):
        return value.local()
    if isinstance(value, Date):
        return LocalDateTime.from_parts(value.epoch_day, 0)
    raise _cannot("a local date-time", value)


def to_datetime(value: TemporalValue, context: TemporalContext) -> DateTime:
    """A DateTime; local values (and dates, at midnight) take the default zone."""
    if isinstance(value, DateTime):
        return value
    if isinstance(value, LocalDateTime | Date):
        return DateTime.of_local(to_local_datetime(value), context.default_zone)
    raise _cannot("a date-time", value)


# -- maps -------------------------------------------------------------------------------


def _ints(fields: Mapping[str, Any], keys: frozenset[str]) -> dict[str, int]:
    return {
        key: require_int(value, f"'{FIELD_NAMES[key]}'")
        for key, value in fields.items()
        if key in keys
    }


def _base(fields: Mapping[str, Any], key: str, accepted: tuple[type, ...]) -> Any:
    if key not in fields:
        return None
    value = fields[key]
    if not isinstance(value, accepted):
        raise wrong_type(
            f"'{key}' must be {' or '.join(t.__name__.lower() for t in accepted)}, "
            f"got {_type_name(value)}"
        )
    return value


def _date_base(fields: Mapping[str, Any]) -> int | None:
    base = _base(fields, "date", (Date, LocalDateTime, DateTime))
    if base is None:
        base = _base(fields, "datetime", (LocalDateTime, DateTime))
    return None if base is None else base.epoch_day


def _time_base(fields: Mapping[str, Any]) -> LocalTime | Time | LocalDateTime | DateTime | None:
    base = _base(fields, "time", (LocalTime, Time, LocalDateTime, DateTime))
    if base is None:
        base = _base(fields, "datetime", (LocalDateTime, DateTime))
    if "datetime" in fields and ("date" in fields or "time" in fields):
        raise invalid_value("'datetime' cannot be combined with 'date' or 'time'")
    return cast(LocalTime | Time | LocalDateTime | DateTime | None, base)


def _only_timezone(fields: Mapping[str, Any], function: str) -> bool:
    if not fields:
        raise invalid_value(
            f"{function}() needs at least one field", hint="for the current time call it with ()"
        )
    if "timezone" not in fields:
        return False
    if len(fields) > 1 and function in ("date", "localtime", "localdatetime"):
        raise invalid_value(
            f"'timezone' can only be given alone to {function}() (for the current time)",
            hint="local values have no time zone",
        )
    return len(fields) == 1


def date_from_map(mapping: Mapping[Any, Any], context: TemporalContext) -> Date:
    """``date({year: 1984, week: 10, dayOfWeek: 3})`` and friends."""
    fields = normalize_map(mapping, _DATE_KEYS, "date")
    if _only_timezone(fields, "date"):
        return current(context, "statement", zone_argument(fields["timezone"])).date()
    return Date(resolve_date(_ints(fields, DATE_FIELDS), _date_base(fields)))


def local_time_from_map(mapping: Mapping[Any, Any], context: TemporalContext) -> LocalTime:
    """``localtime({hour: 12, minute: 31})``, ``localtime({time: t, second: 42})``."""
    fields = normalize_map(mapping, _TIME_KEYS, "localtime")
    if _only_timezone(fields, "localtime"):
        now = current(context, "statement", zone_argument(fields["timezone"]))
        return LocalTime(now.nano_of_day)
    base = _time_base(fields)
    nanos = resolve_time(_ints(fields, TIME_FIELDS), None if base is None else base.nano_of_day)
    return LocalTime(nanos)


def _offset_of(zone: Zone, context: TemporalContext) -> int:
    """A zone's offset for a time of day: named zones use their offset right now."""
    return offset_at(zone, context.statement_time // NANOS_PER_SECOND)


def time_from_map(mapping: Mapping[Any, Any], context: TemporalContext) -> Time:
    """``time({hour: 12, timezone: '+01:00'})``, ``time({time: t, timezone: 'Z'})``."""
    fields = normalize_map(mapping, _TIME_KEYS, "time")
    zone = zone_argument(fields["timezone"]) if "timezone" in fields else None
    if _only_timezone(fields, "time"):
        return current(context, "statement", zone).time()
    base = _time_base(fields)
    nanos = resolve_time(_ints(fields, TIME_FIELDS), None if base is None else base.nano_of_day)
    if isinstance(base, Time | DateTime):
        value = Time(nanos, base.offset)
        return value if zone is None else value.with_offset_same_instant(_offset_of(zone, context))
    offset = context.default_offset() if zone is None else _offset_of(zone, context)
    return Time(nanos, offset)


def _local_parts(fields: Mapping[str, Any]) -> tuple[LocalDateTime, Any]:
    time_base = _time_base(fields)
    epoch_day = resolve_date(_ints(fields, DATE_FIELDS), _date_base(fields))
    base_nanos = None if time_base is None else time_base.nano_of_day
    nanos = resolve_time(_ints(fields, TIME_FIELDS), base_nanos)
    return LocalDateTime.from_parts(epoch_day, nanos), time_base


def local_datetime_from_map(mapping: Mapping[Any, Any], context: TemporalContext) -> LocalDateTime:
    """``localdatetime({year: 1984, ordinalDay: 202, hour: 12})``, with bases."""
    fields = normalize_map(mapping, _LOCAL_DATETIME_KEYS, "localdatetime")
    if _only_timezone(fields, "localdatetime"):
        return current(context, "statement", zone_argument(fields["timezone"])).local()
    return _local_parts(fields)[0]


def datetime_from_map(mapping: Mapping[Any, Any], context: TemporalContext) -> DateTime:
    """``datetime({year: 1984, ..., timezone: 'Europe/Stockholm'})``, with bases and epochs."""
    fields = normalize_map(mapping, _DATETIME_KEYS, "datetime")
    zone = zone_argument(fields["timezone"]) if "timezone" in fields else None
    if _only_timezone(fields, "datetime"):
        return current(context, "statement", zone)
    if "epochseconds" in fields or "epochmillis" in fields:
        return _datetime_from_epoch(fields, zone if zone is not None else context.default_zone)
    local, time_base = _local_parts(fields)
    if isinstance(time_base, DateTime):
        value = DateTime.of_local(local, time_base.zone, time_base.offset)
    elif isinstance(time_base, Time):
        value = DateTime.of_local(local, ZoneOffset(time_base.offset))
    else:
        return DateTime.of_local(local, zone if zone is not None else context.default_zone)
    return value if zone is None else value.with_zone_same_instant(zone)


def _datetime_from_epoch(fields: Mapping[str, Any], zone: Zone) -> DateTime:
    extra = set(fields) - {"epochseconds", "epochmillis", "timezone"}
    if "epochmillis" in fields:
        if extra or "epochseconds" in fields:
            raise invalid_value("'epochMillis' can only be combined with 'timezone'")
        seconds, millis = divmod(require_int(fields["epochmillis"], "'epochMillis'"), 1000)
        nano = millis * 1_000_000
    else:
        if extra - SUBSECOND_FIELDS:
            raise invalid_value(
                "'epochSeconds' can only be combined with 'timezone' and sub-second fields"
            )
        seconds = require_int(fields["epochseconds"], "'epochSeconds'")
        nano = resolve_time(_ints(fields, SUBSECOND_FIELDS), 0)
    return DateTime.of_instant(seconds, nano, zone)


def duration_from_map(mapping: Mapping[Any, Any]) -> Duration:
    """``duration({days: 14, hours: 16, minutes: 12})``; amounts may be fractional."""
    fields = normalize_map(mapping, DURATION_KEYS, "duration")
    amounts = {
        key: exact_number(require_number(value, f"'{DURATION_KEYS[key]}'"), DURATION_KEYS[key])
        for key, value in fields.items()
    }

    def amount(key: str) -> Any:
        return amounts.get(key, 0)

    return Duration.from_amounts(
        amount("years") * 12 + amount("months"),
        amount("weeks") * 7 + amount("days"),
        amount("hours") * 3600 + amount("minutes") * 60 + amount("seconds"),
        amount("milliseconds") * 1_000_000 + amount("microseconds") * 1000 + amount("nanoseconds"),
    )
