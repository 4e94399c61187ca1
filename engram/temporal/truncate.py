"""The truncate functions: `date.truncate('month', value, {day: 5})` and its siblings.

A value is cut down to the start of the unit, then the optional map adjusts fields of the
result exactly like `date({date: truncated, ...map})` would, with two twists:

- ``timezone`` in the map keeps the local date and time and replaces the zone (a
  constructor would convert to the same instant instead);
- when truncating to ``millisecond`` (``microsecond``), sub-second fields below the unit
  add to the kept milliseconds (microseconds): truncating 12:31:14.645876123 to
  milliseconds with ``{nanosecond: 2}`` gives 12:31:14.645000002.

Units: millennium, century, decade, year, weekYear, quarter, month, week, day, hour,
minute, second, millisecond, microsecond (case-insensitive). Years truncate downward
(the decade of -1985 is -1990).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

from engram.temporal.arguments import normalize_map, require_str, suggestion, type_name
from engram.temporal.base import TemporalValue
from engram.temporal.calendar import (
    NANOS_PER_SECOND,
    civil_from_days,
    day_of_week,
    days_from_civil,
    iso_week_date,
    quarter_start,
    week_one_monday,
)
from engram.temporal.clock import TemporalContext
from engram.temporal.construct import (
    current,
    date_from_map,
    datetime_from_map,
    local_datetime_from_map,
    local_time_from_map,
    time_from_map,
    to_local_datetime,
    to_local_time,
    zone_argument,
)
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.errors import invalid_value, quoted, wrong_type
from engram.temporal.fields import FIELD_NAMES, SUBSECOND_FIELDS
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import offset_at

__all__ = ["TruncateTarget", "truncate"]

TruncateTarget = Literal["date", "localtime", "time", "localdatetime", "datetime"]

_DATE_UNITS: Final = {
    "millennium": "millennium",
    "century": "century",
    "decade": "decade",
    "year": "year",
    "weekyear": "weekYear",
    "quarter": "quarter",
    "month": "month",
    "week": "week",
    "day": "day",
}
_TIME_UNITS: Final = {
    "day": "day",
    "hour": "hour",
    "minute": "minute",
    "second": "second",
    "millisecond": "millisecond",
    "microsecond": "microsecond",
}
_UNIT_NANOS: Final = {
    "day": 86_400 * NANOS_PER_SECOND,
    "hour": 3600 * NANOS_PER_SECOND,
    "minute": 60 * NANOS_PER_SECOND,
    "second": NANOS_PER_SECOND,
    "millisecond": 1_000_000,
    "microsecond": 1000,
}
_YEAR_STEPS: Final = {"millennium": 1000, "century": 100, "decade": 10, "year": 1}


def _unit(text: Any, target: TruncateTarget) -> str:
    unit = require_str(text, "the truncation unit").lower()
    allowed = {
        "date": _DATE_UNITS,
        "localtime": _TIME_UNITS,
        "time": _TIME_UNITS,
    }.get(target, {**_DATE_UNITS, **_TIME_UNITS})
    if unit not in allowed:
        known = {**_DATE_UNITS, **_TIME_UNITS}
        if unit in known:
            raise invalid_value(f"cannot truncate a {target} to unit '{known[unit]}'")
        hint = suggestion(text, known.values()) or "units: " + ", ".join(known.values())
        raise invalid_value(f"unknown truncation unit {quoted(text)}", hint=hint)
    return unit


def truncate_epoch_day(epoch_day: int, unit: str) -> int:
    """The first day of the unit containing `epoch_day` (time units keep the day)."""
    year, month, _ = civil_from_days(epoch_day)
    if unit in _YEAR_STEPS:
        step = _YEAR_STEPS[unit]
        return days_from_civil(year - year % step, 1, 1)
    match unit:
        case "weekyear":
            return week_one_monday(iso_week_date(epoch_day)[0])
        case "quarter":
            return quarter_start(year, (month - 1) // 3 + 1)
        case "month":
            return days_from_civil(year, month, 1)
        case "week":
            return epoch_day - day_of_week(epoch_day) + 1
    return epoch_day


def truncate_nano_of_day(nano_of_day: int, unit: str) -> int:
    """The time of day cut to the unit (date units give midnight)."""
    size = _UNIT_NANOS.get(unit)
    return 0 if size is None else nano_of_day - nano_of_day % size


def _fields(fields: Any, target: TruncateTarget, keys: Mapping[str, str]) -> dict[str, Any]:
    if fields is None:
        return {}
    if not isinstance(fields, Mapping):
        raise wrong_type(f"the fields of {target}.truncate() must be a map")
    normalized = normalize_map(fields, keys, f"{target}.truncate")
    for key in ("date", "time", "datetime", "epochseconds", "epochmillis"):
        if key in normalized:
            raise invalid_value(f"'{keys[key]}' cannot be used in {target}.truncate()")
    if "timezone" in normalized and target in ("date", "localtime", "localdatetime"):
        raise invalid_value(f"'timezone' cannot be used in {target}.truncate(): it has no zone")
    return normalized


def _carry_subseconds(fields: dict[str, Any], unit: str, nano_of_second: int) -> None:
    """Make sub-second fields below the unit add to the part the unit keeps."""
    given = SUBSECOND_FIELDS & fields.keys()
    if unit == "millisecond" and given and "millisecond" not in given:
        fields["millisecond"] = nano_of_second // 1_000_000
    elif unit == "microsecond" and given == {"nanosecond"}:
        fields["microsecond"] = nano_of_second // 1000


_KEYS: Final = {
    **FIELD_NAMES,
    "timezone": "timezone",
    "date": "date",
    "time": "time",
    "datetime": "datetime",
    "epochseconds": "epochSeconds",
    "epochmillis": "epochMillis",
}


def truncate(
    target: TruncateTarget,
    context: TemporalContext,
    unit_text: Any,
    value: TemporalValue | None,
    fields: Any,
) -> TemporalValue:
    """`<target>.truncate(unit, value, fields)`; `value` None means the statement time.

    Raises:
        QueryRuntimeError: for unknown units, units finer or coarser than the target
            allows, values without the needed date or time, and invalid fields.
    """
    unit = _unit(unit_text, target)
    source: TemporalValue = current(context, "statement", None) if value is None else value
    extra = _fields(fields, target, _KEYS)
    if target in ("date", "localdatetime", "datetime"):
        return _truncate_dated(target, context, unit, source, extra)
    return _truncate_time(target, context, unit, source, extra)


def _truncate_dated(
    target: TruncateTarget,
    context: TemporalContext,
    unit: str,
    source: TemporalValue,
    fields: dict[str, Any],
) -> TemporalValue:
    if not isinstance(source, Date | LocalDateTime | DateTime):
        raise wrong_type(f"{target}.truncate() needs a value with a date, got {type_name(source)}")
    local = to_local_datetime(source)
    epoch_day = truncate_epoch_day(local.epoch_day, unit)
    nano_of_day = truncate_nano_of_day(local.nano_of_day, unit)
    _carry_subseconds(fields, unit, nano_of_day % NANOS_PER_SECOND)
    if target == "date":
        date = Date(epoch_day)
        return date_from_map({**fields, "date": date}, context) if fields else date
    truncated = LocalDateTime.from_parts(epoch_day, nano_of_day)
    if target == "localdatetime":
        if not fields:
            return truncated
        return local_datetime_from_map({**fields, "datetime": truncated}, context)
    if isinstance(source, DateTime):
        value = DateTime.of_local(truncated, source.zone, source.offset)
    else:
        value = DateTime.of_local(truncated, context.default_zone)
    if "timezone" in fields:
        value = value.with_zone_same_local(zone_argument(fields.pop("timezone")))
    return datetime_from_map({**fields, "datetime": value}, context) if fields else value


def _truncate_time(
    target: TruncateTarget,
    context: TemporalContext,
    unit: str,
    source: TemporalValue,
    fields: dict[str, Any],
) -> TemporalValue:
    if not isinstance(source, LocalTime | Time | LocalDateTime | DateTime):
        raise wrong_type(f"{target}.truncate() needs a value with a time, got {type_name(source)}")
    nano_of_day = truncate_nano_of_day(to_local_time(source).nano_of_day, unit)
    _carry_subseconds(fields, unit, nano_of_day % NANOS_PER_SECOND)
    if target == "localtime":
        local = LocalTime(nano_of_day)
        return local_time_from_map({**fields, "time": local}, context) if fields else local
    offset = source.offset if isinstance(source, Time | DateTime) else context.default_offset()
    value = Time(nano_of_day, offset)
    if "timezone" in fields:
        zone = zone_argument(fields.pop("timezone"))
        value = Time(nano_of_day, offset_at(zone, context.statement_time // NANOS_PER_SECOND))
    return time_from_map({**fields, "time": value}, context) if fields else value
