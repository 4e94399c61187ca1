"""The columnar engine and breadth-first reachability answer exactly as the row operators
do (a property test over random graphs, predicates and aggregations); PROFILE counts."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from tests.support.engine import rules_disabled

VALUES = st.one_of(
    st.none(),
    st.integers(-3, 3),
    st.sampled_from(["a", "b", "c"]),
    st.sampled_from([0.5, -1.5, float("nan")]),
    st.booleans(),
)
COMPARISONS = ["=", "<>", "<", "<=", ">", ">="]
CONSTANTS = ["0", "1", "2.5", "'b'", "true", "null", "$v"]


@st.composite
def predicates(draw, depth: int = 0):
    """A random WHERE predicate over a, b and the relationship r."""
    choice = draw(st.integers(0, 5 if depth < 2 else 2))
    if choice == 0:
        node = draw(st.sampled_from(["a", "b"]))
        key = draw(st.sampled_from(["x", "y"]))
        op = draw(st.sampled_from(COMPARISONS))
        constant = draw(st.sampled_from(CONSTANTS))
        return (
            f"{node}.{key} {op} {constant}"
            if draw(st.booleans())
            else f"{constant} {op} {node}.{key}"
        )
    if choice == 1:
        return f"{draw(st.sampled_from(['a', 'b']))}:{draw(st.sampled_from(['A', 'B']))}"
    if choice == 2:
        node = draw(st.sampled_from(["a", "b"]))
        key, negation = draw(st.sampled_from(["x", "y"])), draw(st.sampled_from(["", "NOT "]))
        return f"{node}.{key} IS {negation}NULL"
    if choice == 3:
        return f"NOT ({draw(predicates(depth + 1))})"
    op = draw(st.sampled_from(["AND", "OR", "XOR"]))
    return f"({draw(predicates(depth + 1))}) {op} ({draw(predicates(depth + 1))})"


RETURNS = [
    "count(*)",
    "a.y, count(b), sum(b.x)",
    "a, count(DISTINCT b)",
    "a.x, avg(b.x), min(b.x), max(b.x)",
    "b.y, count(DISTINCT a.y), count(a.x)",
    "a, b, count(*)",
]


def _normal(value):
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, engram.Node):
        return ("node", value.id)
    return value


def _bag(result):
    return Counter(tuple(_normal(v) for v in row) for row in result.rows())


@pytest.fixture(scope="module")
def graph():
    db = engram.open(None)
    yield db
    db.close()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    nodes=st.lists(
        st.tuples(st.sampled_from(["A", "B", "A:B"]), VALUES, VALUES), min_size=0, max_size=12
    ),
    edges=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=25),
    where=predicates(),
    returns=st.sampled_from(RETURNS),
    hops=st.sampled_from(
        [
            "(a)-[r:R]->(b)",
            "(a)<-[r:R]-(b)",
            "(a)-[r:R]-(b)",
            "(a:A), (b:B)",
            "(a)-[:R*1..2]->(b)",
            "(a)<-[:R*0..3]-(b)",
        ]
    ),
    parameter=VALUES,
)
def test_columnar_equals_rows(graph, nodes, edges, where, returns, hops, parameter):
    graph.execute("MATCH (n) DETACH DELETE n")
    for labels in ("A", "B", "A:B"):
        rows = [{"i": i, "x": x, "y": y} for i, (ls, x, y) in enumerate(nodes) if ls == labels]
        graph.execute(
            f"UNWIND $rows AS row CREATE (:{labels} {{i: row.i, x: row.x, y: row.y}})", rows=rows
        )
    graph.execute(
        "UNWIND $edges AS e MATCH (s {i: e[0]}), (t {i: e[1]}) CREATE (s)-[:R]->(t)",
        edges=[list(e) for e in edges],
    )
    query = f"MATCH {hops} WHERE {where} RETURN {returns}"
    params = {"v": parameter}
    try:
        with rules_disabled(graph, frozenset({"columnar_aggregate", "distinct_reachability"})):
            expected = _bag(graph.execute(query, params))
    except engram.QueryError as error:
        with pytest.raises(type(error)):
            graph.execute(query, params).rows()
        return
    if "(a:A)" not in hops and "*" not in hops:
        assert "mode=columnar" in str(graph.explain(query))
    assert _bag(graph.execute(query, params)) == expected, query


def test_profile_counts_rows_of_every_chain_operator():
    db = engram.open(None)
    db.execute("UNWIND range(1, 50) AS i CREATE (:P {i: i})-[:R]->(:Q {i: i % 7})")
    result = db.profile("MATCH (p:P)-[:R]->(q:Q) WHERE q.i > 2 RETURN q.i, count(p)")
    text = str(result.plan)
    assert "mode=columnar" in text
    lines = [line.strip() for line in text.splitlines()]
    assert [line.split(":")[0] for line in lines] == [
        "ProduceResults",
        "Aggregate",
        "Filter",
        "Expand",
        "Filter",
        "LabelScan",
    ]
    rows = [line.split("rows ")[2].split(",")[0] for line in lines]
    # 50 Q nodes, 28 with i > 2, one relationship each, all from a :P, 4 values of q.i
    assert rows == ["4", "4", "28", "28", "28", "50"]
    db.close()
