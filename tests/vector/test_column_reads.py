"""A vector search's results read their properties from columns once those pay off.

Until the node records of the label read at a version reach the size of the label, the
properties come from the records; from then on from the version's property columns
(`engram.execution.column_reads`). Every test compares the answers with the same query
ranked with every optimizer rule off (records only), before and after the switch, and
across commits and snapshots.
"""

from __future__ import annotations

import numpy as np
import pytest

import engram
from tests.vector.support import load, unoptimized, vectors

TOP = (
    "MATCH (d:Doc) RETURN d.id, d.name, d.score, d.flag, d.mixed, d.note "
    "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT 10"
)
SCAN = "MATCH (d:Doc) RETURN d.id"
COUNT = 300


def _switched(db, q) -> None:
    """Read every Doc record at the current version, then search once: columns from now."""
    db.execute(SCAN).rows()
    db.execute(TOP, q=q).rows()


def _column(db, key: str):
    """The version's cached column of Doc.key, or None (white-box)."""
    store = db._store
    view = store.begin_read()
    try:
        catalog = view.catalog
        label, key_id = catalog.label_id("Doc"), catalog.property_key_id(key)
        if key_id is None:
            return None
        return view._state.caches.peek(("column", label, key_id))
    finally:
        view.close()


@pytest.fixture
def db():
    with engram.open() as database:
        load(database, vectors(COUNT, 8, seed=5))
        database.execute(
            "MATCH (d:Doc) SET d.name = 'doc ' + toString(d.id), d.score = d.id / 4.0, "
            "d.flag = d.id % 3 = 0, "
            "d.mixed = CASE WHEN d.id % 2 = 0 THEN d.id ELSE toString(d.id) END, "
            "d.note = CASE WHEN d.id % 5 = 0 THEN null ELSE 'n' + toString(d.id) END"
        )
        yield database


def _queries(count: int, seed: int) -> list[list[float]]:
    return [row.tolist() for row in vectors(count, 8, seed=seed)]


def test_answers_match_records_before_and_after_the_switch(db):
    queries = _queries(6, 11)
    first = [db.execute(TOP, q=q).rows() for q in queries[:3]]
    assert _column(db, "id") is None  # thirty reads of three hundred: records still
    db.execute(SCAN).rows()  # reads every Doc record at this version
    later = [db.execute(TOP, q=q).rows() for q in queries]
    for q, rows in zip(queries[:3], first, strict=True):
        assert rows == unoptimized(db, TOP, q=q)
    for q, rows in zip(queries, later, strict=True):
        assert rows == unoptimized(db, TOP, q=q)
    assert _column(db, "id") is not None
    assert _column(db, "name") is not None
    assert _column(db, "score") is not None
    assert _column(db, "note").present.sum() == COUNT - COUNT // 5  # absent stays null
    # a column of mixed types is built but not used: the records answer
    assert _column(db, "mixed").kind == "object"
    # values keep their Python types
    row = later[0][0]
    assert [type(value) for value in row[:4]] == [int, str, float, bool]


def test_vectors_and_long_strings_never_get_a_column(db):
    db.execute("MATCH (d:Doc) SET d.long = 'x' + reduce(s = '', i IN range(1, 300) | s + 'y')")
    db.execute(SCAN).rows()
    text = (
        "MATCH (d:Doc) RETURN d.long, d.emb "
        "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT 3"
    )
    q = _queries(1, 12)[0]
    assert db.execute(text, q=q).rows() == unoptimized(db, text, q=q)
    assert _column(db, "long") is None
    assert _column(db, "emb") is None


def test_a_commit_changes_what_the_next_query_reads(db):
    q = _queries(1, 13)[0]
    db.execute(SCAN).rows()
    before = db.execute(TOP, q=q).rows()
    assert _column(db, "id") is not None
    db.execute("MATCH (d:Doc) SET d.name = 'renamed ' + toString(d.id)")
    assert _column(db, "name") is None  # the commit dropped the column
    after = db.execute(TOP, q=q).rows()
    assert [row[1] for row in after] == [f"renamed {row[0]}" for row in before]
    assert after == unoptimized(db, TOP, q=q)


def test_a_snapshot_keeps_reading_its_version(db):
    q = _queries(1, 14)[0]
    _switched(db, q)
    snapshot = db.begin_read()
    try:
        old = _in(db, snapshot, TOP, q)
        db.execute("MATCH (d:Doc) SET d.score = -1.0")
        db.execute(SCAN).rows()
        assert [row[2] for row in db.execute(TOP, q=q).rows()] == [-1.0] * 10
        assert _in(db, snapshot, TOP, q) == old
    finally:
        snapshot.close()
    assert all(row[2] >= 0 for row in old)


def _in(db, transaction, text, q):
    return db.session.run_in(transaction, text, {"q": q}, timeout=None, profile=False).rows()


def test_a_write_transaction_reads_its_own_changes(db):
    q = _queries(1, 15)[0]
    _switched(db, q)
    tx = db.transaction()
    try:
        tx.execute("MATCH (d:Doc) SET d.name = 'mine'")
        rows = tx.execute(TOP, q=q).rows()
        assert {row[1] for row in rows} == {"mine"}
    finally:
        tx.rollback()
    assert {row[1] for row in db.execute(TOP, q=q).rows()} != {"mine"}


def test_nodes_the_column_does_not_hold_fall_back_to_records(db):
    # a node gains the label after the column was built: the next version drops it anyway,
    # and a node without the key reads null
    q = np.ones(8, dtype=np.float32).tolist()
    _switched(db, q)
    db.execute("CREATE (:Doc {id: 1000, emb: $e})", e=q)
    db.execute(SCAN).rows()
    rows = db.execute(TOP, q=q).rows()
    assert rows[0][:2] == (1000, None)
    assert rows == unoptimized(db, TOP, q=q)


def test_a_search_that_returns_nothing_adopts_nothing(db):
    # no node passes the first row's filter; the second row's filter then reads
    # properties in the same statement
    q = _queries(1, 16)[0]
    _switched(db, q)
    text = (
        "UNWIND [1000, 1] AS i MATCH (d:Doc) WHERE d.score > i RETURN i, d.id "
        "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT 3"
    )
    rows = db.execute(text, q=q).rows()
    assert len(rows) == 3
    assert rows == unoptimized(db, text, q=q)
