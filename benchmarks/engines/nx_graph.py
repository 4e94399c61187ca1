"""The generated graph as a networkx DiGraph, read from the same CSV files as the others.

Nodes are keyed by their id (person and city ids never overlap) and carry their
properties plus grand-cypher's `__labels__` set; relationships carry `since` and
`__labels__`. One set object per label is shared by every node or relationship with it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from benchmarks.dataset.store import DatasetFiles
from benchmarks.dataset.typed_csv import read_header, read_rows

__all__ = ["NxLoad", "load_graph"]


@dataclass(frozen=True, slots=True)
class NxLoad:
    """The loaded graph and how long its nodes and relationships took."""

    graph: Any
    nodes: int
    relationships: int
    node_seconds: float
    relationship_seconds: float


def load_graph(files: DatasetFiles) -> NxLoad:
    """Parse the CSV files into one DiGraph with every node and relationship."""
    graph = nx.DiGraph()
    started = time.perf_counter()
    nodes = _add_nodes(graph, files.persons, "Person") + _add_nodes(graph, files.cities, "City")
    nodes_done = time.perf_counter()
    relationships = _add_relationships(graph, files.knows, "KNOWS")
    relationships += _add_relationships(graph, files.lives_in, "LIVES_IN")
    return NxLoad(
        graph=graph,
        nodes=nodes,
        relationships=relationships,
        node_seconds=nodes_done - started,
        relationship_seconds=time.perf_counter() - nodes_done,
    )


def _add_nodes(graph: Any, path: Path, label: str) -> int:
    names = [column.name for column in read_header(path)]
    key = next(i for i, column in enumerate(read_header(path)) if column.kind == "ID")
    labels = {label}
    count = 0
    for row in read_rows(path):
        graph.add_node(row[key], __labels__=labels, **dict(zip(names, row, strict=True)))
        count += 1
    return count


def _add_relationships(graph: Any, path: Path, rel_type: str) -> int:
    columns = read_header(path)
    start = next(i for i, column in enumerate(columns) if column.kind == "START_ID")
    end = next(i for i, column in enumerate(columns) if column.kind == "END_ID")
    properties = [(i, column.name) for i, column in enumerate(columns) if column.name]
    labels = {rel_type}
    count = 0
    for row in read_rows(path):
        graph.add_edge(
            row[start], row[end], __labels__=labels, **{name: row[i] for i, name in properties}
        )
        count += 1
    return count
