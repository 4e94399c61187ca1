"""The protocol every temporal value implements, so value semantics can dispatch to it.

Arithmetic, comparison and ordering code elsewhere (`engram.execution`) never looks
inside a temporal value: it calls these methods. Each returns `NotImplemented` when the
operand combination is not defined, and the caller raises the Cypher type error.
"""

from __future__ import annotations

from typing import Any

__all__ = ["TemporalValue"]


class TemporalValue:
    """Base class of Date, LocalTime, Time, LocalDateTime, DateTime and Duration."""

    __slots__ = ()

    #: position in Cypher's cross-type order: DateTime < LocalDateTime < Date < Time
    #: < LocalTime < Duration (lower sorts first)
    order_rank: int = 0

    def cypher_add(self, other: Any) -> Any:
        """`self + other`, or NotImplemented."""
        return NotImplemented

    def cypher_radd(self, other: Any) -> Any:
        """`other + self`, or NotImplemented."""
        return NotImplemented

    def cypher_sub(self, other: Any) -> Any:
        """`self - other`, or NotImplemented."""
        return NotImplemented

    def cypher_mul(self, other: Any) -> Any:
        """`self * other` (durations by numbers), or NotImplemented."""
        return NotImplemented

    def cypher_div(self, other: Any) -> Any:
        """`self / other` (durations by numbers), or NotImplemented."""
        return NotImplemented

    def cypher_equals(self, other: Any) -> bool | None:
        """Cypher `=` with another value of any type (False for other types)."""
        raise NotImplementedError

    def cypher_compare(self, other: Any) -> int | None:
        """-1, 0, 1 for `<`, `=`, `>` against a comparable value; None if incomparable."""
        raise NotImplementedError

    def order_key(self) -> tuple[Any, ...]:
        """A key that sorts values of the same type in Cypher's ORDER BY order."""
        raise NotImplementedError

    def property(self, name: str) -> Any:
        """Component access `value.name` (`d.year`, `dt.epochMillis`); KeyError if unknown."""
        raise NotImplementedError
