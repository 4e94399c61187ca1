"""Statistics maintenance: per-transaction deltas, their persistence, and full recomputation.

Every commit applies its `StatsDelta` to the statistics of the previous version and
publishes the result with the new version; the changed entries are written to the
statistics family in the commit's batch, so a reopened store starts from them.
`recompute` rebuilds everything from the data (used by `analyze` and by the tests that
check the incremental counts).
"""

from __future__ import annotations

import hashlib
import math
import struct
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

import msgpack
import numpy as np

from engram.catalog import ANY_LABEL, DegreeStats, IndexStats, Statistics
from engram.storage.keys import STATS
from engram.storage.ordered import decode_composite

__all__ = [
    "HLL_REGISTERS",
    "StatsDelta",
    "apply_delta",
    "decode_statistics",
    "hll_add",
    "hll_estimate",
]

HLL_BITS: Final = 10
HLL_REGISTERS: Final = 1 << HLL_BITS
_ALPHA: Final = 0.7213 / (1 + 1.079 / HLL_REGISTERS)
_MASK64: Final = (1 << 64) - 1

_STATS_B: Final = bytes([STATS])
_COUNT = struct.Struct(">q")
_DEGREE = struct.Struct(">qq")
_ID = struct.Struct(">I")
_PATTERN = struct.Struct(">iIi")
_DEGREE_KEY = struct.Struct(">IB")

NODES_KEY: Final = _STATS_B + b"n"
RELS_KEY: Final = _STATS_B + b"r"


def _label_key(label_id: int) -> bytes:
    return _STATS_B + b"l" + _ID.pack(label_id)


def _type_key(type_id: int) -> bytes:
    return _STATS_B + b"t" + _ID.pack(type_id)


def _degree_key(type_id: int, outgoing: bool) -> bytes:
    return _STATS_B + b"d" + _DEGREE_KEY.pack(type_id, 1 if outgoing else 0)


def _pattern_key(pattern: tuple[int, int, int]) -> bytes:
    return _STATS_B + b"p" + _PATTERN.pack(*pattern)


def _index_key(index_id: int) -> bytes:
    return _STATS_B + b"i" + _ID.pack(index_id)


# HyperLogLog ------------------------------------------------------------------------


def hll_add(registers: bytearray, value_key: bytes) -> None:
    """Add one indexed value (its order key) to a HyperLogLog sketch."""
    digest = int.from_bytes(hashlib.blake2b(value_key, digest_size=8).digest(), "big")
    slot = digest >> (64 - HLL_BITS)
    rest = (digest << HLL_BITS) & _MASK64
    rank = 65 - HLL_BITS if rest == 0 else (64 - rest.bit_length()) + 1
    if rank > registers[slot]:
        registers[slot] = rank


_RANKS = 66
#: 2 ** -rank for every register value
_INVERSE_POWERS = np.power(2.0, -np.arange(256, dtype=np.float64))


def hll_estimate(registers: bytes) -> int:
    """Estimated number of distinct values added to a sketch."""
    if not registers:
        return 0
    counts = np.bincount(np.frombuffer(registers, dtype=np.uint8), minlength=_RANKS)
    raw = _ALPHA * HLL_REGISTERS * HLL_REGISTERS / float(counts @ _INVERSE_POWERS[: len(counts)])
    zeros = int(counts[0])
    if raw <= 2.5 * HLL_REGISTERS and zeros:
        return round(HLL_REGISTERS * math.log(HLL_REGISTERS / zeros))
    return round(raw)


# deltas ----------------------------------------------------------------------------


def _bump(counter: dict[Any, int], key: Any, amount: int) -> None:
    counter[key] = counter.get(key, 0) + amount


@dataclass(slots=True)
class StatsDelta:
    """Changes to the statistics made by one transaction (so far)."""

    nodes: int = 0
    rels: int = 0
    labels: dict[int, int] = field(default_factory=dict)
    types: dict[int, int] = field(default_factory=dict)
    patterns: dict[tuple[int, int, int], int] = field(default_factory=dict)
    index_entries: dict[int, int] = field(default_factory=dict)
    index_added: dict[int, list[bytes]] = field(default_factory=dict)
    index_removed: dict[int, list[bytes]] = field(default_factory=dict)
    lists: dict[tuple[int, bool], int] = field(default_factory=dict)
    max_degree: dict[tuple[int, bool], int] = field(default_factory=dict)
    lengths: dict[tuple[str, int], int] = field(default_factory=dict)

    def snapshot(self) -> StatsDelta:
        """A copy to restore from (savepoints).

        The per-index lists of value keys only ever grow (or go as a whole when an index
        is dropped), so the copy shares them and remembers their lengths instead of
        copying them: `restore` truncates.
        """
        copied = StatsDelta(
            self.nodes,
            self.rels,
            dict(self.labels),
            dict(self.types),
            dict(self.patterns),
            dict(self.index_entries),
            dict(self.index_added),
            dict(self.index_removed),
            dict(self.lists),
            dict(self.max_degree),
        )
        copied.lengths = {
            (which, key): len(values)
            for which, lists in (("added", self.index_added), ("removed", self.index_removed))
            for key, values in lists.items()
        }
        return copied

    def restored(self) -> StatsDelta:
        """The state this snapshot recorded (truncating the shared lists)."""
        for (which, key), length in self.lengths.items():
            lists = self.index_added if which == "added" else self.index_removed
            del lists[key][length:]
        result = StatsDelta(
            self.nodes,
            self.rels,
            dict(self.labels),
            dict(self.types),
            dict(self.patterns),
            dict(self.index_entries),
            dict(self.index_added),
            dict(self.index_removed),
            dict(self.lists),
            dict(self.max_degree),
        )
        result.lengths = {}
        return result

    def node(self, labels: Iterable[int], sign: int) -> None:
        """A node with `labels` was created (+1) or deleted (-1)."""
        self.nodes += sign
        for label in labels:
            _bump(self.labels, label, sign)

    def label(self, label_id: int, sign: int) -> None:
        """A label was added to (+1) or removed from (-1) an existing node."""
        _bump(self.labels, label_id, sign)

    def relationship(
        self, type_id: int, start_labels: Iterable[int], end_labels: Iterable[int], sign: int
    ) -> None:
        """A relationship was created (+1) or deleted (-1) between nodes with these labels."""
        self.rels += sign
        _bump(self.types, type_id, sign)
        end_labels = tuple(end_labels)
        for start in start_labels:
            _bump(self.patterns, (start, type_id, ANY_LABEL), sign)
            for end in end_labels:
                _bump(self.patterns, (start, type_id, end), sign)
        for end in end_labels:
            _bump(self.patterns, (ANY_LABEL, type_id, end), sign)

    def index_entry(self, index_id: int, value_key: bytes, sign: int) -> None:
        """An index entry with this value key was added (+1) or removed (-1)."""
        _bump(self.index_entries, index_id, sign)
        target = self.index_added if sign > 0 else self.index_removed
        target.setdefault(index_id, []).append(value_key)

    def adjacency(self, type_id: int, outgoing: bool, lists: int, degree: int) -> None:
        """A list became non-empty (+1) or empty (-1); `degree` is an estimate after."""
        key = (type_id, outgoing)
        if lists:
            _bump(self.lists, key, lists)
        if degree > self.max_degree.get(key, 0):
            self.max_degree[key] = degree


# applying a delta --------------------------------------------------------------------


BoundsLookup = Callable[[int], tuple[bytes | None, bytes | None]]


def _merged(
    base: Mapping[Any, int],
    delta: Mapping[Any, int],
    writes: dict[bytes, bytes | None],
    key_of: Callable[[Any], bytes],
) -> dict[Any, int]:
    if not delta:
        return dict(base)
    merged = dict(base)
    for key, amount in delta.items():
        if amount == 0:
            continue
        value = merged.get(key, 0) + amount
        if value:
            merged[key] = value
            writes[key_of(key)] = _COUNT.pack(value)
        else:
            merged.pop(key, None)
            writes[key_of(key)] = None
    return merged


def _first_value(key: bytes | None) -> Any:
    if key is None:
        return None
    try:
        return decode_composite(key, 1)[0][0]
    except (ValueError, IndexError, struct.error):
        return None


def _index_stats(
    index_id: int, base: IndexStats, delta: StatsDelta, bounds: BoundsLookup
) -> IndexStats:
    entries = base.entries + delta.index_entries.get(index_id, 0)
    registers = bytearray(base.sketch or bytes(HLL_REGISTERS))
    low, high = base.min_key, base.max_key
    for value_key in delta.index_added.get(index_id, ()):
        hll_add(registers, value_key)
        low = value_key if low is None or value_key < low else low
        high = value_key if high is None or value_key > high else high
    removed = delta.index_removed.get(index_id, ())
    if entries <= 0:
        low = high = None
    elif any(key in (low, high) for key in removed):
        low, high = bounds(index_id)
    sketch = bytes(registers)
    # the estimate only moves when a register did (most commits leave them all alone)
    changed = (
        sketch != base.sketch or not base.entries or base.distinct >= min(base.entries, entries)
    )
    distinct = min(hll_estimate(sketch), max(entries, 0)) if changed else base.distinct
    return IndexStats(
        entries=max(entries, 0),
        distinct=distinct,
        min_value=_first_value(low),
        max_value=_first_value(high),
        min_key=low,
        max_key=high,
        sketch=sketch,
    )


def _encode_index_stats(stats: IndexStats) -> bytes:
    packed: bytes = msgpack.packb([stats.entries, stats.min_key, stats.max_key, stats.sketch])
    return packed


def apply_delta(
    stats: Statistics, delta: StatsDelta, live_indexes: Iterable[int], bounds: BoundsLookup
) -> tuple[Statistics, dict[bytes, bytes | None]]:
    """The statistics after a transaction, and the statistics-family writes that persist them.

    Args:
        stats: statistics of the version the transaction started from.
        delta: the transaction's changes.
        live_indexes: ids of the indexes that exist after the transaction.
        bounds: recomputes (min key, max key) of an index whose bound entry was removed.
    """
    writes: dict[bytes, bytes | None] = {}
    if delta.nodes:
        writes[NODES_KEY] = _COUNT.pack(stats.node_count + delta.nodes)
    if delta.rels:
        writes[RELS_KEY] = _COUNT.pack(stats.relationship_count + delta.rels)
    degrees = dict(stats.degrees)
    for key in set(delta.lists) | set(delta.max_degree):
        old = degrees.get(key, DegreeStats())
        new = DegreeStats(
            old.lists + delta.lists.get(key, 0), max(old.max_degree, delta.max_degree.get(key, 0))
        )
        degrees[key] = new
        writes[_degree_key(*key)] = _DEGREE.pack(new.lists, new.max_degree)
    indexes = {}
    for index_id in live_indexes:
        base = stats.indexes.get(index_id, IndexStats())
        if index_id in delta.index_entries or index_id in delta.index_added:
            base = _index_stats(index_id, base, delta, bounds)
            writes[_index_key(index_id)] = _encode_index_stats(base)
        indexes[index_id] = base
    for index_id in set(stats.indexes) - set(indexes):
        writes[_index_key(index_id)] = None
    result = Statistics(
        node_count=stats.node_count + delta.nodes,
        relationship_count=stats.relationship_count + delta.rels,
        label_counts=_merged(stats.label_counts, delta.labels, writes, _label_key),
        type_counts=_merged(stats.type_counts, delta.types, writes, _type_key),
        degrees=degrees,
        patterns=_merged(stats.patterns, delta.patterns, writes, _pattern_key),
        indexes=indexes,
    )
    return result, writes


def encode_statistics(stats: Statistics) -> dict[bytes, bytes]:
    """Every statistics-family entry of `stats` (for `analyze`)."""
    writes: dict[bytes, bytes] = {
        NODES_KEY: _COUNT.pack(stats.node_count),
        RELS_KEY: _COUNT.pack(stats.relationship_count),
    }
    writes.update({_label_key(k): _COUNT.pack(v) for k, v in stats.label_counts.items()})
    writes.update({_type_key(k): _COUNT.pack(v) for k, v in stats.type_counts.items()})
    writes.update({_pattern_key(k): _COUNT.pack(v) for k, v in stats.patterns.items()})
    for (type_id, outgoing), degree in stats.degrees.items():
        writes[_degree_key(type_id, outgoing)] = _DEGREE.pack(degree.lists, degree.max_degree)
    for index_id, index_stats in stats.indexes.items():
        writes[_index_key(index_id)] = _encode_index_stats(index_stats)
    return writes


def decode_statistics(entries: Iterable[tuple[bytes, bytes]]) -> Statistics:
    """Statistics from the entries of the statistics family."""
    nodes = rels = 0
    labels: dict[int, int] = {}
    types: dict[int, int] = {}
    degrees: dict[tuple[int, bool], DegreeStats] = {}
    patterns: dict[tuple[int, int, int], int] = {}
    indexes: dict[int, IndexStats] = {}
    for key, value in entries:
        kind = key[1:2]
        if kind == b"n":
            nodes = _COUNT.unpack(value)[0]
        elif kind == b"r":
            rels = _COUNT.unpack(value)[0]
        elif kind == b"l":
            labels[_ID.unpack_from(key, 2)[0]] = _COUNT.unpack(value)[0]
        elif kind == b"t":
            types[_ID.unpack_from(key, 2)[0]] = _COUNT.unpack(value)[0]
        elif kind == b"d":
            type_id, outgoing = _DEGREE_KEY.unpack_from(key, 2)
            degrees[(type_id, bool(outgoing))] = DegreeStats(*_DEGREE.unpack(value))
        elif kind == b"p":
            patterns[_PATTERN.unpack_from(key, 2)] = _COUNT.unpack(value)[0]
        elif kind == b"i":
            indexes[_ID.unpack_from(key, 2)[0]] = _decode_index_stats(value)
    return Statistics(nodes, rels, labels, types, degrees, patterns, indexes)


def _decode_index_stats(value: bytes) -> IndexStats:
    entries, low, high, sketch = msgpack.unpackb(value)
    sketch = bytes(sketch)
    return IndexStats(
        entries=entries,
        distinct=min(hll_estimate(sketch), entries),
        min_value=_first_value(low),
        max_value=_first_value(high),
        min_key=low,
        max_key=high,
        sketch=sketch,
    )


def with_index_stats(
    stats: Statistics, index_id: int, index_stats: IndexStats | None
) -> Statistics:
    """`stats` with one index summary replaced (or removed for None)."""
    indexes = dict(stats.indexes)
    if index_stats is None:
        indexes.pop(index_id, None)
    else:
        indexes[index_id] = index_stats
    return replace(stats, indexes=indexes)
