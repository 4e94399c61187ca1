"""Time zones: fixed UTC offsets and named IANA zones read from the bundled tzdata package.

Named zones are always loaded from the `tzdata` package (a dependency), never from the
operating system, so every machine computes the same offsets; the package's data is the
main IANA build, where for example Europe/Stockholm before 1879 has Berlin's mean solar
offset +00:53:28.

Python's `datetime` holds years 1 to 9999 only. Offsets of instants outside that range
are computed by symmetry: before year 1 every zone keeps its earliest offset (local mean
time), and after year 9999 the zone's recurring rule is evaluated 400·k years earlier
(the Gregorian calendar repeats every 400 years, weekdays included).

Resolving a local date-time in a named zone follows ISO practice: in an overlap the
earlier offset wins unless a preferred offset (the one a value already had) is valid; in
a gap the local time moves forward by the length of the gap.
"""

from __future__ import annotations

import datetime as _dt
import functools
import importlib.resources
import re
import zoneinfo
from dataclasses import dataclass
from typing import Final, TypeAlias

from engram.temporal.calendar import SECONDS_PER_DAY, days_from_civil
from engram.temporal.errors import invalid_value, out_of_range, quoted

__all__ = [
    "MAX_OFFSET_SECONDS",
    "UTC",
    "Zone",
    "ZoneOffset",
    "ZoneRegion",
    "canonical_zone_name",
    "format_offset",
    "local_to_instant",
    "offset_at",
    "parse_offset",
    "parse_zone",
    "tzinfo_for",
    "zone_names",
]

MAX_OFFSET_SECONDS: Final = 18 * 3600


@dataclass(frozen=True, slots=True)
class ZoneOffset:
    """A fixed offset from UTC, in seconds east of Greenwich (-18:00 to +18:00)."""

    seconds: int

    def __str__(self) -> str:
        return format_offset(self.seconds)


@dataclass(frozen=True, slots=True)
class ZoneRegion:
    """A named IANA time zone such as ``Europe/Stockholm`` (canonical spelling)."""

    name: str

    def __str__(self) -> str:
        return self.name


Zone: TypeAlias = ZoneOffset | ZoneRegion

UTC: Final = ZoneOffset(0)


def format_offset(seconds: int) -> str:
    """``Z``, ``+hh:mm`` or ``+hh:mm:ss`` (seconds only when non-zero)."""
    if seconds == 0:
        return "Z"
    sign = "-" if seconds < 0 else "+"
    hours, rest = divmod(abs(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{secs:02d}" if secs else text


_OFFSET = re.compile(
    r"(?P<sign>[+-])(?P<hours>\d{2})"
    r"(?:(?::(?P<minutes>\d{2})(?::(?P<seconds>\d{2}))?)|(?:(?P<bminutes>\d{2})(?P<bseconds>\d{2})?))?",
    re.ASCII,
)


def parse_offset(text: str) -> int | None:
    """Offset seconds of ``Z``, ``±hh``, ``±hhmm``, ``±hh:mm``, ``±hh:mm:ss``, ``±hhmmss``.

    Returns None when `text` is not offset syntax at all.

    Raises:
        QueryRuntimeError: ArgumentError/NumberOutOfRange for minutes or seconds above 59
            or an offset beyond ±18:00.
    """
    if text in ("Z", "z"):
        return 0
    match = _OFFSET.fullmatch(text)
    if match is None:
        return None
    hours = int(match["hours"])
    minutes = int(match["minutes"] or match["bminutes"] or 0)
    seconds = int(match["seconds"] or match["bseconds"] or 0)
    if minutes > 59 or seconds > 59:
        raise out_of_range(f"invalid time zone offset {quoted(text)}")
    total = hours * 3600 + minutes * 60 + seconds
    if total > MAX_OFFSET_SECONDS:
        raise out_of_range(f"time zone offset {quoted(text)} is beyond ±18:00")
    return -total if match["sign"] == "-" else total


@functools.cache
def _zone_index() -> dict[str, str]:
    text = importlib.resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return {name.lower(): name for name in text.split()}


def zone_names() -> frozenset[str]:
    """Every zone name the bundled tzdata package knows (links included)."""
    return frozenset(_zone_index().values())


def canonical_zone_name(name: str) -> str | None:
    """The tzdata spelling of a zone name matched case-insensitively, or None."""
    return _zone_index().get(name.lower())


def parse_zone(text: str) -> Zone:
    """A zone from an offset (``+01:00``, ``Z``) or an IANA name (``Europe/Stockholm``).

    Raises:
        QueryRuntimeError: ArgumentError for unknown names or out-of-range offsets.
    """
    offset = parse_offset(text)
    if offset is not None:
        return ZoneOffset(offset)
    name = canonical_zone_name(text)
    if name is None:
        raise invalid_value(
            f"unknown time zone {quoted(text)}",
            hint="use an offset such as '+01:00' or an IANA name such as 'Europe/Stockholm'",
        )
    return ZoneRegion(name)


@functools.cache
def _load(name: str) -> zoneinfo.ZoneInfo:
    resource = importlib.resources.files("tzdata.zoneinfo").joinpath(*name.split("/"))
    with resource.open("rb") as handle:
        return zoneinfo.ZoneInfo.from_file(handle, key=name)


def tzinfo_for(zone: Zone) -> _dt.tzinfo:
    """A Python tzinfo with the same rules (the tzdata-backed ZoneInfo for names)."""
    if isinstance(zone, ZoneOffset):
        return _dt.timezone(_dt.timedelta(seconds=zone.seconds))
    return _load(zone.name)


_EPOCH: Final = _dt.datetime(1970, 1, 1)
_MIN_PY_SECOND: Final = days_from_civil(1, 1, 2) * SECONDS_PER_DAY
_MAX_PY_SECOND: Final = days_from_civil(9999, 12, 30) * SECONDS_PER_DAY
_CYCLE_SECONDS: Final = 146_097 * SECONDS_PER_DAY


def _into_python_range(second: int) -> int:
    if second < _MIN_PY_SECOND:
        return _MIN_PY_SECOND
    if second > _MAX_PY_SECOND:
        cycles = -(-(second - _MAX_PY_SECOND) // _CYCLE_SECONDS)
        return second - cycles * _CYCLE_SECONDS
    return second


def _seconds(delta: _dt.timedelta | None) -> int:
    return 0 if delta is None else delta.days * SECONDS_PER_DAY + delta.seconds


def _instant_offset(info: zoneinfo.ZoneInfo, epoch_second: int) -> int:
    utc = _EPOCH + _dt.timedelta(seconds=_into_python_range(epoch_second))
    return _seconds(info.fromutc(utc.replace(tzinfo=info)).utcoffset())


def offset_at(zone: Zone, epoch_second: int) -> int:
    """The zone's offset in seconds at an instant (seconds since 1970-01-01T00:00Z)."""
    if isinstance(zone, ZoneOffset):
        return zone.seconds
    return _instant_offset(_load(zone.name), epoch_second)


def local_to_instant(
    zone: Zone, local_second: int, preferred_offset: int | None = None
) -> tuple[int, int]:
    """Resolve a local date-time (seconds since 1970-01-01T00:00 local) in a zone.

    Args:
        zone: the zone.
        local_second: local seconds since the epoch.
        preferred_offset: an offset to keep if it is valid at that local time (used when
            adjusting a value that already had an offset, so overlaps stay stable).

    Returns:
        (epoch second of the instant, offset in seconds at that instant). In a gap the
        instant is computed with the offset before the gap, so the local time moves
        forward by the gap's length.
    """
    if isinstance(zone, ZoneOffset):
        return local_second - zone.seconds, zone.seconds
    info = _load(zone.name)
    naive = _EPOCH + _dt.timedelta(seconds=_into_python_range(local_second))
    # fold=0 is the offset before a transition: the earlier instant of an overlap, and
    # in a gap an instant past it, where the zone's later offset moves the time forward
    early = _seconds(naive.replace(tzinfo=info).utcoffset())
    preferred = early if preferred_offset is None else preferred_offset
    if preferred != early and _instant_offset(info, local_second - preferred) == preferred:
        return local_second - preferred, preferred
    instant = local_second - early
    return instant, _instant_offset(info, instant)
