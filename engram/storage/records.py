"""Records handed to callers and the immutable per-version state the store publishes.

`VersionState` bundles what a reader needs besides RocksDB: the commit version, the
catalog and statistics of that version, and `VersionCaches`, a per-version memo where
derived read structures (a label's id array, adjacency of a type as CSR arrays) can be
kept. Caches belong to one version, so a reader holding version ``S`` only ever sees
structures built from ``S``; a commit decides which caches carry over to its version.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from engram.catalog import Catalog, Statistics
from engram.config import CACHES

__all__ = ["ChangeSet", "NodeRecord", "RelRecord", "VersionCaches", "VersionState"]

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


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What one commit changed, for cache carry-over and commit listeners.

    Attributes:
        version: the commit version.
        labels: label ids whose membership changed.
        types: relationship type ids whose relationships were created or deleted.
        nodes: ids of nodes created, deleted or modified.
        relationships: ids of relationships created, deleted or modified.
        property_keys: property key ids set or removed on nodes.
        indexes: ids of indexes whose entries changed, were created or dropped.
        schema: whether index or constraint definitions changed.
    """

    version: int
    labels: frozenset[int] = frozenset()
    types: frozenset[int] = frozenset()
    nodes: frozenset[int] = frozenset()
    relationships: frozenset[int] = frozenset()
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
