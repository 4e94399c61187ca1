"""The batch read API the executor calls, at a snapshot, merged with a write overlay.

`GraphView` answers every read at its transaction's snapshot. In a write transaction it
also sees the transaction's own changes (read-your-own-writes), including in range
reads: label scans, relationship scans, expansions and index seeks merge the overlay.
Batch forms take numpy id arrays and return arrays or lists aligned with them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final

import numpy as np

from engram.catalog import Catalog, Statistics
from engram.errors import InternalError
from engram.storage import keys as layout
from engram.storage.adjacency import Direction, Expansion, degree_base, expand_base
from engram.storage.codec import BESIDE, decode_node, decode_node_labels, decode_rel, decode_vector
from engram.storage.codec import decode_rel_header as _rel_header
from engram.storage.derived import Csr, PropertyColumn, build_column, build_csr, values_by_node
from engram.storage.endpoints import Endpoints, relationship_endpoints
from engram.storage.id_arrays import (
    ID_DTYPE,
    MEMBER_DTYPE,
    as_ids,
    bitmap_of,
    ids_in_batches,
    joined_ids,
    merge_sorted,
)
from engram.storage.index_reads import IndexReads
from engram.storage.mvcc import VersionedReader
from engram.storage.overlay import TxState
from engram.storage.records import NodeRecord, RelRecord, VersionState

__all__ = ["DEFAULT_BATCH", "GraphView", "as_ids", "joined_ids"]

#: ids per array yielded by scans
DEFAULT_BATCH: Final = 4096
_CSR_MIN_DEMAND: Final = 4096
_V: Final = 8
_MAX_ID: Final = 2**63 - 1
#: lists of at most this many ids are read without numpy (cheaper for a few)
_FEW: Final = 64


class GraphView(IndexReads):
    """Reads at one snapshot; in write transactions, merged with the transaction's changes."""

    def __init__(self, reader: VersionedReader, state: VersionState, overlay: TxState | None):
        self._reader = reader
        self._state = state
        self._overlay = overlay

    # snapshot ------------------------------------------------------------------------

    @property
    def version(self) -> int:
        """The commit version this transaction reads (its snapshot)."""
        return self._reader.version

    @property
    def catalog(self) -> Catalog:
        """The schema as this transaction sees it (including its own new names)."""
        return self._overlay.catalog if self._overlay is not None else self._state.catalog

    @property
    def statistics(self) -> Statistics:
        """Statistics of the snapshot (a write transaction's own changes not included)."""
        return self._state.statistics

    # nodes ---------------------------------------------------------------------------

    def _node_raw(self, node_id: int) -> bytes | None:
        if not 0 <= node_id <= _MAX_ID:
            return None
        return self._reader.get(layout.node_key(node_id))

    def _node_raws(self, ids: np.ndarray) -> list[bytes | None]:
        if len(ids) and (ids.min() < 0):
            keys = [layout.node_key(i) if i >= 0 else b"" for i in ids.tolist()]
        else:
            keys = layout.node_keys(ids)
        return self._reader.multi_get(keys)

    def _touched(self, ids: np.ndarray, touched: dict[int, Any]) -> list[tuple[int, int]]:
        """(position, id) of the ids the overlay has an entry for."""
        if not touched:
            return []
        if len(touched) * 4 < len(ids):
            known = np.fromiter(touched, dtype=np.int64, count=len(touched))
            positions = np.flatnonzero(np.isin(ids, known))
            return [(int(p), int(ids[p])) for p in positions]
        return [(p, i) for p, i in enumerate(ids.tolist()) if i in touched]

    def node(self, node_id: int, *, packed: bool = False) -> NodeRecord | None:
        """The node's labels and properties, or None if it does not exist.

        With `packed`, float vectors stay as stored (`PackedFloats`, decoded on use).
        """
        overlay = self._overlay
        if overlay is not None and node_id in overlay.nodes:
            state = overlay.nodes[node_id]
            if state.deleted:
                return None
            return NodeRecord(node_id, frozenset(state.labels), dict(state.props))
        raw = self._node_raw(node_id)
        if raw is None:
            return None
        labels, properties = decode_node(raw, _V, packed=packed)
        record = NodeRecord(node_id, labels, properties)
        if not packed and BESIDE in properties.values():
            self._fill_beside([record])
        return record

    def nodes(
        self, node_ids: Sequence[int] | np.ndarray, *, packed: bool = False
    ) -> list[NodeRecord | None]:
        """`node` for many ids."""
        if type(node_ids) is list and len(node_ids) <= _FEW:
            return self._few_nodes(node_ids, packed)
        ids = as_ids(node_ids)
        result: list[NodeRecord | None] = []
        for node_id, raw in zip(ids.tolist(), self._node_raws(ids), strict=True):
            if raw is None:
                result.append(None)
            else:
                labels, properties = decode_node(raw, _V, packed=packed)
                result.append(NodeRecord(node_id, labels, properties))
        if not packed:
            self._fill_beside(result)
        if self._overlay is not None:
            for position, node_id in self._touched(ids, self._overlay.nodes):
                result[position] = self.node(node_id)
        return result

    def _few_nodes(self, node_ids: list[int], packed: bool) -> list[NodeRecord | None]:
        """`nodes` for a short list of ids: plain Python, no arrays (a vector search's hits)."""
        overlay = self._overlay
        if overlay is not None or not all(0 <= node <= _MAX_ID for node in node_ids):
            return [self.node(node, packed=packed) for node in node_ids]
        key = layout.node_key
        raws = self._reader.multi_get([key(node) for node in node_ids])
        found = [
            None if raw is None else NodeRecord(node, *decode_node(raw, _V, packed=packed))
            for node, raw in zip(node_ids, raws, strict=True)
        ]
        if not packed:
            self._fill_beside(found)
        return found

    def node_vector(self, node_id: int, key_id: int, *, packed: bool = False) -> Any:
        """A float vector property stored beside the node's record (None if there is none).

        Records read with `packed` keep `BESIDE` where such a property is; their reader
        fetches the vector here, at the same snapshot, when a query reads it.
        """
        raw = self._reader.get(layout.vector_key(node_id, key_id))
        return None if raw is None else decode_vector(raw, _V, packed=packed)

    def _fill_beside(self, records: Sequence[NodeRecord | None]) -> None:
        """Replace each `BESIDE` in these freshly decoded records by its vector, in one read."""
        wanted = [
            (record.id, record.properties, key)
            for record in records
            if record is not None
            for key, value in record.properties.items()
            if value is BESIDE
        ]
        if not wanted:
            return
        vectors = self._vectors([(node_id, key) for node_id, _, key in wanted])
        for (_, properties, key), vector in zip(wanted, vectors, strict=True):
            if vector is None or not isinstance(properties, dict):
                raise InternalError(f"node record refers to a missing vector (key {key})")
            properties[key] = vector

    def _vectors(self, wanted: list[tuple[int, int]]) -> list[Any]:
        """The vectors stored beside records for these (node, key id) pairs, in one read."""
        raws = self._reader.multi_get([layout.vector_key(node, key) for node, key in wanted])
        return [None if raw is None else decode_vector(raw, _V) for raw in raws]

    def is_deleted_node(self, node_id: int) -> bool:
        """Whether this transaction deleted the node (always False for readers)."""
        return self._overlay is not None and node_id in self._overlay.deleted_nodes

    def is_deleted_relationship(self, rel_id: int) -> bool:
        """Whether this transaction deleted the relationship (always False for readers)."""
        return self._overlay is not None and rel_id in self._overlay.deleted_rels

    def node_exists(self, node_id: int) -> bool:
        """Whether the node exists."""
        return self.node_labels(node_id) is not None

    def nodes_exist(self, node_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Boolean mask: which of the ids are existing nodes."""
        return np.array([labels is not None for labels in self.labels_of(node_ids)], dtype=bool)

    def node_labels(self, node_id: int) -> frozenset[int] | None:
        """Label ids of a node, or None if it does not exist."""
        overlay = self._overlay
        if overlay is not None and node_id in overlay.nodes:
            state = overlay.nodes[node_id]
            return None if state.deleted else frozenset(state.labels)
        raw = self._node_raw(node_id)
        return None if raw is None else decode_node_labels(raw, _V)

    def labels_of(self, node_ids: Sequence[int] | np.ndarray) -> list[frozenset[int] | None]:
        """`node_labels` for many ids."""
        ids = as_ids(node_ids)
        result = [
            None if raw is None else decode_node_labels(raw, _V) for raw in self._node_raws(ids)
        ]
        if self._overlay is not None:
            for position, node_id in self._touched(ids, self._overlay.nodes):
                result[position] = self.node_labels(node_id)
        return result

    def has_label(self, node_ids: Sequence[int] | np.ndarray, label_id: int) -> np.ndarray:
        """Boolean mask: which nodes exist and have `label_id`."""
        return np.array(
            [labels is not None and label_id in labels for labels in self.labels_of(node_ids)],
            dtype=bool,
        )

    def node_properties(self, node_id: int) -> dict[int, Any] | None:
        """All properties of a node by key id (a fresh dict), or None if it does not exist."""
        record = self.node(node_id)
        return None if record is None else dict(record.properties)

    def properties_of(self, node_ids: Sequence[int] | np.ndarray) -> list[dict[int, Any] | None]:
        """`node_properties` for many ids."""
        return [None if r is None else dict(r.properties) for r in self.nodes(node_ids)]

    def node_property(self, node_id: int, key_id: int) -> Any:
        """One property of a node (None if the node or the property is missing)."""
        overlay = self._overlay
        if overlay is not None and node_id in overlay.nodes:
            state = overlay.nodes[node_id]
            return None if state.deleted else state.props.get(key_id)
        raw = self._node_raw(node_id)
        if raw is None:
            return None
        value = decode_node(raw, _V)[1].get(key_id)
        return self.node_vector(node_id, key_id) if value is BESIDE else value

    def property_of(self, node_ids: Sequence[int] | np.ndarray, key_id: int) -> list[Any]:
        """One property of many nodes (None where missing)."""
        ids = as_ids(node_ids)
        result = [
            None if raw is None else decode_node(raw, _V)[1].get(key_id)
            for raw in self._node_raws(ids)
        ]
        beside = [position for position, value in enumerate(result) if value is BESIDE]
        if beside:
            vectors = self._vectors([(node, key_id) for node in ids[beside].tolist()])
            for position, vector in zip(beside, vectors, strict=True):
                result[position] = vector
        if self._overlay is not None:
            for position, node_id in self._touched(ids, self._overlay.nodes):
                result[position] = self.node_property(node_id, key_id)
        return result

    def scan_nodes(self, batch_size: int = DEFAULT_BATCH) -> Iterator[np.ndarray]:
        """Every node id in id order, in arrays of up to `batch_size` ids."""
        low, high = layout.family_range(layout.NODE)
        base = ids_in_batches(self._reader.scan_keys(low, high), ID_DTYPE, batch_size)
        overlay = self._overlay
        if overlay is None:
            return base
        created = [n for n in overlay.new_nodes if not overlay.nodes[n].deleted]
        removed = {n for n in overlay.deleted_nodes if not overlay.nodes[n].created}
        return merge_sorted(base, removed, created, batch_size)

    def scan_label(self, label_id: int, batch_size: int = DEFAULT_BATCH) -> Iterator[np.ndarray]:
        """Ids of the nodes with `label_id`, in id order, in arrays."""
        prefix = layout.label_prefix(label_id)
        keys = self._reader.scan_keys(prefix, layout.prefix_end(prefix))
        base = ids_in_batches(keys, MEMBER_DTYPE, batch_size)
        overlay = self._overlay
        if overlay is None:
            return base
        added = sorted(overlay.label_added.get(label_id, ()))
        return merge_sorted(base, overlay.label_removed.get(label_id), added, batch_size)

    def label_members(self, label_id: int) -> np.ndarray:
        """All ids of nodes with `label_id`, sorted (one read-only array).

        Read transactions share the array through their version's caches: it is built
        once per version and carried over by commits that do not touch the label.
        """
        if self._overlay is not None:
            return self._members(label_id)
        return self._state.caches.get(("label", label_id), lambda: self._members(label_id))

    def label_bitmap(self, label_id: int) -> np.ndarray:
        """A read-only boolean array: entry i tells whether node i has `label_id`."""
        if self._overlay is not None:
            return bitmap_of(self._members(label_id))
        return self._state.caches.get(
            ("label", label_id, "bitmap"), lambda: bitmap_of(self.label_members(label_id))
        )

    def _members(self, label_id: int) -> np.ndarray:
        members = joined_ids(GraphView.scan_label(self, label_id, 1 << 16))
        members.flags.writeable = False
        return members

    def count_nodes(self, label_id: int | None = None) -> int:
        """Exact number of nodes (with `label_id`, if given)."""
        count = self._state.statistics.label_count(label_id)
        if self._overlay is not None:
            delta = self._overlay.stats
            count += delta.nodes if label_id is None else delta.labels.get(label_id, 0)
        return count

    # relationships -------------------------------------------------------------------

    def _rel_raw(self, rel_id: int) -> bytes | None:
        if not 0 <= rel_id <= _MAX_ID:
            return None
        return self._reader.get(layout.rel_key(rel_id))

    def relationship(self, rel_id: int) -> RelRecord | None:
        """Type and end points of a relationship, or None if it does not exist."""
        overlay = self._overlay
        if overlay is not None and rel_id in overlay.rels:
            state = overlay.rels[rel_id]
            if state.deleted:
                return None
            return RelRecord(rel_id, state.type_id, state.start, state.end)
        raw = self._rel_raw(rel_id)
        if raw is None:
            return None
        type_id, start, end = _rel_header(raw, _V)
        return RelRecord(rel_id, type_id, start, end)

    def relationships(self, rel_ids: Sequence[int] | np.ndarray) -> list[RelRecord | None]:
        """`relationship` for many ids."""
        ids = as_ids(rel_ids)
        keys = [layout.rel_key(i) if i >= 0 else b"" for i in ids.tolist()]
        result: list[RelRecord | None] = []
        for rel_id, raw in zip(ids.tolist(), self._reader.multi_get(keys), strict=True):
            if raw is None:
                result.append(None)
            else:
                type_id, start, end = _rel_header(raw, _V)
                result.append(RelRecord(rel_id, type_id, start, end))
        if self._overlay is not None:
            for position, rel_id in self._touched(ids, self._overlay.rels):
                result[position] = self.relationship(rel_id)
        return result

    def relationship_properties(self, rel_id: int) -> dict[int, Any] | None:
        """Properties of a relationship by key id, or None if it does not exist."""
        overlay = self._overlay
        if overlay is not None and rel_id in overlay.rels:
            state = overlay.rels[rel_id]
            return None if state.deleted else dict(state.props)
        raw = self._rel_raw(rel_id)
        return None if raw is None else decode_rel(raw, _V)[3]

    def relationship_properties_of(
        self, rel_ids: Sequence[int] | np.ndarray
    ) -> list[dict[int, Any] | None]:
        """`relationship_properties` for many ids."""
        ids = as_ids(rel_ids)
        keys = [layout.rel_key(i) if i >= 0 else b"" for i in ids.tolist()]
        result = [
            None if raw is None else decode_rel(raw, _V)[3] for raw in self._reader.multi_get(keys)
        ]
        if self._overlay is not None:
            for position, rel_id in self._touched(ids, self._overlay.rels):
                result[position] = self.relationship_properties(rel_id)
        return result

    def relationship_property(self, rel_id: int, key_id: int) -> Any:
        """One property of a relationship (None if missing)."""
        properties = self.relationship_properties(rel_id)
        return None if properties is None else properties.get(key_id)

    def relationship_property_of(
        self, rel_ids: Sequence[int] | np.ndarray, key_id: int
    ) -> list[Any]:
        """One property of many relationships (None where missing)."""
        return [
            None if props is None else props.get(key_id)
            for props in self.relationship_properties_of(rel_ids)
        ]

    def scan_relationships(
        self, type_id: int | None = None, batch_size: int = DEFAULT_BATCH
    ) -> Iterator[np.ndarray]:
        """Relationship ids (of one type, if given) in id order, in arrays."""
        if type_id is None:
            low, high = layout.family_range(layout.REL)
            base = ids_in_batches(self._reader.scan_keys(low, high), ID_DTYPE, batch_size)
        else:
            prefix = layout.type_prefix(type_id)
            keys = self._reader.scan_keys(prefix, layout.prefix_end(prefix))
            base = ids_in_batches(keys, MEMBER_DTYPE, batch_size)
        overlay = self._overlay
        if overlay is None:
            return base
        if type_id is None:
            created = [r for r in overlay.new_rels if not overlay.rels[r].deleted]
            removed = {r for r in overlay.deleted_rels if not overlay.rels[r].created}
            return merge_sorted(base, removed, created, batch_size)
        added = sorted(overlay.type_added.get(type_id, ()))
        return merge_sorted(base, overlay.type_removed.get(type_id), added, batch_size)

    def relationship_endpoints(self, type_ids: Sequence[int] | None = None) -> Endpoints:
        """Every relationship of `type_ids` (None: all) as start, end, id and type arrays.

        One scan of the adjacency lists (see `engram.storage.endpoints`); read
        transactions share the arrays of a type through their version's caches.
        """
        return relationship_endpoints(self._reader, self._state.caches, self._overlay, type_ids)

    def count_relationships(self, type_id: int | None = None) -> int:
        """Exact number of relationships (of `type_id`, if given)."""
        count = self._state.statistics.type_count(type_id)
        if self._overlay is not None:
            delta = self._overlay.stats
            count += delta.rels if type_id is None else delta.types.get(type_id, 0)
        return count

    # adjacency -----------------------------------------------------------------------

    def expand(
        self,
        node_ids: Sequence[int] | np.ndarray,
        direction: Direction,
        type_ids: Sequence[int] | None = None,
    ) -> Expansion:
        """Relationships of many nodes at once, as aligned arrays (see `Expansion`).

        Rows are grouped by source position; BOTH returns a self-loop once.
        """
        ids = as_ids(node_ids)
        overlay = self._overlay
        single = type_ids[0] if type_ids and len(type_ids) == 1 else None
        if single is not None and (overlay is None or not overlay.adjacency):
            csr = self._csr(single, direction)
            if csr is not None:
                return csr.expand(ids)
        base = expand_base(self._reader, ids, direction, type_ids)
        if overlay is None or not overlay.adjacency:
            if single is not None and overlay is None:
                self._note_demand(single, direction, len(base) + ids.shape[0])
            return base
        if overlay.deleted_rels and len(base):
            removed = np.fromiter(overlay.deleted_rels, dtype=np.int64)
            base = base.select(~np.isin(base.relationship, removed))
        return Expansion.concat([base, self._added_adjacency(ids, direction, type_ids)])

    def _csr(self, type_id: int, direction: Direction) -> Csr | None:
        """The version's CSR for (type, direction), once enough expansion was asked.

        Building reads every relationship of the type, so it is worth it only after the
        version's readers have read a good share of them (a sixteenth, counted in
        adjacency entries and source ids); until then expansions read the stored chunks.
        Write transactions use the CSR of the version they started from when they have
        not changed any adjacency.
        """
        caches = self._state.caches
        key = ("adjacency", type_id, int(direction))
        found: Csr | None = caches.peek(key)
        if found is not None or self._overlay is not None:
            return found
        demand = caches.peek(("adjacency-demand", type_id, int(direction)))
        total = self._state.statistics.type_counts.get(type_id, 0)
        if demand is None or demand[0] < max(_CSR_MIN_DEMAND, total // 16):
            return None
        return caches.get(key, lambda: self._build_csr(type_id, direction))

    def _note_demand(self, type_id: int, direction: Direction, amount: int) -> None:
        key = ("adjacency-demand", type_id, int(direction))
        demand: list[int] = self._state.caches.get(key, lambda: [0])
        demand[0] += amount

    def _build_csr(self, type_id: int, direction: Direction) -> Csr:
        nodes = joined_ids(self.scan_nodes(1 << 16))
        return build_csr(nodes, expand_base(self._reader, nodes, direction, [type_id]), type_id)

    def property_column(self, label_id: int, key_id: int) -> PropertyColumn:
        """One property of every node with the label (-1: of every node), by sorted id.

        Read transactions share the column through their version's caches (built on first
        use, carried over by commits that change neither the label nor the key); a write
        transaction that has changed nodes builds its own.
        """
        overlay = self._overlay
        if overlay is not None and (
            overlay.nodes
            or label_id in overlay.label_added
            or label_id in overlay.label_removed
            or (label_id == -1 and (overlay.label_added or overlay.label_removed))
        ):
            return self._build_column(label_id, key_id)
        return self._state.caches.get(
            ("column", label_id, key_id), lambda: self._build_column(label_id, key_id)
        )

    def cached_column(self, label_id: int, key_id: int) -> PropertyColumn | None:
        """The version's column of the property if some reader has built it (else None)."""
        if self._overlay is not None:
            return None
        found: PropertyColumn | None = self._state.caches.peek(("column", label_id, key_id))
        return found

    def column_by_node(self, label_id: int, key_id: int) -> list[Any] | None:
        """The version's built column of the property as a list by node id (`values_by_node`).

        None while no reader has built the column, in a write transaction, and for a
        column over sparse ids or of values other than scalars.
        """
        if self._overlay is not None:
            return None
        caches, key = self._state.caches, ("column", label_id, key_id, "by node")
        listed: list[Any] | None = caches.peek(key)
        if listed is None:
            column = self.cached_column(label_id, key_id)
            if column is None:
                return None
            listed = caches.get(key, lambda: values_by_node(column))
        return listed

    def label_reads(self) -> dict[int, int] | None:
        """Node records read at this version so far, per label, by every reader of it.

        A shared, mutable tally (lost increments between threads only delay a decision);
        commits never carry it over. None in a write transaction, whose reads see its own
        changes rather than the version's.
        """
        if self._overlay is not None:
            return None
        tally: dict[int, int] = self._state.caches.get(("label-reads",), dict)
        return tally

    def _build_column(self, label_id: int, key_id: int) -> PropertyColumn:
        if label_id == -1:
            ids = joined_ids(self.scan_nodes(1 << 16))
        else:
            ids = self.label_members(label_id)
        return build_column(ids, self.property_of(ids, key_id))

    def _added_adjacency(
        self, ids: np.ndarray, direction: Direction, type_ids: Sequence[int] | None
    ) -> Expansion:
        overlay = self._overlay
        assert overlay is not None
        wanted = None if type_ids is None else set(type_ids)
        stored = direction.stored
        rows: list[tuple[int, int, int, int, bool]] = []
        for position, node_id in self._touched(ids, overlay.adjacency_by_node):
            for list_direction, type_id in sorted(overlay.adjacency_by_node[node_id]):
                if list_direction not in stored or (wanted is not None and type_id not in wanted):
                    continue
                change = overlay.adjacency[(node_id, list_direction, type_id)]
                outgoing = list_direction == layout.OUT
                for rel_id, neighbour in sorted(change.added.items()):
                    if direction is Direction.BOTH and not outgoing and neighbour == node_id:
                        continue
                    rows.append((position, neighbour, rel_id, type_id, outgoing))
        if not rows:
            return Expansion()
        columns = list(zip(*rows, strict=True))
        return Expansion(
            np.asarray(columns[0], dtype=np.int64),
            np.asarray(columns[1], dtype=np.int64),
            np.asarray(columns[2], dtype=np.int64),
            np.asarray(columns[3], dtype=np.int64),
            np.asarray(columns[4], dtype=bool),
        )

    def degree(
        self,
        node_ids: Sequence[int] | np.ndarray,
        direction: Direction,
        type_ids: Sequence[int] | None = None,
    ) -> np.ndarray:
        """Number of relationships of each node (self-loops once for BOTH)."""
        ids = as_ids(node_ids)
        overlay = self._overlay
        if overlay is None or not self._touched(ids, overlay.adjacency_by_node):
            return degree_base(self._reader, ids, direction, type_ids)
        expansion = self.expand(ids, direction, type_ids)
        return np.bincount(expansion.source, minlength=len(ids)).astype(np.int64)
