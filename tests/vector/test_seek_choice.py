"""A range seek narrows a vector search only while it finds few enough nodes."""

from __future__ import annotations

import pytest

import engram
from engram.index.search import DEFAULT_EXACT_LIMIT
from tests.vector.support import load, unoptimized, vectors

TOP = (
    "MATCH (d:Doc) WHERE d.bucket < $b RETURN d.id "
    "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT 10"
)
COUNT = 9000
MATRIX = vectors(COUNT, 8, seed=5)


@pytest.fixture(scope="module")
def db():
    with engram.open() as database:
        load(database, MATRIX)
        database.execute("MATCH (d:Doc) SET d.bucket = d.id % 100")
        database.execute("CREATE INDEX doc_bucket FOR (d:Doc) ON (d.bucket)")
        yield database


def _truth(db, query, bound):
    return [row[0] for row in unoptimized(db, TOP, q=query.tolist(), b=bound)]


def test_explain_says_a_large_range_is_dropped(db):
    plan = str(db.explain(TOP))
    assert "index=doc_bucket" in plan or "doc_bucket" in plan
    assert f"more than {DEFAULT_EXACT_LIMIT:,} nodes at run time" in plan


@pytest.mark.parametrize("bound", [2, 30, 60, 100])
def test_narrow_and_wide_ranges_answer_like_the_exact_ranking(db, bound):
    # 2: 180 candidates, scored exactly; 30 and more: over the limit, the seek is dropped
    assert (COUNT * bound // 100 > DEFAULT_EXACT_LIMIT) == (bound >= 30)
    for row in (17, 400, 8000):
        query = MATRIX[row]
        found = [r[0] for r in db.execute(TOP, q=query.tolist(), b=bound).rows()]
        truth = _truth(db, query, bound)
        assert len(found) == 10
        assert all(db_id % 100 < bound for db_id in found)
        assert len(set(found) & set(truth)) >= 9


def test_a_seek_with_a_limit_stops_early_but_merges_a_transactions_own_changes(db):
    from engram.storage import Bound

    with db.begin_read() as view:
        index = view.catalog.index("doc_bucket")
        everything = view.index_seek(index, lower=Bound(50, True))
        first = view.index_seek(index, lower=Bound(50, True), limit=7)
    assert len(everything) == COUNT // 2
    assert first.tolist() == everything[:7].tolist()
    with db.begin_write() as tx:
        bucket = tx.catalog.property_keys.id_of("bucket")
        node = int(everything[0])
        tx.set_node_property(node, bucket, 5)  # leaves the range: the overlay changes it
        mine = tx.index_seek(index, lower=Bound(50, True), limit=7)
        assert node not in mine.tolist()
        assert len(mine) >= 7
        tx.rollback()
