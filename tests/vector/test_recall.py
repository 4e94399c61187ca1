"""Recall@10 through `db.execute` against exact search, unfiltered and with 10% / 1% filters.

The benchmark (`python -m benchmarks vector`) measures the same at 10,000 and 100,000 nodes;
this is the CI-sized version: 5,000 nodes, 32 dimensions, fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

import engram
from engram.index.distance import Metric, exact_scores
from tests.vector.support import vectors

N, DIMS, QUERIES = 5000, 32, 40
FILTERS = {
    "none": ("", lambda bucket: np.ones_like(bucket, dtype=bool)),
    "10%": ("WHERE d.bucket < 10", lambda bucket: bucket < 10),
    "1%": ("WHERE d.bucket = 7", lambda bucket: bucket == 7),
}


@pytest.fixture(scope="module", params=["no property index", "property index"])
def corpus(request):
    matrix = vectors(N, DIMS, seed=11)
    buckets = np.arange(N) % 100
    with engram.open() as db:
        rows = [{"id": i, "bucket": int(buckets[i]), "emb": matrix[i].tolist()} for i in range(N)]
        db.execute(
            "UNWIND $rows AS r CREATE (:Doc {id: r.id, bucket: r.bucket, emb: r.emb})", rows=rows
        )
        if request.param == "property index":
            db.execute("CREATE INDEX doc_bucket FOR (d:Doc) ON (d.bucket)")
        db.execute(
            f"CREATE VECTOR INDEX doc_emb FOR (d:Doc) ON (d.emb) OPTIONS {{dimensions: {DIMS}}}"
        )
        yield db, matrix, buckets


@pytest.mark.parametrize("kind", list(FILTERS))
def test_recall_at_10(corpus, kind):
    db, matrix, buckets = corpus
    where, keep = FILTERS[kind]
    text = (
        f"MATCH (d:Doc) {where} RETURN d.id "
        "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT 10"
    )
    assert "VectorSearch" in str(db.explain(text))
    allowed = np.flatnonzero(keep(buckets))
    rng = np.random.default_rng(5)
    found = 0
    for _ in range(QUERIES):
        query = matrix[rng.integers(0, N)] + rng.normal(0, 0.05, DIMS)
        rows = db.execute(text, q=query.tolist()).rows()
        assert len(rows) == 10
        scores = exact_scores(Metric.COSINE, matrix[allowed], query)
        truth = set(allowed[np.argsort(-scores, kind="stable")[:10]].tolist())
        found += len(truth & {row[0] for row in rows})
    assert found / (10 * QUERIES) >= 0.95
