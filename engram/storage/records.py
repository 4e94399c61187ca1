"""Records handed to callers and the immutable per-version state the store publishes.

`VersionState` bundles what a reader needs besides RocksDB: the commit version, the
catalog and statistics of that version, and `VersionCaches`, a per-version memo where
derived read structures (a label's id array, adjacency of a type as CSR arrays) can be
kept. Caches belong to one version, so a reader holding version ``S`` only ever sees
structures built from ``S``; a commit decides which caches carry over to its version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple, TypeVar

from engram.catalog import Catalog, Statistics
from engram.config import CACHES

__all__ = ["ChangeSet", "IdSet", "NodeRecord", "RelRecord", "VersionCaches", "VersionState"]

T = TypeVar("T")


class NodeRecord(NamedTuple):
    """A node as stored: id, label ids and properties by key id.

    A named tuple rather than a frozen dataclass: reads build one per node, and a tuple
    is built at a third of the cost.
    """

    id: int
    labels: frozenset[int]
    properties: Mapping[int, Any]


@dataclass(frozen=True, slots=True)
class RelRecord:
    """A relationship's immutable part: id, type id, start and end node ids."""

    id: int
    type_id: int
    start: int
    end: int


class IdSet(Set[int]):
    """A read-only set of ids given as single ids and as ranges, without expanding them.

    A bulk commit changes millions of consecutive ids; its `ChangeSet` holds them as a
    few ranges. It compares equal to any set with the same members.

    >>> ids = IdSet({2}, [range(10, 13)])
    >>> len(ids), 11 in ids, 3 in ids, sorted(ids), ids == {2, 10, 11, 12}
    (4, True, False, [2, 10, 11, 12], True)
    """

    __slots__ = ("_ids", "_ranges", "_size")

    def __init__(self, ids: Iterable[int] = (), ranges: Iterable[range] = ()) -> None:
        self._ranges = tuple(r for r in ranges if len(r))
        self._ids = frozenset(i for i in ids if not any(i in r for r in self._ranges))
        self._size = len(self._ids) + sum(len(r) for r in self._ranges)

    def __contains__(self, item: object) -> bool:
        return item in self._ids or any(item in r for r in self._ranges)

    def __iter__(self) -> Iterator[int]:
        return chain(self._ids, *self._ranges)

    def __len__(self) -> int:
        return self._size

    def __hash__(self) -> int:
        return self._hash()

    def __repr__(self) -> str:
        return f"IdSet({set(self._ids)!r}, {list(self._ranges)!r})"


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one commit changed, for cache carry-over and commit listeners.

    Attributes:
        version: the commit version.
        labels: label ids whose membership changed.
        types: relationship type ids whose relationships were created or deleted.
        nodes: ids of nodes created, deleted or modified (an `IdSet` after bulk loads).
        relationships: ids of relationships created, deleted or modified.
        property_keys: property key ids set or removed on nodes.
        indexes: ids of indexes whose entries changed, were created or dropped.
        schema: whether index or constraint definitions changed.
    """

    version: int
    labels: frozenset[int] = frozenset()
    types: frozenset[int] = frozenset()
    nodes: Set[int] = frozenset()
    relationships: Set[int] = frozenset()
    property_keys: frozenset[int] = frozenset()
    indexes: frozenset[int] = frozenset()
    schema: bool = False


class VersionCaches:
    """Derived read structures of one version, built on first use.

    Keys are tuples whose first element names the structure, e.g. ``("label", 3)``;
    `carry_over` decides which entries the next version may reuse.
    """

    def __init__(self, entries: dict[tuple[Any, ...], Any] | None = None) -> None:
        self._entries: dict[tuple[Any, ...], Any] = entries or {}
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], build: Callable[[], T]) -> T:
        """The cached value for `key`, building (and keeping) it when missing."""
        if not CACHES:
            return build()
        found = self._entries.get(key)
        if found is None:
            built = build()
            with self._lock:
                found = self._entries.setdefault(key, built)
        result: T = found
        return result

    def peek(self, key: tuple[Any, ...]) -> Any:
        """The cached value for `key`, or None."""
        return self._entries.get(key) if CACHES else None

    def carry_over(self, keep: Callable[[tuple[Any, ...]], bool]) -> VersionCaches:
        """A cache for the next version holding the entries `keep` accepts."""
        with self._lock:
            kept = {key: value for key, value in self._entries.items() if keep(key)}
        return VersionCaches(kept)

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True, slots=True)
class VersionState:
    """One committed version as readers see it (published atomically by the store)."""

    version: int
    catalog: Catalog
    statistics: Statistics
    caches: VersionCaches = field(default_factory=VersionCaches, compare=False)
