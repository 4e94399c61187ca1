"""Canonical text of dates, times and years, in the ISO 8601 style Cypher prints.

Times print ``HH:MM`` when seconds and nanoseconds are zero, else ``HH:MM:SS``, plus a
fraction of 3, 6 or 9 digits (the shortest of the three that is exact). Years print with
at least four digits; years before 0 carry ``-`` and years after 9999 carry ``+``.
"""

from __future__ import annotations

from engram.temporal.calendar import NANOS_PER_SECOND, civil_from_days

__all__ = ["format_date", "format_fraction", "format_time", "format_year"]


def format_year(year: int) -> str:
    """``0028``, ``-0001``, ``1984``, ``+10000``."""
    if abs(year) < 1000:
        return f"-{-year:04d}" if year < 0 else f"{year:04d}"
    return f"+{year}" if year > 9999 else str(year)


def format_date(epoch_day: int) -> str:
    """``YYYY-MM-DD`` of an epoch day."""
    year, month, day = civil_from_days(epoch_day)
    return f"{format_year(year)}-{month:02d}-{day:02d}"


def format_fraction(nanos: int) -> str:
    """``""``, ``.645``, ``.645876`` or ``.645876123`` for 0 <= nanos < 10⁹."""
    if nanos == 0:
        return ""
    if nanos % 1_000_000 == 0:
        return f".{nanos // 1_000_000:03d}"
    if nanos % 1000 == 0:
        return f".{nanos // 1000:06d}"
    return f".{nanos:09d}"


def format_time(nano_of_day: int) -> str:
    """``HH:MM``, ``HH:MM:SS`` or ``HH:MM:SS.fff`` of a nanosecond of the day."""
    seconds, nanos = divmod(nano_of_day, NANOS_PER_SECOND)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if secs == 0 and nanos == 0:
        return f"{hours:02d}:{minutes:02d}"
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{format_fraction(nanos)}"
