"""Two small, real implementations of the `TemporalValue` protocol for dispatch tests.

The temporal library is written in parallel; value semantics must work with any class
that implements the protocol, so these tests use minimal ones: `Span` behaves like a
duration (adds, scales, orders by length, incomparable with `<`) and `Instant` like a
point in time (orders before every duration, plus a `Span` moves it).
"""

from __future__ import annotations

from typing import Any

from engram.temporal.base import TemporalValue


class Span(TemporalValue):
    """A duration of whole seconds."""

    __slots__ = ("seconds",)
    order_rank = 5

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def cypher_add(self, other: Any) -> Any:
        if isinstance(other, Span):
            return Span(self.seconds + other.seconds)
        return NotImplemented

    def cypher_radd(self, other: Any) -> Any:
        return self.cypher_add(other)

    def cypher_sub(self, other: Any) -> Any:
        if isinstance(other, Span):
            return Span(self.seconds - other.seconds)
        return NotImplemented

    def cypher_mul(self, other: Any) -> Any:
        if isinstance(other, int | float) and not isinstance(other, bool):
            return Span(round(self.seconds * other))
        return NotImplemented

    def cypher_div(self, other: Any) -> Any:
        if isinstance(other, int | float) and not isinstance(other, bool) and other != 0:
            return Span(round(self.seconds / other))
        return NotImplemented

    def cypher_equals(self, other: Any) -> bool | None:
        return isinstance(other, Span) and other.seconds == self.seconds

    def cypher_compare(self, other: Any) -> int | None:
        return None  # durations are not comparable with < and >

    def order_key(self) -> tuple[Any, ...]:
        return (self.seconds,)

    def property(self, name: str) -> Any:
        if name == "seconds":
            return self.seconds
        raise KeyError(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Span) and other.seconds == self.seconds

    def __hash__(self) -> int:
        return hash(("span", self.seconds))

    def __str__(self) -> str:
        return f"PT{self.seconds}S"

    def __repr__(self) -> str:
        return f"Span({self.seconds})"


class Instant(TemporalValue):
    """A point in time, in whole seconds since an epoch."""

    __slots__ = ("at",)
    order_rank = 0

    def __init__(self, at: int) -> None:
        self.at = at

    def cypher_add(self, other: Any) -> Any:
        if isinstance(other, Span):
            return Instant(self.at + other.seconds)
        return NotImplemented

    def cypher_radd(self, other: Any) -> Any:
        return self.cypher_add(other)

    def cypher_sub(self, other: Any) -> Any:
        if isinstance(other, Span):
            return Instant(self.at - other.seconds)
        return NotImplemented

    def cypher_equals(self, other: Any) -> bool | None:
        return isinstance(other, Instant) and other.at == self.at

    def cypher_compare(self, other: Any) -> int | None:
        if not isinstance(other, Instant):
            return None
        return (self.at > other.at) - (self.at < other.at)

    def order_key(self) -> tuple[Any, ...]:
        return (self.at,)

    def property(self, name: str) -> Any:
        if name == "epochSeconds":
            return self.at
        raise KeyError(name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instant) and other.at == self.at

    def __hash__(self) -> int:
        return hash(("instant", self.at))

    def __str__(self) -> str:
        return f"@{self.at}"

    def __repr__(self) -> str:
        return f"Instant({self.at})"
