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
    from engram.storage.ingest import IngestFiles
    from engram.storage.rocks import Batch

__all__ = [
    "FreshRecords",
    "IndexDelta",
    "Journal",
    "NodeState",
    "RelState",
    "Savepoint",
    "TxState",
]


class FreshRecords(Protocol):
    """Records a bulk load adds outside the per-entity overlay (see `engram.storage.bulk`).

    They are new keys only (nothing to resolve, no history), encoded straight into the
    commit batch; the transaction's own reads do not see them.
    """

    labels: set[int]
    types: set[int]
    property_keys: set[int]
    indexes: set[int]

    def node_ids(self) -> list[range]:
        """Ids of the nodes created, as ranges."""
        ...

    def rel_ids(self) -> list[range]:
        """Ids of the relationships created, as ranges."""
        ...

    #: table files holding the records instead of the batch (`engram.storage.ingest`)
    files: IngestFiles | None

    def emit(self, batch: Batch, version: bytes) -> int:
        """Put every record into `batch` (or `files`) with the commit's version; the count."""
        ...


#: undo entries `(function, *arguments)` recorded while a savepoint is active, or None
Journal = list[tuple[Any, ...]] | None
_MISSING: Any = object()


def _restore_key(mapping: dict[Any, Any], key: Any, previous: Any) -> None:
    if previous is _MISSING:
        mapping.pop(key, None)
    else:
        mapping[key] = previous


def _restore_record(
    state: NodeState | RelState,
    labels: set[int] | None,
    props: dict[int, Any],
    flags: tuple[bool, bool],
) -> None:
    if isinstance(state, NodeState) and labels is not None:
        state.labels = labels
    state.props = props
    state.deleted, state.dirty = flags


@dataclass(frozen=True, slots=True)
class Savepoint:
    """What `rollback_to` restores wholesale; the rest is undone from the journal."""

    catalog: Catalog
    new_names: bool
    created_indexes: frozenset[int]
    dropped_indexes: frozenset[int]
    new_nodes: int
    new_rels: int
    unchecked_deletes: frozenset[int]
    stats: StatsDelta


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

    def add(self, key: bytes, value_prefix: bytes, payload: bytes, journal: Journal) -> None:
        """Make an entry visible."""
        if journal is not None:
            journal.append(
                (self._restore, key, value_prefix, self.added.get(key), key in self.removed)
            )
        self.added[key] = payload
        self.by_value.setdefault(value_prefix, set()).add(key)
        self._sorted = None

    def remove(self, key: bytes, value_prefix: bytes, journal: Journal) -> None:
        """Hide an entry (committed or added earlier in the transaction)."""
        if journal is not None:
            journal.append(
                (self._restore, key, value_prefix, self.added.get(key), key in self.removed)
            )
        if self.added.pop(key, None) is not None:
            self._ungroup(key, value_prefix)
            self._sorted = None
        self.removed.add(key)

    def _ungroup(self, key: bytes, value_prefix: bytes) -> None:
        group = self.by_value.get(value_prefix)
        if group is not None:
            group.discard(key)
            if not group:
                del self.by_value[value_prefix]

    def _restore(
        self, key: bytes, value_prefix: bytes, payload: bytes | None, removed: bool
    ) -> None:
        """Undo: put `key` back to the given added payload (None: not added) and removed flag."""
        if payload is None:
            if self.added.pop(key, None) is not None:
                self._ungroup(key, value_prefix)
        else:
            self.added[key] = payload
            self.by_value.setdefault(value_prefix, set()).add(key)
        if removed:
            self.removed.add(key)
        else:
            self.removed.discard(key)
        self._sorted = None

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
    # every node / relationship deleted by the transaction (created ones included)
    deleted_rels: set[int] = field(default_factory=set)
    label_cache: dict[int, frozenset[int] | None] = field(default_factory=dict)
    deleted_nodes: set[int] = field(default_factory=set)
    unchecked_deletes: set[int] = field(default_factory=set)
    stats: StatsDelta = field(default_factory=StatsDelta)
    created_indexes: set[int] = field(default_factory=set)
    dropped_indexes: set[int] = field(default_factory=set)
    new_names: bool = False
    journal: Journal = None
    touched: set[int] = field(default_factory=set)
    savepoint: Savepoint | None = None
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

    # journaled primitives: every change below can be undone back to a savepoint ------

    def set_add(self, target: set[Any], item: Any) -> None:
        """`target.add(item)`, undoable."""
        if self.journal is not None and item not in target:
            self.journal.append((target.discard, item))
        target.add(item)

    def set_discard(self, target: set[Any], item: Any) -> None:
        """`target.discard(item)`, undoable."""
        if self.journal is not None and item in target:
            self.journal.append((target.add, item))
        target.discard(item)

    def dict_put(self, mapping: dict[Any, Any], key: Any, value: Any) -> None:
        """`mapping[key] = value`, undoable."""
        if self.journal is not None:
            self.journal.append((_restore_key, mapping, key, mapping.get(key, _MISSING)))
        mapping[key] = value

    def dict_pop(self, mapping: dict[Any, Any], key: Any) -> Any:
        """`mapping.pop(key, None)`, undoable."""
        if self.journal is not None and key in mapping:
            self.journal.append((_restore_key, mapping, key, mapping[key]))
        return mapping.pop(key, None)

    def touch(self, state: NodeState | RelState) -> None:
        """Remember a record's current form before it is changed (once per savepoint)."""
        if self.journal is not None and id(state) not in self.touched:
            self.touched.add(id(state))
            labels = set(state.labels) if isinstance(state, NodeState) else None
            flags = (state.deleted, state.dirty)
            self.journal.append((_restore_record, state, labels, dict(state.props), flags))

    def begin_savepoint(self) -> Savepoint:
        """Start journaling; `rollback_to` the returned savepoint undoes what follows."""
        self.journal = []
        self.touched = set()
        self.savepoint = Savepoint(
            catalog=self.catalog,
            new_names=self.new_names,
            created_indexes=frozenset(self.created_indexes),
            dropped_indexes=frozenset(self.dropped_indexes),
            new_nodes=len(self.new_nodes),
            new_rels=len(self.new_rels),
            unchecked_deletes=frozenset(self.unchecked_deletes),
            stats=self.stats.snapshot(),
        )
        return self.savepoint

    def rollback_to(self, savepoint: Savepoint) -> None:
        """Undo every change made since `savepoint` (which stays valid)."""
        journal = self.journal or []
        for entry in reversed(journal):
            entry[0](*entry[1:])
        self.catalog = savepoint.catalog
        self.new_names = savepoint.new_names
        self.created_indexes = set(savepoint.created_indexes)
        self.dropped_indexes = set(savepoint.dropped_indexes)
        del self.new_nodes[savepoint.new_nodes :]
        del self.new_rels[savepoint.new_rels :]
        self.unchecked_deletes = set(savepoint.unchecked_deletes)
        self.stats = savepoint.stats.restored()
        self.journal = []
        self.touched = set()

    # structures ----------------------------------------------------------------------

    def index_delta(self, index_id: int) -> IndexDelta:
        """The (possibly new) entry changes of an index."""
        delta = self.indexes.get(index_id)
        if delta is None:
            delta = IndexDelta()
            self.dict_put(self.indexes, index_id, delta)
        return delta

    def list_change(self, node_id: int, direction: int, type_id: int) -> ListChange:
        """The (possibly new) change record of one adjacency list."""
        key = (node_id, direction, type_id)
        change = self.adjacency.get(key)
        if change is None:
            change = ListChange()
            self.dict_put(self.adjacency, key, change)
            by_node = self.adjacency_by_node.get(node_id)
            if by_node is None:
                by_node = set()
                self.dict_put(self.adjacency_by_node, node_id, by_node)
            self.set_add(by_node, (direction, type_id))
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
                self.set_discard(removed.get(group, set()), member)
            else:
                self.set_add(added.setdefault(group, set()), member)
        elif in_base:
            self.set_add(removed.setdefault(group, set()), member)
        else:
            found = added.get(group)
            if found is not None:
                self.set_discard(found, member)
