"""Versioned reads at a snapshot, the registry of active snapshots, and history collection.

Implements docs/adr/0002-storage-mvcc.md. A value in a versioned family starts with the
8-byte version of the commit that wrote it; a commit that overwrites or deletes such a
value also writes the old value under ``history | key | end_version``. A reader at
snapshot ``S`` uses a current value whose version is ``<= S``; otherwise the first
history entry of the key with ``end > S`` holds the version live at ``S`` if that
entry's own version is ``<= S``.

History only matters while some commit newer than ``S`` has been written:
`Clock.write_horizon` (the highest version whose batch is being or has been written)
tells readers when they can skip it, which is the common case.

Ordering matters for correctness without a RocksDB snapshot: a reader reads the current
value (or opens the current-range iterator) first and the history afterwards, so a
commit landing in between is seen in history if it was missed in the current data.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Protocol

from engram.storage.keys import HISTORY, history_prefix, prefix_end, version_bytes
from engram.storage.rocks import Cursor, KeyValueBackend

__all__ = ["Clock", "HistoryLog", "ReaderRegistry", "VersionedReader"]

_HISTORY_B: Final = bytes([HISTORY])


class Clock(Protocol):
    """Where readers learn whether commits newer than their snapshot may exist."""

    @property
    def write_horizon(self) -> int:
        """Highest version whose batch is being or has been written."""
        ...


class VersionedReader:
    """Point reads, multi-gets and range scans of versioned families at one snapshot.

    Returned values are raw: they still start with their 8-byte version.
    """

    __slots__ = ("_clock", "_kv", "_vbytes", "version")

    def __init__(self, kv: KeyValueBackend, version: int, clock: Clock) -> None:
        self._kv = kv
        self._clock = clock
        self.version = version
        self._vbytes = version_bytes(version)

    @property
    def history_possible(self) -> bool:
        """Whether a commit newer than this snapshot may have been written."""
        return self._clock.write_horizon > self.version

    def get(self, key: bytes) -> bytes | None:
        """The raw value of `key` visible at the snapshot, or None."""
        value: bytes | None = self._kv.get(key)
        if self._clock.write_horizon <= self.version:
            return value
        if value is not None and value[:8] <= self._vbytes:
            return value
        return self._resolve(key)

    def multi_get(self, keys: list[bytes]) -> list[bytes | None]:
        """Raw values of many keys visible at the snapshot (None where absent)."""
        values: list[bytes | None] = self._kv.multi_get(keys)
        if self._clock.write_horizon <= self.version:
            return values
        limit = self._vbytes
        for position, value in enumerate(values):
            if value is None or value[:8] > limit:
                values[position] = self._resolve(keys[position])
        return values

    def current_cursor(self) -> Cursor | None:
        """A raw cursor if current data is exactly the snapshot's, else None.

        The cursor is created before the check, so a commit that starts writing after
        the check is invisible to it. Callers fall back to `scan` when this is None.
        """
        cursor: Cursor = self._kv.cursor()
        if self._clock.write_horizon <= self.version:
            return cursor
        return None

    def _resolve(self, key: bytes) -> bytes | None:
        prefix = _HISTORY_B + key
        cursor = self._kv.cursor()
        cursor.seek(prefix + version_bytes(self.version + 1))
        if not cursor.valid():
            return None
        found = cursor.key()
        if len(found) != len(prefix) + 8 or not found.startswith(prefix):
            return None
        value: bytes = cursor.value()
        return value if value[:8] <= self._vbytes else None

    def scan(self, low: bytes, high: bytes) -> Iterator[tuple[bytes, bytes]]:
        """(key, raw value) of keys in [low, high) visible at the snapshot, in key order."""
        current = self._kv.scan(low, high)
        if self._clock.write_horizon <= self.version:
            return current
        # the history cursor must be created after the current iterator (module docstring)
        history = self._live_history(self._kv.cursor(), history_prefix(low), history_prefix(high))
        return self._merge(current, history)

    def scan_keys(self, low: bytes, high: bytes) -> Iterator[bytes]:
        """Keys in [low, high) visible at the snapshot, in key order."""
        keys = self._kv.scan_keys(low, high)
        if self._clock.write_horizon <= self.version:
            return keys
        return (key for key, _ in self.scan(low, high))

    def scan_prefix(self, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        """`scan` over every key starting with `prefix`."""
        return self.scan(prefix, prefix_end(prefix))

    def _live_history(
        self, cursor: Cursor, low: bytes, high: bytes
    ) -> Iterator[tuple[bytes, bytes | None]]:
        """Per key in the history range, the version live at the snapshot (None if none).

        For each key the first entry ending after the snapshot decides; versions that ended
        earlier and later ones are skipped with seeks, so a key with thousands of versions
        (a hot adjacency chunk under a long-lived reader) costs two seeks, not a walk.
        """
        limit = self._vbytes
        after = version_bytes(self.version + 1)
        cursor.seek(low)
        while cursor.valid():
            history_key = cursor.key()
            if history_key >= high:
                return
            key, end = history_key[1:-8], history_key[-8:]
            if end <= limit:
                cursor.seek(history_key[:-8] + after)
                continue
            value = cursor.value()
            yield key, (value if value[:8] <= limit else None)
            cursor.seek(prefix_end(history_key[:-8]))

    def _merge(
        self,
        current: Iterator[tuple[bytes, bytes]],
        history: Iterator[tuple[bytes, bytes | None]],
    ) -> Iterator[tuple[bytes, bytes]]:
        limit = self._vbytes
        pending = next(history, None)
        for key, value in current:
            while pending is not None and pending[0] < key:
                if pending[1] is not None:
                    yield pending[0], pending[1]
                pending = next(history, None)
            if pending is not None and pending[0] == key:
                if value[:8] <= limit:
                    yield key, value
                elif pending[1] is not None:
                    yield key, pending[1]
                pending = next(history, None)
            elif value[:8] <= limit:
                yield key, value
        while pending is not None:
            if pending[1] is not None:
                yield pending[0], pending[1]
            pending = next(history, None)


class ReaderRegistry:
    """The snapshots of open read transactions (a multiset), for history collection.

    Finalizers of abandoned transactions may run inside garbage collection at any
    moment, even while this thread holds `lock`; they only queue their release
    (`release_later`, an atomic deque append) and the queue is drained under the lock.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._counts: dict[int, int] = {}
        self._pending: deque[int] = deque()

    def _drain(self) -> None:
        while self._pending:
            self._decrement(self._pending.popleft())

    def _decrement(self, version: int) -> None:
        remaining = self._counts.get(version, 0) - 1
        if remaining > 0:
            self._counts[version] = remaining
        else:
            self._counts.pop(version, None)

    def add(self, version: int) -> None:
        """Register a reader at `version`; call with `lock` held."""
        self._drain()
        self._counts[version] = self._counts.get(version, 0) + 1

    def remove(self, version: int) -> None:
        """Unregister one reader at `version` (not from a finalizer: see `release_later`)."""
        with self.lock:
            self._drain()
            self._decrement(version)

    def release_later(self, version: int) -> None:
        """Unregister one reader at `version` without taking the lock (finalizers)."""
        self._pending.append(version)

    def has_readers(self) -> bool:
        """Whether any reader is registered; call with `lock` held."""
        self._drain()
        return bool(self._counts)

    def oldest(self) -> int | None:
        """The smallest registered snapshot, or None when no reader is open."""
        with self.lock:
            self._drain()
            return min(self._counts, default=None)

    def __len__(self) -> int:
        with self.lock:
            self._drain()
            return sum(self._counts.values())


@dataclass(slots=True)
class _Garbage:
    end_version: int
    keys: list[bytes] = field(default_factory=list)
    ranges: list[tuple[bytes, bytes]] = field(default_factory=list)


class HistoryLog:
    """History entries (and deferred range deletes) waiting until no reader needs them.

    An entry superseded by commit ``E`` is needed by readers with snapshot ``< E``; once
    every open reader and every future reader (which start at the published version)
    has a snapshot ``>= E`` it is garbage, and the next commit deletes it.
    """

    def __init__(self) -> None:
        self._pending: deque[_Garbage] = deque()
        self._lock = threading.Lock()

    def add(
        self, end_version: int, keys: list[bytes], ranges: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        """Remember garbage created by the commit `end_version` (versions are increasing)."""
        if keys or ranges:
            with self._lock:
                self._pending.append(_Garbage(end_version, keys, list(ranges or ())))

    def collect(self, horizon: int) -> tuple[list[bytes], list[tuple[bytes, bytes]]]:
        """Remove and return the garbage of commits ``<= horizon``."""
        keys: list[bytes] = []
        ranges: list[tuple[bytes, bytes]] = []
        with self._lock:
            while self._pending and self._pending[0].end_version <= horizon:
                garbage = self._pending.popleft()
                keys.extend(garbage.keys)
                ranges.extend(garbage.ranges)
        return keys, ranges

    def __len__(self) -> int:
        with self._lock:
            return sum(len(garbage.keys) + len(garbage.ranges) for garbage in self._pending)
