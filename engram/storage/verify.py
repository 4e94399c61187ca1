"""Full scans that recompute statistics and check that every key family agrees with the records.

`recompute_statistics` rebuilds a `Statistics` object from the data at a transaction's
snapshot (`Store.analyze` persists it). `check_integrity` cross-checks node and
relationship records against label and type membership, vectors stored beside node
records, adjacency lists, index and unique entries and the exact statistics, and
returns the problems it found (an empty list for a sound store). Both read committed
data only: run them in a read transaction.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from engram.catalog import ANY_LABEL, DegreeStats, IndexDef, IndexStats, Statistics
from engram.storage import keys as layout
from engram.storage.chunks import list_pairs
from engram.storage.codec import BESIDE, decode_node, decode_rel_header, decode_vector
from engram.storage.indexing import entry_for
from engram.storage.mvcc import VersionedReader
from engram.storage.ordered import decode_composite
from engram.storage.reads import GraphView
from engram.storage.statistics import HLL_REGISTERS, hll_add, hll_estimate

__all__ = ["check_integrity", "recompute_statistics"]

_V: Final = 8


@dataclass(slots=True)
class _Scan:
    """Everything one pass over the committed families learns."""

    labels: dict[int, frozenset[int]] = field(default_factory=dict)
    properties: dict[int, dict[int, Any]] = field(default_factory=dict)
    rels: dict[int, tuple[int, int, int]] = field(default_factory=dict)
    #: vectors stored beside records that no record refers to, or records missing theirs
    vector_problems: list[str] = field(default_factory=list)
    lists: dict[tuple[int, int, int], list[tuple[int, int]]] = field(default_factory=dict)


def _family(reader: VersionedReader, tag: int) -> Any:
    low, high = layout.family_range(tag)
    return reader.scan(low, high)


def _scan(view: GraphView) -> _Scan:
    reader = view._reader
    found = _Scan()
    for key, raw in _family(reader, layout.NODE):
        node_id = int.from_bytes(key[1:9], "big")
        labels, properties = decode_node(raw, _V)
        found.labels[node_id] = labels
        found.properties[node_id] = properties
    _fill_vectors(reader, found)
    for key, raw in _family(reader, layout.REL):
        found.rels[int.from_bytes(key[1:9], "big")] = decode_rel_header(raw, _V)
    for key, raw in _family(reader, layout.ADJ):
        node_id, direction, type_id, _ = layout.parse_adjacency_key(key)
        pairs = list_pairs([raw])
        found.lists.setdefault((node_id, direction, type_id), []).extend(
            (int(nbr), int(rel)) for nbr, rel in pairs
        )
    return found


def _fill_vectors(reader: VersionedReader, found: _Scan) -> None:
    """Put the vectors stored beside node records into the scan's property maps."""
    for key, raw in _family(reader, layout.VECTOR):
        node_id, key_id = int.from_bytes(key[1:9], "big"), int.from_bytes(key[9:13], "big")
        properties = found.properties.get(node_id)
        if properties is None or properties.get(key_id) is not BESIDE:
            found.vector_problems.append(f"vector ({node_id}, {key_id}) has no matching record")
            continue
        properties[key_id] = decode_vector(raw, _V)
    found.vector_problems.extend(
        f"node {node_id} lacks its vector {key_id}"
        for node_id, properties in found.properties.items()
        for key_id, value in properties.items()
        if value is BESIDE
    )


def _index_stats(index: IndexDef, scan: _Scan) -> IndexStats:
    keys = []
    for node_id, labels in scan.labels.items():
        if index.label_id in labels:
            entry = entry_for(index, scan.properties[node_id], node_id)
            if entry is not None:
                keys.append(entry.value_key)
    if not keys:
        return IndexStats()
    registers = bytearray(HLL_REGISTERS)
    for key in keys:
        hll_add(registers, key)
    low, high = min(keys), max(keys)

    def first(key: bytes) -> Any:
        try:
            return decode_composite(key, 1)[0][0]
        except ValueError:
            return None

    return IndexStats(
        entries=len(keys),
        distinct=min(hll_estimate(bytes(registers)), len(set(keys))),
        min_value=first(low),
        max_value=first(high),
        min_key=low,
        max_key=high,
        sketch=bytes(registers),
    )


def recompute_statistics(view: GraphView) -> Statistics:
    """Statistics recomputed from the data visible to `view` (committed data only)."""
    scan = _scan(view)
    label_counts: Counter[int] = Counter()
    for labels in scan.labels.values():
        label_counts.update(labels)
    type_counts: Counter[int] = Counter(type_id for type_id, _, _ in scan.rels.values())
    patterns: Counter[tuple[int, int, int]] = Counter()
    for type_id, start, end in scan.rels.values():
        start_labels, end_labels = scan.labels.get(start, ()), scan.labels.get(end, ())
        for start_label in start_labels:
            patterns[(start_label, type_id, ANY_LABEL)] += 1
            for end_label in end_labels:
                patterns[(start_label, type_id, end_label)] += 1
        for end_label in end_labels:
            patterns[(ANY_LABEL, type_id, end_label)] += 1
    degrees: dict[tuple[int, bool], DegreeStats] = {}
    for (_, direction, type_id), pairs in scan.lists.items():
        key = (type_id, direction == layout.OUT)
        old = degrees.get(key, DegreeStats())
        degrees[key] = DegreeStats(old.lists + 1, max(old.max_degree, len(pairs)))
    indexes = {index.id: _index_stats(index, scan) for index in view.catalog.indexes}
    return Statistics(
        node_count=len(scan.labels),
        relationship_count=len(scan.rels),
        label_counts=dict(label_counts),
        type_counts=dict(type_counts),
        degrees=degrees,
        patterns=dict(patterns),
        indexes=indexes,
    )


def _membership_problems(view: GraphView, scan: _Scan) -> list[str]:
    problems = []
    reader = view._reader
    members: set[tuple[int, int]] = set()
    for key, _ in _family(reader, layout.LABEL):
        label_id, node_id = int.from_bytes(key[1:5], "big"), int.from_bytes(key[5:13], "big")
        members.add((label_id, node_id))
        if label_id not in scan.labels.get(node_id, ()):
            problems.append(f"label entry ({label_id}, node {node_id}) has no matching node")
    for node_id, labels in scan.labels.items():
        problems.extend(
            f"node {node_id} lacks the label entry for {label_id}"
            for label_id in labels
            if (label_id, node_id) not in members
        )
    typed: set[int] = set()
    for key, _ in _family(reader, layout.TYPE):
        type_id, rel_id = int.from_bytes(key[1:5], "big"), int.from_bytes(key[5:13], "big")
        typed.add(rel_id)
        if scan.rels.get(rel_id, (None,))[0] != type_id:
            problems.append(f"type entry ({type_id}, relationship {rel_id}) has no matching record")
    problems.extend(
        f"relationship {rel_id} lacks its type entry" for rel_id in scan.rels if rel_id not in typed
    )
    return problems


def _adjacency_problems(scan: _Scan) -> list[str]:
    problems = []
    expected: set[tuple[int, int, int, int, int]] = set()
    for rel_id, (type_id, start, end) in scan.rels.items():
        for node_id in (start, end):
            if node_id not in scan.labels:
                problems.append(f"relationship {rel_id} is dangling: node {node_id} is missing")
        expected.add((start, layout.OUT, type_id, end, rel_id))
        expected.add((end, layout.IN, type_id, start, rel_id))
    stored: set[tuple[int, int, int, int, int]] = set()
    for (node_id, direction, type_id), pairs in scan.lists.items():
        for neighbour, rel_id in pairs:
            entry = (node_id, direction, type_id, neighbour, rel_id)
            if entry in stored:
                problems.append(f"adjacency entry {entry} is duplicated")
            stored.add(entry)
    problems.extend(f"adjacency entry {entry} has no relationship" for entry in stored - expected)
    problems.extend(f"adjacency entry {entry} is missing" for entry in expected - stored)
    return problems


def _index_problems(view: GraphView, scan: _Scan) -> list[str]:
    problems = []
    reader = view._reader
    for index in view.catalog.indexes:
        if index.kind != "property":
            continue
        expected: dict[bytes, bytes] = {}
        for node_id, labels in scan.labels.items():
            if index.label_id in labels:
                entry = entry_for(index, scan.properties[node_id], node_id)
                if entry is not None:
                    expected[entry.key] = entry.payload
        tag = layout.UNIQUE if index.unique else layout.INDEX
        prefix = bytes([tag]) + index.id.to_bytes(4, "big")
        stored = {key: raw[_V:] for key, raw in reader.scan_prefix(prefix)}
        if stored != expected:
            extra, missing = (
                len(stored.keys() - expected.keys()),
                len(expected.keys() - stored.keys()),
            )
            problems.append(
                f"index '{index.name}': {extra} dangling and {missing} missing entries"
                + ("" if extra or missing else ", payloads differ")
            )
    return problems


def _statistics_problems(view: GraphView) -> list[str]:
    stored, actual = view.statistics, recompute_statistics(view)
    # vector indexes keep no entries in the store: only property indexes are counted
    counted = {index.id for index in view.catalog.indexes if index.kind == "property"}
    problems = []
    checks = [
        ("node count", stored.node_count, actual.node_count),
        ("relationship count", stored.relationship_count, actual.relationship_count),
        ("label counts", dict(stored.label_counts), dict(actual.label_counts)),
        ("type counts", dict(stored.type_counts), dict(actual.type_counts)),
        (
            "non-empty adjacency lists",
            {k: v.lists for k, v in stored.degrees.items() if v.lists},
            {k: v.lists for k, v in actual.degrees.items()},
        ),
        (
            "index entries",
            {k: v.entries for k, v in stored.indexes.items() if k in counted},
            {k: v.entries for k, v in actual.indexes.items() if k in counted},
        ),
    ]
    for what, have, want in checks:
        if have != want:
            problems.append(f"statistics: {what} are {have}, recomputed {want}")
    return problems


def check_integrity(view: GraphView) -> list[str]:
    """Every inconsistency between the key families at `view`'s snapshot (empty if sound)."""
    scan = _scan(view)
    return [
        *scan.vector_problems,
        *_membership_problems(view, scan),
        *_adjacency_problems(scan),
        *_index_problems(view, scan),
        *_statistics_problems(view),
    ]
