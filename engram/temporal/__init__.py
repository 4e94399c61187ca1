"""Temporal values: Date, LocalTime, Time, LocalDateTime, DateTime and Duration.

The value types implement `engram.temporal.base.TemporalValue`, so the engine's value
semantics (equality, ordering, arithmetic) dispatch to them. The functions the engine
registers (`date()`, `duration.between()`, ...) are in `engram.temporal.functions`,
storage formats in `engram.temporal.codec`, and the `datetime` mapping in
`engram.temporal.interop`. See docs/temporal.md.

>>> from engram.temporal import parse_datetime, UTC
>>> str(parse_datetime('2015-07-21T21:40:32.142+0100', UTC))
'2015-07-21T21:40:32.142+01:00'
"""

from __future__ import annotations

from engram.temporal.base import TemporalValue
from engram.temporal.clock import TemporalContext
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.interop import from_python, to_python
from engram.temporal.parse import (
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
)
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import UTC, Zone, ZoneOffset, ZoneRegion

__all__ = [
    "UTC",
    "Date",
    "DateTime",
    "Duration",
    "LocalDateTime",
    "LocalTime",
    "TemporalContext",
    "TemporalValue",
    "Time",
    "Zone",
    "ZoneOffset",
    "ZoneRegion",
    "from_python",
    "parse_date",
    "parse_datetime",
    "parse_duration",
    "parse_local_datetime",
    "parse_local_time",
    "parse_time",
    "to_python",
]
