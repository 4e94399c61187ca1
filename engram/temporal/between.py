"""`duration.between`, `duration.inMonths`, `duration.inDays` and `duration.inSeconds`.

Any two instant types can be compared. First they are brought to a common shape:

1. a value without a time of day gets midnight when the other has one (and always, for
   `inSeconds`);
2. a value without a date takes the other's (local) date;
3. a value without a zone takes the other's zone (its offset, for a Time).

Then whole months are counted on the local calendar (the second value converted to the
first's zone), the first value is moved by them, then whole days, and what remains is the
exact elapsed time (instants, when zoned). A unit is only counted when complete, so the
counts truncate toward zero; `inMonths` and `inDays` of two values without dates are zero.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engram.temporal.arguments import type_name
from engram.temporal.base import TemporalValue
from engram.temporal.calendar import NANOS_PER_SECOND, civil_from_days, java_div
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.errors import wrong_type
from engram.temporal.instant import TemporalInstant
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import Zone, ZoneOffset

__all__ = ["duration_between", "duration_in_days", "duration_in_months", "duration_in_seconds"]


@dataclass(frozen=True, slots=True)
class _Moment:
    epoch_day: int | None
    nano_of_day: int | None
    zone: Zone | None
    original: TemporalInstant


def _moment(value: TemporalValue) -> _Moment:
    if isinstance(value, Date):
        return _Moment(value.epoch_day, None, None, value)
    if isinstance(value, LocalTime):
        return _Moment(None, value.nano_of_day, None, value)
    if isinstance(value, Time):
        return _Moment(None, value.nano_of_day, ZoneOffset(value.offset), value)
    if isinstance(value, LocalDateTime):
        return _Moment(value.epoch_day, value.nano_of_day, None, value)
    if isinstance(value, DateTime):
        return _Moment(value.epoch_day, value.nano_of_day, value.zone, value)
    raise wrong_type(f"durations are measured between temporal instants, got {type_name(value)}")


def _unify(first: _Moment, second: _Moment, with_time: bool) -> tuple[_Moment, _Moment]:
    if with_time or (first.nano_of_day is None) != (second.nano_of_day is None):
        if first.nano_of_day is None:
            first = replace(first, nano_of_day=0)
        if second.nano_of_day is None:
            second = replace(second, nano_of_day=0)
    if first.epoch_day is None and second.epoch_day is not None:
        first = replace(first, epoch_day=second.epoch_day)
    elif second.epoch_day is None and first.epoch_day is not None:
        second = replace(second, epoch_day=first.epoch_day)
    if first.zone is None and second.zone is not None:
        first = replace(first, zone=second.zone)
    elif second.zone is None and first.zone is not None:
        second = replace(second, zone=first.zone)
    return first, second


def _materialize(moment: _Moment) -> TemporalInstant:
    epoch_day, nano_of_day, zone = moment.epoch_day, moment.nano_of_day, moment.zone
    if nano_of_day is None:
        return Date(epoch_day) if epoch_day is not None else moment.original
    if epoch_day is None:
        if zone is None:
            return LocalTime(nano_of_day)
        offset = zone.seconds if isinstance(zone, ZoneOffset) else 0
        return Time(nano_of_day, offset)
    local = LocalDateTime.from_parts(epoch_day, nano_of_day)
    if zone is None:
        return local
    if isinstance(moment.original, DateTime):
        return moment.original
    return DateTime.of_local(local, zone)


def _common(
    first: TemporalValue, second: TemporalValue, with_time: bool
) -> tuple[TemporalInstant, TemporalInstant]:
    one, two = _unify(_moment(first), _moment(second), with_time)
    return _materialize(one), _materialize(two)


def _local_parts(value: TemporalInstant, reference: TemporalInstant) -> tuple[int, int | None]:
    """(epoch day, nano of day or None) of a dated value, seen in `reference`'s zone."""
    if isinstance(value, DateTime) and isinstance(reference, DateTime):
        seen = value.with_zone_same_instant(reference.zone)
        return seen.epoch_day, seen.nano_of_day
    if isinstance(value, LocalDateTime | DateTime):
        return value.epoch_day, value.nano_of_day
    assert isinstance(value, Date)  # only dated values reach here
    return value.epoch_day, None


def _end_day(start: TemporalInstant, end: TemporalInstant) -> tuple[int, int]:
    """(start epoch day, end epoch day moved back or forth so only whole days count)."""
    start_day, start_time = _local_parts(start, start)
    end_day, end_time = _local_parts(end, start)
    if start_time is not None and end_time is not None:
        if end_day > start_day and end_time < start_time:
            end_day -= 1
        elif end_day < start_day and end_time > start_time:
            end_day += 1
    return start_day, end_day


def _months_until(start: TemporalInstant, end: TemporalInstant) -> int:
    start_day, end_day = _end_day(start, end)
    year1, month1, day1 = civil_from_days(start_day)
    year2, month2, day2 = civil_from_days(end_day)
    packed1 = (year1 * 12 + month1 - 1) * 32 + day1
    packed2 = (year2 * 12 + month2 - 1) * 32 + day2
    return java_div(packed2 - packed1, 32)


def _days_until(start: TemporalInstant, end: TemporalInstant) -> int:
    start_day, end_day = _end_day(start, end)
    return end_day - start_day


def _has_date(value: TemporalInstant) -> bool:
    return isinstance(value, Date | LocalDateTime | DateTime)


def _nanos_until(start: TemporalInstant, end: TemporalInstant) -> int:
    """Exact elapsed nanoseconds between two values of the same shape (with times)."""
    if isinstance(start, DateTime) and isinstance(end, DateTime):
        return (end.epoch_second - start.epoch_second) * NANOS_PER_SECOND + end.nano - start.nano
    if isinstance(start, LocalDateTime) and isinstance(end, LocalDateTime):
        return (end.epoch_second - start.epoch_second) * NANOS_PER_SECOND + end.nano - start.nano
    if isinstance(start, Time) and isinstance(end, Time):
        return end.utc_nano_of_day() - start.utc_nano_of_day()
    if isinstance(start, LocalTime) and isinstance(end, LocalTime):
        return end.nano_of_day - start.nano_of_day
    return 0  # two dates: the same midnight


def duration_between(first: TemporalValue, second: TemporalValue) -> Duration:
    """`duration.between(first, second)`: months, then days, then the exact rest."""
    start, end = _common(first, second, with_time=False)
    months = days = 0
    if _has_date(start):
        months = _months_until(start, end)
        if months:
            start = start.shifted(Duration.of(months=months), 1)
        days = _days_until(start, end)
        if days:
            start = start.shifted(Duration.of(days=days), 1)
    start, end = _common(start, end, with_time=True)
    return Duration.of(months, days, 0, _nanos_until(start, end))


def duration_in_months(first: TemporalValue, second: TemporalValue) -> Duration:
    """`duration.inMonths(first, second)`: whole months only."""
    start, end = _common(first, second, with_time=False)
    return Duration.of(months=_months_until(start, end) if _has_date(start) else 0)


def duration_in_days(first: TemporalValue, second: TemporalValue) -> Duration:
    """`duration.inDays(first, second)`: whole days only."""
    start, end = _common(first, second, with_time=False)
    return Duration.of(days=_days_until(start, end) if _has_date(start) else 0)


def duration_in_seconds(first: TemporalValue, second: TemporalValue) -> Duration:
    """`duration.inSeconds(first, second)`: the exact elapsed time."""
    start, end = _common(first, second, with_time=True)
    return Duration.of(nanos=_nanos_until(start, end))
