"""Storage: the graph store over RocksDB, MVCC transactions, keys and value codecs.

What the executor may call is `GraphReader` (every read at the transaction's snapshot,
batch forms over numpy id arrays) and, in a write transaction, `GraphWriter`. Both are
implemented by `ReadTransaction` / `WriteTransaction`, which `Store.begin_read` and
`Store.begin_write` return. Byte layouts live in `engram.storage.keys` and are
documented in docs/storage.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import numpy as np

from engram.catalog import Catalog, IndexDef, Statistics
from engram.storage import temporal_values  # noqa: F401 - registers the temporal codecs
from engram.storage.adjacency import Direction, Expansion
from engram.storage.codec import register_extension
from engram.storage.endpoints import Endpoints
from engram.storage.indexing import Bound
from engram.storage.ordered import register_order_extension
from engram.storage.overlay import Savepoint
from engram.storage.records import ChangeSet, NodeRecord, RelRecord, VersionState
from engram.storage.store import DEFAULT_WRITE_TIMEOUT, FORMAT_VERSION, Store
from engram.storage.transaction import ReadTransaction, WriteTransaction

__all__ = [
    "DEFAULT_WRITE_TIMEOUT",
    "FORMAT_VERSION",
    "Bound",
    "ChangeSet",
    "Direction",
    "Endpoints",
    "Expansion",
    "GraphReader",
    "GraphWriter",
    "NodeRecord",
    "ReadTransaction",
    "RelRecord",
    "Savepoint",
    "Store",
    "VersionState",
    "WriteTransaction",
    "register_extension",
    "register_order_extension",
]

Ids = Sequence[int] | np.ndarray


class GraphReader(Protocol):
    """Reads at one snapshot (what operators may call)."""

    @property
    def version(self) -> int:
        """The snapshot version."""
        ...

    @property
    def catalog(self) -> Catalog:
        """The schema (a write transaction's own new names included)."""
        ...

    @property
    def statistics(self) -> Statistics:
        """Statistics of the snapshot."""
        ...

    @property
    def read_only(self) -> bool:
        """Whether the transaction can only read."""
        ...

    def is_deleted_node(self, node_id: int) -> bool:
        """Whether this transaction deleted the node."""
        ...

    def is_deleted_relationship(self, rel_id: int) -> bool:
        """Whether this transaction deleted the relationship."""
        ...

    def node(self, node_id: int, *, packed: bool = False) -> NodeRecord | None:
        """Labels and properties of a node, or None.

        With `packed`, inline vectors come as `PackedFloats` and vectors stored beside the
        record as `BESIDE` (read them with `node_vector`).
        """
        ...

    def node_vector(self, node_id: int, key_id: int, *, packed: bool = False) -> Any:
        """A float vector property stored beside the node's record, or None."""
        ...

    def nodes(self, node_ids: Ids, *, packed: bool = False) -> list[NodeRecord | None]:
        """`node` for many ids."""
        ...

    def node_exists(self, node_id: int) -> bool:
        """Whether the node exists."""
        ...

    def nodes_exist(self, node_ids: Ids) -> np.ndarray:
        """Mask of the ids that are existing nodes."""
        ...

    def node_labels(self, node_id: int) -> frozenset[int] | None:
        """Label ids of a node, or None if it does not exist."""
        ...

    def labels_of(self, node_ids: Ids) -> list[frozenset[int] | None]:
        """`node_labels` for many ids."""
        ...

    def has_label(self, node_ids: Ids, label_id: int) -> np.ndarray:
        """Mask of the nodes that exist and have the label."""
        ...

    def node_properties(self, node_id: int) -> dict[int, Any] | None:
        """Properties of a node by key id, or None."""
        ...

    def properties_of(self, node_ids: Ids) -> list[dict[int, Any] | None]:
        """`node_properties` for many ids."""
        ...

    def node_property(self, node_id: int, key_id: int) -> Any:
        """One property of a node (None if missing)."""
        ...

    def property_of(self, node_ids: Ids, key_id: int) -> list[Any]:
        """One property of many nodes."""
        ...

    def scan_nodes(self, batch_size: int = ...) -> Iterator[np.ndarray]:
        """Every node id in id order, in arrays."""
        ...

    def scan_label(self, label_id: int, batch_size: int = ...) -> Iterator[np.ndarray]:
        """Ids of the nodes with a label, in id order, in arrays."""
        ...

    def label_members(self, label_id: int) -> np.ndarray:
        """All ids of the nodes with a label, sorted."""
        ...

    def count_nodes(self, label_id: int | None = None) -> int:
        """Exact number of nodes (with the label)."""
        ...

    def relationship(self, rel_id: int) -> RelRecord | None:
        """Type and end points of a relationship, or None."""
        ...

    def relationships(self, rel_ids: Ids) -> list[RelRecord | None]:
        """`relationship` for many ids."""
        ...

    def relationship_properties(self, rel_id: int) -> dict[int, Any] | None:
        """Properties of a relationship, or None."""
        ...

    def relationship_properties_of(self, rel_ids: Ids) -> list[dict[int, Any] | None]:
        """`relationship_properties` for many ids."""
        ...

    def relationship_property(self, rel_id: int, key_id: int) -> Any:
        """One property of a relationship."""
        ...

    def relationship_property_of(self, rel_ids: Ids, key_id: int) -> list[Any]:
        """One property of many relationships."""
        ...

    def scan_relationships(
        self, type_id: int | None = None, batch_size: int = ...
    ) -> Iterator[np.ndarray]:
        """Relationship ids (of a type) in id order, in arrays."""
        ...

    def count_relationships(self, type_id: int | None = None) -> int:
        """Exact number of relationships (of the type)."""
        ...

    def relationship_endpoints(self, type_ids: Sequence[int] | None = None) -> Endpoints:
        """Every relationship (of the types) as start, end, id and type arrays."""
        ...

    def expand(
        self, node_ids: Ids, direction: Direction, type_ids: Sequence[int] | None = None
    ) -> Expansion:
        """Relationships of many nodes as aligned arrays."""
        ...

    def degree(
        self, node_ids: Ids, direction: Direction, type_ids: Sequence[int] | None = None
    ) -> np.ndarray:
        """Number of relationships of each node."""
        ...

    def index_seek(
        self,
        index: IndexDef,
        equal: Sequence[Any] = (),
        lower: Bound | None = None,
        upper: Bound | None = None,
        prefix: str | None = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Node ids from an index seek, in value order (`limit`: at least the first so many)."""
        ...

    def index_seek_in(self, index: IndexDef, values: Sequence[Any]) -> np.ndarray:
        """Node ids whose indexed value is in a list."""
        ...

    def unique_lookup(self, index: IndexDef, values: Sequence[Any]) -> int | None:
        """The node holding values in a unique index, or None."""
        ...


class GraphWriter(GraphReader, Protocol):
    """Writes of the write transaction (visible to its own reads at once)."""

    def savepoint(self) -> Savepoint:
        """Mark the state to return to with `rollback_to` (statement atomicity)."""
        ...

    def rollback_to(self, savepoint: Savepoint) -> None:
        """Undo every change made since the latest savepoint."""
        ...

    def intern_label(self, name: str) -> int:
        """Id of a label, created if new."""
        ...

    def intern_type(self, name: str) -> int:
        """Id of a relationship type, created if new."""
        ...

    def intern_property_key(self, name: str) -> int:
        """Id of a property key, created if new."""
        ...

    def create_node(
        self, labels: Iterable[int] = (), properties: Mapping[int, Any] | None = None
    ) -> int:
        """Create a node; returns its id."""
        ...

    def create_nodes(
        self, labels: Iterable[int], properties: Sequence[Mapping[int, Any]]
    ) -> np.ndarray:
        """Create nodes with the same labels; returns their ids."""
        ...

    def delete_node(self, node_id: int) -> bool:
        """Delete a node (relationships checked at statement end)."""
        ...

    def detach_delete_node(self, node_id: int) -> int:
        """Delete a node and its relationships; returns their count."""
        ...

    def check_deleted_nodes(self) -> None:
        """Fail if a deleted node still has relationships."""
        ...

    def set_node_property(self, node_id: int, key_id: int, value: Any) -> None:
        """Set a node property (None removes it)."""
        ...

    def remove_node_property(self, node_id: int, key_id: int) -> None:
        """Remove a node property."""
        ...

    def replace_node_properties(self, node_id: int, properties: Mapping[int, Any]) -> None:
        """Replace all properties of a node."""
        ...

    def add_labels(self, node_id: int, label_ids: Iterable[int]) -> int:
        """Add labels; returns how many were new."""
        ...

    def remove_labels(self, node_id: int, label_ids: Iterable[int]) -> int:
        """Remove labels; returns how many were present."""
        ...

    def create_relationship(
        self, type_id: int, start: int, end: int, properties: Mapping[int, Any] | None = None
    ) -> int:
        """Create a relationship; returns its id."""
        ...

    def create_relationships(
        self,
        type_id: int,
        starts: Ids,
        ends: Ids,
        properties: Sequence[Mapping[int, Any]] | None = None,
    ) -> np.ndarray:
        """Create many relationships of one type; returns their ids."""
        ...

    def delete_relationship(self, rel_id: int) -> bool:
        """Delete a relationship; False if it does not exist."""
        ...

    def set_relationship_property(self, rel_id: int, key_id: int, value: Any) -> None:
        """Set a relationship property (None removes it)."""
        ...

    def remove_relationship_property(self, rel_id: int, key_id: int) -> None:
        """Remove a relationship property."""
        ...

    def replace_relationship_properties(self, rel_id: int, properties: Mapping[int, Any]) -> None:
        """Replace all properties of a relationship."""
        ...

    def create_index(
        self,
        label_id: int,
        property_key_ids: Sequence[int],
        *,
        name: str | None = None,
        unique: bool = False,
        if_not_exists: bool = False,
        kind: str = ...,
        options: Mapping[str, Any] | None = None,
    ) -> IndexDef:
        """Create and build a property index or unique constraint."""
        ...

    def drop_index(self, name: str, *, if_exists: bool = False) -> IndexDef | None:
        """Drop an index or constraint by name."""
        ...
