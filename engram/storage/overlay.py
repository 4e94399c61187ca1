"""A write transaction's buffered changes, shaped for read-your-own-writes merges.

Nothing reaches RocksDB before commit. Each structure answers one kind of merged read
cheaply: touched nodes and relationships by id, label and type membership changes as
sets per label or type, adjacency changes per (node, direction, type), and index entry
changes per index (by full key, by indexed value for equality seeks, and sorted on
demand for range seeks). Rollback drops the object.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from engram.catalog import Catalog
from engram.storage.chunks import ListChange
from engram.storage.statistics import StatsDelta

if TYPE_CHECKING:
    from engram.storage.rocks import Batch

__all__ = ["FreshRecords", "IndexDelta", "NodeState", "RelState", "TxState"]


class FreshRecords(Protocol):
    """Records a bulk load adds outside the per-entity overlay (see `engram.storage.bulk`).

    They are new keys only (nothing to resolve, no history), encoded straight into the
    commit batch; the transaction's own reads do not see them.
    """

    labels: set[int]
    types: set[int]
    property_keys: set[int]
    indexes: set[int]

    def node_ids(self) -> frozenset[int]:
        """Ids of the nodes created."""
        ...

    def rel_ids(self) -> frozenset[int]:
        """Ids of the relationships created."""
        ...

    def emit(self, batch: Batch, version: bytes) -> int:
        """Put every record into `batch` with the commit's version bytes; the write count."""
        ...


class NodeState:
    """A node touched by the transaction: its committed form and its current form."""

    __slots__ = ("base_labels", "base_props", "base_raw", "deleted", "dirty", "labels", "props")

    def __init__(
        self,
        base_raw: bytes | None,
        base_labels: frozenset[int],
        base_props: dict[int, Any],
    ) -> None:
        self.base_raw = base_raw
        self.base_labels = base_labels
        self.base_props = base_props
        self.labels: set[int] = set(base_labels)
        self.props: dict[int, Any] = dict(base_props)
        self.deleted = False
        # set by every write; equality cannot detect changes (True == 1 == 1.0 in Python)
        self.dirty = False

    @property
    def created(self) -> bool:
        """Whether the node was created by this transaction."""
        return self.base_raw is None


class RelState:
    """A relationship touched by the transaction."""

    __slots__ = ("base_props", "base_raw", "deleted", "dirty", "end", "props", "start", "type_id")

    def __init__(
        self,
        base_raw: bytes | None,
        type_id: int,
        start: int,
        end: int,
        base_props: dict[int, Any],
    ) -> None:
        self.base_raw = base_raw
        self.type_id = type_id
        self.start = start
        self.end = end
        self.base_props = base_props
        self.props: dict[int, Any] = dict(base_props)
        self.deleted = False
        self.dirty = False

    @property
    def created(self) -> bool:
        """Whether the relationship was created by this transaction."""
        return self.base_raw is None


class IndexDelta:
    """Entry changes of one index: full RocksDB keys added (with payload) and removed.

    Visible entries are ``(committed - removed) | added``. `value_prefix` groups added
    keys by their full indexed value so equality seeks avoid sorting.
    """

    __slots__ = ("_sorted", "added", "by_value", "removed")

    def __init__(self) -> None:
        self.added: dict[bytes, bytes] = {}
        self.removed: set[bytes] = set()
        self.by_value: dict[bytes, set[bytes]] = {}
        self._sorted: list[bytes] | None = None

    def add(self, key: bytes, value_prefix: bytes, payload: bytes) -> None:
        """Make an entry visible."""
        self.added[key] = payload
        self.by_value.setdefault(value_prefix, set()).add(key)
        self._sorted = None

    def remove(self, key: bytes, value_prefix: bytes) -> None:
        """Hide an entry (committed or added earlier in the transaction)."""
        if self.added.pop(key, None) is not None:
            group = self.by_value.get(value_prefix)
            if group is not None:
                group.discard(key)
                if not group:
                    del self.by_value[value_prefix]
            self._sorted = None
        self.removed.add(key)

    def hides(self, key: bytes) -> bool:
        """Whether a committed entry is replaced or removed by the transaction."""
        return key in self.removed or key in self.added

    def added_in(self, low: bytes, high: bytes) -> Iterator[tuple[bytes, bytes]]:
        """Added entries with low <= key < high, in key order."""
        if self._sorted is None:
            self._sorted = sorted(self.added)
        keys = self._sorted
        for position in range(bisect.bisect_left(keys, low), bisect.bisect_left(keys, high)):
            key = keys[position]
            yield key, self.added[key]

    def added_for_value(self, value_prefix: bytes) -> list[tuple[bytes, bytes]]:
        """Added entries whose full indexed value is `value_prefix`, in key order."""
        group = self.by_value.get(value_prefix)
        if not group:
            return []
        return [(key, self.added[key]) for key in sorted(group)]


@dataclass(slots=True)
class TxState:
    """Everything a write transaction changed, plus its working catalog."""

    catalog: Catalog
    nodes: dict[int, NodeState] = field(default_factory=dict)
    rels: dict[int, RelState] = field(default_factory=dict)
    new_nodes: list[int] = field(default_factory=list)
    new_rels: list[int] = field(default_factory=list)
    label_added: dict[int, set[int]] = field(default_factory=dict)
    label_removed: dict[int, set[int]] = field(default_factory=dict)
    type_added: dict[int, set[int]] = field(default_factory=dict)
    type_removed: dict[int, set[int]] = field(default_factory=dict)
    adjacency: dict[tuple[int, int, int], ListChange] = field(default_factory=dict)
    adjacency_by_node: dict[int, set[tuple[int, int]]] = field(default_factory=dict)
    indexes: dict[int, IndexDelta] = field(default_factory=dict)
    deleted_rels: set[int] = field(default_factory=set)
    label_cache: dict[int, frozenset[int] | None] = field(default_factory=dict)
    deleted_nodes: set[int] = field(default_factory=set)
    unchecked_deletes: set[int] = field(default_factory=set)
    stats: StatsDelta = field(default_factory=StatsDelta)
    created_indexes: set[int] = field(default_factory=set)
    dropped_indexes: set[int] = field(default_factory=set)
    new_names: bool = False
    #: bulk-loaded records (engram.storage.bulk), written by the commit as they are
    bulk: list[FreshRecords] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """Whether the transaction changed nothing."""
        return not (
            self.nodes
            or self.rels
            or self.created_indexes
            or self.dropped_indexes
            or self.new_names
            or self.bulk
        )

    def index_delta(self, index_id: int) -> IndexDelta:
        """The (possibly new) entry changes of an index."""
        delta = self.indexes.get(index_id)
        if delta is None:
            delta = self.indexes[index_id] = IndexDelta()
        return delta

    def list_change(self, node_id: int, direction: int, type_id: int) -> ListChange:
        """The (possibly new) change record of one adjacency list."""
        key = (node_id, direction, type_id)
        change = self.adjacency.get(key)
        if change is None:
            change = self.adjacency[key] = ListChange()
            self.adjacency_by_node.setdefault(node_id, set()).add((direction, type_id))
        return change

    def move_membership(
        self,
        added: dict[int, set[int]],
        removed: dict[int, set[int]],
        group: int,
        member: int,
        *,
        present: bool,
        in_base: bool,
    ) -> None:
        """Record that `member` is now (not) in `group`, relative to committed data."""
        if present:
            if in_base:
                removed.get(group, set()).discard(member)
            else:
                added.setdefault(group, set()).add(member)
        elif in_base:
            removed.setdefault(group, set()).add(member)
        else:
            found = added.get(group)
            if found is not None:
                found.discard(member)
