"""The clock and default time zone the temporal functions read from the running query.

The engine creates one `TemporalContext` per statement: `transaction_time` is fixed when
the transaction starts, `statement_time` when the statement starts, and `realtime` is
read at each call. `date()`, `datetime()` and the other constructors called without a
value use the statement time, as do `date.statement()`; values with no zone of their
own take `default_zone` (UTC unless the database is configured otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from engram.temporal.calendar import NANOS_PER_SECOND
from engram.temporal.zones import UTC, Zone, offset_at

__all__ = ["ClockSource", "TemporalContext"]

ClockSource = Literal["statement", "transaction", "realtime"]


@dataclass(frozen=True, slots=True)
class TemporalContext:
    """Clocks (nanoseconds since 1970-01-01T00:00Z) and the default zone.

    >>> context = TemporalContext.fixed(0)
    >>> context.now("statement")
    0
    """

    statement_time: int
    transaction_time: int
    default_zone: Zone = UTC
    realtime: Callable[[], int] = time.time_ns

    @classmethod
    def fixed(cls, epoch_nanos: int | None = None, default_zone: Zone = UTC) -> TemporalContext:
        """A context whose statement and transaction times are both `epoch_nanos` (or now)."""
        moment = time.time_ns() if epoch_nanos is None else epoch_nanos
        return cls(moment, moment, default_zone)

    def now(self, source: ClockSource) -> int:
        """The current instant of a clock, in nanoseconds since the epoch."""
        if source == "transaction":
            return self.transaction_time
        if source == "realtime":
            return self.realtime()
        return self.statement_time

    def default_offset(self) -> int:
        """The default zone's offset at the statement time (for times without a zone)."""
        return offset_at(self.default_zone, self.statement_time // NANOS_PER_SECOND)
