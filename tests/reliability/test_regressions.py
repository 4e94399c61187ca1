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
