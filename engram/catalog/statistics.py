"""Counts, degree summaries and index value summaries consumed by the cost model.

A `Statistics` object is immutable and belongs to one committed version: the storage
engine publishes a new one with every commit, and a read transaction sees the one of its
snapshot. Node, label, relationship and type counts, index entry counts and the number
of non-empty adjacency lists are exact; maximum degrees, pattern counts after label
changes on connected nodes, and distinct-value counts are estimates (see each field).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Self

__all__ = ["ANY_LABEL", "DegreeStats", "IndexStats", "Statistics"]

#: wildcard label in pattern counts: `(ANY_LABEL, type, label)` counts relationships of
#: `type` into nodes with `label`, whatever the start node's labels
ANY_LABEL: Final = -1

_EMPTY: Final[Mapping[Any, Any]] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DegreeStats:
    """Adjacency summary of one (relationship type, direction).

    Attributes:
        lists: exact number of nodes with at least one relationship of the type in the
            direction.
        max_degree: an upper-bound estimate of the largest degree seen (it does not
            shrink when relationships are deleted; `analyze` recomputes it).
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    lists: int = 0
    max_degree: int = 0


@dataclass(frozen=True, slots=True)
class IndexStats:
    """Summary of one property index.

    Attributes:
        entries: exact number of index entries (nodes with all indexed keys set).
        distinct: estimated number of distinct values (a HyperLogLog estimate, capped by
            `entries`; deletions are not subtracted until `analyze`).
        min_value: the smallest indexed value (first component for composite indexes),
            or None when empty or not decodable.
        max_value: the largest, likewise.
        min_key: order-preserving encoding of the smallest key (storage bookkeeping).
        max_key: likewise for the largest.
        sketch: HyperLogLog registers (storage bookkeeping).
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    entries: int = 0
    distinct: int = 0
    min_value: Any = None
    max_value: Any = None
    min_key: bytes | None = field(default=None, repr=False)
    max_key: bytes | None = field(default=None, repr=False)
    sketch: bytes = field(default=b"", repr=False, compare=False)

    @property
    def selectivity(self) -> float:
        """Estimated fraction of entries matching one equality (1.0 when empty)."""
        if self.entries == 0 or self.distinct == 0:
            return 1.0
        return 1.0 / self.distinct


def _empty() -> Mapping[Any, Any]:
    return _EMPTY


def _frozen(mapping: Mapping[Any, Any] | None) -> Mapping[Any, Any]:
    if not mapping:
        return _EMPTY
    if isinstance(mapping, MappingProxyType):
        return mapping
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Statistics:
    """Graph statistics of one committed version.

    Attributes:
        node_count: exact number of nodes.
        relationship_count: exact number of relationships.
        label_counts: exact nodes per label id.
        type_counts: exact relationships per type id.
        degrees: per (type id, outgoing) adjacency summaries.
        patterns: relationships per (start label, type, end label) where one label may be
            `ANY_LABEL`; counted when relationships are created or deleted, so label
            changes on connected nodes make them estimates.
        indexes: per index id value summaries.
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    node_count: int = 0
    relationship_count: int = 0
    label_counts: Mapping[int, int] = field(default_factory=_empty)
    type_counts: Mapping[int, int] = field(default_factory=_empty)
    degrees: Mapping[tuple[int, bool], DegreeStats] = field(default_factory=_empty)
    patterns: Mapping[tuple[int, int, int], int] = field(default_factory=_empty)
    indexes: Mapping[int, IndexStats] = field(default_factory=_empty)

    def __post_init__(self) -> None:
        for name in ("label_counts", "type_counts", "degrees", "patterns", "indexes"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))

    def label_count(self, label_id: int | None) -> int:
        """Nodes with `label_id` (all nodes for None)."""
        if label_id is None:
            return self.node_count
        return self.label_counts.get(label_id, 0)

    def type_count(self, type_id: int | None) -> int:
        """Relationships of `type_id` (all relationships for None)."""
        if type_id is None:
            return self.relationship_count
        return self.type_counts.get(type_id, 0)

    def degree(self, type_id: int, *, outgoing: bool) -> DegreeStats:
        """The adjacency summary of a type in one direction."""
        return self.degrees.get((type_id, outgoing), DegreeStats())

    def avg_degree(self, type_id: int | None, *, outgoing: bool) -> float:
        """Average degree over nodes that have at least one such relationship."""
        if type_id is not None:
            lists = self.degree(type_id, outgoing=outgoing).lists
            return self.type_count(type_id) / lists if lists else 0.0
        lists = sum(s.lists for (_, out), s in self.degrees.items() if out == outgoing)
        return self.relationship_count / lists if lists else 0.0

    def max_degree(self, type_id: int | None, *, outgoing: bool) -> int:
        """Estimated largest degree (over all types for None)."""
        if type_id is not None:
            return self.degree(type_id, outgoing=outgoing).max_degree
        found = [s.max_degree for (_, out), s in self.degrees.items() if out == outgoing]
        return max(found, default=0)

    def pattern_count(self, start_label: int | None, type_id: int, end_label: int | None) -> int:
        """Relationships of `type_id` from nodes with `start_label` to nodes with `end_label`.

        Either label may be None (any node); with both None this is the type count.
        """
        if start_label is None and end_label is None:
            return self.type_count(type_id)
        start = ANY_LABEL if start_label is None else start_label
        end = ANY_LABEL if end_label is None else end_label
        return self.patterns.get((start, type_id, end), 0)

    def index_stats(self, index_id: int) -> IndexStats:
        """Value summary of an index (empty summary if unknown)."""
        return self.indexes.get(index_id, IndexStats())
