"""The commit change feed: what each commit changed, delivered to subscribers in commit order.

`Database.subscribe(callback)` registers a callback that receives one `CommitEvent` per
commit, after the commit is durable and visible to new readers, in version order even
when commits finish on several threads. An event lists every node and relationship the
commit created, updated or deleted, with labels and properties as plain Python values
(the state after the commit; the state before it for deletions). A commit that changed
no value (`SET n.x = n.x`) sends no event, so versions may skip.

The feed is built from two storage hooks: a before-write hook captures the changes while
the committing transaction still holds the writer lock (so captures are ordered by
version), and a commit listener releases them once the commit is visible. A capture whose
commit fails is replaced by the next commit, which reuses its version.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from engram import temporal
from engram.catalog import Catalog
from engram.storage import ChangeSet, Store, WriteTransaction
from engram.temporal.base import TemporalValue

__all__ = ["ChangeFeed", "ChangeKind", "CommitEvent", "NodeChange", "RelationshipChange"]

_log = logging.getLogger(__name__)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ChangeKind(enum.StrEnum):
    """How a commit changed an entity."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True, slots=True)
class NodeChange:
    """One node a commit changed.

    Attributes:
        id: the node id.
        change: created, updated or deleted.
        labels: labels after the commit (before it, for a deleted node).
        labels_before: labels before the commit (empty for a created node).
        properties: properties after the commit (before it, for a deleted node).
        changed_keys: property keys the commit set, changed or removed.
    """

    id: int
    change: ChangeKind
    labels: frozenset[str]
    labels_before: frozenset[str] = frozenset()
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    changed_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RelationshipChange:
    """One relationship a commit changed (properties as for `NodeChange`)."""

    id: int
    change: ChangeKind
    type: str
    start: int
    end: int
    properties: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    changed_keys: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class CommitEvent:
    """What one commit changed.

    Attributes:
        version: the commit version (increasing by one per commit).
        nodes: changed nodes, by id.
        relationships: changed relationships, by id.
        schema_changed: whether indexes or constraints were created or dropped.
        names_added: whether the commit introduced new labels, types or property keys.
    """

    version: int
    nodes: tuple[NodeChange, ...] = ()
    relationships: tuple[RelationshipChange, ...] = ()
    schema_changed: bool = False
    names_added: bool = False


Subscriber = Callable[[CommitEvent], None]


class ChangeFeed:
    """Captures commits of one store and hands them to subscribers in version order."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._dispatch = threading.Lock()
        self._pending: deque[CommitEvent] = deque()
        self._committed: set[int] = set()
        self._attached = False

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback(event)` after every later commit; returns the unsubscribe function."""
        with self._lock:
            if not self._attached:
                self._store.add_before_write(self._capture)
                self._store.add_listener(self._release)
                self._attached = True
            self._subscribers = [*self._subscribers, callback]

        def unsubscribe() -> None:
            with self._lock:
                self._subscribers = [s for s in self._subscribers if s is not callback]

        return unsubscribe

    @property
    def has_subscribers(self) -> bool:
        """Whether anyone is listening (captures are skipped otherwise)."""
        return bool(self._subscribers)

    def _capture(self, transaction: WriteTransaction, version: int, batch: object) -> None:
        if not self._subscribers:
            return
        event = capture_event(transaction, version)
        if not (event.nodes or event.relationships or event.schema_changed or event.names_added):
            return
        with self._dispatch:
            # a failed commit leaves its capture behind; the next commit reuses its version
            while self._pending and self._pending[-1].version >= version:
                self._pending.pop()
            self._pending.append(event)

    def _release(self, changes: ChangeSet) -> None:
        with self._dispatch:
            if not self._pending:
                return
            self._committed.add(changes.version)
            while self._pending and self._pending[0].version in self._committed:
                event = self._pending.popleft()
                self._committed.discard(event.version)
                self._deliver(event)
            if not self._pending:
                self._committed.clear()

    def _deliver(self, event: CommitEvent) -> None:
        for callback in self._subscribers:
            try:
                callback(event)
            except Exception:
                _log.exception("a commit subscriber failed on version %d", event.version)


def capture_event(transaction: WriteTransaction, version: int) -> CommitEvent:
    """The changes of a write transaction that is about to commit as `version`."""
    overlay = transaction.overlay
    catalog = overlay.catalog
    nodes = []
    for node_id, state in overlay.nodes.items():
        if state.created and state.deleted:
            continue
        if state.created:
            after = _named(catalog, state.props)
            nodes.append(
                NodeChange(
                    node_id,
                    ChangeKind.CREATED,
                    _labels(catalog, state.labels),
                    frozenset(),
                    after,
                    frozenset(after),
                )
            )
        elif state.deleted:
            before = _named(catalog, state.base_props)
            labels = _labels(catalog, state.base_labels)
            nodes.append(
                NodeChange(node_id, ChangeKind.DELETED, labels, labels, before, frozenset(before))
            )
        elif state.dirty:
            keys = _changed_keys(catalog, state.base_props, state.props)
            if not keys and state.labels == set(state.base_labels):
                continue
            nodes.append(
                NodeChange(
                    node_id,
                    ChangeKind.UPDATED,
                    _labels(catalog, state.labels),
                    _labels(catalog, state.base_labels),
                    _named(catalog, state.props),
                    keys,
                )
            )
    rels = []
    for rel_id, rel in overlay.rels.items():
        if rel.created and rel.deleted:
            continue
        kind = (
            ChangeKind.CREATED
            if rel.created
            else ChangeKind.DELETED
            if rel.deleted
            else ChangeKind.UPDATED
        )
        if kind is ChangeKind.UPDATED and not rel.dirty:
            continue
        props = rel.base_props if rel.deleted else rel.props
        keys = (
            _changed_keys(catalog, rel.base_props, rel.props)
            if kind is ChangeKind.UPDATED
            else frozenset(catalog.property_key_name(k) for k in props)
        )
        if kind is ChangeKind.UPDATED and not keys:
            continue
        rels.append(
            RelationshipChange(
                rel_id,
                kind,
                catalog.type_name(rel.type_id),
                rel.start,
                rel.end,
                _named(catalog, props),
                keys,
            )
        )
    return CommitEvent(
        version=version,
        nodes=tuple(sorted(nodes, key=lambda change: change.id)),
        relationships=tuple(sorted(rels, key=lambda change: change.id)),
        schema_changed=bool(overlay.created_indexes or overlay.dropped_indexes),
        names_added=overlay.new_names,
    )


def _labels(catalog: Catalog, label_ids: frozenset[int] | set[int]) -> frozenset[str]:
    return frozenset(catalog.label_name(label_id) for label_id in label_ids)


def _named(catalog: Catalog, properties: Mapping[int, Any]) -> Mapping[str, Any]:
    if not properties:
        return _EMPTY
    return MappingProxyType(
        {catalog.property_key_name(key): plain_value(value) for key, value in properties.items()}
    )


def _changed_keys(
    catalog: Catalog, before: Mapping[int, Any], after: Mapping[int, Any]
) -> frozenset[str]:
    return frozenset(
        catalog.property_key_name(key)
        for key in before.keys() | after.keys()
        if not _same(before.get(key), after.get(key))
    )


def _same(left: Any, right: Any) -> bool:
    # type-strict: True, 1 and 1.0 are different property values
    if type(left) is not type(right):
        return False
    if type(left) is list:
        return len(left) == len(right) and all(map(_same, left, right))
    return bool(left == right)


def plain_value(value: Any) -> Any:
    """A stored property value as the Python value `db.execute` would return."""
    if isinstance(value, TemporalValue):
        return temporal.to_python(value)
    if type(value) is list:
        return [plain_value(item) for item in value]
    return value
