"""Search strategies: exact, filtered HNSW, HNSW with growing fetches; k when k qualify."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.index.distance import Metric, VectorParams, exact_scores
from engram.index.hnsw import HnswIndex
from engram.index.search import SearchSpec, rank_vectors, search

N, DIMS = 2000, 16


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(20, DIMS))
    vectors = (centres[rng.integers(0, 20, N)] + rng.normal(0, 0.4, (N, DIMS))).astype(np.float32)
    index = HnswIndex.build(VectorParams(DIMS, Metric.COSINE), np.arange(N) * 3, vectors, 1)
    return index, vectors, rng


def truth(vectors, query, nodes, k):
    scores = exact_scores(Metric.COSINE, vectors[nodes // 3], query)
    order = np.lexsort((nodes, -scores))[:k]
    return nodes[order].tolist()


def test_unfiltered_top_k(data):
    index, vectors, rng = data
    hits_total = 0
    for _ in range(50):
        query = rng.normal(size=DIMS)
        hits = search(index, query, 1, SearchSpec(k=10))
        assert hits.strategy == "hnsw"
        assert len(hits.nodes) == 10
        assert list(hits.scores) == sorted(hits.scores, reverse=True)
        hits_total += len(
            set(hits.nodes.tolist()) & set(truth(vectors, query, np.arange(N) * 3, 10))
        )
    assert hits_total / 500 >= 0.95


def test_small_candidate_sets_are_exact(data):
    index, vectors, rng = data
    candidates = np.sort(rng.choice(N, 300, replace=False) * 3)
    query = rng.normal(size=DIMS)
    hits = search(index, query, 1, SearchSpec(k=10, candidates=candidates))
    assert hits.strategy == "exact"
    assert hits.nodes.tolist() == truth(vectors, query, candidates, 10)


def test_large_candidate_sets_filter_hnsw(data):
    index, vectors, rng = data
    candidates = np.sort(rng.choice(N, 600, replace=False) * 3)
    found = 0
    for _ in range(20):
        query = rng.normal(size=DIMS)
        spec = SearchSpec(k=10, candidates=candidates, exact_limit=100)
        hits = search(index, query, 1, spec)
        assert hits.strategy in ("hnsw+filter", "exact")
        assert len(hits.nodes) == 10
        assert set(hits.nodes.tolist()) <= set(candidates.tolist())
        found += len(set(hits.nodes.tolist()) & set(truth(vectors, query, candidates, 10)))
    assert found / 200 >= 0.95


@pytest.mark.parametrize("fraction", [0.5, 0.1, 0.01])
def test_predicates_are_checked_while_searching(data, fraction):
    index, vectors, rng = data
    kept = set((rng.choice(N, max(1, int(N * fraction)), replace=False) * 3).tolist())
    calls = []

    def accept(ids):
        calls.append(len(ids))
        return np.asarray([node in kept for node in ids.tolist()])

    query = rng.normal(size=DIMS)
    spec = SearchSpec(k=10, accept=accept, selectivity=fraction)
    hits = search(index, query, 1, spec)
    expected = truth(vectors, query, np.asarray(sorted(kept)), 10)
    assert len(hits.nodes) == min(10, len(kept))
    assert set(hits.nodes.tolist()) <= kept
    assert len(set(hits.nodes.tolist()) & set(expected)) >= 0.8 * len(expected)
    assert sum(calls) < N  # never checked every node


def test_the_estimate_can_be_wrong_and_k_still_comes_back(data):
    index, _, rng = data
    kept = {3 * int(i) for i in rng.choice(N, 12, replace=False)}
    spec = SearchSpec(
        k=10,
        accept=lambda ids: np.asarray([node in kept for node in ids.tolist()]),
        selectivity=0.9,  # far too optimistic: the search keeps fetching
    )
    hits = search(index, rng.normal(size=DIMS), 1, spec)
    assert len(hits.nodes) == 10
    assert set(hits.nodes.tolist()) <= kept


def test_threshold(data):
    index, vectors, _rng = data
    query = vectors[5].astype(np.float64)
    scores = exact_scores(Metric.COSINE, vectors, query)
    threshold = float(np.sort(scores)[-25])
    every = search(index, query, 1, SearchSpec(k=None, threshold=threshold))
    assert every.strategy == "exact"
    assert sorted(every.nodes.tolist()) == sorted((np.flatnonzero(scores > threshold) * 3).tolist())
    inclusive = search(index, query, 1, SearchSpec(k=None, threshold=threshold, inclusive=True))
    assert len(inclusive.nodes) == len(every.nodes) + 1
    top = search(index, query, 1, SearchSpec(k=100, threshold=threshold))
    assert len(top.nodes) <= 24
    assert (top.scores > threshold).all()


def test_a_writer_sees_its_own_vectors(data):
    index, vectors, _ = data
    query = vectors[0].astype(np.float64)
    # node 0 (the query itself) is replaced by the writer; node 99999 is new
    spec = SearchSpec(
        k=2,
        exclude=frozenset({0}),
        extra=((99999, vectors[0].copy()), (0, -vectors[0])),
    )
    hits = search(index, query, 1, spec)
    assert hits.nodes[0] == 99999
    assert 0 not in hits.nodes[:2].tolist()


def test_readers_at_older_versions(data):
    _, vectors, _ = data
    index = HnswIndex.build(VectorParams(DIMS), np.arange(100), vectors[:100], 1)
    index.apply(2, {5: vectors[50]}, {6})
    query = vectors[5].astype(np.float64)
    old = search(index, query, 1, SearchSpec(k=1))
    new = search(index, query, 2, SearchSpec(k=2))
    assert old.nodes.tolist() == [5]
    assert old.scores[0] == pytest.approx(1.0)
    assert 5 not in new.nodes.tolist() or new.scores[0] < 1.0
    assert 6 in search(index, vectors[6].astype(np.float64), 1, SearchSpec(k=1)).nodes
    assert 6 not in search(index, vectors[6].astype(np.float64), 2, SearchSpec(k=5)).nodes


def test_rank_vectors_without_an_index():
    vectors = np.asarray([[1, 0], [0, 1], [1, 1]], dtype=np.float32)
    hits = rank_vectors(
        Metric.L2, np.array([1.0, 0.0]), np.array([4, 5, 6]), vectors, SearchSpec(k=2)
    )
    assert hits.nodes.tolist() == [4, 6]
    spec = SearchSpec(k=5, candidates=np.array([5]))
    assert rank_vectors(
        Metric.L2, np.zeros(2), np.array([4, 5]), vectors[:2], spec
    ).nodes.tolist() == [5]


@settings(max_examples=40, deadline=None)
@given(
    size=st.integers(1, 300),
    k=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    keep=st.floats(0.0, 1.0),
)
def test_never_fewer_than_k_when_k_qualify(size, k, seed, keep):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(size, 6)).astype(np.float32)
    index = HnswIndex.build(VectorParams(6, ef_search=16), np.arange(size), vectors, 1)
    kept = set(np.flatnonzero(rng.random(size) < keep).tolist())
    spec = SearchSpec(
        k=k, accept=lambda ids: np.asarray([i in kept for i in ids.tolist()]), selectivity=0.5
    )
    hits = search(index, rng.normal(size=6), 1, spec)
    assert len(hits.nodes) == min(k, len(kept))
    assert set(hits.nodes.tolist()) <= kept
    assert len(set(hits.nodes.tolist())) == len(hits.nodes)
