"""The numpy / scipy kernels agree with networkx on random graphs."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.algorithms import (
    Orientation,
    Projection,
    betweenness,
    louvain,
    modularity,
    pagerank,
    shortest_paths,
    strongly_connected,
    triangles,
    weakly_connected,
)


@st.composite
def graphs(draw, max_nodes=30, max_edges=90, weighted=False):
    n = draw(st.integers(1, max_nodes))
    edges = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=max_edges)
    )
    ids = np.asarray(sorted(draw(st.sets(st.integers(0, 10**6), min_size=n, max_size=n))))
    starts = np.asarray([ids[s] for s, _ in edges], dtype=np.int64)
    ends = np.asarray([ids[e] for _, e in edges], dtype=np.int64)
    weights = None
    if weighted:
        weights = np.asarray(
            # quarter steps: subnormal weights break networkx's own normalisation
            draw(
                st.lists(
                    st.integers(0, 40).map(lambda quarters: quarters / 4),
                    min_size=len(edges),
                    max_size=len(edges),
                )
            )
        )
    projection = Projection.build(ids, starts, ends, np.arange(len(edges)), weights)
    multi = nx.MultiDiGraph()
    multi.add_nodes_from(ids.tolist())
    for position, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        data = {} if weights is None else {"weight": float(weights[position])}
        multi.add_edge(start, end, key=position, **data)
    return projection, multi


def undirected_multi(multi):
    graph = nx.MultiGraph()
    graph.add_nodes_from(multi.nodes)
    graph.add_edges_from(multi.edges(data=True))
    return graph


def by_node(projection, values):
    return dict(zip(projection.nodes.tolist(), np.asarray(values).tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(data=graphs(weighted=True), damping=st.floats(0.5, 0.95))
def test_pagerank_matches_networkx(data, damping):
    projection, multi = data
    for orientation, graph in (
        (Orientation.NATURAL, multi),
        (Orientation.REVERSE, multi.reverse(copy=True)),
    ):
        for weighted in (False, True):
            ours = by_node(
                projection,
                pagerank(
                    projection,
                    orientation,
                    damping=damping,
                    weighted=weighted,
                    tolerance=1e-13,
                    max_iterations=10_000,
                ),
            )
            theirs = nx.pagerank(
                graph,
                alpha=damping,
                tol=1e-13,
                max_iter=10_000,
                weight="weight" if weighted else None,
            )
            if weighted and sum(w for *_, w in graph.edges(data="weight")) == 0:
                continue  # networkx treats an all-zero weight graph as having no edges too
            assert max(abs(ours[node] - theirs[node]) for node in theirs) < 1e-9


@settings(max_examples=40, deadline=None)
@given(data=graphs())
def test_betweenness_matches_networkx(data):
    projection, multi = data
    directed = nx.DiGraph(multi)
    directed.remove_edges_from(nx.selfloop_edges(directed))
    for orientation, graph in (
        (Orientation.NATURAL, directed),
        (Orientation.UNDIRECTED, nx.Graph(directed)),
    ):
        for normalized in (False, True):
            ours = by_node(projection, betweenness(projection, orientation, normalized=normalized))
            theirs = nx.betweenness_centrality(graph, normalized=normalized)
            assert max((abs(ours[v] - theirs[v]) for v in theirs), default=0) < 1e-9


def test_sampled_betweenness_scales_like_networkx():
    graph = nx.gnm_random_graph(120, 600, seed=4, directed=True)
    edges = np.asarray(graph.edges())
    projection = Projection.build(np.arange(120), edges[:, 0], edges[:, 1], np.arange(len(edges)))
    exact = betweenness(projection)
    assert np.allclose(betweenness(projection, sampling_size=120), exact)
    sampled = betweenness(projection, sampling_size=60, seed=3)
    assert np.array_equal(sampled, betweenness(projection, sampling_size=60, seed=3))
    # an unbiased estimate: close to the exact values on average
    assert abs(sampled.sum() / exact.sum() - 1) < 0.25
    assert np.corrcoef(sampled, exact)[0, 1] > 0.8


@settings(max_examples=60, deadline=None)
@given(data=graphs())
def test_components_match_networkx(data):
    projection, multi = data
    weak = by_node(projection, weakly_connected(projection))
    for component in nx.weakly_connected_components(multi):
        assert {weak[node] for node in component} == {min(component)}
    strong = by_node(projection, strongly_connected(projection))
    for component in nx.strongly_connected_components(multi):
        assert {strong[node] for node in component} == {min(component)}


@settings(max_examples=60, deadline=None)
@given(data=graphs(max_edges=150))
def test_triangles_match_networkx(data):
    projection, multi = data
    simple = nx.Graph(multi)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    counts, coefficients = triangles(projection)
    counted, coefficient = by_node(projection, counts), by_node(projection, coefficients)
    expected_counts, expected_coefficients = nx.triangles(simple), nx.clustering(simple)
    for node in simple:
        assert counted[node] == expected_counts[node]
        assert math.isclose(coefficient[node], expected_coefficients[node], abs_tol=1e-12)


def test_triangles_on_skewed_graphs_use_bounded_blocks(monkeypatch):
    from engram.algorithms import structure

    monkeypatch.setattr(structure, "_BLOCK_ENTRIES", 50)
    graph = nx.barabasi_albert_graph(300, 6, seed=2)
    edges = np.asarray(graph.edges())
    projection = Projection.build(np.arange(300), edges[:, 0], edges[:, 1], np.arange(len(edges)))
    counts, _ = triangles(projection)
    assert by_node(projection, counts) == nx.triangles(graph)


@settings(max_examples=40, deadline=None)
@given(data=graphs(weighted=True), resolution=st.floats(0.2, 2.0))
def test_modularity_matches_networkx(data, resolution):
    projection, multi = data
    rng = np.random.default_rng(len(projection.sources))
    partition = rng.integers(0, 4, projection.size)
    undirected = undirected_multi(multi)
    groups = [set(projection.nodes[partition == c].tolist()) for c in range(4)]
    groups = [group for group in groups if group]
    for weighted in (False, True):
        if undirected.number_of_edges() == 0:
            continue
        if weighted and sum(w for *_, w in undirected.edges(data="weight")) == 0:
            continue
        matrix = projection.adjacency(Orientation.UNDIRECTED, weighted=weighted)
        ours = modularity(matrix, partition, resolution)
        theirs = nx.community.modularity(
            undirected, groups, weight="weight" if weighted else None, resolution=resolution
        )
        assert math.isclose(ours, theirs, abs_tol=1e-9)


@pytest.mark.parametrize(
    "graph",
    [
        nx.planted_partition_graph(10, 30, 0.3, 0.01, seed=1),
        nx.powerlaw_cluster_graph(1500, 4, 0.3, seed=3),
        nx.gnm_random_graph(800, 4000, seed=5),
    ],
    ids=["planted", "powerlaw-cluster", "random"],
)
def test_louvain_finds_communities_as_good_as_networkx(graph):
    edges = np.asarray(graph.edges())
    nodes = np.asarray(sorted(graph.nodes()))
    projection = Projection.build(nodes, edges[:, 0], edges[:, 1], np.arange(len(edges)))
    communities, score = louvain(projection, seed=1)
    groups: dict[int, set[int]] = {}
    for node, community in zip(nodes.tolist(), communities.tolist(), strict=True):
        groups.setdefault(community, set()).add(node)
    assert all(community == min(members) for community, members in groups.items())
    assert math.isclose(score, nx.community.modularity(graph, groups.values()), abs_tol=1e-9)
    reference = nx.community.modularity(graph, nx.community.louvain_communities(graph, seed=1))
    assert score >= 0.97 * reference


def test_louvain_on_graphs_without_relationships():
    projection = Projection.build(
        np.array([3, 4]),
        np.array([], dtype=np.int64),
        np.array([], dtype=np.int64),
        np.array([], dtype=np.int64),
    )
    communities, score = louvain(projection)
    assert communities.tolist() == [3, 4]
    assert score == 0.0


@settings(max_examples=50, deadline=None)
@given(data=graphs(weighted=True))
def test_shortest_paths_match_networkx(data):
    projection, multi = data
    source = 0
    node = int(projection.nodes[source])
    for orientation, graph in (
        (Orientation.NATURAL, multi),
        (Orientation.UNDIRECTED, undirected_multi(multi)),
    ):
        expected = nx.single_source_dijkstra_path_length(graph, node, weight="weight")
        found = shortest_paths(projection, source, orientation=orientation)
        assert {int(projection.nodes[p.target]): p.total for p in found}.keys() == expected.keys()
        for path in found:
            assert math.isclose(
                path.total, expected[int(projection.nodes[path.target])], abs_tol=1e-9
            )
            # every step is a relationship between the two nodes, and the costs add up
            steps = list(zip(path.nodes[:-1].tolist(), path.nodes[1:].tolist(), strict=True))
            for (a, b), edge, cost in zip(
                steps, path.edges.tolist(), np.diff(path.costs).tolist(), strict=True
            ):
                ends = {int(projection.sources[edge]), int(projection.targets[edge])}
                assert ends == {a, b}
                assert math.isclose(cost, float(projection.weights[edge]), abs_tol=1e-9)
