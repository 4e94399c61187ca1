"""What the five temporal instant types share: duration arithmetic, equality, comparison.

`TemporalInstant` implements the `TemporalValue` protocol in terms of three hooks each
type provides: `shifted` (add a duration), `order_key` and `_component`.

- instant ± duration is defined for every instant type; instant - instant is not an
  operator (that is `duration.between`), and neither is duration - instant.
- Values compare only with values of the same type; `cypher_compare` gives None
  otherwise. Within a type the order is total and consistent with equality.
"""

from __future__ import annotations

from typing import Any

from engram.temporal.base import TemporalValue
from engram.temporal.calendar import MAX_EPOCH_DAY, MIN_EPOCH_DAY
from engram.temporal.duration import Duration
from engram.temporal.errors import overflow

__all__ = ["TemporalInstant", "check_epoch_day"]


def check_epoch_day(epoch_day: int) -> None:
    """Raise ArithmeticError/NumberOutOfRange outside years -999,999,999..999,999,999."""
    if not MIN_EPOCH_DAY <= epoch_day <= MAX_EPOCH_DAY:
        raise overflow("date out of range: years are limited to -999999999..999999999")


class TemporalInstant(TemporalValue):
    """Base of Date, LocalTime, Time, LocalDateTime and DateTime."""

    __slots__ = ()

    def shifted(self, duration: Duration, sign: int) -> TemporalInstant:
        """This value plus (`sign` = 1) or minus (`sign` = -1) a duration."""
        raise NotImplementedError

    def _component(self, key: str) -> Any:
        """The component with lower-case name `key`, or None if the type lacks it."""
        raise NotImplementedError

    def cypher_add(self, other: Any) -> Any:
        """`instant + duration`."""
        if isinstance(other, Duration):
            return self.shifted(other, 1)
        return NotImplemented

    def cypher_radd(self, other: Any) -> Any:
        """`duration + instant`."""
        return self.cypher_add(other)

    def cypher_sub(self, other: Any) -> Any:
        """`instant - duration`: each group is subtracted (months, days, then time)."""
        if isinstance(other, Duration):
            return self.shifted(other, -1)
        return NotImplemented

    def cypher_equals(self, other: Any) -> bool | None:
        """Same type and same value (for DateTime: same instant and same zone)."""
        if other is None:
            return None
        return bool(self == other)

    def cypher_compare(self, other: Any) -> int | None:
        """-1, 0 or 1 against a value of the same type; None for any other type."""
        if type(other) is not type(self):
            return None
        mine, theirs = self.order_key(), other.order_key()
        return (mine > theirs) - (mine < theirs)

    def property(self, name: str) -> Any:
        """Component access (`year`, `epochMillis`, ...), case-insensitive.

        Raises:
            KeyError: when the type has no component of that name.
        """
        value = self._component(name.lower())
        if value is None:
            raise KeyError(name)
        return value
