"""The unfiltered top k takes a lean path (`VectorIndexes.top`) that answers as the general one.

Every query shape is compared with the same query ranked with every optimizer rule off;
the white-box checks say which shapes the lean path takes and which it leaves to the
general search (nulls first, own writes, integer or numpy query vectors).
"""

from __future__ import annotations

import numpy as np
import pytest

import engram
from engram import QueryError
from engram.index.search import top_nodes
from tests.vector.support import load, manager, unoptimized, vectors

COUNT = 200
DIMS = 8
TOP = "MATCH (d:Doc) RETURN d.id ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k"
PAGE = "MATCH (d:Doc) RETURN d.id ORDER BY vector.similarity.cosine(d.emb, $q) DESC SKIP 3 LIMIT 4"
SCORED = (
    "MATCH (d:Doc) WITH d, vector.similarity.cosine(d.emb, $q) AS s "
    "RETURN d.id, s ORDER BY s DESC LIMIT 5"
)


@pytest.fixture
def db():
    with engram.open() as database:
        load(database, vectors(COUNT, DIMS, seed=11))
        yield database


def _queries(count: int) -> list[list[float]]:
    return [row.tolist() for row in vectors(count, DIMS, seed=12)]


def _lean(db, query, k: int = 10, *, scored: bool = False):
    """What the lean path answers for `query` (None: it leaves the query to `search`)."""
    with db.begin_read() as view:
        definition = view.catalog.index("doc_emb")
        return manager(db).top(
            view, definition, query, k, scored=scored, function="test", position=2
        )


@pytest.mark.parametrize("k", [1, 10, 60])
def test_top_k_matches_the_exact_ranking(db, k):
    for q in _queries(5):
        assert db.execute(TOP, q=q, k=k).rows() == unoptimized(db, TOP, q=q, k=k)
        assert _lean(db, q, k) is not None


def test_skip_and_scores_match_the_exact_ranking(db):
    for q in _queries(5):
        assert db.execute(PAGE, q=q).rows() == unoptimized(db, PAGE, q=q)
        found, exact = db.execute(SCORED, q=q).rows(), unoptimized(db, SCORED, q=q)
        assert [row[0] for row in found] == [row[0] for row in exact]
        assert [row[1] for row in found] == pytest.approx([row[1] for row in exact], abs=1e-12)
        nodes, scores = _lean(db, q, 5, scored=True)
        assert len(nodes) == len(scores) == 5


def test_other_shapes_of_query_vector(db):
    q = _queries(1)[0]
    expected = unoptimized(db, TOP, q=q, k=10)
    # a numpy query arrives as a list of floats: the lean path takes it
    assert db.execute(TOP, q=np.asarray(q, dtype=np.float32), k=10).rows() == unoptimized(
        db, TOP, q=np.asarray(q, dtype=np.float32).tolist(), k=10
    )
    assert db.execute(TOP, q=q, k=10).rows() == expected
    # integers are converted by the general validation, then searched the same way
    ints = [1, 0, 2, 0, 0, 1, 0, 3]
    assert db.execute(TOP, q=ints, k=10).rows() == unoptimized(db, TOP, q=ints, k=10)
    # a zero vector's cosine is null for every node: the first k in id order
    zero = [0.0] * DIMS
    assert db.execute(TOP, q=zero, k=3).rows() == [(0,), (1,), (2,)]
    assert _lean(db, zero, 3) is None
    assert db.execute(TOP, q=None, k=3).rows() == [(0,), (1,), (2,)]


@pytest.mark.parametrize("bad", [[1.0] * (DIMS + 1), [float("nan")] * DIMS, ["x"] * DIMS, "text"])
def test_bad_query_vectors_fail_as_the_exact_ranking_does(db, bad):
    with pytest.raises(QueryError) as lean:
        db.execute(TOP, q=bad, k=10).rows()
    with pytest.raises(QueryError) as exact:
        unoptimized(db, TOP, q=bad, k=10)
    assert type(lean.value) is type(exact.value)
    assert (lean.value.kind, lean.value.detail) == (exact.value.kind, exact.value.detail)
    assert str(lean.value).splitlines()[0] == str(exact.value).splitlines()[0]


def test_a_node_without_a_vector_leaves_the_lean_path(db):
    db.execute("CREATE (:Doc {id: -1})")
    q = _queries(1)[0]
    assert _lean(db, q) is None
    rows = db.execute(TOP, q=q, k=10).rows()
    assert rows[0] == (-1,)  # its similarity is null: it sorts first, as the exact ranking has it
    assert rows == unoptimized(db, TOP, q=q, k=10)


def test_a_write_transaction_sees_its_own_vectors(db):
    q = _queries(1)[0]
    with db.transaction() as tx:
        tx.execute("CREATE (:Doc {id: 999, emb: $q})", q=q)
        assert tx.execute(TOP, q=q, k=1).rows() == [(999,)]
    assert db.execute(TOP, q=q, k=1).rows() == [(999,)]


def test_near_ties_are_ranked_exactly_with_ties_by_id(db):
    q = _queries(1)[0]
    # five copies of one vector: hnswlib's order among them is arbitrary, the answer's is by id
    db.execute("UNWIND range(1000, 1004) AS i CREATE (:Doc {id: i, emb: $q})", q=q)
    with db.begin_read() as view:
        index = manager(db).index_for(view, view.catalog.index("doc_emb"))
        assert top_nodes(index, q, view.version, 10) is None  # a tie: rescored
    rows = db.execute(TOP, q=q, k=10).rows()
    assert rows[:5] == [(1000,), (1001,), (1002,), (1003,), (1004,)]
    assert rows == unoptimized(db, TOP, q=q, k=10)


@pytest.mark.parametrize("big", [1e20, 1e39])
def test_huge_query_components_are_ranked_exactly(db, big):
    """hnswlib computes in float32, where these overflow: such queries are ranked in float64."""
    q = [big, *_queries(1)[0][1:]]
    assert db.execute(TOP, q=q, k=10).rows() == unoptimized(db, TOP, q=q, k=10)
    filtered = "MATCH (d:Doc) WHERE d.id % 2 = 0 " + TOP[len("MATCH (d:Doc) ") :]
    assert db.execute(filtered, q=q, k=10).rows() == unoptimized(db, filtered, q=q, k=10)
