"""Vector indexes and transactions: commits, snapshots, own writes, rollbacks, failures."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import engram
from engram.errors import QueryRuntimeError
from tests.vector.support import QUERY_NODES, TOP, exact_ids, index_matches_data, load, vectors


@pytest.fixture
def db():
    with engram.open() as database:
        load(database, vectors(300, 8))
        yield database


def ids(db, query, k=5, text=TOP):
    return [row[0] for row in db.execute(text, q=list(query), k=k).rows()]


def test_the_index_answers_like_an_exact_ranking(db):
    matrix = vectors(300, 8)
    for row in matrix[:20]:
        assert ids(db, row, 5) == exact_ids(db, row, 5)
    assert "VectorSearch" in str(db.explain(TOP))


def test_committed_updates_and_deletes_are_seen_by_the_next_query(db):
    query = np.ones(8, dtype=np.float32)
    db.execute("CREATE (:Doc {id: 1000, emb: $e})", e=query.tolist())
    assert ids(db, query, 1) == [1000]
    db.execute("MATCH (d:Doc {id: 1000}) SET d.emb = $e", e=(-query).tolist())
    assert 1000 not in ids(db, query, 5)
    db.execute("MATCH (d:Doc {id: 7}) SET d.emb = $e", e=query.tolist())
    assert ids(db, query, 1) == [7]
    db.execute("MATCH (d:Doc {id: 7}) DELETE d")
    assert 7 not in ids(db, query, 5)
    assert 7 not in ids(db, query, 5, QUERY_NODES)
    db.execute("MATCH (d:Doc {id: 8}) SET d.emb = $e", e=query.tolist())
    db.execute("MATCH (d:Doc {id: 8}) REMOVE d:Doc SET d:Archived")
    assert 8 not in ids(db, query, 300, QUERY_NODES)
    index_matches_data(db)


def test_a_reader_snapshot_does_not_see_later_vector_writes(db):
    query = np.full(8, 0.5, dtype=np.float32)
    before = ids(db, query, 3)
    snapshot = db.begin_read()
    try:
        db.execute("CREATE (:Doc {id: 2000, emb: $e})", e=query.tolist())
        db.execute("MATCH (d:Doc {id: $i}) DELETE d", i=before[0])
        db.execute("MATCH (d:Doc {id: $i}) SET d.emb = $e", i=before[1], e=(-query).tolist())
        old = db.session.run_in(
            snapshot, TOP, {"q": query.tolist(), "k": 3}, timeout=None, profile=False
        )
        assert [row[0] for row in old.rows()] == before
        old_call = db.session.run_in(
            snapshot, QUERY_NODES, {"q": query.tolist(), "k": 3}, timeout=None, profile=False
        )
        assert [row[0] for row in old_call.rows()] == before
    finally:
        snapshot.close()
    now = ids(db, query, 3)
    assert now[0] == 2000
    assert before[0] not in now
    assert before[1] not in now


def test_a_transaction_sees_its_own_vector_writes(db):
    query = np.full(8, -0.25, dtype=np.float32)
    with db.transaction() as tx:
        tx.execute("CREATE (:Doc {id: 3000, emb: $e})", e=query.tolist())
        first = [row[0] for row in tx.execute(TOP, q=query.tolist(), k=2).rows()]
        assert first[0] == 3000
        tx.execute("MATCH (d:Doc {id: 3000}) SET d.emb = $e", e=(-query).tolist())
        assert 3000 not in [row[0] for row in tx.execute(TOP, q=query.tolist(), k=2).rows()]
        tx.execute("MATCH (d:Doc {id: 3000}) SET d.emb = $e", e=query.tolist())
        tx.rollback()
    assert 3000 not in ids(db, query, 5)
    index_matches_data(db)


def test_an_index_created_in_a_transaction_works_in_it():
    with engram.open() as db:
        matrix = vectors(50, 4)
        rows = [{"id": i, "emb": row.tolist()} for i, row in enumerate(matrix)]
        with db.transaction() as tx:
            tx.execute("UNWIND $rows AS r CREATE (:Doc {id: r.id, emb: r.emb})", rows=rows)
            tx.execute("CREATE VECTOR INDEX doc_emb FOR (d:Doc) ON (d.emb) OPTIONS {dimensions: 4}")
            tx.execute("CREATE (:Doc {id: 99, emb: [9.0, 9.0, 9.0, 9.0]})")
            found = tx.execute(TOP, q=[1.0, 1.0, 1.0, 1.0], k=1).rows()
            assert found == [(99,)]
            state = tx.execute("SHOW INDEXES").rows()[0][5]
            assert state == "POPULATING"
        assert db.execute(TOP, q=[1.0, 1.0, 1.0, 1.0], k=1).rows() == [(99,)]
        assert db.execute("SHOW INDEXES").rows()[0][5:] == (
            "ONLINE",
            db.execute("SHOW INDEXES").rows()[0][6],
            51,
        )
        index_matches_data(db)


def test_a_failing_statement_changes_nothing(db):
    query = vectors(300, 8)[3]
    before = ids(db, query, 5)
    with pytest.raises(QueryRuntimeError, match="8 dimensions, got 2"):
        db.execute(
            "UNWIND [1, 2] AS i "
            "CREATE (:Doc {id: 5000 + i, emb: CASE i WHEN 1 THEN $a ELSE [1, 2] END})",
            a=query.tolist(),
        )
    with db.transaction() as tx:
        tx.execute("CREATE (:Doc {id: 6000, emb: $e})", e=query.tolist())
        with pytest.raises(QueryRuntimeError):
            tx.execute("MATCH (d:Doc {id: 6000}) SET d.emb = 'oops'")
    assert db.execute("MATCH (d:Doc) WHERE d.id > 4000 RETURN d.id").rows() == [(6000,)]
    # node 6000 holds the query vector, as does the first hit: a tie, broken by node id
    assert ids(db, query, 6) == [before[0], 6000, *before[1:5]]
    index_matches_data(db)


def test_dropping_the_index_falls_back_to_exact_ranking(db):
    query = vectors(300, 8)[9]
    expected = exact_ids(db, query, 5)
    db.execute("DROP INDEX doc_emb")
    assert "VectorSearch" not in str(db.explain(TOP))
    assert ids(db, query, 5) == expected
    with pytest.raises(QueryRuntimeError, match="no vector index named 'doc_emb'"):
        db.execute(QUERY_NODES, q=query.tolist(), k=1)


def test_concurrent_readers_and_a_writer():
    with engram.open() as db:
        matrix = vectors(400, 8, seed=3)
        load(db, matrix)
        failures = []
        stop = threading.Event()

        def reader():
            rng = np.random.default_rng()
            while not stop.is_set():
                query = matrix[rng.integers(0, len(matrix))]
                try:
                    found = ids(db, query, 3)
                    if len(found) != 3:
                        failures.append(found)
                except Exception as error:  # pragma: no cover - reported below
                    failures.append(error)

        threads = [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            for step in range(40):
                db.execute(
                    "MATCH (d:Doc {id: $i}) SET d.emb = $e",
                    i=step,
                    e=matrix[(step + 200) % 400].tolist(),
                )
                db.execute(
                    "CREATE (:Doc {id: $i, emb: $e})", i=1000 + step, e=matrix[step].tolist()
                )
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        assert failures == []
        index_matches_data(db)
