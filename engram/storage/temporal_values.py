"""Temporal values as property values and index keys: registers the temporal codecs.

Imported by `engram.storage`, so any store can hold Date, LocalTime, Time,
LocalDateTime, DateTime and Duration properties (exact, nanosecond precision) and index
them in Cypher's order (msgpack extension codes 8 + the temporal kind code; index tags
DATETIME < LOCALDATETIME < DATE < TIME < LOCALTIME < DURATION).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from engram.storage import codec, ordered
from engram.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time
from engram.temporal import codec as temporal_codec
from engram.temporal.base import TemporalValue

__all__ = ["register"]

#: msgpack extension code = this + the temporal kind code (1..6)
EXTENSION_BASE: Final = 8

_TYPES: Final = (
    (Date, temporal_codec.KIND_DATE, ordered.DATE_TAG),
    (LocalTime, temporal_codec.KIND_LOCAL_TIME, ordered.LOCALTIME_TAG),
    (Time, temporal_codec.KIND_TIME, ordered.TIME_TAG),
    (LocalDateTime, temporal_codec.KIND_LOCAL_DATETIME, ordered.LOCALDATETIME_TAG),
    (DateTime, temporal_codec.KIND_DATETIME, ordered.DATETIME_TAG),
    (Duration, temporal_codec.KIND_DURATION, ordered.DURATION_TAG),
)

_registered = False


def _decoder(kind: int) -> Callable[[bytes], TemporalValue]:
    return lambda data: temporal_codec.decode(kind, data)


def register() -> None:
    """Register the six temporal types with the value codec and the index order (once)."""
    global _registered
    if _registered:
        return
    for cls, kind, tag in _TYPES:
        codec.register_extension(EXTENSION_BASE + kind, cls, temporal_codec.encode, _decoder(kind))
        ordered.register_order_extension(tag, cls, temporal_codec.order_bytes)
    _registered = True


register()
