"""Adjacency reads: expansion and degrees of many nodes at once, as numpy arrays.

Lists are stored in chunks (layout in `engram.storage.chunks`). A typed expansion reads
the head chunk of every (node, direction, type) list with one batched multi-get and
range-scans only the lists whose head records tail chunks (nodes with more than
`CHUNK_CAPACITY` relationships of a type); an untyped expansion scans each node's
lists per direction. Chunk payloads are joined and decoded in one numpy call.
"""

from __future__ import annotations

import enum
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from engram.storage.chunks import CHUNK_CAPACITY, HEADER, head_key, tail_count
from engram.storage.keys import IN, OUT, adjacency_list_prefix, adjacency_node_prefix, prefix_end
from engram.storage.mvcc import VersionedReader
from engram.storage.rocks import Cursor

__all__ = ["CHUNK_CAPACITY", "Direction", "Expansion", "degree_base", "expand_base"]

_PAIR: Final = 16
_TAILS_FROM: Final = struct.pack(">Q", 1)


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
        payload = memoryview(value)[HEADER:]
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


def _collect_typed(
    reader: VersionedReader,
    node_ids: np.ndarray,
    direction: Direction,
    type_ids: list[int],
) -> _Collector:
    collector = _Collector()
    stored_directions = direction.stored
    lists = [
        (position, adjacency_list_prefix(node_id, stored, type_id))
        for position, node_id in enumerate(node_ids.tolist())
        for stored in stored_directions
        for type_id in type_ids
    ]
    heads = reader.multi_get([head_key(prefix) for _, prefix in lists])
    for (position, prefix), raw in zip(lists, heads, strict=True):
        if raw is None:
            continue
        collector.add(position, prefix, raw)
        if tail_count(raw):
            for key, value in reader.scan(prefix + _TAILS_FROM, prefix_end(prefix)):
                collector.add(position, key, value)
    return collector


def _collect(
    reader: VersionedReader,
    node_ids: np.ndarray,
    direction: Direction,
    type_ids: Sequence[int] | None,
) -> _Collector:
    if type_ids is not None:
        return _collect_typed(reader, node_ids, direction, sorted(set(type_ids)))
    collector = _Collector()
    cursor = reader.current_cursor()
    for position, node_id in enumerate(node_ids.tolist()):
        for prefix in _prefixes(node_id, direction, None):
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
