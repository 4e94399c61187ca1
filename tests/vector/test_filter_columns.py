"""Filtered vector searches checked through property columns give the row checks' answers.

The operator checks predicates row by row until the nodes checked at a version reach the
size of the label, then through columns (and, when few nodes pass, scores them exactly).
Each test runs the same query enough times to cross that point and compares every answer
with the query ranked with every optimizer rule off.
"""

from __future__ import annotations

import numpy as np
import pytest

import engram
from tests.vector.support import load, manager, unoptimized, vectors

RANKED = (
    "MATCH (d:Doc) WHERE {where} RETURN d.id "
    "ORDER BY vector.similarity.cosine(d.emb, $q) DESC, d.id LIMIT $k"
)
ROUNDS = 40


@pytest.fixture
def db():
    with engram.open() as database:
        matrix = vectors(600, 8, seed=3)
        load(database, matrix)
        database.execute(
            "MATCH (d:Doc) SET d.bucket = d.id % 100, d.tag = CASE WHEN d.id % 7 = 0 "
            "THEN 'seven' ELSE null END"
        )
        yield database


@pytest.mark.parametrize(
    "where",
    [
        "d.bucket = 7",  # 1%: few pass, scored exactly
        "d.bucket < 30",  # 30%: HNSW with column checks
        "d.bucket >= $low AND NOT d.bucket = 50",
        "d.tag IS NOT NULL OR d.bucket = 3",
        "d:Doc AND d.bucket <> 1",
        "d.bucket = 'seven'",  # a comparison across types never holds
    ],
)
def test_column_checks_agree_with_row_checks(db, where):
    text = RANKED.format(where=where)
    # ORDER BY d.id as a second key keeps the rule off: `text` is always ranked exactly
    plain = text.replace(", d.id LIMIT", " LIMIT")
    assert "VectorSearch" in str(db.explain(plain))
    rng = np.random.default_rng(0)
    for _ in range(ROUNDS):
        query = rng.normal(size=8).tolist()
        expected = unoptimized(db, text, q=query, k=10, low=90)
        found = db.execute(plain, q=query, k=10, low=90).rows()
        assert [row[0] for row in found] == [row[0] for row in expected]
    with db.begin_read() as view:  # the later rounds ran through columns
        definition = view.catalog.index("doc_emb")
        assert manager(db).columns_pay_off(view, definition, 0)


def test_columns_start_once_row_checks_reach_the_label_size(db):
    vector = manager(db)
    with db.begin_read() as view:
        definition = view.catalog.index("doc_emb")
        assert definition is not None
        assert not vector.columns_pay_off(view, definition, 599)
        assert vector.columns_pay_off(view, definition, 1)
        assert vector.columns_pay_off(view, definition, 0)
    # a new version starts counting again
    db.execute("MATCH (d:Doc {id: 0}) SET d.bucket = 0")
    with db.begin_read() as view:
        assert not vector.columns_pay_off(view, definition, 10)


def test_mixed_types_fall_back_to_row_checks(db):
    db.execute("MATCH (d:Doc) WHERE d.id % 2 = 0 SET d.bucket = toString(d.bucket)")
    text = RANKED.format(where="d.bucket = 7 OR d.bucket = '8'")
    plain = text.replace(", d.id LIMIT", " LIMIT")
    rng = np.random.default_rng(1)
    for _ in range(ROUNDS):
        query = rng.normal(size=8).tolist()
        expected = unoptimized(db, text, q=query, k=5)
        found = db.execute(plain, q=query, k=5).rows()
        assert [row[0] for row in found] == [row[0] for row in expected]
        assert len(found) == 5


def test_a_write_transaction_checks_its_own_changes(db):
    text = RANKED.format(where="d.bucket = 7").replace(", d.id LIMIT", " LIMIT")
    query = vectors(1, 8, seed=9)[0].tolist()
    for _ in range(ROUNDS):  # columns are in use for reads at this version
        db.execute(text, q=query, k=3)
    with db.transaction() as tx:
        tx.execute("MATCH (d:Doc) WHERE d.id < 6 SET d.bucket = 7, d.emb = $q", q=query)
        found = tx.execute(text, q=query, k=3).rows()
        assert [row[0] for row in found] == [0, 1, 2]
