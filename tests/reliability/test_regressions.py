"""Regression tests for bugs the reliability harnesses found (one test per root cause).

Records that the `.test` runner can express live under tests/logic/regression; these
need what it cannot say in its default mode (the optimizer off).
"""

from __future__ import annotations

import engram
from tests.support.engine import rules_disabled


def test_naive_plan_of_a_pattern_written_from_its_unbound_end():
    # found by the metamorphic optimizer on/off check: lowering a MatchPattern naively
    # produced r before b while the operators above read them in pattern order, so
    # b.id was read from the relationship (NULL) and OPTIONAL MATCH found nothing
    with engram.open() as db:
        db.execute("CREATE (:N {id: 1})-[:R {w: 5}]->(:N {id: 2})")
        queries = {
            "MATCH (a:N) MATCH (b)<-[r:R]-(a) RETURN a.id, r.w, b.id": [(1, 5, 2)],
            "MATCH (a:N) OPTIONAL MATCH (b)<-[r:R]-(a) RETURN a.id, b.id": [(1, 2), (2, None)],
        }
        for text, expected in queries.items():
            with rules_disabled(db, frozenset({"*"})):
                assert sorted(db.execute(text).rows(), key=repr) == expected, text
            assert sorted(db.execute(text).rows(), key=repr) == expected, text


def test_long_chain_pattern_plans_and_matches():
    # found by the execution fuzzer: a chain of n relationships has n^2 / 2 uniqueness
    # predicates, and the cost strategy rescored all of them for every candidate step
    # (O(n^4): 40 hops took 8 s to plan, 80 hops 100 s, outside any query timeout)
    hops = 30
    with engram.open() as db:
        db.execute("UNWIND range(0, $n) AS i CREATE (:P {id: i})", n=hops)
        db.execute("MATCH (a:P), (b:P) WHERE b.id = a.id + 1 CREATE (a)-[:NEXT]->(b)")
        chain = "MATCH (a:P)" + "-[:NEXT]->()" * (hops - 1) + "-[:NEXT]->(b:P) RETURN a.id, b.id"
        assert db.execute(chain).rows() == [(0, hops)]


def test_integrity_check_knows_vector_indexes_keep_no_entries():
    # found by the crash loop once vector indexes merged: the recount gave a vector index
    # one entry per vector, the statistics (rightly) none, so every check failed
    from engram.storage.verify import check_integrity

    with engram.open() as db:
        db.execute(
            "CREATE VECTOR INDEX n_emb FOR (n:N) ON (n.emb) OPTIONS {dimensions: 4, metric: 'l2'}"
        )
        db.execute("CREATE INDEX a_v FOR (n:A) ON (n.v)")
        db.execute("CREATE (:N:A {uid: 2, v: 3, emb: [1.0, 0.0, 0.0, 0.5]})")
        with db.begin_read() as view:
            assert check_integrity(view) == []
