"""Turning a write transaction's overlay into one atomic batch.

The batch holds, for commit version ``V``: every changed versioned key (values prefixed
with ``V``), a history entry ``history | key | V`` with the old value of every key it
overwrites or deletes, rewritten adjacency chunks, index entries, the changed statistics
entries, catalog entries, the meta record (version and id counters) and deletes of
history that no reader needs any more. Nothing is written until the whole batch is
built, so a failure while building leaves the store untouched.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any, Final

import msgpack

from engram.catalog import Catalog, IndexStats, NameKind
from engram.errors import InternalError
from engram.storage import keys as layout
from engram.storage.chunks import UNKNOWN, head_key, update_list
from engram.storage.codec import beside_keys, encode_node_split, encode_rel
from engram.storage.derived_feed import feed_entries
from engram.storage.ingest import INTENT_KEY, IngestFiles
from engram.storage.overlay import NodeState, TxState
from engram.storage.records import ChangeSet, IdSet, VersionState
from engram.storage.rocks import Batch, KeyValueBackend
from engram.storage.statistics import apply_delta

__all__ = [
    "CommitPlan",
    "Counters",
    "build_commit",
    "catalog_entries",
    "decode_counters",
    "encode_counters",
]

_STATE = struct.Struct(">QQQQ")
_ID = struct.Struct(">I")
_V: Final = 8
STATE_KEY: Final = bytes([layout.META]) + b"state"
FORMAT_KEY: Final = bytes([layout.META]) + b"format"
_NAME_KINDS: Final = {NameKind.LABEL: b"L", NameKind.TYPE: b"T", NameKind.PROPERTY_KEY: b"K"}
_INDEX_KIND: Final = b"I"


@dataclass(frozen=True, slots=True)
class Counters:
    """The meta record: last committed version and the next ids to hand out."""

    version: int
    next_node: int
    next_rel: int
    next_index: int


def encode_counters(counters: Counters) -> bytes:
    """Bytes of the meta state record."""
    return _STATE.pack(counters.version, counters.next_node, counters.next_rel, counters.next_index)


def decode_counters(raw: bytes) -> Counters:
    """Inverse of `encode_counters`."""
    return Counters(*_STATE.unpack(raw))


def name_key(kind: NameKind, name_id: int) -> bytes:
    """Catalog key of a name."""
    return bytes([layout.CATALOG]) + _NAME_KINDS[kind] + _ID.pack(name_id)


def index_def_key(index_id: int) -> bytes:
    """Catalog key of an index definition."""
    return bytes([layout.CATALOG]) + _INDEX_KIND + _ID.pack(index_id)


def catalog_entries(catalog: Catalog, since: Catalog | None = None) -> dict[bytes, bytes]:
    """Catalog-family entries for the names of `catalog` not in `since`, and its indexes."""
    entries: dict[bytes, bytes] = {}
    for kind in NameKind:
        table = catalog.table(kind)
        start = 0 if since is None else len(since.table(kind))
        for name_id in range(start, len(table)):
            entries[name_key(kind, name_id)] = table.names[name_id].encode("utf-8", "surrogatepass")
    if since is None:
        for index in catalog.indexes:
            entries[index_def_key(index.id)] = msgpack.packb(index.to_record())
    return entries


def decode_catalog(entries: list[tuple[bytes, bytes]]) -> Catalog:
    """Rebuild the catalog from the entries of the catalog family."""
    from engram.catalog import IndexDef, NameTable

    names: dict[bytes, dict[int, str]] = {kind: {} for kind in _NAME_KINDS.values()}
    indexes = []
    for key, value in entries:
        kind = key[1:2]
        if kind == _INDEX_KIND:
            indexes.append(IndexDef.from_record(msgpack.unpackb(value)))
        elif kind in names:
            names[kind][_ID.unpack_from(key, 2)[0]] = value.decode("utf-8", "surrogatepass")

    def table(kind: NameKind) -> NameTable:
        found = names[_NAME_KINDS[kind]]
        return NameTable.of(found[i] for i in range(len(found)))

    return Catalog(
        labels=table(NameKind.LABEL),
        types=table(NameKind.TYPE),
        property_keys=table(NameKind.PROPERTY_KEY),
        indexes=tuple(sorted(indexes, key=lambda index: index.id)),
    )


@dataclass(slots=True)
class CommitPlan:
    """A built commit: the batch, the state to publish, and what changed."""

    batch: Batch
    state: VersionState
    changes: ChangeSet
    history: list[bytes]
    dropped_ranges: list[tuple[bytes, bytes]]
    operations: int
    #: a table file of bulk records to ingest before the batch is written, if any
    ingest: IngestFiles | None = None


class _Builder:
    """Collects versioned writes, then resolves old values and emits history."""

    def __init__(self, overlay: TxState, version: int) -> None:
        self.overlay = overlay
        self.version = version
        self.writes: dict[bytes, bytes | None] = {}
        self.fresh: set[bytes] = set()
        self.old: dict[bytes, bytes] = {}

    def put(
        self, key: bytes, payload: bytes, *, fresh: bool = False, old: bytes | None = None
    ) -> None:
        self.writes[key] = payload
        if fresh:
            self.fresh.add(key)
        elif old is not None:
            self.old[key] = old

    def delete(self, key: bytes, *, old: bytes | None = None) -> None:
        self.writes[key] = None
        if old is not None:
            self.old[key] = old

    def nodes(self) -> set[int]:
        changed = set()
        for node_id, state in self.overlay.nodes.items():
            key = layout.node_key(node_id)
            if state.created:
                if state.deleted:
                    continue
                payload, vectors = encode_node_split(state.labels, state.props)
                self.put(key, payload, fresh=True)
                for key_id, vector in vectors:
                    self.put(layout.vector_key(node_id, key_id), vector, fresh=True)
                for label in state.labels:
                    self.put(layout.label_key(label, node_id), b"", fresh=True)
            elif state.deleted:
                self.delete(key, old=state.base_raw)
                self._vectors(node_id, state, [])
                for label in state.base_labels:
                    self.delete(layout.label_key(label, node_id))
            elif state.dirty:
                payload, vectors = encode_node_split(state.labels, state.props)
                self.put(key, payload, old=state.base_raw)
                self._vectors(node_id, state, vectors)
                for label in state.labels - state.base_labels:
                    self.put(layout.label_key(label, node_id), b"", fresh=True)
                for label in state.base_labels - state.labels:
                    self.delete(layout.label_key(label, node_id))
            else:
                continue
            changed.add(node_id)
        return changed

    def _vectors(self, node_id: int, state: NodeState, vectors: list[tuple[int, bytes]]) -> None:
        """Write a changed node's vectors beside its record; delete those it no longer has.

        A vector already stored beside the record that the transaction did not set (the
        very object it read) is left as it is.
        """
        stored = set() if state.base_raw is None else set(beside_keys(state.base_raw, _V))
        before, now = state.base_props, state.props
        for key_id, vector in vectors:
            if key_id not in stored or now[key_id] is not before.get(key_id):
                self.put(layout.vector_key(node_id, key_id), vector)
        kept = {key_id for key_id, _ in vectors}
        for key_id in stored - kept:
            self.delete(layout.vector_key(node_id, key_id))

    def relationships(self) -> set[int]:
        changed = set()
        for rel_id, state in self.overlay.rels.items():
            key = layout.rel_key(rel_id)
            if state.created:
                if state.deleted:
                    continue
                payload = encode_rel(state.type_id, state.start, state.end, state.props)
                self.put(key, payload, fresh=True)
                self.put(layout.type_key(state.type_id, rel_id), b"", fresh=True)
            elif state.deleted:
                self.delete(key, old=state.base_raw)
                self.delete(layout.type_key(state.type_id, rel_id))
            elif state.dirty:
                payload = encode_rel(state.type_id, state.start, state.end, state.props)
                self.put(key, payload, old=state.base_raw)
            else:
                continue
            changed.add(rel_id)
        return changed

    def _heads(self, kv: KeyValueBackend) -> dict[tuple[int, int, int], bytes | None]:
        """Head chunks of the committed lists that only grow, in one multi-get."""
        nodes = self.overlay.nodes
        wanted = []
        for key, change in self.overlay.adjacency.items():
            if change.added and not change.removed:
                state = nodes.get(key[0])
                if state is None or state.base_raw is not None:
                    wanted.append(key)
        if not wanted:
            return {}
        keyed = sorted((head_key(layout.adjacency_list_prefix(*key)), key) for key in wanted)
        heads = kv.multi_get([head for head, _ in keyed])  # sorted keys read faster
        return {key: head for (_, key), head in zip(keyed, heads, strict=True)}

    def adjacency(self, kv: KeyValueBackend) -> None:
        stats = self.overlay.stats
        nodes = self.overlay.nodes
        heads = self._heads(kv)
        cursor = kv.cursor()
        for list_key, change in self.overlay.adjacency.items():
            if not change:
                continue
            node_id, direction, type_id = list_key
            state = nodes.get(node_id)
            fresh = state is not None and state.base_raw is None
            head = heads.get(list_key, UNKNOWN)
            update = update_list(
                cursor, node_id, direction, type_id, change, fresh=fresh, head=head
            )
            for key, payload, old in update.writes:
                if payload is None:
                    self.delete(key, old=old)
                else:
                    self.put(key, payload, fresh=old is None, old=old)
            lists = 0
            if update.was_empty and not update.is_empty:
                lists = 1
            elif not update.was_empty and update.is_empty:
                lists = -1
            stats.adjacency(type_id, direction == layout.OUT, lists, update.degree_estimate)

    def indexes(self) -> None:
        overlay = self.overlay
        nodes = overlay.nodes
        for index_id, delta in overlay.indexes.items():
            fresh = index_id in overlay.created_indexes
            for key in delta.removed:
                if key not in delta.added:
                    self.delete(key)
            for key, payload in delta.added.items():
                # a non-unique entry names its node: a node created here has no old entry
                state = nodes.get(int.from_bytes(key[-8:], "big")) if not fresh else None
                new_node = key[0] == layout.INDEX and state is not None and state.base_raw is None
                self.put(key, payload, fresh=fresh or new_node)

    def resolve_old(self, kv: KeyValueBackend) -> None:
        unknown = [key for key in self.writes if key not in self.fresh and key not in self.old]
        if unknown:
            for key, raw in zip(unknown, kv.multi_get(unknown), strict=True):
                if raw is not None:
                    self.old[key] = raw

    def emit(self, batch: Batch) -> list[bytes]:
        prefix = layout.version_bytes(self.version)
        history = []
        for key, old in self.old.items():
            entry = layout.history_key(key, self.version)
            batch.put(entry, old)
            history.append(entry)
        for key, payload in self.writes.items():
            if payload is not None:
                batch.put(key, prefix + payload)
            elif key in self.old:
                batch.delete(key)
        return history


def _same(left: Any, right: Any) -> bool:
    # exact: Python's == says True == 1 == 1.0, which are different property values
    if type(left) is not type(right):
        return False
    if type(left) is list:
        return len(left) == len(right) and all(map(_same, left, right))
    return bool(left == right)


def _changes(overlay: TxState, version: int, nodes: set[int], rels: set[int]) -> ChangeSet:
    labels = {label for label, ids in overlay.label_added.items() if ids}
    labels |= {label for label, ids in overlay.label_removed.items() if ids}
    types = {t for t, ids in overlay.type_added.items() if ids}
    types |= {t for t, ids in overlay.type_removed.items() if ids}
    keys: set[int] = set()
    for node_id in nodes:
        state = overlay.nodes[node_id]
        if state.base_raw is None:
            keys.update(state.props)
            continue
        before, after = state.base_props, ({} if state.deleted else state.props)
        keys.update(
            k for k in before.keys() | after.keys() if not _same(before.get(k), after.get(k))
        )
    indexes = set(overlay.indexes) | overlay.created_indexes | overlay.dropped_indexes
    node_ranges: list[range] = []
    rel_ranges: list[range] = []
    for part in overlay.bulk:
        labels |= part.labels
        types |= part.types
        keys |= part.property_keys
        indexes |= part.indexes
        node_ranges.extend(part.node_ids())
        rel_ranges.extend(part.rel_ids())
    return ChangeSet(
        version=version,
        labels=frozenset(labels),
        types=frozenset(types),
        # a bulk load's ids (millions) stay ranges
        nodes=IdSet(nodes, node_ranges) if node_ranges else frozenset(nodes),
        relationships=IdSet(rels, rel_ranges) if rel_ranges else frozenset(rels),
        property_keys=frozenset(keys),
        indexes=frozenset(indexes),
        schema=bool(overlay.created_indexes or overlay.dropped_indexes),
    )


def build_commit(
    kv: KeyValueBackend,
    overlay: TxState,
    base: VersionState,
    counters: Counters,
    bounds: Any,
) -> CommitPlan:
    """Build the batch of one commit (nothing is written here).

    Args:
        kv: the backend, read at its latest state (the committing writer's view).
        overlay: the transaction's changes.
        base: the state the transaction started from.
        counters: the meta record after this commit (its version is the commit version).
        bounds: callable giving (min key, max key) of an index in the transaction's view.

    The plan's `ingest` holds the table files of a large bulk load (its new records, see
    `engram.storage.ingest`), to be ingested before the batch is written.
    """
    version = counters.version
    builder = _Builder(overlay, version)
    nodes = builder.nodes()
    rels = builder.relationships()
    builder.adjacency(kv)
    builder.indexes()
    builder.resolve_old(kv)
    batch = kv.new_batch()
    history = builder.emit(batch)
    operations = len(builder.writes)
    for part in overlay.bulk:
        operations += part.emit(batch, layout.version_bytes(version))
    ingest = _ingest_files(overlay)
    if ingest is not None:
        batch.delete(INTENT_KEY)
    live = [index.id for index in overlay.catalog.indexes]
    statistics, stat_writes = apply_delta(base.statistics, overlay.stats, live, bounds)
    for key, value in stat_writes.items():
        if value is None:
            batch.delete(key)
        else:
            batch.put(key, value)
    for key, value in catalog_entries(overlay.catalog, base.catalog).items():
        batch.put(key, value)
    for index_id in overlay.created_indexes:
        index = overlay.catalog.index_by_id(index_id)
        if index is not None:
            batch.put(index_def_key(index_id), msgpack.packb(index.to_record()))
    dropped: list[tuple[bytes, bytes]] = []
    for index_id in overlay.dropped_indexes:
        batch.delete(index_def_key(index_id))
        for prefix in (layout.index_prefix(index_id), layout.unique_prefix(index_id)):
            dropped.append((prefix, layout.prefix_end(prefix)))
        derived = layout.derived_prefix(index_id)
        batch.delete_range(derived, layout.prefix_end(derived))
    for key, value in feed_entries(overlay, version).items():
        batch.put(key, value)
    batch.put(STATE_KEY, encode_counters(counters))
    changes = _changes(overlay, version, nodes, rels)
    caches = base.caches.carry_over(lambda key: not _invalidated(changes, key))
    state = VersionState(version, overlay.catalog, statistics, caches)
    return CommitPlan(batch, state, changes, history, dropped, operations, ingest)


def _ingest_files(overlay: TxState) -> IngestFiles | None:
    """The table files of the transaction's bulk load, finished, if it has any."""
    found = [part.files for part in overlay.bulk if part.files is not None]
    if len(found) > 1:
        raise InternalError("a transaction has more than one bulk load with table files")
    return found[0] if found and found[0].finish() else None


def _invalidated(changes: ChangeSet, key: tuple[Any, ...]) -> bool:
    kind = key[0] if key else None
    if kind == "label":
        return key[1] in changes.labels
    if kind in ("type", "adjacency"):
        return key[1] in changes.types
    if kind == "index":
        return key[1] in changes.indexes
    if kind == "column":
        if key[2] in changes.property_keys:
            return True
        # label -1: the column over every node
        return bool(changes.nodes) if key[1] == -1 else key[1] in changes.labels
    return True


def empty_index_stats() -> IndexStats:
    """Statistics of an index with no entries."""
    return IndexStats()
