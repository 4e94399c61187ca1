"""The vector index rewrite never changes an answer: optimizer on and off agree.

Small graphs (HNSW is exact there) with float32-exact coordinates, ties, nodes without
vectors, updates and deletes; each query is a ranking, a filtered ranking, a threshold or a
procedure call, run with every optimizer rule and with none.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram

COORDINATE = st.sampled_from([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0])
VECTOR = st.lists(COORDINATE, min_size=3, max_size=3).filter(any)
NODE = st.fixed_dictionaries({"group": st.integers(0, 3), "emb": st.one_of(st.none(), VECTOR)})
QUERIES = [
    "MATCH (d:Doc) RETURN d.n ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k",
    "MATCH (d:Doc) WHERE d.group = $g "
    "RETURN d.n ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k",
    "MATCH (d:Doc) WHERE d.group <> $g AND d.emb IS NOT NULL "
    "RETURN d.n, vector.similarity.cosine(d.emb, $q) AS s ORDER BY s DESC SKIP 1 LIMIT $k",
    "MATCH (d:Doc) WHERE vector.similarity.cosine(d.emb, $q) > $t "
    "RETURN d.n ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k",
    "MATCH (d:Doc) WHERE vector.similarity.cosine(d.emb, $q) >= $t RETURN d.n ORDER BY d.n",
    "UNWIND [0, 2] AS g MATCH (d:Doc) WHERE d.group > g "
    "RETURN g, d.n ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k",
    "MATCH (d:Doc) WITH d, vector.similarity.cosine(d.emb, $q) AS s "
    "RETURN d.n, s ORDER BY s DESC LIMIT $k",
    "MATCH (d:Doc) WHERE d.group = $g WITH d.n AS n, vector.similarity.cosine(d.emb, $q) AS s "
    "RETURN n ORDER BY s DESC LIMIT $k",
]


def _rows(db, query, params, *, optimize):
    db.session.disabled_rules = frozenset() if optimize else frozenset({"*"})
    try:
        return db.execute(query, params).rows()
    finally:
        db.session.disabled_rules = frozenset()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    nodes=st.lists(NODE, min_size=0, max_size=30),
    updates=st.lists(st.tuples(st.integers(0, 29), st.one_of(st.none(), VECTOR)), max_size=5),
    query=VECTOR,
    k=st.integers(0, 8),
    group=st.integers(0, 3),
    threshold=st.sampled_from([0.0, 0.5, 0.75, 0.9]),
)
def test_optimized_and_unoptimized_answers_agree(nodes, updates, query, k, group, threshold):
    with engram.open() as db:
        rows = [{"n": i, **node} for i, node in enumerate(nodes)]
        db.execute(
            "UNWIND $rows AS r CREATE (:Doc {n: r.n, group: r.group, emb: r.emb})", rows=rows
        )
        db.execute("CREATE VECTOR INDEX doc FOR (d:Doc) ON (d.emb) OPTIONS {dimensions: 3}")
        for n, emb in updates:
            db.execute("MATCH (d:Doc {n: $n}) SET d.emb = $e", n=n, e=emb)
        params = {"q": query, "k": k, "g": group, "t": threshold}
        for text in QUERIES:
            optimized = _rows(db, text, params, optimize=True)
            plain = _rows(db, text, params, optimize=False)
            assert optimized == plain, text
        db.execute("MATCH (d:Doc) WHERE d.n % 3 = 0 DETACH DELETE d")
        for text in QUERIES[:2]:
            assert _rows(db, text, params, optimize=True) == _rows(db, text, params, optimize=False)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    embs=st.lists(VECTOR, min_size=1, max_size=40),
    query=VECTOR,
    k=st.integers(1, 12),
    metric=st.sampled_from(["cosine", "l2"]),
)
def test_the_plain_top_k_orders_ties_by_node_id(embs, query, k, metric):
    """Every node indexed, many exact ties: hnswlib's order is taken only when it is exact."""
    function = "cosine" if metric == "cosine" else "euclidean"
    with engram.open() as db:
        rows = [{"n": i, "emb": emb} for i, emb in enumerate(embs)]
        db.execute("UNWIND $rows AS r CREATE (:Doc {n: r.n, emb: r.emb})", rows=rows)
        db.execute(
            "CREATE VECTOR INDEX doc FOR (d:Doc) ON (d.emb) "
            f"OPTIONS {{dimensions: 3, metric: '{metric}'}}"
        )
        text = (
            f"MATCH (d:Doc) RETURN d.n ORDER BY vector.similarity.{function}(d.emb, $q) DESC "
            "LIMIT $k"
        )
        params = {"q": query, "k": k}
        assert "VectorSearch" in str(db.explain(text))
        assert _rows(db, text, params, optimize=True) == _rows(db, text, params, optimize=False)
