"""Property index entries and seeks: entry keys, seek ranges, committed-data scans.

Non-unique index entry: ``index | id | value keys | marks | node`` with an empty value
(after the version). Unique (constraint) entry: ``unique | id | value keys`` whose value
is ``node(8) marks``, so a constraint check is one point read. Value keys come from
`engram.storage.ordered`; equality, IN, range and string-prefix seeks are key ranges.
A node has an entry when it has the index's label and every indexed key (composite
indexes need all of them, as in Neo4j).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from engram.catalog import IndexDef
from engram.storage.keys import index_prefix, prefix_end, unique_prefix
from engram.storage.mvcc import VersionedReader
from engram.storage.ordered import (
    NUMBER_TAG,
    composite_key,
    composite_marks,
    family_bounds,
    family_tag,
    is_nan,
    string_prefix_bounds,
    value_key,
)

__all__ = [
    "Bound",
    "Entry",
    "KeyRange",
    "entry_for",
    "equality_ranges",
    "node_of",
    "scan_ranges",
    "seek_ranges",
]

_U64 = struct.Struct(">Q")
_VERSION: Final = 8

KeyRange = tuple[bytes, bytes]


@dataclass(frozen=True, slots=True)
class Bound:
    """One end of a range seek."""

    value: Any
    inclusive: bool = True


@dataclass(frozen=True, slots=True)
class Entry:
    """The index entry of one node: full key, its value prefix, and the stored payload."""

    key: bytes
    value_prefix: bytes
    value_key: bytes
    payload: bytes


def entry_for(index: IndexDef, properties: Mapping[int, Any], node_id: int) -> Entry | None:
    """The entry `node_id` has in `index` given its properties (None if a key is missing)."""
    values = []
    for key_id in index.property_key_ids:
        value = properties.get(key_id)
        if value is None:
            return None
        values.append(value)
    key_bytes = composite_key(values)
    marks = composite_marks(values)
    if index.unique:
        key = unique_prefix(index.id) + key_bytes
        return Entry(key, key, key_bytes, _U64.pack(node_id) + marks)
    prefix = index_prefix(index.id) + key_bytes
    return Entry(prefix + marks + _U64.pack(node_id), prefix, key_bytes, b"")


def node_of(index: IndexDef, key: bytes, payload: bytes, offset: int = _VERSION) -> int:
    """The node id of an index entry (raw committed values start with a version)."""
    if index.unique:
        node: int = _U64.unpack_from(payload, offset)[0]
        return node
    found: int = _U64.unpack_from(key, len(key) - 8)[0]
    return found


def _contains_nan(value: Any) -> bool:
    if isinstance(value, list | tuple):
        return any(_contains_nan(item) for item in value)
    return is_nan(value)


def _base(index: IndexDef) -> bytes:
    return unique_prefix(index.id) if index.unique else index_prefix(index.id)


def equality_ranges(index: IndexDef, values: Sequence[Any]) -> tuple[bytes, list[KeyRange]]:
    """(value prefix, ranges) of an equality seek on the first `len(values)` keys.

    An empty range list means nothing can match (a null or NaN value).
    """
    if any(value is None or _contains_nan(value) for value in values):
        return b"", []
    prefix = _base(index) + composite_key(values)
    return prefix, [(prefix, prefix_end(prefix))]


def seek_ranges(
    index: IndexDef,
    equal: Sequence[Any] = (),
    lower: Bound | None = None,
    upper: Bound | None = None,
    prefix: str | None = None,
) -> list[KeyRange]:
    """Key ranges of a seek: equality on leading keys, then a range or prefix on the next.

    Ranges stay inside one type family (`n.x > 1` never matches strings); NaN bounds and
    null or NaN equality values match nothing.
    """
    base, ranges = equality_ranges(index, equal)
    if not ranges or (lower is None and upper is None and prefix is None):
        return ranges
    if prefix is not None:
        low, high = string_prefix_bounds(prefix)
        return [(base + low, base + high)]
    family = _range_family(lower, upper)
    if family is None:
        return []
    family_low, family_high = family_bounds(family)
    low = base + family_low
    high = base + family_high
    if lower is not None:
        key = value_key(lower.value)
        low = base + (key if lower.inclusive else prefix_end(key))
    if upper is not None:
        key = value_key(upper.value)
        high = base + (prefix_end(key) if upper.inclusive else key)
    return [(low, high)] if low < high else []


def _range_family(lower: Bound | None, upper: Bound | None) -> int | None:
    families = set()
    for bound in (lower, upper):
        if bound is None:
            continue
        if bound.value is None or _contains_nan(bound.value):
            return None
        families.add(family_tag(bound.value))
    if len(families) != 1:
        return None
    family = families.pop()
    return NUMBER_TAG if family == NUMBER_TAG else family


def in_ranges(index: IndexDef, values: Iterable[Any]) -> list[tuple[bytes, KeyRange]]:
    """(value prefix, range) per distinct value of an IN seek, in value order."""
    seen: dict[bytes, KeyRange] = {}
    for value in values:
        prefix, ranges = equality_ranges(index, [value])
        if ranges and prefix not in seen:
            seen[prefix] = ranges[0]
    return [(prefix, seen[prefix]) for prefix in sorted(seen)]


def scan_ranges(
    reader: VersionedReader, ranges: Iterable[KeyRange]
) -> Iterator[tuple[bytes, bytes]]:
    """Committed (key, raw value) entries in the ranges at the reader's snapshot."""
    for low, high in ranges:
        yield from reader.scan(low, high)
