"""Graph writes inside a write transaction: nodes, relationships, labels, properties, schema.

Every write lands in the transaction's overlay (`engram.storage.overlay.TxState`) and is
visible to the transaction's own reads at once. Index entries are maintained as
properties and labels change, and uniqueness is checked before anything is changed, so
a write that violates a constraint leaves the transaction as it was.

Deleting a node does not check its relationships: Cypher checks at the end of each
statement (``MATCH (n)-[r]-() DELETE n, r`` works in either order), so the engine calls
`check_deleted_nodes` then, and commit calls it again as a safety net.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from engram.catalog import PROPERTY_INDEX, IndexDef
from engram.errors import (
    ErrorDetail,
    ErrorKind,
    InternalError,
    QueryRuntimeError,
    TransactionError,
)
from engram.storage import keys as layout
from engram.storage.adjacency import Direction
from engram.storage.codec import BESIDE, check_property_value, decode_node, decode_rel
from engram.storage.derived_feed import check_values
from engram.storage.indexing import Entry, entry_for
from engram.storage.overlay import NodeState, RelState, Savepoint, TxState
from engram.storage.reads import GraphView, as_ids
from engram.storage.records import NodeRecord
from engram.storage.schema import IdAllocator, SchemaWriter, unique_violation

__all__ = ["GraphWriter", "IdAllocator"]

_V: Final = 8
_IndexEntries = dict[int, tuple[IndexDef, Entry]]


def _not_found(kind: str, entity_id: int, deleted: bool) -> QueryRuntimeError:
    message = (
        f"{kind} {entity_id} was deleted in this transaction"
        if deleted
        else f"{kind} {entity_id} does not exist"
    )
    return QueryRuntimeError(
        message, kind=ErrorKind.ENTITY_NOT_FOUND, detail=ErrorDetail.DELETED_ENTITY_ACCESS
    )


def _checked(properties: Mapping[int, Any] | None) -> dict[int, Any]:
    if not properties:
        return {}
    return {key: check_property_value(v) for key, v in properties.items() if v is not None}


class GraphWriter(SchemaWriter):
    """`GraphView` plus the write operations of a write transaction."""

    _overlay: TxState

    # state loading -------------------------------------------------------------------

    def _node_state(self, node_id: int) -> NodeState:
        overlay = self._overlay
        state = overlay.nodes.get(node_id)
        if state is not None:
            if state.deleted:
                raise _not_found("node", node_id, True)
            return state
        raw = self._node_raw(node_id)
        if raw is None:
            raise _not_found("node", node_id, False)
        labels, properties = decode_node(raw, _V)
        if BESIDE in properties.values():
            self._fill_beside([NodeRecord(node_id, labels, properties)])
        state = overlay.nodes[node_id] = NodeState(raw, labels, properties)
        return state

    def _rel_state(self, rel_id: int) -> RelState | None:
        overlay = self._overlay
        state = overlay.rels.get(rel_id)
        if state is not None:
            return None if state.deleted else state
        raw = self._rel_raw(rel_id)
        if raw is None:
            return None
        type_id, start, end, properties = decode_rel(raw, _V)
        state = overlay.rels[rel_id] = RelState(raw, type_id, start, end, properties)
        return state

    # index maintenance ---------------------------------------------------------------

    def _entries(
        self, node_id: int, labels: Iterable[int], props: Mapping[int, Any], keys: set[int] | None
    ) -> _IndexEntries:
        catalog = self._overlay.catalog
        found: _IndexEntries = {}
        for label in labels:
            for index in catalog.indexes_for_label(label):
                if index.kind != PROPERTY_INDEX:
                    continue
                if keys is not None and keys.isdisjoint(index.property_key_ids):
                    continue
                entry = entry_for(index, props, node_id)
                if entry is not None:
                    found[index.id] = (index, entry)
        return found

    def _touches_index(self, labels: Iterable[int], keys: set[int] | None) -> bool:
        catalog = self._overlay.catalog
        for label in labels:
            for index in catalog.indexes_for_label(label):
                if keys is None or not keys.isdisjoint(index.property_key_ids):
                    return True
        return False

    def _check_unique(self, node_id: int, before: _IndexEntries, after: _IndexEntries) -> None:
        for index_id, (index, entry) in after.items():
            if not index.unique or before.get(index_id, (None, None))[1] == entry:
                continue
            owner = GraphView.unique_owner(self, index, entry.key)
            if owner is not None and owner != node_id:
                raise unique_violation(self._overlay.catalog, index, owner, entry.value_key)

    def _swap_entries(self, before: _IndexEntries, after: _IndexEntries) -> None:
        overlay = self._overlay
        journal = overlay.journal
        for index_id, (_, entry) in before.items():
            if after.get(index_id, (None, None))[1] != entry:
                overlay.index_delta(index_id).remove(entry.key, entry.value_prefix, journal)
                overlay.stats.index_entry(index_id, entry.value_key, -1)
        for index_id, (_, entry) in after.items():
            if before.get(index_id, (None, None))[1] != entry:
                delta = overlay.index_delta(index_id)
                delta.add(entry.key, entry.value_prefix, entry.payload, journal)
                overlay.stats.index_entry(index_id, entry.value_key, +1)

    def _set_membership(self, state: NodeState, node_id: int, label: int, present: bool) -> None:
        overlay = self._overlay
        overlay.move_membership(
            overlay.label_added,
            overlay.label_removed,
            label,
            node_id,
            present=present,
            in_base=label in state.base_labels,
        )

    # savepoints ----------------------------------------------------------------------

    def savepoint(self) -> Savepoint:
        """Mark the current state so `rollback_to` can return to it (statement atomicity).

        Cheap: changes made after it are journaled, and rolling back undoes only those.
        A new savepoint replaces the previous one.
        """
        self._ensure_active()
        return self._overlay.begin_savepoint()

    def rollback_to(self, savepoint: Savepoint) -> None:
        """Undo every change made since `savepoint` (the transaction stays open).

        Raises:
            TransactionError: `savepoint` is not this transaction's latest savepoint.
        """
        self._ensure_active()
        if savepoint is not self._overlay.savepoint:
            raise TransactionError("only the latest savepoint of a transaction can be restored")
        self._overlay.rollback_to(savepoint)

    # nodes ---------------------------------------------------------------------------

    def create_node(
        self, labels: Iterable[int] = (), properties: Mapping[int, Any] | None = None
    ) -> int:
        """Create a node; returns its id.

        Raises:
            QueryRuntimeError: an invalid property value, or a unique constraint violation.
        """
        self._ensure_active()
        overlay = self._overlay
        label_set = set(labels)
        self._check_ids(len(overlay.catalog.labels), label_set, "label")
        props = _checked(properties)
        self._check_ids(len(overlay.catalog.property_keys), props, "property key")
        if label_set:
            check_values(overlay.catalog, label_set, props, None)
        node_id = self._ids.next_node_id()
        after = self._entries(node_id, label_set, props, None) if label_set else {}
        if after:
            self._check_unique(node_id, {}, after)
        state = NodeState(None, frozenset(), {})
        state.labels = label_set
        state.props = props
        overlay.dict_put(overlay.nodes, node_id, state)
        overlay.new_nodes.append(node_id)
        for label in label_set:
            overlay.set_add(overlay.label_added.setdefault(label, set()), node_id)
        overlay.stats.node(label_set, +1)
        if after:
            self._swap_entries({}, after)
        return node_id

    def create_nodes(
        self, labels: Iterable[int], properties: Sequence[Mapping[int, Any]]
    ) -> np.ndarray:
        """Create one node per property map, all with `labels`; returns their ids.

        Names are checked once for the whole batch and membership and statistics are
        updated once (labels with a derived index go node by node through
        `create_node`, which keeps those indexes' value checks).

        Raises:
            QueryRuntimeError: an invalid property value (nothing is created then) or a
                unique constraint violation (the nodes before the violating one stay).
        """
        self._ensure_active()
        label_list = list(labels)
        label_set = set(label_list)
        overlay = self._overlay
        catalog = overlay.catalog
        indexes = [index for label in label_set for index in catalog.indexes_for_label(label)]
        if any(index.kind != PROPERTY_INDEX for index in indexes):
            create = GraphWriter.create_node
            return np.asarray(
                [create(self, label_list, props) for props in properties], dtype=np.int64
            )
        self._check_ids(len(catalog.labels), label_set, "label")
        checked = [_checked(props) for props in properties]
        keys: set[int] = set()
        for props in checked:
            keys.update(props)
        self._check_ids(len(catalog.property_keys), keys, "property key")
        next_id = self._ids.next_node_id
        nodes = overlay.nodes
        ids = []
        for props in checked:
            node_id = next_id()
            # entries are checked and added node by node, so a later node of the batch
            # sees the unique values of the earlier ones
            after = self._entries(node_id, label_set, props, None) if indexes else None
            if after:
                self._check_unique(node_id, {}, after)
            state = NodeState(None, frozenset(), {})
            state.labels = set(label_set)
            state.props = props
            nodes[node_id] = state
            ids.append(node_id)
            if after:
                self._swap_entries({}, after)
        overlay.new_nodes.extend(ids)
        for label in label_set:
            overlay.label_added.setdefault(label, set()).update(ids)
        overlay.stats.node(label_set, len(ids))
        return np.asarray(ids, dtype=np.int64)

    def delete_node(self, node_id: int) -> bool:
        """Delete a node without checking its relationships (see `check_deleted_nodes`).

        Returns False if the node does not exist (or was deleted already).
        """
        self._ensure_active()
        overlay = self._overlay
        state = overlay.nodes.get(node_id)
        if state is not None and state.deleted:
            return False
        try:
            state = self._node_state(node_id)
        except QueryRuntimeError:
            return False
        before = self._entries(node_id, state.labels, state.props, None)
        overlay.touch(state)
        self._swap_entries(before, {})
        for label in state.labels:
            self._set_membership(state, node_id, label, False)
        overlay.stats.node(state.labels, -1)
        state.deleted = True
        overlay.set_add(overlay.deleted_nodes, node_id)
        overlay.unchecked_deletes.add(node_id)  # restored wholesale by rollback_to
        return True

    def check_deleted_nodes(self) -> None:
        """Fail if a node deleted since the last check still has a relationship.

        Raises:
            QueryRuntimeError: ConstraintVerificationFailed / DeleteConnectedNode.
        """
        overlay = self._overlay
        if not overlay.unchecked_deletes:
            return
        ids = as_ids(sorted(overlay.unchecked_deletes))
        degrees = GraphView.degree(self, ids, Direction.BOTH)
        connected = ids[degrees > 0]
        if len(connected):
            raise QueryRuntimeError(
                f"cannot delete node {int(connected[0])} because it still has relationships",
                kind=ErrorKind.CONSTRAINT_VERIFICATION_FAILED,
                detail=ErrorDetail.DELETE_CONNECTED_NODE,
                hint="use DETACH DELETE to delete a node together with its relationships",
            )
        overlay.unchecked_deletes.clear()

    def detach_delete_node(self, node_id: int) -> int:
        """Delete a node and all its relationships; returns how many relationships went."""
        self._ensure_active()
        if self._current_labels(node_id) is None:
            return 0
        expansion = GraphView.expand(self, as_ids([node_id]), Direction.BOTH)
        deleted = sum(
            GraphWriter.delete_relationship(self, int(rel)) for rel in expansion.relationship
        )
        GraphWriter.delete_node(self, node_id)
        return deleted

    def set_node_property(self, node_id: int, key_id: int, value: Any) -> None:
        """Set one property (None removes it)."""
        self._ensure_active()
        state = self._node_state(node_id)
        if value is None:
            if key_id not in state.props:
                return
            new_props = dict(state.props)
            del new_props[key_id]
        else:
            self._check_ids(len(self._overlay.catalog.property_keys), (key_id,), "property key")
            new_props = dict(state.props)
            new_props[key_id] = check_property_value(value)
        self._replace_props(node_id, state, new_props, {key_id})

    def remove_node_property(self, node_id: int, key_id: int) -> None:
        """Remove one property (no-op if absent)."""
        GraphWriter.set_node_property(self, node_id, key_id, None)

    def replace_node_properties(self, node_id: int, properties: Mapping[int, Any]) -> None:
        """Replace all properties of a node (None values are dropped)."""
        self._ensure_active()
        state = self._node_state(node_id)
        props = _checked(properties)
        self._check_ids(len(self._overlay.catalog.property_keys), props, "property key")
        self._replace_props(node_id, state, props, None)

    def _replace_props(
        self, node_id: int, state: NodeState, new_props: dict[int, Any], keys: set[int] | None
    ) -> None:
        if self._touches_index(state.labels, keys):
            check_values(self._overlay.catalog, state.labels, new_props, keys)
            before = self._entries(node_id, state.labels, state.props, keys)
            after = self._entries(node_id, state.labels, new_props, keys)
            self._check_unique(node_id, before, after)
            self._overlay.touch(state)
            state.props = new_props
            self._swap_entries(before, after)
        else:
            self._overlay.touch(state)
            state.props = new_props
        state.dirty = True

    def add_labels(self, node_id: int, label_ids: Iterable[int]) -> int:
        """Add labels to a node; returns how many it did not have."""
        self._ensure_active()
        state = self._node_state(node_id)
        new = set(label_ids) - state.labels
        if not new:
            return 0
        self._check_ids(len(self._overlay.catalog.labels), new, "label")
        check_values(self._overlay.catalog, new, state.props, None)
        after = self._entries(node_id, new, state.props, None)
        self._check_unique(node_id, {}, after)
        self._overlay.touch(state)
        state.labels = state.labels | new
        state.dirty = True
        for label in new:
            self._set_membership(state, node_id, label, True)
            self._overlay.stats.label(label, +1)
        self._swap_entries({}, after)
        return len(new)

    def remove_labels(self, node_id: int, label_ids: Iterable[int]) -> int:
        """Remove labels from a node; returns how many it had."""
        self._ensure_active()
        state = self._node_state(node_id)
        gone = set(label_ids) & state.labels
        if not gone:
            return 0
        before = self._entries(node_id, gone, state.props, None)
        self._overlay.touch(state)
        state.labels = state.labels - gone
        state.dirty = True
        for label in gone:
            self._set_membership(state, node_id, label, False)
            self._overlay.stats.label(label, -1)
        self._swap_entries(before, {})
        return len(gone)

    # relationships -------------------------------------------------------------------

    def create_relationship(
        self, type_id: int, start: int, end: int, properties: Mapping[int, Any] | None = None
    ) -> int:
        """Create a relationship from `start` to `end`; returns its id.

        Raises:
            QueryRuntimeError: an end node does not exist, or a property value is invalid.
        """
        self._ensure_active()
        overlay = self._overlay
        self._check_ids(len(overlay.catalog.types), (type_id,), "relationship type")
        start_labels = self._current_labels(start)
        end_labels = start_labels if end == start else self._current_labels(end)
        if start_labels is None or end_labels is None:
            missing = start if start_labels is None else end
            raise _not_found("node", missing, missing in overlay.deleted_nodes)
        props = _checked(properties)
        self._check_ids(len(overlay.catalog.property_keys), props, "property key")
        rel_id = self._ids.next_rel_id()
        state = RelState(None, type_id, start, end, {})
        state.props = props
        self._add_relationship(rel_id, state)
        overlay.stats.relationship(type_id, start_labels, end_labels, +1)
        return rel_id

    def _add_relationship(self, rel_id: int, state: RelState) -> None:
        overlay = self._overlay
        overlay.dict_put(overlay.rels, rel_id, state)
        overlay.new_rels.append(rel_id)
        overlay.set_add(overlay.type_added.setdefault(state.type_id, set()), rel_id)
        out = overlay.list_change(state.start, layout.OUT, state.type_id)
        overlay.dict_put(out.added, rel_id, state.end)
        incoming = overlay.list_change(state.end, layout.IN, state.type_id)
        overlay.dict_put(incoming.added, rel_id, state.start)

    def create_relationships(
        self,
        type_id: int,
        starts: Sequence[int] | np.ndarray,
        ends: Sequence[int] | np.ndarray,
        properties: Sequence[Mapping[int, Any]] | None = None,
    ) -> np.ndarray:
        """Create many relationships of one type (bulk loads); returns their ids.

        Raises:
            QueryRuntimeError: an end node does not exist or a property value is invalid;
                nothing is created then.
        """
        self._ensure_active()
        overlay = self._overlay
        self._check_ids(len(overlay.catalog.types), (type_id,), "relationship type")
        start_list, end_list = as_ids(starts).tolist(), as_ids(ends).tolist()
        if len(start_list) != len(end_list) or (
            properties is not None and len(properties) != len(start_list)
        ):
            raise InternalError("create_relationships needs aligned starts, ends and properties")
        labels = {node: self._current_labels(node) for node in {*start_list, *end_list}}
        missing = next((node for node, found in labels.items() if found is None), None)
        if missing is not None:
            raise _not_found("node", missing, missing in overlay.deleted_nodes)
        checked = [_checked(props) for props in properties] if properties is not None else None
        for props in checked or ():
            self._check_ids(len(overlay.catalog.property_keys), props, "property key")
        created = np.empty(len(start_list), dtype=np.int64)
        combos: dict[tuple[int, int], int] = {}
        for position, (start, end) in enumerate(zip(start_list, end_list, strict=True)):
            rel_id = self._ids.next_rel_id()
            state = RelState(None, type_id, start, end, {})
            if checked is not None:
                state.props = checked[position]
            self._add_relationship(rel_id, state)
            combos[(start, end)] = combos.get((start, end), 0) + 1
            created[position] = rel_id
        self._count_relationships(type_id, combos, labels)
        return created

    def _count_relationships(
        self,
        type_id: int,
        combos: dict[tuple[int, int], int],
        labels: Mapping[int, Iterable[int] | None],
    ) -> None:
        by_labels: dict[tuple[frozenset[int], frozenset[int]], int] = {}
        for (start, end), count in combos.items():
            key = (frozenset(labels[start] or ()), frozenset(labels[end] or ()))
            by_labels[key] = by_labels.get(key, 0) + count
        for (start_labels, end_labels), count in by_labels.items():
            self._overlay.stats.relationship(type_id, start_labels, end_labels, count)

    def delete_relationship(self, rel_id: int) -> bool:
        """Delete a relationship; returns False if it does not exist."""
        self._ensure_active()
        state = self._rel_state(rel_id)
        if state is None:
            return False
        overlay = self._overlay
        start_change = overlay.list_change(state.start, layout.OUT, state.type_id)
        end_change = overlay.list_change(state.end, layout.IN, state.type_id)
        if state.created:
            overlay.set_discard(overlay.type_added.get(state.type_id, set()), rel_id)
            overlay.dict_pop(start_change.added, rel_id)
            overlay.dict_pop(end_change.added, rel_id)
        else:
            overlay.set_add(overlay.type_removed.setdefault(state.type_id, set()), rel_id)
            overlay.set_add(start_change.removed, rel_id)
            overlay.set_add(end_change.removed, rel_id)
        overlay.set_add(overlay.deleted_rels, rel_id)
        overlay.touch(state)
        overlay.stats.relationship(
            state.type_id,
            self._labels_for_stats(state.start),
            self._labels_for_stats(state.end),
            -1,
        )
        state.deleted = True
        return True

    def _current_labels(self, node_id: int) -> Iterable[int] | None:
        """Labels of a node in this transaction's view, None if it does not exist.

        Committed labels are cached: only this transaction writes while it is open.
        """
        overlay = self._overlay
        state = overlay.nodes.get(node_id)
        if state is not None:
            return None if state.deleted else state.labels
        cache = overlay.label_cache
        if node_id in cache:
            return cache[node_id]
        labels = cache[node_id] = GraphView.node_labels(self, node_id)
        return labels

    def _labels_for_stats(self, node_id: int) -> Iterable[int]:
        state = self._overlay.nodes.get(node_id)
        if state is not None:
            return state.labels
        return self._current_labels(node_id) or ()

    def set_relationship_property(self, rel_id: int, key_id: int, value: Any) -> None:
        """Set one relationship property (None removes it)."""
        self._ensure_active()
        state = self._rel_state(rel_id)
        if state is None:
            raise _not_found("relationship", rel_id, rel_id in self._overlay.deleted_rels)
        if value is None:
            if key_id in state.props:
                self._overlay.touch(state)
                del state.props[key_id]
                state.dirty = True
            return
        self._check_ids(len(self._overlay.catalog.property_keys), (key_id,), "property key")
        checked = check_property_value(value)
        self._overlay.touch(state)
        state.props[key_id] = checked
        state.dirty = True

    def remove_relationship_property(self, rel_id: int, key_id: int) -> None:
        """Remove one relationship property (no-op if absent)."""
        GraphWriter.set_relationship_property(self, rel_id, key_id, None)

    def replace_relationship_properties(self, rel_id: int, properties: Mapping[int, Any]) -> None:
        """Replace all properties of a relationship."""
        self._ensure_active()
        state = self._rel_state(rel_id)
        if state is None:
            raise _not_found("relationship", rel_id, rel_id in self._overlay.deleted_rels)
        props = _checked(properties)
        self._check_ids(len(self._overlay.catalog.property_keys), props, "property key")
        self._overlay.touch(state)
        state.props = props
        state.dirty = True
