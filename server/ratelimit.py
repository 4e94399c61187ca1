"""Per-key rate limiting: a token bucket per API key (or client address without auth).

Each key may make `burst` requests at once and `rate` requests per second after that; a
refused request learns how many seconds until its next token, which the server sends as
`Retry-After`. Buckets that have refilled completely are forgotten, so memory stays
bounded by the keys active in the last few seconds.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["RateLimiter"]


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """Token buckets by key.

    Args:
        rate: tokens added per second.
        burst: bucket capacity.
        clock: monotonic time source (tests pass a fake one).
    """

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._next_sweep = clock()

    def acquire(self, key: str) -> float | None:
        """Take one token for `key`: None when allowed, else seconds to wait (> 0)."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(float(self.burst), now)
            else:
                elapsed = max(0.0, now - bucket.updated)
                bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
                bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                allowed = True
            else:
                allowed = False
                wait = (1.0 - bucket.tokens) / self.rate
            if now >= self._next_sweep:
                self._sweep(now)
        return None if allowed else wait

    @staticmethod
    def retry_after(wait: float) -> int:
        """`Retry-After` header value (whole seconds, at least 1) for a wait."""
        return max(1, math.ceil(wait))

    def _sweep(self, now: float) -> None:
        full_after = self.burst / self.rate
        stale = [key for key, b in self._buckets.items() if now - b.updated > full_after]
        for key in stale:
            del self._buckets[key]
        self._next_sweep = now + max(1.0, full_after)

    def __len__(self) -> int:
        return len(self._buckets)
