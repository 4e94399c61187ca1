"""HnswIndex: versioned slots (what each snapshot sees), retire and reuse, growth, filters."""

from __future__ import annotations

import numpy as np
import pytest

from engram.index.distance import Metric, VectorParams
from engram.index.hnsw import HnswIndex, ReadWriteLock

PARAMS = VectorParams(dimensions=4, metric=Metric.L2, ef_search=64)


def unit(i: int, dims: int = 4) -> np.ndarray:
    vector = np.zeros(dims, dtype=np.float32)
    vector[i % dims] = 1.0 + i // dims
    return vector


def nearest(index: HnswIndex, query: np.ndarray, snapshot: int, k: int = 1) -> list[int]:
    slots = index.knn(np.asarray(query, dtype=np.float64), k, snapshot)
    assert slots is not None
    order = np.argsort(-index.scores(slots, query), kind="stable")
    return index.nodes_of(slots[order]).tolist()


def test_build_and_search():
    nodes = np.arange(100, 110)
    vectors = np.stack([unit(i) for i in range(10)])
    index = HnswIndex.build(PARAMS, nodes, vectors, version=5)
    assert index.count == 10
    assert nearest(index, unit(3), 5) == [103]
    assert nearest(index, unit(3), 5, k=3)[0] == 103
    assert index.vector_of(104).tolist() == unit(4).tolist()
    assert index.vector_of(999) is None


def test_a_snapshot_sees_the_vectors_of_its_version():
    index = HnswIndex(PARAMS)
    index.apply(1, {10: unit(0), 11: unit(1)})
    index.apply(2, {10: unit(2)})  # replaced
    index.apply(3, {}, {11})  # removed
    index.apply(4, {12: unit(1)})  # new
    # version 1: the original vectors
    assert sorted(index.nodes_of(index.visible_slots(1)).tolist()) == [10, 11]
    assert nearest(index, unit(1), 4) == [12]
    # version 2 and 3: node 10 moved; node 11 until version 3
    assert sorted(index.nodes_of(index.visible_slots(2)).tolist()) == [10, 11]
    assert sorted(index.nodes_of(index.visible_slots(3)).tolist()) == [10]
    assert sorted(index.nodes_of(index.visible_slots(4)).tolist()) == [10, 12]
    assert index.needs_visibility_filter(3)
    assert not index.needs_visibility_filter(4)
    # a search at version 3 never returns node 12 (added at 4)
    assert nearest(index, unit(1), 3) == [10]
    old = index.slots_for_nodes(np.array([10]), 1)
    assert index.scores(old, unit(0).astype(np.float64)).tolist() == [1.0]
    assert [entry.node for entry in index.retired_visible(1)] == [10, 11]
    assert [entry.node for entry in index.retired_visible(2)] == [11]


def test_unchanged_vectors_keep_their_slot():
    index = HnswIndex(PARAMS)
    index.apply(1, {10: unit(0)})
    index.apply(2, {10: unit(0).copy()})
    assert index.retired_count == 0
    assert not index.needs_visibility_filter(1)


def test_collect_frees_and_reuses_slots():
    index = HnswIndex(PARAMS)
    index.apply(1, {node: unit(node) for node in range(10)})
    index.apply(2, {node: unit(node + 20) for node in range(5)})
    assert index.retired_count == 5
    assert index.collect(oldest_reader=1) == 0  # a reader at 1 still needs them
    assert index.collect(oldest_reader=2) == 5
    index.apply(3, {node: unit(node) for node in range(100, 105)})
    assert index.capacity == 1024
    assert index.count == 15
    assert sorted(index.nodes_of(index.visible_slots(3)).tolist()) == [
        *range(10),
        *range(100, 105),
    ]
    assert nearest(index, unit(101), 3) == [101]


def test_growth_beyond_the_first_capacity():
    index = HnswIndex(PARAMS)
    rng = np.random.default_rng(0)
    vectors = rng.random((3000, 4), dtype=np.float32)
    for start in range(0, 3000, 1000):
        batch = {start + i: vectors[start + i] for i in range(1000)}
        index.apply(1 + start // 1000, batch)
    assert index.count == 3000
    assert index.capacity >= 3000
    found = nearest(index, vectors[2500].astype(np.float64), 3, k=5)
    assert found[0] == 2500


def test_filters_and_impossible_filters():
    index = HnswIndex.build(PARAMS, np.arange(50), np.stack([unit(i) for i in range(50)]), 1)
    allowed = set(index.slots_for_nodes(np.array([7, 8, 9]), 1).tolist())
    slots = index.knn(unit(0).astype(np.float64), 2, 1, allowed.__contains__)
    assert slots is not None
    assert set(index.nodes_of(slots).tolist()) <= {7, 8, 9}
    # hnswlib cannot find 5 results among 3 allowed: the caller searches exactly then
    assert index.knn(unit(0).astype(np.float64), 5, 1, allowed.__contains__) is None
    assert index.knn(unit(0).astype(np.float64), 0, 1).tolist() == []


def test_read_write_lock_excludes_writers_from_readers():
    lock = ReadWriteLock()
    with lock.shared(), lock.shared():
        pass
    with lock.exclusive():
        pass
    order = []
    import threading

    entered = threading.Event()

    def writer():
        with lock.exclusive():
            order.append("writer")

    with lock.shared():
        thread = threading.Thread(target=writer)
        thread.start()
        entered.wait(0.05)
        order.append("reader done")
    thread.join(5)
    assert order == ["reader done", "writer"]


@pytest.mark.parametrize("metric", list(Metric))
def test_every_metric_builds_and_finds_itself(metric):
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(200, 8)).astype(np.float32)
    index = HnswIndex.build(VectorParams(8, metric), np.arange(200), vectors, 1)
    query = vectors[17].astype(np.float64)
    slots = index.knn(query, 5, 1)
    assert slots is not None
    if metric is not Metric.IP:  # a dot product can prefer a longer vector
        best = index.nodes_of(slots[np.argmax(index.scores(slots, query))])
        assert best == 17
