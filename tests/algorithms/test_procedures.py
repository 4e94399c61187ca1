"""The `algo.*` procedures through the language: projections, outputs and errors."""

from __future__ import annotations

import math

import networkx as nx
import pytest

import engram
from engram.errors import QueryError


@pytest.fixture
def db():
    database = engram.open()
    database.execute(
        """
        CREATE (a:Person {name: 'a'}), (b:Person {name: 'b'}), (c:Person {name: 'c'}),
               (d:Person {name: 'd'}), (x:City {name: 'x'}),
               (a)-[:KNOWS {w: 1.0}]->(b), (b)-[:KNOWS {w: 2.0}]->(c),
               (c)-[:KNOWS {w: 1.0}]->(a), (c)-[:KNOWS {w: 10.0}]->(d),
               (a)-[:LIVES_IN]->(x), (a)-[:KNOWS {w: 20.0}]->(d)
        """
    )
    yield database
    database.close()


def reference_graph():
    graph = nx.MultiDiGraph()
    graph.add_nodes_from("abcd")
    graph.add_weighted_edges_from(
        [("a", "b", 1.0), ("b", "c", 2.0), ("c", "a", 1.0), ("c", "d", 10.0), ("a", "d", 20.0)]
    )
    return graph


def test_page_rank_over_a_projection_matches_networkx(db):
    rows = db.execute(
        "CALL algo.pageRank({label: 'Person', type: 'KNOWS'}) YIELD node, score "
        "RETURN node.name AS name, score"
    ).rows()
    expected = nx.pagerank(reference_graph(), weight=None, tol=1e-12, max_iter=1000)
    assert {name for name, _ in rows} == set("abcd")
    for name, score in rows:
        assert math.isclose(score, expected[name], abs_tol=1e-6)
    weighted = dict(
        db.execute(
            "CALL algo.pageRank({label: 'Person', type: 'KNOWS', weight: 'w'}) "
            "YIELD node, score RETURN node.name, score"
        ).rows()
    )
    expected = nx.pagerank(reference_graph(), weight="weight", tol=1e-12, max_iter=1000)
    for name, score in weighted.items():
        assert math.isclose(score, expected[name], abs_tol=1e-6)


def test_components_triangles_and_communities(db):
    weak = dict(
        db.execute("CALL algo.wcc({}) YIELD node, componentId RETURN node.name, componentId")
    )
    assert len(set(weak.values())) == 1
    assert set(weak) == set("abcdx")
    strong = db.execute(
        "CALL algo.scc({type: 'KNOWS', label: 'Person'}) YIELD node, componentId "
        "RETURN componentId, collect(node.name) AS names ORDER BY size(names) DESC"
    ).rows()
    assert [sorted(names) for _, names in strong] == [["a", "b", "c"], ["d"]]
    triangles = dict(
        db.execute(
            "CALL algo.triangleCount({type: 'KNOWS'}) YIELD node, triangles "
            "RETURN node.name, triangles"
        )
    )
    assert triangles == {"a": 2, "b": 1, "c": 2, "d": 1, "x": 0}
    communities = db.execute(
        "CALL algo.louvain({label: 'Person'}) YIELD node, communityId, modularity "
        "RETURN count(DISTINCT communityId) AS groups, min(modularity) AS q"
    ).single()
    assert communities[0] >= 1
    assert -0.5 <= communities[1] <= 1


def test_betweenness_yields_one_score_per_node(db):
    scores = dict(
        db.execute(
            "CALL algo.betweenness({type: 'KNOWS', label: 'Person'}) YIELD node, score "
            "RETURN node.name, score"
        )
    )
    graph = nx.DiGraph(reference_graph())
    expected = nx.betweenness_centrality(graph, normalized=False)
    assert scores == pytest.approx(expected)


def test_weighted_shortest_path_follows_the_cheapest_route(db):
    row = db.execute(
        "MATCH (a:Person {name: 'a'}), (d:Person {name: 'd'}) "
        "CALL algo.shortestPath({source: a, target: d, type: 'KNOWS', weight: 'w'}) "
        "YIELD totalCost, nodes, costs, path "
        "RETURN totalCost, [n IN nodes | n.name] AS names, costs, length(path) AS hops"
    ).single()
    assert row == (13.0, ["a", "b", "c", "d"], [0.0, 1.0, 3.0, 13.0], 3)
    unreachable = db.execute(
        "MATCH (d:Person {name: 'd'}), (a:Person {name: 'a'}) "
        "CALL algo.shortestPath({source: d, target: a, type: 'KNOWS', weight: 'w'}) "
        "YIELD totalCost RETURN totalCost"
    ).rows()
    assert unreachable == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("CALL algo.pageRank({lable: 'Person'}) YIELD node", "unknown configuration key 'lable'"),
        ("CALL algo.pageRank({dampingFactor: 1.5}) YIELD node", "'dampingFactor' must be below"),
        ("CALL algo.pageRank({label: 3}) YIELD node", "'label' must be a name"),
        ("CALL algo.pageRank({orientation: 'UP'}) YIELD node", "'orientation' must be one of"),
        ("CALL algo.shortestPath({type: 'KNOWS'}) YIELD path", "needs a 'source' node"),
        (
            "CALL algo.shortestPath({source: 0, type: 'LIVES_IN', weight: 'w'}) YIELD path",
            "has no 'w'",
        ),
    ],
)
def test_bad_configurations_are_query_errors(db, call, message):
    with pytest.raises(QueryError) as caught:
        db.execute(call + " RETURN 1").rows()
    assert message in str(caught.value)


def test_unknown_labels_and_types_give_empty_projections(db):
    assert db.execute("CALL algo.pageRank({label: 'Nobody'}) YIELD node RETURN node").rows() == []
    rows = db.execute(
        "CALL algo.pageRank({label: 'Person', type: 'NOPE'}) YIELD score RETURN sum(score)"
    ).single()
    assert math.isclose(rows[0], 1.0)


def test_a_transaction_sees_its_own_writes_and_readers_do_not():
    with engram.open() as db:
        db.execute("CREATE (:P {n: 1})-[:R]->(:P {n: 2})")
        query = (
            "CALL algo.wcc({label: 'P', type: 'R'}) YIELD node, componentId "
            "RETURN node.n, componentId ORDER BY node.n"
        )
        with db.transaction() as tx:
            tx.execute("CREATE (:P {n: 3})-[:R]->(:P {n: 4})")
            tx.execute("MATCH (:P {n: 1})-[r:R]->() DELETE r")
            inside = tx.execute(query).rows()
            assert [n for n, _ in inside] == [1, 2, 3, 4]
            assert inside[0][1] != inside[1][1]
            assert inside[2][1] == inside[3][1]
            assert db.execute(query).rows() == [(1, 0), (2, 0)]
            tx.rollback()
        assert db.execute(query).rows() == [(1, 0), (2, 0)]
        # a change after a read invalidates the cached arrays of the version
        db.execute("MATCH (a:P {n: 2}) CREATE (a)-[:R]->(:P {n: 5})")
        assert db.execute(query).rows() == [(1, 0), (2, 0), (5, 0)]
