"""The cost-based choices the optimizer must make, checked on small generated graphs."""

from __future__ import annotations

import pytest

import engram

QUERY = "MATCH (p:Person)-[:LIVES_IN]->(c:City {name: $n}) RETURN p"


@pytest.fixture(scope="module")
def db():
    with engram.open(sync=False) as database:
        database.execute(
            "UNWIND range(0, 99) AS i CREATE (:City {id: i, name: 'city' + toString(i)})"
        )
        database.execute("CREATE INDEX city_id FOR (c:City) ON (c.id)")
        database.execute("CREATE INDEX city_name FOR (c:City) ON (c.name)")
        database.execute(
            "UNWIND range(0, 4999) AS i MATCH (c:City {id: i % 100}) "
            "CREATE (:Person {id: i})-[:LIVES_IN]->(c)"
        )
        yield database


def _reads(plan: engram.Plan) -> int:
    return sum(line.reads or 0 for line in plan.lines)


def test_pattern_starts_from_the_indexed_city(db):
    lines = db.explain(QUERY).lines
    leaf = lines[-1]
    assert leaf.operator == "IndexSeek"
    assert "c:City(name)" in leaf.details
    expand = next(line for line in lines if line.operator == "Expand")
    assert "(c)<-[:LIVES_IN]-(p)" in expand.details


def test_profile_reads_far_less_than_the_opposite_order(db):
    optimized = db.profile(QUERY, n="city7")
    assert len(optimized.rows()) == 50
    db.session.disabled_rules = frozenset({"*"})
    try:
        naive = db.profile(QUERY, n="city7")
        assert len(naive.rows()) == 50
    finally:
        db.session.disabled_rules = frozenset()
    assert naive.plan is not None
    assert optimized.plan is not None
    assert naive.plan.lines[-1].operator == "LabelScan"
    assert _reads(optimized.plan) * 20 < _reads(naive.plan)


def test_without_the_index_the_city_label_is_still_the_cheaper_start(db):
    db.execute("DROP INDEX city_name")
    try:
        leaf = db.explain(QUERY).lines[-1]
        assert leaf.operator == "LabelScan"
        assert "c:City" in leaf.details
    finally:
        db.execute("CREATE INDEX city_name FOR (c:City) ON (c.name)")
