"""hnswlib wrapper: versioned slots, deletes, filtered and exact search; no storage knowledge.

Every vector an index holds lives in a *slot* (the hnswlib label) that records its node
and the commit version it became visible at (``begin``). Replacing or removing a node's
vector *retires* its slot: hnswlib marks it deleted at once (searches skip it), and the
slot, its vector and its end version stay on the retired list while a reader whose
snapshot predates the change may still need it; such readers score retired slots
exactly. A reader at snapshot ``S`` therefore sees a live slot when ``begin <= S`` and a
retired one when ``begin <= S < end``. Retired slots no reader needs are freed and reused.

The index keeps its own float32 copy of the vectors (hnswlib normalises cosine vectors,
and exact search and scoring need the originals): one matrix row per slot.

Concurrency: one writer at a time (the store's writer lock) calls `apply`; searches run
in any thread (hnswlib releases the GIL and allows searches beside inserts). Growing the
index and saving it take the exclusive side of a readers-writer lock.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

import hnswlib
import numpy as np

from engram.index.distance import Metric, VectorParams, exact_scores

__all__ = ["HnswIndex", "ReadWriteLock", "Retired"]

_MIN_CAPACITY: Final = 1024
_SEED: Final = 100


class ReadWriteLock:
    """Many shared holders or one exclusive holder (writers wait for readers to leave)."""

    def __init__(self) -> None:
        # readers take the mutex itself (a C-level lock): a search enters and leaves once
        self._mutex = threading.Lock()
        self._condition = threading.Condition(self._mutex)
        self._readers = 0
        self._writer = False
        self._waiting = 0  # exclusive holders waiting for readers to leave

    def acquire_shared(self) -> None:
        """Enter as a reader (searches, inserts)."""
        with self._mutex:
            while self._writer:
                self._condition.wait()
            self._readers += 1

    def release_shared(self) -> None:
        """Leave as a reader."""
        with self._mutex:
            self._readers -= 1
            if not self._readers and self._waiting:
                self._condition.notify_all()

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Hold the lock shared."""
        self.acquire_shared()
        try:
            yield
        finally:
            self.release_shared()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the lock alone (resizing, saving)."""
        with self._condition:
            self._waiting += 1
            try:
                while self._writer or self._readers:
                    self._condition.wait()
            finally:
                self._waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._condition:
                self._writer = False
                self._condition.notify_all()


@dataclass(frozen=True, slots=True)
class Retired:
    """A superseded slot kept for readers whose snapshot is in [begin, end)."""

    slot: int
    node: int
    begin: int
    end: int


class HnswIndex:
    """An HNSW index of node vectors with per-slot visibility versions.

    Args:
        params: dimensions, metric and HNSW parameters.
        capacity: slots to allocate up front (grows by doubling).
    """

    def __init__(self, params: VectorParams, capacity: int = _MIN_CAPACITY) -> None:
        self.params = params
        capacity = max(capacity, _MIN_CAPACITY)
        self._hnsw = _new_hnsw(params, capacity)
        self._vectors = np.zeros((capacity, params.dimensions), dtype=np.float32)
        self._nodes = np.full(capacity, -1, dtype=np.int64)
        self._begin = np.zeros(capacity, dtype=np.int64)
        self._norms = np.zeros(capacity, dtype=np.float64)
        self._slot_of: dict[int, int] = {}
        self._retired: list[Retired] = []
        self._free: list[int] = []
        self._next_slot = 0
        self._max_begin = 0
        self.version = 0
        self.lock = ReadWriteLock()
        self._mutation = threading.Lock()
        self._lookup: tuple[np.ndarray, np.ndarray] | None = None

    # -- state ---------------------------------------------------------------------------------

    @property
    def metric(self) -> Metric:
        """The index metric."""
        return self.params.metric

    @property
    def count(self) -> int:
        """Live vectors (the newest version of each indexed node)."""
        return len(self._slot_of)

    @property
    def retired_count(self) -> int:
        """Superseded vectors kept for older readers."""
        return len(self._retired)

    @property
    def capacity(self) -> int:
        """Allocated slots."""
        return len(self._nodes)

    def memory_bytes(self) -> int:
        """Approximate memory held: vectors twice (hnswlib's and ours) plus graph links."""
        links = self.capacity * self.params.m * 2 * 4
        return 2 * self._vectors.nbytes + links + self._nodes.nbytes + self._begin.nbytes

    def has_node(self, node_id: int) -> bool:
        """Whether the node has a live vector."""
        return node_id in self._slot_of

    def vector_of(self, node_id: int) -> np.ndarray | None:
        """The live vector of a node (float32), or None."""
        slot = self._slot_of.get(node_id)
        return None if slot is None else self._vectors[slot].copy()

    # -- writes --------------------------------------------------------------------------------

    def apply(
        self,
        version: int,
        upserts: Mapping[int, np.ndarray],
        removals: set[int] | frozenset[int] = frozenset(),
        oldest_reader: int | None = None,
    ) -> None:
        """Make `upserts` (node -> float32 vector) and `removals` visible from `version` on.

        A node whose vector is unchanged keeps its slot. Readers older than `version`
        keep seeing the previous vectors until `collect` frees them.
        """
        with self._mutation:
            changed = {
                node: vector for node, vector in upserts.items() if not self._same(node, vector)
            }
            gone = [node for node in removals if node in self._slot_of and node not in upserts]
            for node in (*changed, *gone):
                self._retire(node, version)
            if changed:
                self._insert(version, changed)
            self.version = max(self.version, version)
            self._lookup = None
        if oldest_reader is not None:
            self.collect(oldest_reader)

    def _same(self, node: int, vector: np.ndarray) -> bool:
        slot = self._slot_of.get(node)
        return slot is not None and bool(np.array_equal(self._vectors[slot], vector))

    def _retire(self, node: int, version: int) -> None:
        slot = self._slot_of.pop(node, None)
        if slot is None:
            return
        self._retired.append(Retired(slot, node, int(self._begin[slot]), version))
        self._hnsw.mark_deleted(slot)

    def _insert(self, version: int, vectors: Mapping[int, np.ndarray]) -> None:
        needed = max(0, len(vectors) - len(self._free))
        if self._next_slot + needed > self.capacity:
            self._grow(self._next_slot + needed)
        slots = np.empty(len(vectors), dtype=np.int64)
        for position in range(len(vectors)):
            if self._free:
                slot = self._free.pop()
            else:
                slot = self._next_slot
                self._next_slot += 1
            slots[position] = slot
        matrix = np.stack([np.asarray(v, dtype=np.float32) for v in vectors.values()])
        self._vectors[slots] = matrix
        self._norms[slots] = _norms(matrix)
        self._nodes[slots] = np.fromiter(vectors, dtype=np.int64, count=len(vectors))
        self._begin[slots] = version
        self._max_begin = max(self._max_begin, version)
        with self.lock.shared():
            threads = -1 if len(slots) >= 256 else 1
            self._hnsw.add_items(matrix, slots, num_threads=threads)
        for node, slot in zip(vectors, slots.tolist(), strict=True):
            self._slot_of[node] = slot

    def _grow(self, needed: int) -> None:
        capacity = self.capacity
        while capacity < needed:
            capacity *= 2
        with self.lock.exclusive():
            self._hnsw.resize_index(capacity)
            vectors = np.zeros((capacity, self.params.dimensions), dtype=np.float32)
            vectors[: len(self._vectors)] = self._vectors
            nodes = np.full(capacity, -1, dtype=np.int64)
            nodes[: len(self._nodes)] = self._nodes
            begin = np.zeros(capacity, dtype=np.int64)
            begin[: len(self._begin)] = self._begin
            norms = np.zeros(capacity, dtype=np.float64)
            norms[: len(self._norms)] = self._norms
            self._vectors, self._nodes, self._begin = vectors, nodes, begin
            self._norms = norms

    def collect(self, oldest_reader: int) -> int:
        """Free retired slots no reader at or after `oldest_reader` can see; returns how many."""
        with self._mutation:
            kept, freed = [], 0
            for entry in self._retired:
                if entry.end <= oldest_reader:
                    self._nodes[entry.slot] = -1
                    self._free.append(entry.slot)
                    freed += 1
                else:
                    kept.append(entry)
            self._retired = kept
        return freed

    # -- reads ---------------------------------------------------------------------------------

    def live_lookup(self) -> tuple[np.ndarray, np.ndarray]:
        """(node ids sorted, their live slots), rebuilt after each change."""
        lookup = self._lookup
        if lookup is None:
            with self._mutation:
                nodes = np.fromiter(self._slot_of.keys(), dtype=np.int64, count=len(self._slot_of))
                slots = np.fromiter(
                    self._slot_of.values(), dtype=np.int64, count=len(self._slot_of)
                )
                order = np.argsort(nodes, kind="stable")
                lookup = self._lookup = (nodes[order], slots[order])
        return lookup

    def retired_visible(self, snapshot: int) -> list[Retired]:
        """Retired slots a reader at `snapshot` still sees."""
        return [entry for entry in list(self._retired) if entry.begin <= snapshot < entry.end]

    def needs_visibility_filter(self, snapshot: int) -> bool:
        """Whether some live slot is newer than `snapshot`."""
        return snapshot < self._max_begin

    def visible_slots(self, snapshot: int) -> np.ndarray:
        """Every slot a reader at `snapshot` sees (live and retired)."""
        _, slots = self.live_lookup()
        if self.needs_visibility_filter(snapshot):
            slots = slots[self._begin[slots] <= snapshot]
        retired = [entry.slot for entry in self.retired_visible(snapshot)]
        if retired:
            slots = np.concatenate([slots, np.asarray(retired, dtype=np.int64)])
        return slots

    def slots_for_nodes(self, node_ids: np.ndarray, snapshot: int) -> np.ndarray:
        """The slots a reader at `snapshot` sees for these nodes (nodes without one omitted)."""
        nodes, slots = self.live_lookup()
        if len(nodes) and len(node_ids):
            positions = np.searchsorted(nodes, node_ids)
            positions[positions >= len(nodes)] = 0
            hit = nodes[positions] == node_ids
            found: np.ndarray = slots[positions[hit]]
            if self.needs_visibility_filter(snapshot):
                found = found[self._begin[found] <= snapshot]
        else:
            found = np.empty(0, dtype=np.int64)
        retired = self.retired_visible(snapshot)
        if retired:
            wanted = set(node_ids.tolist())
            extra = [entry.slot for entry in retired if entry.node in wanted]
            if extra:
                found = np.concatenate([found, np.asarray(extra, dtype=np.int64)])
        return found

    def nodes_of(self, slots: np.ndarray) -> np.ndarray:
        """Node ids of slots."""
        nodes: np.ndarray = self._nodes[slots]
        return nodes

    def scores(self, slots: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact float64 scores of slots against `query` (see `distance.exact_scores`)."""
        if not len(slots):
            return np.empty(0, dtype=np.float64)
        if self.params.metric is not Metric.COSINE:
            return exact_scores(self.metric, self._vectors[slots], query)
        # the stored norms are never zero under cosine, nor is a query's (as_query); the
        # arithmetic is `similarity`'s: dot / (|a| |b|), clipped, then (1 + cos) / 2
        norms = self._norms[slots]
        norms *= math.sqrt(float(query @ query))
        cosine: np.ndarray = self._vectors[slots] @ query
        cosine /= norms
        np.minimum(cosine, 1.0, out=cosine)
        np.maximum(cosine, -1.0, out=cosine)
        cosine += 1.0
        cosine /= 2.0
        return cosine

    def knn(
        self,
        query: np.ndarray,
        k: int,
        snapshot: int,
        allowed: Callable[[int], bool] | None = None,
    ) -> np.ndarray | None:
        """Live slots of the (approximately) nearest `k` vectors a reader at `snapshot` sees.

        Returns None when hnswlib cannot find `k` (a filter that keeps too few slots
        reachable); callers then search exactly.
        """
        k = min(k, self.count)
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        needs_filter = self.needs_visibility_filter(snapshot)
        found = self._knn(query, k, _combined(self, snapshot, allowed, needs_filter))
        # a commit may have added newer slots while hnswlib searched without a filter
        unfiltered = found is not None and not needs_filter and allowed is None
        if unfiltered and self._max_begin > snapshot and (self._begin[found] > snapshot).any():
            found = self._knn(query, k, _combined(self, snapshot, None, True))
        return found

    def knn_plain(
        self, query: np.ndarray | list[float], k: int, snapshot: int
    ) -> tuple[list[int], list[float]] | None:
        """Slots and hnswlib distances of the nearest `k` vectors, best first, as lists.

        Unfiltered; only when a reader at `snapshot` sees every live slot. None
        otherwise, and when hnswlib cannot find `k` (callers then take `knn`). Lists: a
        caller of this lean path reads a few of them one by one.
        """
        k = min(k, len(self._slot_of))
        if k <= 0 or snapshot < self._max_begin:  # `needs_visibility_filter`
            return None
        found = self._search(query, k, None)
        if found is None:
            return None
        slots: list[int] = found[0].tolist()[0]
        # a commit may have added newer slots while hnswlib searched
        if self._max_begin > snapshot and (self._begin[slots] > snapshot).any():
            return None
        return slots, found[1].tolist()[0]

    def node_list(self, slots: list[int]) -> list[int]:
        """Node ids of a few slots, as a list."""
        node_of = self._nodes.item
        return [node_of(slot) for slot in slots]

    def _knn(
        self, query: np.ndarray, k: int, accept: Callable[[int], bool] | None
    ) -> np.ndarray | None:
        found = self._search(query, k, accept)
        # signed slots: numpy indexes with unsigned ones at twice the cost
        return None if found is None else found[0][0].astype(np.int64)

    def _search(
        self, query: np.ndarray | list[float], k: int, accept: Callable[[int], bool] | None
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """The (labels, distances) arrays of hnswlib's top `k` (one row), under the lock.

        None when hnswlib cannot find `k`. hnswlib converts the query to float32 itself.
        """
        lock = self.lock
        lock.acquire_shared()
        try:
            found: tuple[np.ndarray, np.ndarray] = self._hnsw.knn_query(
                query, k=k, num_threads=1, filter=accept
            )
        except RuntimeError:
            return None
        finally:
            lock.release_shared()
        return found

    # -- persistence ---------------------------------------------------------------------------

    def snapshot_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(node per slot, -1 for none; vectors per slot) of the live slots, for saving."""
        nodes = np.full(self._next_slot, -1, dtype=np.int64)
        for node, slot in self._slot_of.items():
            nodes[slot] = node
        return nodes, self._vectors[: self._next_slot].copy()

    def save_hnsw(self, path: str) -> None:
        """Write hnswlib's file (call with the exclusive lock held and no writer running)."""
        self._hnsw.save_index(path)

    def mutation_lock(self) -> threading.Lock:
        """The lock `apply` holds (a saver holds it to see one consistent version)."""
        return self._mutation

    @classmethod
    def restore(
        cls,
        params: VectorParams,
        hnsw_path: str,
        nodes: np.ndarray,
        vectors: np.ndarray,
        version: int,
    ) -> HnswIndex:
        """An index from a saved hnswlib file and slot arrays (everything visible at once)."""
        capacity = max(_MIN_CAPACITY, _next_power(len(nodes)))
        index = cls(params, capacity=1)
        hnsw = hnswlib.Index(space=params.metric.value, dim=params.dimensions)
        hnsw.load_index(hnsw_path, max_elements=capacity)
        hnsw.set_ef(params.ef_search)
        index._hnsw = hnsw
        index._vectors = np.zeros((capacity, params.dimensions), dtype=np.float32)
        index._vectors[: len(vectors)] = vectors
        index._nodes = np.full(capacity, -1, dtype=np.int64)
        index._nodes[: len(nodes)] = nodes
        index._begin = np.zeros(capacity, dtype=np.int64)
        index._norms = np.zeros(capacity, dtype=np.float64)
        index._norms[: len(vectors)] = _norms(vectors)
        index._next_slot = len(nodes)
        live = np.flatnonzero(nodes >= 0)
        index._slot_of = dict(zip(nodes[live].tolist(), live.tolist(), strict=True))
        index._free = np.flatnonzero(nodes < 0).tolist()
        index.version = version
        return index

    @classmethod
    def build(
        cls, params: VectorParams, nodes: np.ndarray, vectors: np.ndarray, version: int
    ) -> HnswIndex:
        """A new index holding `vectors` (rows) of `nodes`, visible from `version`."""
        index = cls(params, capacity=_next_power(max(len(nodes), 1)))
        if len(nodes):
            index._insert(version, dict(zip(nodes.tolist(), vectors, strict=True)))
        index.version = version
        return index


def _combined(
    index: HnswIndex, snapshot: int, allowed: Callable[[int], bool] | None, visibility: bool
) -> Callable[[int], bool] | None:
    if not visibility:
        return allowed
    # read the array at call time: the index may have grown since the closure was made
    if allowed is None:
        return lambda slot: bool(index._begin[slot] <= snapshot)
    return lambda slot: bool(index._begin[slot] <= snapshot) and allowed(slot)


def _norms(matrix: np.ndarray) -> np.ndarray:
    rows = matrix.astype(np.float64)
    norms: np.ndarray = np.sqrt(np.einsum("ij,ij->i", rows, rows))
    return norms


def _new_hnsw(params: VectorParams, capacity: int) -> hnswlib.Index:
    hnsw = hnswlib.Index(space=params.metric.value, dim=params.dimensions)
    hnsw.init_index(
        max_elements=capacity,
        ef_construction=params.ef_construction,
        M=params.m,
        random_seed=_SEED,
    )
    hnsw.set_ef(params.ef_search)
    return hnsw


def _next_power(count: int) -> int:
    capacity = _MIN_CAPACITY
    while capacity < count:
        capacity *= 2
    return capacity
