"""The vector indexes of one open store: built, kept current at commit, saved, reopened.

`vector_indexes(store)` returns the store's `VectorIndexes`, created on first use: it
loads every vector index of the catalog from its saved files (checked against the
record in RocksDB) and replays the change feed written since, or rebuilds it from the
data when there are no usable files. It then follows every commit through the store's
hooks:

- before the batch is written, an index created by the transaction is built from the
  transaction's view (unless `prepare` built it when the statement ran), so invalid data
  fails the commit instead of leaving a broken index;
- after the batch is written and before the version is published, the changed nodes'
  vectors are applied with the commit version, so a reader sees exactly the vectors of
  its snapshot (`engram.index.hnsw`), and dropped indexes disappear;
- saves run on a background thread once enough has changed (and at close), and the
  process can die at any moment of one (`engram.index.persistence`).

Searches go through `search`, which also handles what the index cannot know: a write
transaction's own uncommitted vectors, an index created in the same transaction, and a
read-only follower that must catch up with the feed first.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import numpy as np

from engram.catalog import Catalog, IndexDef
from engram.errors import EngramError, QueryRuntimeError
from engram.faults import crash_point
from engram.index.distance import (
    VectorParams,
    as_query,
    check_stored_vector,
    hnsw_safe,
    plain_query,
)
from engram.index.hnsw import HnswIndex
from engram.index.persistence import (
    DERIVED_DIR,
    SavedState,
    copy_saved_files,
    decode_state,
    encode_state,
    load_index,
    remove_unreferenced,
    write_files,
)
from engram.index.search import Hits, SearchSpec, plain_top, rank_vectors, search, top_nodes
from engram.storage import keys as layout
from engram.storage.backup import add_backup_hook
from engram.storage.derived_feed import changed_nodes, decode_ids, register_value_check
from engram.storage.overlay import TxState
from engram.storage.reads import GraphView
from engram.storage.store import Store
from engram.storage.transaction import WriteTransaction

__all__ = ["VECTOR_KIND", "VectorIndexes", "params_of", "vector_indexes"]

VECTOR_KIND: Final = "vector"
#: a save starts once this many node changes are unsaved (or an eighth of the index)
SAVE_AFTER: Final = 1024
_SAVER_IDLE: Final = 5.0
#: marks a version whose searches check predicates through columns
_COLUMNS_BUILT: Final = -1
_LOG = logging.getLogger(__name__)
_PARAMS: dict[int, tuple[IndexDef, VectorParams]] = {}
_MANAGERS_LOCK: Final = threading.Lock()


def vector_indexes(store: Store) -> VectorIndexes:
    """The vector indexes of `store` (loaded on first use, then kept with the store)."""
    found = store.extensions.get(VECTOR_KIND)
    if isinstance(found, VectorIndexes):
        return found
    with _MANAGERS_LOCK:
        found = store.extensions.get(VECTOR_KIND)
        if not isinstance(found, VectorIndexes):
            found = VectorIndexes(store)
            store.extensions[VECTOR_KIND] = found
        return found


def attached(store: Store) -> VectorIndexes | None:
    """The store's vector indexes if something has loaded them already."""
    found = store.extensions.get(VECTOR_KIND)
    return found if isinstance(found, VectorIndexes) else None


def params_of(definition: IndexDef) -> VectorParams:
    """The parameters of a vector index definition (cached per definition object)."""
    cached = _PARAMS.get(definition.id)
    if cached is not None and cached[0] is definition:
        return cached[1]
    params = VectorParams.from_options(definition.options)
    _PARAMS[definition.id] = (definition, params)
    return params


def describe(catalog: Catalog, definition: IndexDef) -> str:
    """`vector index 'name' on :Label(key)`, for messages."""
    label = catalog.label_name(definition.label_id)
    key = catalog.property_key_name(definition.property_key_ids[0])
    return f"vector index '{definition.name}' on :{label}({key})"


def _check_value(catalog: Catalog, definition: IndexDef, value: Any) -> None:
    check_stored_vector(value, params_of(definition), describe(catalog, definition))


def _backup(store: Store, derived: Path) -> None:
    manager = attached(store)
    if manager is None:
        copy_saved_files(Path(store.path), derived.parent)
        return
    with manager._save_lock:
        copy_saved_files(Path(store.path), derived.parent)


register_value_check(VECTOR_KIND, _check_value)
add_backup_hook(_backup)


@dataclass(slots=True)
class _Live:
    """One loaded index and its bookkeeping."""

    definition: IndexDef
    params: VectorParams
    index: HnswIndex
    saved: SavedState | None = None
    previous: SavedState | None = None
    unsaved: int = 0
    failed: str | None = None


def _read_vectors(
    view: GraphView, catalog: Catalog, definition: IndexDef, *, strict: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(node ids, float32 vectors) of the indexed nodes as `view` sees them.

    Calls `GraphView` methods directly, so it also reads through a write transaction
    that is committing (whose public methods refuse calls once commit starts).
    """
    params = params_of(definition)
    key = definition.property_key_ids[0]
    where = describe(catalog, definition)
    nodes: list[int] = []
    rows: list[np.ndarray] = []
    for batch in GraphView.scan_label(view, definition.label_id, 1 << 14):
        values = GraphView.property_of(view, batch, key)
        for node, value in zip(batch.tolist(), values, strict=True):
            if value is None:
                continue
            try:
                rows.append(check_stored_vector(value, params, where))
            except QueryRuntimeError:
                if strict:
                    raise
                continue
            nodes.append(node)
    matrix = np.stack(rows) if rows else np.empty((0, params.dimensions), dtype=np.float32)
    return np.asarray(nodes, dtype=np.int64), matrix


def _overlay_vectors(
    overlay: TxState, definition: IndexDef, changed: list[int]
) -> tuple[dict[int, np.ndarray], set[int]]:
    """The vectors `changed` nodes hold after a transaction (all are in its overlay)."""
    params = params_of(definition)
    where = describe(overlay.catalog, definition)
    label, key = definition.label_id, definition.property_key_ids[0]
    upserts: dict[int, np.ndarray] = {}
    removals: set[int] = set()
    for node in changed:
        state = overlay.nodes[node]
        value = None if state.deleted or label not in state.labels else state.props.get(key)
        if value is None:
            removals.add(node)
            continue
        try:
            upserts[node] = check_stored_vector(value, params, where)
        except QueryRuntimeError:  # written without the value check: not indexable
            removals.add(node)
    return upserts, removals


class VectorIndexes:
    """Every vector index of one store (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._directory = Path(store.path) / DERIVED_DIR
        self._lock = threading.RLock()
        self._save_lock = threading.Lock()
        self._live: dict[int, _Live] = {}
        #: index id -> (version, whether every node of the label held a vector then)
        self._covers: dict[int, tuple[int, bool]] = {}
        #: index id -> (version, nodes whose predicates searches checked row by row then)
        self._checked: dict[int, tuple[int, int]] = {}
        self._pending: dict[int, tuple[object, HnswIndex]] = {}
        self._wake = threading.Condition(threading.Lock())
        self._wanted: set[int] = set()
        self._saver: threading.Thread | None = None
        self._closing = False
        self._open()
        if not store.read_only:
            store.add_before_write(self._before_write)
            store.add_after_write(self._after_write)
        store.add_close_hook(self._on_close)

    # -- opening -------------------------------------------------------------------------------

    def _open(self) -> None:
        view = self._store.begin_read()
        try:
            for definition in view.catalog.indexes:
                if definition.kind == VECTOR_KIND:
                    self._live[definition.id] = self._load_or_build(view, definition)
        finally:
            view.close()
        if not self._store.read_only:
            remove_unreferenced(self._directory, self._referenced())
            for live in self._live.values():
                if live.saved is None or live.saved.version != live.index.version:
                    self._save(live)

    def _referenced(self) -> set[str]:
        # the previous files stay one more save: a backup checkpointed just before a save
        # still finds the files its records name
        names: set[str] = set()
        for live in self._live.values():
            for state in (live.saved, live.previous):
                if state is not None:
                    names.update(state.files)
        return names

    def _saved_state(self, index_id: int) -> SavedState | None:
        raw = self._store.read_derived(layout.derived_state_key(index_id))
        return None if raw is None else decode_state(raw)

    def _load_or_build(self, view: GraphView, definition: IndexDef) -> _Live:
        params = params_of(definition)
        saved = self._saved_state(definition.id)
        index = None if saved is None else load_index(self._directory, saved, params)
        if index is None:
            nodes, vectors = _read_vectors(view, view.catalog, definition, strict=False)
            index = HnswIndex.build(params, nodes, vectors, 0)
            index.version = view.version
            return _Live(definition, params, index, saved=None, unsaved=index.count)
        live = _Live(definition, params, index, saved=saved)
        self._replay(live, view)
        return live

    def _replay(self, live: _Live, view: GraphView) -> None:
        """Apply the feed records after the index's version up to the view's."""
        index_id = live.definition.id
        low = layout.derived_feed_key(index_id, live.index.version + 1)
        high = layout.derived_feed_key(index_id, view.version + 1)
        nodes: set[int] = set()
        for _, payload in self._store.scan_derived(low, high):
            nodes.update(decode_ids(payload).tolist())
        if nodes:
            ids = np.asarray(sorted(nodes), dtype=np.int64)
            upserts, removals = self._current_vectors(view, live.definition, ids)
            live.index.apply(view.version, upserts, removals)
            live.unsaved += len(ids)
        live.index.version = view.version

    def _current_vectors(
        self, view: GraphView, definition: IndexDef, ids: np.ndarray
    ) -> tuple[dict[int, np.ndarray], set[int]]:
        params = params_of(definition)
        where = describe(view.catalog, definition)
        key = definition.property_key_ids[0]
        labels = GraphView.labels_of(view, ids)
        values = GraphView.property_of(view, ids, key)
        upserts: dict[int, np.ndarray] = {}
        removals: set[int] = set()
        for node, node_labels, value in zip(ids.tolist(), labels, values, strict=True):
            if node_labels is None or definition.label_id not in node_labels or value is None:
                removals.add(node)
                continue
            try:
                upserts[node] = check_stored_vector(value, params, where)
            except QueryRuntimeError:
                removals.add(node)
        return upserts, removals

    # -- commits -------------------------------------------------------------------------------

    def prepare(self, transaction: WriteTransaction, definition: IndexDef) -> None:
        """Build an index created by `transaction` now, so bad data fails the statement.

        Raises:
            QueryRuntimeError: a node holds a value the index cannot take.
        """
        with self._lock:
            self._pending = {
                index_id: entry
                for index_id, entry in self._pending.items()
                if entry[0] is transaction.token
            }
        nodes, vectors = _read_vectors(transaction, transaction.catalog, definition, strict=True)
        built = HnswIndex.build(params_of(definition), nodes, vectors, 0)
        with self._lock:
            self._pending[definition.id] = (transaction.token, built)

    def _before_write(self, transaction: WriteTransaction, version: int, batch: Any) -> None:
        overlay = transaction.overlay
        for index_id in sorted(overlay.created_indexes):
            definition = overlay.catalog.index_by_id(index_id)
            if definition is None or definition.kind != VECTOR_KIND:
                continue
            entry = self._pending.get(index_id)
            if entry is not None and entry[0] is transaction.token:
                continue
            view = transaction.final_view()
            nodes, vectors = _read_vectors(view, overlay.catalog, definition, strict=True)
            built = HnswIndex.build(params_of(definition), nodes, vectors, 0)
            with self._lock:
                self._pending[index_id] = (transaction.token, built)

    def _after_write(self, transaction: WriteTransaction, version: int) -> None:
        overlay = transaction.overlay
        with self._lock:
            pending, self._pending = self._pending, {}
            for index_id in overlay.dropped_indexes:
                self._drop(index_id)
            oldest = self._store.oldest_snapshot()
            for definition in overlay.catalog.indexes:
                if definition.kind != VECTOR_KIND:
                    continue
                if definition.id in overlay.created_indexes:
                    entry = pending.get(definition.id)
                    if entry is not None and entry[0] is transaction.token:
                        self._install(transaction, definition, entry[1], version)
                    continue
                live = self._live.get(definition.id)
                if live is not None and live.failed is None:
                    self._follow(transaction, live, version, oldest)

    def _install(
        self, transaction: WriteTransaction, definition: IndexDef, index: HnswIndex, version: int
    ) -> None:
        live = _Live(definition, params_of(definition), index, unsaved=index.count + 1)
        self._live[definition.id] = live
        self._follow(transaction, live, version, None)
        # saved before readers see it: a crash or a backup right after never rebuilds it
        self._save(live)

    def _follow(
        self, transaction: WriteTransaction, live: _Live, version: int, oldest: int | None
    ) -> None:
        try:
            changed = changed_nodes(transaction.overlay, live.definition)
            if changed:
                upserts, removals = _overlay_vectors(transaction.overlay, live.definition, changed)
                live.index.apply(version, upserts, removals, oldest)
                live.unsaved += len(changed)
            elif oldest is not None and live.index.retired_count:
                live.index.collect(oldest)
            live.index.version = version
        except Exception as error:  # the commit stands: searches fall back to exact
            live.failed = f"update at version {version} failed: {error}"
            _LOG.exception("vector index '%s' could not follow a commit", live.definition.name)
            return
        if live.unsaved >= max(SAVE_AFTER, live.index.count // 8):
            self._request_save(live.definition.id)

    def _drop(self, index_id: int) -> None:
        with self._save_lock:
            live = self._live.pop(index_id, None)
            self._covers.pop(index_id, None)
            self._checked.pop(index_id, None)
            for state in () if live is None else (live.saved, live.previous):
                for name in () if state is None else state.files:
                    (self._directory / name).unlink(missing_ok=True)

    # -- saving --------------------------------------------------------------------------------

    def _request_save(self, index_id: int) -> None:
        if self._store.read_only or self._store.is_temporary:
            return
        with self._wake:
            self._wanted.add(index_id)
            if self._saver is None or not self._saver.is_alive():
                self._saver = threading.Thread(
                    target=self._save_loop, name="engram-vector-saver", daemon=True
                )
                self._saver.start()
            self._wake.notify()

    def _save_loop(self) -> None:
        while True:
            with self._wake:
                if not self._wanted and not self._closing:
                    self._wake.wait(timeout=_SAVER_IDLE)
                if self._closing or not self._wanted:
                    # idle: end, so an unclosed database is not kept alive by this thread
                    self._saver = None
                    return
                wanted, self._wanted = self._wanted, set()
            for index_id in sorted(wanted):
                live = self._live.get(index_id)
                if live is not None:
                    self._save(live)

    def save_all(self) -> None:
        """Save every index with unsaved changes now (the caller's thread)."""
        for live in list(self._live.values()):
            if live.saved is None or live.saved.version != live.index.version:
                self._save(live)

    def _save(self, live: _Live) -> None:
        store = self._store
        if store.read_only or store.is_temporary or live.failed is not None:
            return
        index_id = live.definition.id
        try:
            with self._save_lock:
                if self._live.get(index_id) is not live:
                    return
                unsaved = live.unsaved
                state = write_files(self._directory, index_id, live.index)
                feed = layout.derived_feed_key(index_id, 0)
                upto = layout.derived_feed_key(index_id, state.version + 1)
                self._store.write_derived(
                    {layout.derived_state_key(index_id): encode_state(state)}, ((feed, upto),)
                )
                crash_point("vector.save.recorded")
                live.previous, live.saved = live.saved, state
                live.unsaved = max(0, live.unsaved - unsaved)
                remove_unreferenced(self._directory, self._referenced())
        except (OSError, EngramError):
            _LOG.exception("vector index '%s' could not be saved", live.definition.name)

    def _on_close(self, store: Store) -> None:
        with self._wake:
            self._closing = True
            self._wake.notify_all()
        saver = self._saver
        if saver is not None:
            saver.join()
        if not store.read_only:
            self.save_all()

    # -- reads ---------------------------------------------------------------------------------

    def state(self, definition: IndexDef) -> tuple[str, int]:
        """(state, vectors held) for SHOW INDEXES."""
        live = self._live.get(definition.id)
        if live is None:
            return "POPULATING", 0
        if live.failed is not None:
            return "FAILED", live.index.count
        return "ONLINE", live.index.count

    def index_for(self, view: GraphView, definition: IndexDef) -> HnswIndex | None:
        """The index as current as `view` needs it, or None (search exactly then)."""
        live = self._live.get(definition.id)
        if live is None or live.failed is not None:
            return None
        if live.definition is not definition and live.definition != definition:
            return None
        if live.index.version < view.version:
            with self._lock:
                self._catch_up(live, view)
        return live.index

    def _catch_up(self, live: _Live, view: GraphView) -> None:
        """A read-only follower applies the writer's feed (or reloads its newer files)."""
        if live.index.version >= view.version:
            return
        saved = self._saved_state(live.definition.id)
        if saved is not None and saved.version > live.index.version:
            loaded = load_index(self._directory, saved, live.params)
            if loaded is not None and loaded.version <= view.version:
                live.index, live.saved = loaded, saved
        self._replay(live, view)

    def search(
        self,
        view: GraphView,
        definition: IndexDef,
        query: Any,
        spec: SearchSpec,
        *,
        function: str,
        position: int,
    ) -> Hits | None:
        """The best nodes for `query`, or None when every similarity to it is null.

        Raises:
            QueryRuntimeError: the query is not a vector of the index's dimension.
        """
        params = params_of(definition)
        vector = as_query(query, params, function, position)
        if vector is None:
            return None
        exclude, extra = self._own_writes(view, definition)
        if exclude or extra:
            spec = replace(spec, exclude=exclude, extra=extra)
        # a query too large for hnswlib's float32 arithmetic is ranked exactly, in float64
        index = self.index_for(view, definition) if hnsw_safe(vector) else None
        if index is None:
            nodes, vectors = _read_vectors(view, view.catalog, definition, strict=False)
            plain = replace(spec, exclude=frozenset(), extra=())
            return rank_vectors(params.metric, vector, nodes, vectors, plain, "exact")
        return search(index, vector, view.version, spec)

    def top(
        self,
        view: GraphView,
        definition: IndexDef,
        query: Any,
        k: int,
        *,
        scored: bool,
        function: str,
        position: int,
    ) -> tuple[list[int], list[float] | None] | None:
        """The top `k` nodes of the label, best first, and their scores if `scored`.

        The lean path of `ORDER BY similarity DESC LIMIT k` without other predicates,
        when nothing stands in its way: a committed snapshot, every node of the label
        holding a vector (none sorts first with a null similarity), a query vector, an
        index. None otherwise (and when the index's plain search does not apply); the
        general path (`search`) then answers.

        Raises:
            QueryRuntimeError: the query is not a vector of the index's dimension.
        """
        if k <= 0 or isinstance(view, WriteTransaction) or not self.covers_label(view, definition):
            return None
        index = self.index_for(view, definition)
        if index is None:
            return None
        params = params_of(definition)
        plain = None if scored else plain_query(query, params)
        if plain is not None:  # the usual query, unscored: hnswlib's order when it is exact
            nodes = top_nodes(index, plain, view.version, k)
            if nodes is not None:
                return nodes, None
        vector = as_query(query, params, function, position)
        if vector is None or not hnsw_safe(vector):
            return None
        # after a near tie in `top_nodes`, rescore at once rather than search for it again
        hits = plain_top(index, vector, view.version, k, scored or plain is not None)
        if hits is None:
            return None
        return hits.nodes.tolist(), hits.scores.tolist() if scored else None

    def _own_writes(
        self, view: GraphView, definition: IndexDef
    ) -> tuple[frozenset[int], tuple[tuple[int, np.ndarray], ...]]:
        """A write transaction's changed nodes, and the vectors they have now."""
        if not isinstance(view, WriteTransaction):
            return frozenset(), ()
        changed = changed_nodes(view.overlay, definition)
        if not changed:
            return frozenset(), ()
        upserts, _ = _overlay_vectors(view.overlay, definition, changed)
        return frozenset(changed), tuple(sorted(upserts.items()))

    def indexed_nodes(self, view: GraphView, definition: IndexDef) -> np.ndarray:
        """Sorted ids of the nodes holding a vector in the index, as `view` sees them."""
        exclude, extra = self._own_writes(view, definition)
        index = self.index_for(view, definition)
        if index is None:
            nodes, _ = _read_vectors(view, view.catalog, definition, strict=False)
            return nodes
        visible = index.nodes_of(index.visible_slots(view.version))
        if exclude:
            visible = visible[~np.isin(visible, np.fromiter(exclude, np.int64, len(exclude)))]
        if extra:
            visible = np.concatenate([visible, np.asarray([n for n, _ in extra], np.int64)])
        return np.unique(visible)

    def covers_label(self, view: GraphView, definition: IndexDef) -> bool:
        """Whether every node with the index's label holds a vector, as `view` sees them.

        False when that is not cheap to know. The answer for a committed version never
        changes, so it is remembered for the latest version asked.
        """
        if isinstance(view, WriteTransaction):
            return False
        cached = self._covers.get(definition.id)
        if cached is not None and cached[0] == view.version:
            return cached[1]
        counted = self.count_visible(view, definition)
        covers = counted is not None and counted == view.count_nodes(definition.label_id)
        self._covers[definition.id] = (view.version, covers)
        return covers

    def columns_pay_off(self, view: GraphView, definition: IndexDef, checks: int) -> bool:
        """Whether predicate checks at `view`'s version should use property columns.

        Yes once the nodes filtered searches checked row by row at that version (these
        `checks` included) reach the size of the label, and from then on.
        """
        version, checked = self._checked.get(definition.id, (-1, 0))
        if version != view.version:
            checked = 0
        if checked != _COLUMNS_BUILT:
            checked += checks
            if checked >= view.count_nodes(definition.label_id):
                checked = _COLUMNS_BUILT
        self._checked[definition.id] = (view.version, checked)
        return checked == _COLUMNS_BUILT

    def count_visible(self, view: GraphView, definition: IndexDef) -> int | None:
        """How many nodes hold a vector as `view` sees them, when that is cheap to know."""
        index = self.index_for(view, definition)
        if index is None or isinstance(view, WriteTransaction):
            return None
        if index.needs_visibility_filter(view.version) or index.retired_visible(view.version):
            return None
        return index.count
