"""StoreGraph: the `GraphAccess` operators use, over one storage transaction.

Operators speak in names (labels, relationship types, property keys); the store speaks
in catalog ids. This adapter translates, creates names on first write, and raises
EntityNotFound for entities this transaction deleted, as openCypher requires.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError, TransactionError
from engram.execution.column_reads import LabelColumns
from engram.execution.context import Expansion
from engram.execution.entities import RelRef
from engram.execution.vectors import VectorAccess, create_vector_index
from engram.index.manager import VECTOR_KIND
from engram.storage.adjacency import Direction
from engram.storage.codec import BESIDE, PackedFloats
from engram.storage.derived import PropertyColumn, build_column
from engram.storage.indexing import Bound
from engram.storage.reads import GraphView
from engram.storage.records import NodeRecord
from engram.storage.transaction import WriteTransaction

__all__ = ["StoreGraph"]

#: decoded node records kept per statement before the cache starts over
_CACHE_LIMIT = 65536
_DIRECTIONS = {"->": Direction.OUT, "<-": Direction.IN, "--": Direction.BOTH}
_EMPTY_IDS = np.empty(0, dtype=np.int64)
_NOT_SERVED = object()
_EMPTY_EXPANSION: Expansion = (
    _EMPTY_IDS,
    _EMPTY_IDS,
    _EMPTY_IDS,
    _EMPTY_IDS,
    np.empty(0, dtype=bool),
)


def _deleted(kind: str, entity_id: int) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"the {kind} {entity_id} was deleted in this transaction",
        detail=ErrorDetail.DELETED_ENTITY_ACCESS,
        kind=ErrorKind.ENTITY_NOT_FOUND,
    )


class StoreGraph:
    """Name-level graph access over a read or write transaction."""

    __slots__ = ("_columns", "_keys", "_nodes", "_vectors", "_view", "_writer", "reads")

    def __init__(self, view: GraphView) -> None:
        self._view = view
        self._writer: WriteTransaction | None = view if isinstance(view, WriteTransaction) else None
        self._vectors: VectorAccess | None = None
        # property key ids found in the catalog: an id, once given, stays for the statement
        self._keys: dict[str, int] = {}
        self.reads = 0
        # decoded node records of this statement; every write through this object drops
        # the entry of the node it touches, so reads always see the statement's writes
        self._nodes: dict[int, NodeRecord | None] = {}
        # properties of a vector search's results, from columns once they pay off; made
        # by the first record read or search fetch
        self._columns: LabelColumns | None = None

    @property
    def vectors(self) -> VectorAccess:
        """Vector index searches of this transaction."""
        if self._vectors is None:
            self._vectors = VectorAccess(self._view)
        return self._vectors

    @property
    def view(self) -> GraphView:
        """The storage transaction."""
        return self._view

    def _write(self) -> WriteTransaction:
        if self._writer is None:
            raise TransactionError("this transaction is read-only")
        return self._writer

    # -- names -------------------------------------------------------------------------------

    def _label(self, name: str) -> int | None:
        return self._view.catalog.label_id(name)

    def _type_ids(self, names: tuple[str, ...]) -> list[int] | None:
        catalog = self._view.catalog
        return [i for i in (catalog.type_id(n) for n in names) if i is not None]

    def _key(self, name: str) -> int | None:
        found = self._keys.get(name)
        if found is None:
            found = self._view.catalog.property_key_id(name)
            if found is not None:
                self._keys[name] = found
        return found

    def _named(self, properties: Mapping[int, Any] | None) -> dict[str, Any]:
        if not properties:
            return {}
        name = self._view.catalog.property_key_name
        return {name(key): value for key, value in properties.items()}

    def _interned(self, properties: Mapping[str, Any]) -> dict[int, Any]:
        writer = self._write()
        return {writer.intern_property_key(key): value for key, value in properties.items()}

    # -- reads -------------------------------------------------------------------------------

    def all_node_ids(self) -> Iterator[np.ndarray]:
        """Every node id, ascending, in batches."""
        yield from self._view.scan_nodes()

    def label_node_ids(self, label: str) -> Iterator[np.ndarray]:
        """Ids of the nodes with the label, ascending."""
        label_id = self._label(label)
        if label_id is not None:
            yield from self._view.scan_label(label_id)

    def label_members(self, label: str) -> np.ndarray:
        """Ids of the nodes with `label`, ascending, in one read-only array."""
        label_id = self._label(label)
        if label_id is None:
            return _EMPTY_IDS
        self.reads += 1
        return self._view.label_members(label_id)

    def has_label_mask(self, node_ids: np.ndarray, label: str) -> np.ndarray:
        """Whether each node has `label` (False for -1, the null id)."""
        label_id = self._label(label)
        if label_id is None:
            return np.zeros(node_ids.shape[0], dtype=bool)
        self.reads += 1
        bitmap = self._view.label_bitmap(label_id)
        if bitmap.shape[0] == 0:
            return np.zeros(node_ids.shape[0], dtype=bool)
        inside = (node_ids >= 0) & (node_ids < bitmap.shape[0])
        result: np.ndarray = inside & bitmap[np.where(inside, node_ids, 0)]
        return result

    def property_column(self, label: str | None, key: str) -> PropertyColumn:
        """Property `key` of every node with `label` (None: of every node), by node id."""
        label_id = -1 if label is None else self._label(label)
        key_id = self._key(key)
        if label_id is None or key_id is None:
            return build_column(_EMPTY_IDS, [])
        return self._view.property_column(label_id, key_id)

    def index_seek(
        self,
        index: str,
        kind: str,
        values: Sequence[Any] = (),
        lower: Any = None,
        lower_inclusive: bool = True,
        upper: Any = None,
        upper_inclusive: bool = True,
        limit: int | None = None,
    ) -> np.ndarray:
        """Node ids through a property index (`limit`: it may stop after that many)."""
        definition = self._view.catalog.index(index)
        if definition is None:
            return _EMPTY_IDS
        self.reads += 1
        view = self._view
        if kind == "=":
            return view.index_seek(definition, equal=list(values), limit=limit)
        if kind == "IN":
            items = values[0]
            if not isinstance(items, list):
                return view.index_seek(definition, equal=[items])
            return view.index_seek_in(definition, [v for v in items if v is not None])
        if kind == "STARTS WITH":
            prefix = values[0]
            return (
                view.index_seek(definition, prefix=prefix, limit=limit)
                if isinstance(prefix, str)
                else (_EMPTY_IDS)
            )
        low = None if lower is None else Bound(lower, lower_inclusive)
        high = None if upper is None else Bound(upper, upper_inclusive)
        return view.index_seek(definition, lower=low, upper=high, limit=limit)

    def node_exists(self, node_id: int) -> bool:
        """Whether the node exists in this transaction."""
        return self._view.node_exists(node_id)

    def _record(self, node_id: int) -> NodeRecord | None:
        """The node's labels and properties, read once per statement (None if absent)."""
        cache = self._nodes
        if node_id in cache:
            return cache[node_id]
        self.reads += 1
        record = self._view.node(node_id, packed=True)
        (self._columns or self._column_reads()).count(record)
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[node_id] = record
        return record

    def prefetch_nodes(self, node_ids: list[int], label: str | None = None) -> None:
        """Read these nodes' records in one batch into the statement's cache.

        An operator that produces nodes whose properties the query reads next (a vector
        search's results) saves a storage round trip per node. With `label` (every node
        has it), their properties may come from the label's property columns instead,
        once those pay off (`engram.execution.column_reads`).
        """
        columns = self._columns or self._column_reads()
        if label is not None:
            label_id = self._label(label)
            if label_id is not None and columns.adopt(node_ids, label_id, self._record):
                return
        cache = self._nodes
        missing = [node for node in node_ids if node not in cache]
        if not missing:
            return
        if len(cache) + len(missing) > _CACHE_LIMIT:
            cache.clear()
        self.reads += len(missing)
        records = self._view.nodes(missing, packed=True)
        columns.count_all(records)
        cache.update(zip(missing, records, strict=True))

    def _column_reads(self) -> LabelColumns:
        self._columns = LabelColumns(self._view)
        return self._columns

    def _labels(self, node_id: int) -> frozenset[int]:
        record = self._record(node_id)
        if record is None:
            if self.is_deleted_node(node_id):
                raise _deleted("node", node_id)
            return frozenset()
        return record.labels

    def node_labels(self, node_id: int) -> frozenset[str]:
        """Label names of the node."""
        name = self._view.catalog.label_name
        return frozenset(name(label) for label in self._labels(node_id))

    def has_label(self, node_id: int, label: str) -> bool:
        """Whether the node has the label."""
        label_id = self._label(label)
        return label_id is not None and label_id in self._labels(node_id)

    def node_property(self, node_id: int, key: str) -> Any:
        """One property, None when absent."""
        columns = self._columns
        if columns is not None and columns.adopted:
            key_id = self._key(key)
            if key_id is None:
                return None
            found = columns.values(key_id, self._record).get(node_id, _NOT_SERVED)
            if found is not _NOT_SERVED:
                return found
        record = self._record(node_id)
        if record is None:
            if self.is_deleted_node(node_id):
                raise _deleted("node", node_id)
            return None
        key_id = self._key(key)
        if key_id is None:
            return None
        return self._unpacked(node_id, key_id, record.properties.get(key_id))

    def node_property_values(self, node_ids: list[int], key: str) -> list[Any] | None:
        """`node_property` of many nodes, in order (None in a write transaction)."""
        if self._writer is not None:
            return None
        columns = self._columns
        if columns is not None and columns.adopted:
            key_id = self._key(key)
            if key_id is None:
                return [None] * len(node_ids)
            found = columns.batch(node_ids, key_id, self._record)
            if found is not None:
                return found
            served = columns.values(key_id, self._record)
            found = [served.get(node, _NOT_SERVED) for node in node_ids]
            if _NOT_SERVED not in found:
                return found
        read = self.node_property
        return [read(node, key) for node in node_ids]

    def node_properties(self, node_id: int) -> dict[str, Any]:
        """All properties by name."""
        record = self._record(node_id)
        if record is None:
            if self.is_deleted_node(node_id):
                raise _deleted("node", node_id)
            return {}
        return self._named(
            {
                key_id: self._unpacked(node_id, key_id, value)
                for key_id, value in record.properties.items()
            }
        )

    def _unpacked(self, node_id: int, key_id: int, value: Any) -> Any:
        """A value of a packed record as the query sees it.

        Vectors are decoded, and vectors stored beside the record read, only when a
        query reads them.
        """
        if type(value) is PackedFloats:
            return value.floats()
        if value is BESIDE:
            return self._view.node_vector(node_id, key_id)
        return value

    def relationship(self, rel_id: int) -> RelRef | None:
        """The relationship, or None."""
        record = self._view.relationship(rel_id)
        if record is None:
            return None
        return RelRef(record.id, record.type_id, record.start, record.end)

    def rel_property(self, rel_id: int, key: str) -> Any:
        """One relationship property."""
        self.reads += 1
        properties = self._view.relationship_properties(rel_id)
        if properties is None:
            if self.is_deleted_relationship(rel_id):
                raise _deleted("relationship", rel_id)
            return None
        key_id = self._key(key)
        return None if key_id is None else properties.get(key_id)

    def rel_properties(self, rel_id: int) -> dict[str, Any]:
        """All relationship properties by name."""
        self.reads += 1
        properties = self._view.relationship_properties(rel_id)
        if properties is None and self.is_deleted_relationship(rel_id):
            raise _deleted("relationship", rel_id)
        return self._named(properties)

    def rel_type_name(self, type_id: int) -> str:
        """Name of a relationship type id."""
        return self._view.catalog.type_name(type_id)

    def expand(self, node_ids: np.ndarray, direction: str, types: tuple[str, ...]) -> Expansion:
        """Relationships of many nodes, as aligned arrays."""
        type_ids = None
        if types:
            type_ids = self._type_ids(types)
            if not type_ids:
                return _EMPTY_EXPANSION
        self.reads += len(node_ids)
        found = self._view.expand(node_ids, _DIRECTIONS[direction], type_ids)
        return (found.source, found.neighbour, found.relationship, found.type_id, found.outgoing)

    def degree(self, node_id: int, direction: str, types: tuple[str, ...]) -> int:
        """Number of relationships of one node."""
        type_ids = None
        if types:
            type_ids = self._type_ids(types)
            if not type_ids:
                return 0
        ids = np.array([node_id], dtype=np.int64)
        return int(self._view.degree(ids, _DIRECTIONS[direction], type_ids)[0])

    def labels_in_use(self) -> list[str]:
        """Labels at least one node has."""
        catalog = self._view.catalog
        names = [catalog.label_name(i) for i in range(len(catalog.labels))]
        return [
            name
            for name in names
            if (label_id := catalog.label_id(name)) is not None
            and self._view.count_nodes(label_id) > 0
        ]

    def relationship_types_in_use(self) -> list[str]:
        """Relationship types at least one relationship has."""
        catalog = self._view.catalog
        names = [catalog.type_name(i) for i in range(len(catalog.types))]
        return [
            name
            for name in names
            if (type_id := catalog.type_id(name)) is not None
            and self._view.count_relationships(type_id) > 0
        ]

    def property_keys(self) -> list[str]:
        """Every property key name in the catalog."""
        catalog = self._view.catalog
        return [catalog.property_key_name(i) for i in range(len(catalog.property_keys))]

    def nodes_with_labels(self, labels: Sequence[str]) -> np.ndarray:
        """Sorted ids of the nodes with any of `labels` (every node when there are none)."""
        view = self._view
        if not labels:
            parts = list(view.scan_nodes(1 << 16))
            return np.concatenate(parts) if parts else _EMPTY_IDS
        found = [
            view.label_members(label_id)
            for label_id in (self._label(label) for label in labels)
            if label_id is not None
        ]
        if not found:
            return _EMPTY_IDS
        return found[0] if len(found) == 1 else np.unique(np.concatenate(found))

    def relationship_arrays(
        self, types: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, end, relationship id) of every relationship of `types` (all: none)."""
        type_ids = None
        if types:
            type_ids = self._type_ids(tuple(types))
            if not type_ids:
                return _EMPTY_IDS, _EMPTY_IDS, _EMPTY_IDS
        found = self._view.relationship_endpoints(type_ids)
        return found.start, found.end, found.relationship

    def relationship_values(self, rel_ids: np.ndarray, key: str) -> list[Any]:
        """One property of many relationships (None where missing)."""
        key_id = self._key(key)
        if key_id is None:
            return [None] * len(rel_ids)
        return self._view.relationship_property_of(rel_ids, key_id)

    # -- writes ------------------------------------------------------------------------------

    def create_node(self, labels: Sequence[str], properties: Mapping[str, Any]) -> int:
        """Create a node."""
        writer = self._write()
        label_ids = [writer.intern_label(label) for label in labels]
        return writer.create_node(label_ids, self._interned(properties))

    def create_relationship(
        self, rel_type: str, start: int, end: int, properties: Mapping[str, Any]
    ) -> RelRef:
        """Create a relationship."""
        writer = self._write()
        for node in (start, end):
            if self.is_deleted_node(node):
                raise _deleted("node", node)
        type_id = writer.intern_type(rel_type)
        rel_id = writer.create_relationship(type_id, start, end, self._interned(properties))
        return RelRef(rel_id, type_id, start, end)

    def create_nodes(
        self, labels: Sequence[str], properties: Sequence[Mapping[str, Any]]
    ) -> list[int]:
        """Create one node per property map (names interned once for the whole batch)."""
        writer = self._write()
        label_ids = [writer.intern_label(label) for label in labels]
        created = writer.create_nodes(label_ids, self._interned_all(properties))
        return [int(node_id) for node_id in created.tolist()]

    def create_relationships(
        self,
        rel_type: str,
        starts: Sequence[int],
        ends: Sequence[int],
        properties: Sequence[Mapping[str, Any]],
    ) -> list[RelRef]:
        """Create relationships of one type in one storage call."""
        writer = self._write()
        deleted = writer.overlay.deleted_nodes
        if deleted:
            for node in (*starts, *ends):
                if node in deleted:
                    raise _deleted("node", node)
        type_id = writer.intern_type(rel_type)
        created = writer.create_relationships(
            type_id, list(starts), list(ends), self._interned_all(properties)
        )
        return [
            RelRef(rel_id, type_id, start, end)
            for rel_id, start, end in zip(created.tolist(), starts, ends, strict=True)
        ]

    def _interned_all(self, properties: Sequence[Mapping[str, Any]]) -> list[dict[int, Any]]:
        writer = self._write()
        ids: dict[str, int] = {}
        out = []
        for props in properties:
            interned = {}
            for key, value in props.items():
                key_id = ids.get(key)
                if key_id is None:
                    key_id = ids[key] = writer.intern_property_key(key)
                interned[key_id] = value
            out.append(interned)
        return out

    def set_node_property(self, node_id: int, key: str, value: Any) -> None:
        """Set or (None) remove a node property."""
        self._nodes.pop(node_id, None)
        writer = self._write()
        if self.is_deleted_node(node_id):
            raise _deleted("node", node_id)
        if value is None:
            key_id = self._key(key)
            if key_id is not None:
                writer.remove_node_property(node_id, key_id)
            return
        writer.set_node_property(node_id, writer.intern_property_key(key), value)

    def set_rel_property(self, rel_id: int, key: str, value: Any) -> None:
        """Set or (None) remove a relationship property."""
        writer = self._write()
        if self.is_deleted_relationship(rel_id):
            raise _deleted("relationship", rel_id)
        if value is None:
            key_id = self._key(key)
            if key_id is not None:
                writer.remove_relationship_property(rel_id, key_id)
            return
        writer.set_relationship_property(rel_id, writer.intern_property_key(key), value)

    def replace_node_properties(self, node_id: int, properties: Mapping[str, Any]) -> None:
        """Replace all properties of a node."""
        self._nodes.pop(node_id, None)
        if self.is_deleted_node(node_id):
            raise _deleted("node", node_id)
        self._write().replace_node_properties(node_id, self._interned(properties))

    def replace_rel_properties(self, rel_id: int, properties: Mapping[str, Any]) -> None:
        """Replace all properties of a relationship."""
        if self.is_deleted_relationship(rel_id):
            raise _deleted("relationship", rel_id)
        self._write().replace_relationship_properties(rel_id, self._interned(properties))

    def add_labels(self, node_id: int, labels: Sequence[str]) -> int:
        """Add labels; how many were new."""
        self._nodes.pop(node_id, None)
        writer = self._write()
        if self.is_deleted_node(node_id):
            raise _deleted("node", node_id)
        return writer.add_labels(node_id, [writer.intern_label(label) for label in labels])

    def remove_labels(self, node_id: int, labels: Sequence[str]) -> int:
        """Remove labels; how many the node had."""
        self._nodes.pop(node_id, None)
        writer = self._write()
        if self.is_deleted_node(node_id):
            raise _deleted("node", node_id)
        ids = [i for i in (self._label(label) for label in labels) if i is not None]
        return writer.remove_labels(node_id, ids) if ids else 0

    def delete_node(self, node_id: int) -> bool:
        """Delete a node (relationships are checked at the end of the statement)."""
        self._nodes.pop(node_id, None)
        return self._write().delete_node(node_id)

    def detach_delete_node(self, node_id: int) -> int:
        """Delete a node and its relationships."""
        self._nodes.pop(node_id, None)
        return self._write().detach_delete_node(node_id)

    def delete_relationship(self, rel_id: int) -> bool:
        """Delete a relationship."""
        return self._write().delete_relationship(rel_id)

    def is_deleted_node(self, node_id: int) -> bool:
        """Whether this transaction deleted the node."""
        return self._view.is_deleted_node(node_id)

    def is_deleted_relationship(self, rel_id: int) -> bool:
        """Whether this transaction deleted the relationship."""
        return self._view.is_deleted_relationship(rel_id)

    # -- schema ------------------------------------------------------------------------------

    def create_index(
        self, name: str | None, label: str, keys: Sequence[str], if_not_exists: bool
    ) -> bool:
        """Create a property index; False when IF NOT EXISTS found one already."""
        return self._create(name, label, keys, if_not_exists, unique=False)

    def create_constraint(
        self, name: str | None, label: str, keys: Sequence[str], if_not_exists: bool
    ) -> bool:
        """Create a uniqueness constraint; False when IF NOT EXISTS found one already."""
        return self._create(name, label, keys, if_not_exists, unique=True)

    def _create(
        self, name: str | None, label: str, keys: Sequence[str], if_not_exists: bool, unique: bool
    ) -> bool:
        writer = self._write()
        before = len(writer.catalog.indexes)
        writer.create_index(
            writer.intern_label(label),
            [writer.intern_property_key(key) for key in keys],
            name=name,
            unique=unique,
            if_not_exists=if_not_exists,
        )
        return len(writer.catalog.indexes) > before

    def create_vector_index(
        self,
        name: str | None,
        label: str,
        key: str,
        options: Mapping[str, Any],
        if_not_exists: bool,
    ) -> bool:
        """Create and build a vector index; False when IF NOT EXISTS found one already."""
        return create_vector_index(self._write(), name, label, key, options, if_not_exists)

    def drop_index(self, name: str, if_exists: bool) -> bool:
        """Drop an index by name; False when IF EXISTS found none."""
        return self._write().drop_index(name, if_exists=if_exists) is not None

    def drop_constraint(self, name: str, if_exists: bool) -> bool:
        """Drop a constraint by name; False when IF EXISTS found none."""
        return self._write().drop_index(name, if_exists=if_exists) is not None

    def show_indexes(self) -> list[tuple[Any, ...]]:
        """One row per index (columns as `SHOW INDEXES` names them)."""
        catalog, stats = self._view.catalog, self._view.statistics
        rows = []
        for index in sorted(catalog.indexes, key=lambda i: i.name):
            kind = "UNIQUE" if index.unique else index.kind.upper()
            keys = [catalog.property_key_name(k) for k in index.property_key_ids]
            state, size = index.state.value.upper(), stats.index_stats(index.id).entries
            if index.kind == VECTOR_KIND:
                state, size = self.vectors.state(index)
            rows.append(
                (
                    index.name,
                    kind,
                    "NODE",
                    [catalog.label_name(index.label_id)],
                    keys,
                    state,
                    dict(index.options),
                    size,
                )
            )
        return rows

    def show_constraints(self) -> list[tuple[Any, ...]]:
        """One row per constraint (columns as `SHOW CONSTRAINTS` names them)."""
        catalog = self._view.catalog
        rows = []
        for index in sorted(catalog.constraints, key=lambda i: i.name):
            keys = [catalog.property_key_name(k) for k in index.property_key_ids]
            rows.append(
                (
                    index.name,
                    "UNIQUENESS",
                    "NODE",
                    [catalog.label_name(index.label_id)],
                    keys,
                    index.name,
                )
            )
        return rows

    def schema_summary(self) -> dict[str, Any]:
        """Labels and types with counts, property keys, indexes and constraints."""
        view = self._view
        catalog = view.catalog
        labels = {name: view.count_nodes(catalog.label_id(name)) for name in catalog.label_names()}
        types = {
            name: view.count_relationships(catalog.type_id(name)) for name in catalog.type_names()
        }
        return {
            "labels": labels,
            "relationshipTypes": types,
            "propertyKeys": list(catalog.property_key_names()),
            "indexes": [row[0] for row in self.show_indexes()],
            "constraints": [row[0] for row in self.show_constraints()],
            "nodes": view.count_nodes(None),
            "relationships": view.count_relationships(None),
        }

    def check_deleted_nodes_detached(self) -> None:
        """Raise if a node deleted in this statement still has relationships."""
        if self._writer is not None:
            self._writer.check_deleted_nodes()
