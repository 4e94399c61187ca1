"""Adjacency lists: the chunk format, batched expansion and degree reads, chunk rewriting.

One list per (node, direction, relationship type) holds (neighbour id, relationship id)
pairs as little-endian int64, split into chunks of at most `CHUNK_CAPACITY` pairs. A
chunk's key ends with the id of the first relationship it was created with; lists only
grow at the end (relationship ids increase), so pairs are in relationship-id order
across chunks and the chunk holding relationship ``r`` is the last chunk whose key is
``<= r`` (one `seek_for_prev`). Appending to a supernode rewrites its last chunk only.

Chunk value: ``version(8) prior(8) pairs(16 * n)``, where ``prior`` is how many pairs
the list held before this chunk when the chunk was started (a cheap degree estimate for
statistics).
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from engram.errors import CorruptionError
from engram.storage.keys import (
    IN,
    OUT,
    adjacency_key,
    adjacency_list_prefix,
    adjacency_node_prefix,
)
from engram.storage.mvcc import VersionedReader
from engram.storage.rocks import Cursor

__all__ = [
    "CHUNK_CAPACITY",
    "Direction",
    "Expansion",
    "ListChange",
    "ListUpdate",
    "degree_base",
    "expand_base",
    "update_list",
]

CHUNK_CAPACITY: Final = 256
_HEADER: Final = 16
_PAIR: Final = 16
_U64 = struct.Struct(">Q")
_LAST: Final = b"\xff" * 8
_SEEK_LIMIT: Final = 64


class Direction(enum.IntEnum):
    """Which relationships of a node to follow."""

    OUT = 0
    IN = 1
    BOTH = 2

    @property
    def stored(self) -> tuple[int, ...]:
        """The stored list directions this direction reads."""
        if self is Direction.OUT:
            return (OUT,)
        if self is Direction.IN:
            return (IN,)
        return (OUT, IN)


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Expansion:
    """Relationships found around a batch of nodes, as aligned arrays.

    Attributes:
        source: index into the expanded `node_ids` of the node each row starts from.
        neighbour: the node at the other end (the node itself for a self-loop).
        relationship: the relationship id.
        type_id: the relationship type id.
        outgoing: True when the relationship starts at the source node.
    """

    source: np.ndarray = field(default_factory=_empty)
    neighbour: np.ndarray = field(default_factory=_empty)
    relationship: np.ndarray = field(default_factory=_empty)
    type_id: np.ndarray = field(default_factory=_empty)
    outgoing: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    def __len__(self) -> int:
        return int(self.source.shape[0])

    def select(self, mask: np.ndarray) -> Expansion:
        """The rows where `mask` is true (or at the given positions)."""
        return Expansion(
            self.source[mask],
            self.neighbour[mask],
            self.relationship[mask],
            self.type_id[mask],
            self.outgoing[mask],
        )

    @staticmethod
    def concat(parts: Sequence[Expansion]) -> Expansion:
        """Rows of several expansions, grouped by source (stable within a source)."""
        parts = [part for part in parts if len(part)]
        if not parts:
            return Expansion()
        if len(parts) == 1:
            return parts[0]
        joined = Expansion(
            np.concatenate([part.source for part in parts]),
            np.concatenate([part.neighbour for part in parts]),
            np.concatenate([part.relationship for part in parts]),
            np.concatenate([part.type_id for part in parts]),
            np.concatenate([part.outgoing for part in parts]),
        )
        return joined.select(np.argsort(joined.source, kind="stable"))


class _Collector:
    """Chunk payloads gathered during a scan, turned into arrays in one step."""

    __slots__ = ("counts", "directions", "payloads", "sources", "types")

    def __init__(self) -> None:
        self.payloads: list[memoryview] = []
        self.counts: list[int] = []
        self.sources: list[int] = []
        self.types: list[int] = []
        self.directions: list[int] = []

    def add(self, source: int, key: bytes, value: bytes) -> None:
        payload = memoryview(value)[_HEADER:]
        self.payloads.append(payload)
        self.counts.append(len(payload) // _PAIR)
        self.sources.append(source)
        self.types.append(int.from_bytes(key[10:14], "big"))
        self.directions.append(key[9])

    def build(self, node_ids: np.ndarray, *, both: bool) -> Expansion:
        if not self.payloads:
            return Expansion()
        pairs = np.frombuffer(b"".join(self.payloads), dtype="<i8").reshape(-1, 2)
        counts = np.asarray(self.counts, dtype=np.int64)
        source = np.repeat(np.asarray(self.sources, dtype=np.int64), counts)
        outgoing = np.repeat(np.asarray(self.directions, dtype=np.int8) == OUT, counts)
        expansion = Expansion(
            source,
            pairs[:, 0].astype(np.int64),
            pairs[:, 1].astype(np.int64),
            np.repeat(np.asarray(self.types, dtype=np.int64), counts),
            outgoing,
        )
        if both:
            # a self-loop sits in both the OUT and the IN list: keep the OUT copy only
            loops = ~expansion.outgoing & (expansion.neighbour == node_ids[expansion.source])
            if loops.any():
                expansion = expansion.select(~loops)
        return expansion


def _prefixes(node_id: int, direction: Direction, type_ids: Sequence[int] | None) -> list[bytes]:
    if type_ids is None:
        return [adjacency_node_prefix(node_id, stored) for stored in direction.stored]
    return [
        adjacency_list_prefix(node_id, stored, type_id)
        for stored in direction.stored
        for type_id in type_ids
    ]


def _chunks(
    reader: VersionedReader, cursor: Cursor | None, prefix: bytes
) -> Iterator[tuple[bytes, bytes]]:
    if cursor is None:
        yield from reader.scan_prefix(prefix)
        return
    cursor.seek(prefix)
    while cursor.valid():
        key = cursor.key()
        if not key.startswith(prefix):
            return
        yield key, cursor.value()
        cursor.next()


def _collect(
    reader: VersionedReader,
    node_ids: np.ndarray,
    direction: Direction,
    type_ids: Sequence[int] | None,
) -> _Collector:
    collector = _Collector()
    if type_ids is not None:
        type_ids = sorted(set(type_ids))
        if not type_ids:
            return collector
    cursor = reader.current_cursor()
    for position, node_id in enumerate(node_ids.tolist()):
        for prefix in _prefixes(node_id, direction, type_ids):
            for key, value in _chunks(reader, cursor, prefix):
                collector.add(position, key, value)
    return collector


def expand_base(
    reader: VersionedReader,
    node_ids: np.ndarray,
    direction: Direction,
    type_ids: Sequence[int] | None,
) -> Expansion:
    """Relationships of `node_ids` in committed data at the reader's snapshot."""
    collector = _collect(reader, node_ids, direction, type_ids)
    return collector.build(node_ids, both=direction is Direction.BOTH)


def degree_base(
    reader: VersionedReader,
    node_ids: np.ndarray,
    direction: Direction,
    type_ids: Sequence[int] | None,
) -> np.ndarray:
    """Degrees of `node_ids` in committed data (self-loops count once for BOTH)."""
    degrees = np.zeros(len(node_ids), dtype=np.int64)
    if direction is Direction.BOTH:
        expansion = expand_base(reader, node_ids, direction, type_ids)
        np.add.at(degrees, expansion.source, 1)
        return degrees
    collector = _collect(reader, node_ids, direction, type_ids)
    if collector.counts:
        np.add.at(degrees, np.asarray(collector.sources), np.asarray(collector.counts))
    return degrees


# commit side -------------------------------------------------------------------------


@dataclass(slots=True)
class ListChange:
    """What a transaction did to one adjacency list: appended and removed relationships."""

    added: dict[int, int] = field(default_factory=dict)  # relationship id -> neighbour id
    removed: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True, slots=True)
class ListUpdate:
    """Chunk writes for one list: (key, new payload or None to delete, old raw value)."""

    writes: list[tuple[bytes, bytes | None, bytes | None]]
    was_empty: bool
    is_empty: bool
    degree_estimate: int


def _pairs(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<i8", offset=_HEADER).reshape(-1, 2)


def _prior(raw: bytes) -> int:
    prior: int = _U64.unpack_from(raw, 8)[0]
    return prior


def _payload(prior: int, pairs: np.ndarray) -> bytes:
    return _U64.pack(prior) + np.ascontiguousarray(pairs, dtype="<i8").tobytes()


class _ListEditor:
    """Rewrites the chunks of one list against the latest committed data."""

    def __init__(self, cursor: Cursor, prefix: bytes) -> None:
        self.cursor = cursor
        self.prefix = prefix
        self.old: dict[bytes, bytes] = {}
        self.pairs: dict[bytes, np.ndarray] = {}
        self.deleted: set[bytes] = set()
        self.modified: set[bytes] = set()
        self.new: list[tuple[bytes, bytes]] = []

    def _load(self, key: bytes, raw: bytes) -> np.ndarray:
        if key not in self.pairs:
            self.old[key] = raw
            self.pairs[key] = _pairs(raw)
        return self.pairs[key]

    def has_chunks(self) -> bool:
        self.cursor.seek(self.prefix)
        while self.cursor.valid():
            key = self.cursor.key()
            if not key.startswith(self.prefix):
                return False
            if key not in self.deleted:
                return True
            self.cursor.next()
        return False

    def remove(self, removed: set[int]) -> None:
        by_chunk: dict[bytes, list[int]] = {}
        if len(removed) > _SEEK_LIMIT:
            self._remove_by_scan(removed)
            return
        for rel_id in sorted(removed):
            self.cursor.seek_for_prev(self.prefix + _U64.pack(rel_id))
            key = self.cursor.key() if self.cursor.valid() else b""
            if not key.startswith(self.prefix):
                raise CorruptionError(f"relationship {rel_id} is missing from its adjacency list")
            self._load(key, self.cursor.value())
            by_chunk.setdefault(key, []).append(rel_id)
        for key, rel_ids in by_chunk.items():
            self._drop(key, np.asarray(rel_ids, dtype=np.int64))

    def _remove_by_scan(self, removed: set[int]) -> None:
        wanted = np.fromiter(removed, dtype=np.int64, count=len(removed))
        self.cursor.seek(self.prefix)
        while self.cursor.valid():
            key = self.cursor.key()
            if not key.startswith(self.prefix):
                break
            pairs = self._load(key, self.cursor.value())
            if np.isin(pairs[:, 1], wanted).any():
                self._drop(key, wanted)
            self.cursor.next()

    def _drop(self, key: bytes, rel_ids: np.ndarray) -> None:
        pairs = self.pairs[key]
        kept = pairs[~np.isin(pairs[:, 1], rel_ids)]
        self.pairs[key] = kept
        self.modified.add(key)
        if len(kept) == 0:
            self.deleted.add(key)

    def append(self, added: dict[int, int], node_id: int, direction: int, type_id: int) -> int:
        entries = np.array([(nbr, rel) for rel, nbr in added.items()], dtype="<i8").reshape(-1, 2)
        self.cursor.seek_for_prev(self.prefix + _LAST)
        last_key = self.cursor.key() if self.cursor.valid() else b""
        prior = 0
        if last_key.startswith(self.prefix) and last_key not in self.deleted:
            current = self._load(last_key, self.cursor.value())
            prior = _prior(self.old[last_key])
            room = CHUNK_CAPACITY - len(current)
            if room > 0:
                self.pairs[last_key] = np.concatenate([current, entries[:room]])
                self.modified.add(last_key)
                entries = entries[room:]
            prior += len(self.pairs[last_key])
        while len(entries):
            chunk, entries = entries[:CHUNK_CAPACITY], entries[CHUNK_CAPACITY:]
            key = adjacency_key(node_id, direction, type_id, int(chunk[0, 1]))
            self.new.append((key, _payload(prior, chunk)))
            prior += len(chunk)
        return prior

    def writes(self) -> list[tuple[bytes, bytes | None, bytes | None]]:
        out: list[tuple[bytes, bytes | None, bytes | None]] = []
        for key in self.modified:
            old = self.old[key]
            if key in self.deleted:
                out.append((key, None, old))
            else:
                out.append((key, _payload(_prior(old), self.pairs[key]), old))
        out.extend((key, payload, None) for key, payload in self.new)
        return out


def update_list(
    cursor: Cursor, node_id: int, direction: int, type_id: int, change: ListChange
) -> ListUpdate:
    """Apply one list's changes to the latest committed chunks (the writer's view).

    Raises:
        CorruptionError: a relationship to remove is not in the list.
    """
    editor = _ListEditor(cursor, adjacency_list_prefix(node_id, direction, type_id))
    was_empty = not editor.has_chunks()
    if change.removed:
        if was_empty:
            raise CorruptionError(f"adjacency list of node {node_id} is missing")
        editor.remove(change.removed)
    degree = 0
    if change.added:
        degree = editor.append(change.added, node_id, direction, type_id)
    is_empty = not change.added and (was_empty or not editor.has_chunks())
    return ListUpdate(editor.writes(), was_empty, is_empty, degree)


def list_pairs(raw_values: Iterable[bytes]) -> np.ndarray:
    """All (neighbour, relationship) pairs of the given raw chunk values."""
    payloads = [memoryview(raw)[_HEADER:] for raw in raw_values]
    if not payloads:
        return np.empty((0, 2), dtype=np.int64)
    return np.frombuffer(b"".join(payloads), dtype="<i8").reshape(-1, 2).astype(np.int64)
