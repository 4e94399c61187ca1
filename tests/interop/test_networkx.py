"""networkx interop: results and stored graphs out, networkx graphs in, nothing lost."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engram
import engram.graphs
from engram.errors import QueryError


@pytest.fixture
def db():
    database = engram.open()
    database.execute(
        """
        CREATE (a:Person {name: 'Ada', labels: 'kept'}), (b:Person:Admin {name: 'Alan'}),
               (c:City {name: 'London'}),
               (a)-[:KNOWS {since: 1833, type: 'old'}]->(b), (b)-[:KNOWS]->(a),
               (a)-[:LIVES_IN]->(c), (a)-[:KNOWS {since: 2000}]->(b)
        """
    )
    yield database
    database.close()


def test_the_module_examples_run():
    failures, attempted = doctest.testmod(engram.graphs)
    assert failures == 0
    assert attempted > 0


def test_result_to_networkx_holds_nodes_relationships_and_paths(db):
    graph = db.execute("MATCH p = (a:Person)-[r:KNOWS]->(b) RETURN p").to_networkx()
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.number_of_nodes() == 2
    assert graph.number_of_edges() == 3  # parallel relationships stay apart
    ada = next(n for n, data in graph.nodes(data=True) if data["name"] == "Ada")
    assert graph.nodes[ada]["labels"] == ["Person"]
    assert graph.nodes[ada]["property:labels"] == "kept"
    types = {data["type"] for *_, data in graph.edges(data=True)}
    assert types == {"KNOWS"}
    kept = [data for *_, data in graph.edges(data=True) if "property:type" in data]
    assert kept == [{"since": 1833, "property:type": "old", "type": "KNOWS"}]


def test_result_to_networkx_of_scalars_is_empty(db):
    graph = db.execute("MATCH (p:Person) RETURN p.name").to_networkx()
    assert graph.number_of_nodes() == 0


def test_database_to_networkx_whole_graph_and_projection(db):
    whole = db.to_networkx()
    assert whole.number_of_nodes() == 3
    assert whole.number_of_edges() == 4
    people = db.to_networkx(labels=["Person"], types=["KNOWS"])
    assert sorted(people.nodes[n]["name"] for n in people) == ["Ada", "Alan"]
    assert people.number_of_edges() == 3
    # relationships whose other end is outside the labels are left out
    assert db.to_networkx(labels=["Person"]).number_of_edges() == 3
    assert db.to_networkx(labels=["Admin", "City"]).number_of_nodes() == 2
    assert db.to_networkx(labels=["Nobody"]).number_of_nodes() == 0


def test_round_trip_through_networkx_keeps_everything(db):
    exported = db.to_networkx()
    with engram.open() as copy:
        ids = copy.from_networkx(exported)
        again = copy.to_networkx()
    assert len(ids) == 3

    def canonical(graph, relabel):
        nodes = sorted(repr(sorted(data.items())) for _, data in graph.nodes(data=True))
        edges = sorted(
            repr((graph.nodes[u]["name"], graph.nodes[v]["name"], sorted(data.items())))
            for u, v, data in graph.edges(data=True)
        )
        return nodes, edges

    assert canonical(again, ids) == canonical(exported, ids)


def test_from_networkx_with_default_label_type_and_key_property():
    graph = nx.karate_club_graph()
    with engram.open() as db:
        ids = db.from_networkx(graph, label="Member", type="FRIEND", key_property="key")
        assert len(ids) == 34
        assert db.execute("MATCH (m:Member) RETURN count(*)").scalar() == 34
        assert db.execute("MATCH ()-[f:FRIEND]->() RETURN count(*)").scalar() == 78
        club = db.execute("MATCH (m:Member {key: 0}) RETURN m.club").scalar()
        assert club == graph.nodes[0]["club"]
        weight = db.execute("MATCH (a {key: 0})-[f:FRIEND]-(b {key: 1}) RETURN f.weight").scalar()
        assert weight == graph.edges[0, 1]["weight"]


def test_from_networkx_converts_numpy_values_and_skips_none():
    graph = nx.DiGraph()
    graph.add_node("x", labels=["A", "B"], score=np.float32(0.5), vec=np.arange(3), gone=None)
    graph.add_node("y", labels="A", tags=("p", "q"))
    graph.add_edge("x", "y", type="R", w=np.int64(3))
    with engram.open() as db:
        db.from_networkx(graph)
        row = db.execute(
            "MATCH (x:A:B)-[r:R]->(y:A) RETURN x.score, x.vec, keys(x), r.w, y.tags"
        ).single()
    assert row == (0.5, [0, 1, 2], sorted(["score", "vec"]), 3, ["p", "q"])


def test_a_bad_value_loads_nothing():
    graph = nx.Graph()
    graph.add_node(1, nested={"a": 1})
    graph.add_node(2)
    with engram.open() as db:
        with pytest.raises(QueryError, match="cannot store"):
            db.from_networkx(graph, label="N")
        assert db.execute("MATCH (n) RETURN count(*)").scalar() == 0


def test_algorithms_agree_with_networkx_on_an_exported_graph():
    graph = nx.gnm_random_graph(300, 1500, seed=7, directed=True)
    with engram.open() as db:
        ids = db.from_networkx(graph, label="N", type="E", key_property="key")
        scores = dict(
            db.execute("CALL algo.pageRank({}) YIELD node, score RETURN node.key, score").rows()
        )
        exported = db.to_networkx()
    expected = nx.pagerank(graph, tol=1e-12, max_iter=1000)
    assert max(abs(scores[k] - expected[k]) for k in graph) < 1e-6
    assert exported.number_of_edges() == 1500
    assert set(exported.nodes) == set(ids.values())


@settings(max_examples=25, deadline=None)
@given(
    edges=st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9)), max_size=30),
    weights=st.lists(st.integers(-5, 5), min_size=30, max_size=30),
)
def test_any_multigraph_survives_the_round_trip(edges, weights):
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(range(10))
    for (u, v), w in zip(edges, weights, strict=False):
        graph.add_edge(u, v, w=w)
    with engram.open() as db:
        db.from_networkx(graph, label="N", type="E", key_property="key")
        back = db.to_networkx()
    relabel = {n: back.nodes[n]["key"] for n in back}
    got = sorted((relabel[u], relabel[v], d["w"]) for u, v, d in back.edges(data=True))
    assert got == sorted((u, v, d["w"]) for u, v, d in graph.edges(data=True))
