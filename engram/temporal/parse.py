"""Parsing the ISO 8601 text forms of dates, times, date-times and durations.

Dates: ``2015-07-21``, ``20150721``, ``2015-07``, ``201507``, ``2015-W30-2``,
``2015W302``, ``2015-W30``, ``2015-Q2-60``, ``2015Q260``, ``2015-Q2``, ``2015-202``,
``2015202``, ``2015``; years outside 0000-9999 carry a sign (``-0044-03-15``,
``+999999999-12-31``) and need the extended (dashed) form.
Times: ``21:40:32.142``, ``214032.142``, ``21:40:32``, ``2140``, ``21``, optionally
preceded by ``T``; the fraction (``.`` or ``,``) has 1 to 9 digits.
Offsets: ``Z``, ``+01:00``, ``+0100``, ``+01``, ``+00:53:28``; a named zone follows in
brackets: ``2015-07-21T21:40:32.142+01:00[Europe/London]`` (the offset, when present,
must match the zone).
Durations: ``P1Y2M3W4DT5H6M7.5S`` (any component may be signed or fractional; a leading
sign negates all of them) and ``P0001-02-03T04:05:06.5``.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Final, NamedTuple

from engram.temporal.calendar import days_from_civil, days_in_month
from engram.temporal.date import Date, check_range
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.errors import invalid_value, quoted
from engram.temporal.fields import resolve_date
from engram.temporal.times import LocalTime, Time, nano_of_day
from engram.temporal.zones import Zone, ZoneOffset, parse_offset, parse_zone

__all__ = [
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_local_datetime",
    "parse_local_time",
    "parse_time",
]

_DATE_TAIL_EXTENDED: Final = (
    r"(?:-(?P<month>\d{1,2})(?:-(?P<day>\d{1,2}))?"
    r"|-[Ww](?P<week>\d{1,2})(?:-(?P<dayofweek>\d))?"
    r"|-[Qq](?P<quarter>\d)(?:-(?P<dayofquarter>\d{1,2}))?"
    r"|-(?P<ordinalday>\d{3}))?"
)
_DATE_EXTENDED: Final = re.compile(r"(?P<year>\d{4}|[+-]\d{1,9})" + _DATE_TAIL_EXTENDED, re.ASCII)
_CALENDAR_DATE: Final = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_DATE_BASIC: Final = re.compile(
    r"(?P<year>\d{4})"
    r"(?:(?P<month>\d{2})(?P<day>\d{2})?"
    r"|[Ww](?P<week>\d{2})(?P<dayofweek>\d)?"
    r"|[Qq](?P<quarter>\d)(?P<dayofquarter>\d{2})?"
    r"|(?P<ordinalday>\d{3}))?",
    re.ASCII,
)
_TIME_EXTENDED: Final = re.compile(
    r"(?P<hour>\d{2})(?::(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?",
    re.ASCII,
)
_TIME_BASIC: Final = re.compile(
    r"(?P<hour>\d{2})(?:(?P<minute>\d{2})(?:(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,9}))?)?)?",
    re.ASCII,
)
# 20 integer digits hold any 64-bit amount; 30 fraction digits are far below a nanosecond
_NUMBER: Final = r"[-+]?\d{1,20}(?:[.,]\d{1,30})?"
_DURATION_UNITS: Final = re.compile(
    rf"(?P<sign>[-+]?)P(?:(?P<years>{_NUMBER})Y)?(?:(?P<months>{_NUMBER})M)?"
    rf"(?:(?P<weeks>{_NUMBER})W)?(?:(?P<days>{_NUMBER})D)?"
    rf"(?P<time>T(?:(?P<hours>{_NUMBER})H)?(?:(?P<minutes>{_NUMBER})M)?"
    rf"(?:(?P<seconds>{_NUMBER})S)?)?",
    re.IGNORECASE | re.ASCII,
)
_DURATION_DATE_BASED: Final = re.compile(
    r"(?P<sign>[-+]?)P(?P<years>\d{4})(?P<dash>-?)(?P<months>\d{2})(?P=dash)(?P<days>\d{2})"
    r"(?:T(?P<hours>\d{2})(?P<colon>:?)(?P<minutes>\d{2})(?P=colon)"
    r"(?P<seconds>\d{2}(?:[.,]\d{1,9})?))?",
    re.IGNORECASE | re.ASCII,
)
_SEPARATOR: Final = re.compile("[Tt]")
_OFFSET_START: Final = re.compile("[-+Zz]")
_TIME_END: Final = re.compile(r"[-+Zz\[]")
_HINT_DATE: Final = "dates look like '2015-07-21', '2015-W30-2', '2015-202' or '2015-Q3'"
_HINT_TIME: Final = "times look like '21:40:32.142', '214032' or '21:40', offsets like '+01:00'"
_HINT_DURATION: Final = "durations look like 'P1Y2M10DT12H45M30.5S' or 'PT-0.4S'"


class _Parts(NamedTuple):
    date: str | None
    time: str | None
    offset: str | None
    zone: str | None


def _split(text: str, kind: str, hint: str) -> _Parts:
    """Cut ``date T time offset [zone]`` into its parts (syntax checked later)."""
    zone = None
    if text.endswith("]"):
        start = text.rfind("[")
        if start < 0:
            raise invalid_value(f"cannot parse {quoted(text)} as a {kind}", hint=hint)
        text, zone = text[:start], text[start + 1 : -1]
    separator = _SEPARATOR.search(text)
    if separator is None:
        return _Parts(text, None, None, zone)
    date, rest = text[: separator.start()], text[separator.end() :]
    mark = _OFFSET_START.search(rest)
    if mark is None:
        return _Parts(date, rest, None, zone)
    return _Parts(date, rest[: mark.start()], rest[mark.start() :], zone)


def _date_from_text(text: str) -> int:
    match = _CALENDAR_DATE.fullmatch(text)
    if match is not None:  # the common form, without the general field resolution
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        check_range("month", month, 1, 12)
        check_range("day", day, 1, days_in_month(year, month))
        return days_from_civil(year, month, day)
    match = _DATE_BASIC.fullmatch(text) or _DATE_EXTENDED.fullmatch(text)
    if match is None:
        raise invalid_value(f"cannot parse {quoted(text)} as a date", hint=_HINT_DATE)
    fields = {key: int(value) for key, value in match.groupdict().items() if value is not None}
    return resolve_date(fields, None)


def _time_from_text(text: str) -> int:
    match = _TIME_EXTENDED.fullmatch(text) or _TIME_BASIC.fullmatch(text)
    if match is None:
        raise invalid_value(f"cannot parse {quoted(text)} as a time", hint=_HINT_TIME)
    fraction = match["fraction"] or ""
    return nano_of_day(
        int(match["hour"]),
        int(match["minute"] or 0),
        int(match["second"] or 0),
        int(fraction.ljust(9, "0")) if fraction else 0,
    )


def _offset_from_text(text: str, original: str) -> int:
    offset = parse_offset(text)
    if offset is None:
        raise invalid_value(f"cannot parse the offset in {quoted(original)}", hint=_HINT_TIME)
    return offset


def parse_date(text: str) -> Date:
    """A Date from ISO text.

    Raises:
        QueryRuntimeError: ArgumentError for text that is not a date.
    """
    return Date(_date_from_text(text))


def _time_parts(text: str) -> tuple[str, str | None]:
    body = text[1:] if text[:1] in ("T", "t") else text
    found = _TIME_END.search(body)
    mark = len(body) if found is None else found.start()
    if "[" in body:
        raise invalid_value(
            f"cannot parse {quoted(text)} as a time: only date-times take a named zone",
            hint=_HINT_TIME,
        )
    return body[:mark], body[mark:] or None


def parse_local_time(text: str) -> LocalTime:
    """A LocalTime from ISO text (no offset)."""
    body, offset = _time_parts(text)
    if offset is not None:
        raise invalid_value(
            f"cannot parse {quoted(text)} as a local time: it has an offset",
            hint="use time() for times with an offset",
        )
    return LocalTime(_time_from_text(body))


def parse_time(text: str, default_offset: int) -> Time:
    """A Time from ISO text; `default_offset` applies when the text has none."""
    body, offset_text = _time_parts(text)
    nanos = _time_from_text(body)
    if offset_text is None:
        return Time(nanos, default_offset)
    return Time(nanos, _offset_from_text(offset_text, text))


def _local_datetime(parts: _Parts, text: str, kind: str) -> LocalDateTime:
    if not parts.date or (parts.time is not None and not parts.time):
        raise invalid_value(f"cannot parse {quoted(text)} as a {kind}", hint=_HINT_DATE)
    epoch_day = _date_from_text(parts.date)
    return LocalDateTime.from_parts(epoch_day, _time_from_text(parts.time) if parts.time else 0)


def parse_local_datetime(text: str) -> LocalDateTime:
    """A LocalDateTime from ISO text (no offset or zone; the time may be omitted)."""
    parts = _split(text, "local date-time", _HINT_DATE)
    if parts.offset is not None or parts.zone is not None:
        raise invalid_value(
            f"cannot parse {quoted(text)} as a local date-time: it has a time zone",
            hint="use datetime() for date-times with a time zone",
        )
    return _local_datetime(parts, text, "local date-time")


def parse_datetime(text: str, default_zone: Zone) -> DateTime:
    """A DateTime from ISO text; `default_zone` applies when the text names no zone."""
    parts = _split(text, "date-time", _HINT_DATE)
    local = _local_datetime(parts, text, "date-time")
    offset = None if parts.offset is None else _offset_from_text(parts.offset, text)
    if parts.zone is None:
        zone: Zone = default_zone if offset is None else ZoneOffset(offset)
        return DateTime.of_local(local, zone)
    value = DateTime.of_local(local, parse_zone(parts.zone), offset)
    if offset is not None and value.offset != offset:
        raise invalid_value(
            f"the offset in {quoted(text)} does not match time zone {quoted(parts.zone)}",
            hint=f"{quoted(parts.zone)} has offset {ZoneOffset(value.offset)} at that time",
        )
    return value


def _amount(text: str | None) -> int | Fraction:
    if not text:
        return 0
    if "." in text or "," in text:
        return Fraction(text.replace(",", "."))
    return int(text)


def _amounts(match: re.Match[str], *keys: str) -> list[int | Fraction]:
    return [_amount(match[key]) for key in keys]


def parse_duration(text: str) -> Duration:
    """A Duration from ISO text (unit form or date-time form).

    Raises:
        QueryRuntimeError: ArgumentError for text that is not a duration.
    """
    match = _DURATION_UNITS.fullmatch(text)
    if match is not None and _has_components(match):
        years, months, weeks, days = _amounts(match, "years", "months", "weeks", "days")
        hours, minutes, seconds = _amounts(match, "hours", "minutes", "seconds")
    else:
        match = _DURATION_DATE_BASED.fullmatch(text)
        if match is None:
            raise invalid_value(f"cannot parse {quoted(text)} as a duration", hint=_HINT_DURATION)
        years, months, days = _amounts(match, "years", "months", "days")
        hours, minutes, seconds = _amounts(match, "hours", "minutes", "seconds")
        weeks = 0
        check_range("months", int(months), 0, 12)
        check_range("days", int(days), 0, 31)
        check_range("hours", int(hours), 0, 23)
        check_range("minutes", int(minutes), 0, 59)
        check_range("seconds", int(seconds), 0, 59)
    sign = -1 if match["sign"] == "-" else 1
    seconds, nanos = _exact_seconds(match["seconds"], seconds)
    return Duration.from_amounts(
        sign * (years * 12 + months),
        sign * (weeks * 7 + days),
        sign * (hours * 3600 + minutes * 60 + seconds),
        sign * nanos,
    )


def _exact_seconds(text: str | None, amount: int | Fraction) -> tuple[int | Fraction, int]:
    """Split seconds into (whole seconds, nanoseconds) when that is exact.

    Keeps the common case in integers; fractions finer than a nanosecond stay exact.
    """
    if not isinstance(amount, Fraction) or text is None:
        return amount, 0
    whole, _, fraction = text.replace(",", ".").partition(".")
    if len(fraction) > 9:
        return amount, 0
    nanos = int(fraction.ljust(9, "0"))
    return int(whole), -nanos if whole.startswith("-") else nanos


def _has_components(match: re.Match[str]) -> bool:
    units = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
    if not any(match[key] for key in units):
        return False
    time_given = match["time"] is not None
    return not time_given or any(match[key] for key in ("hours", "minutes", "seconds"))
