"""Plain networkx: each query as the Python a networkx user would write, for reference.

The graph is the same DiGraph grand-cypher queries, plus a KNOWS-only DiGraph built at
load time (a networkx user separates relationship types to use its traversal functions).
Q5 uses `bidirectional_shortest_path` on an undirected view, Q6 a BFS with a cutoff;
networkx has no vector search, so Q8 is exact numpy search over the .npy embeddings.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any, Final

import networkx as nx
import numpy as np

from benchmarks.dataset.store import DatasetFiles
from benchmarks.engines.base import LoadReport, Params, QueryForm, QueryUnsupported, Rows
from benchmarks.engines.nx_graph import load_graph
from benchmarks.queries.workload import QuerySpec

__all__ = ["NetworkxEngine"]

_MAX_HOPS: Final = 6
_KNOWS: Final = "KNOWS"


class NetworkxEngine:
    """Hand-written networkx (and numpy for the vector query)."""

    name = "networkx"

    def __init__(self, call_timeout: float) -> None:
        del call_timeout  # the worker's alarm interrupts pure-Python calls

    def versions(self) -> dict[str, str]:
        """networkx's version."""
        return {"networkx": nx.__version__, "numpy": np.__version__}

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Parse the CSV files; derive the KNOWS graph; read and normalise the vectors."""
        del workdir
        loaded = load_graph(files)
        started = time.perf_counter()
        graph = loaded.graph
        knows = nx.DiGraph()
        knows.add_edges_from(
            (u, v) for u, v, data in graph.edges(data=True) if _KNOWS in data["__labels__"]
        )
        self._graph, self._knows = graph, knows
        self._undirected = knows.to_undirected(as_view=True)
        vectors = np.load(files.embedding)
        self._unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        self._vector_ids = np.array(
            [key for key, data in graph.nodes(data=True) if "Person" in data["__labels__"]]
        )
        derived = time.perf_counter() - started
        return LoadReport(
            method="csv module, DiGraph + KNOWS DiGraph",
            nodes=loaded.nodes,
            relationships=loaded.relationships,
            node_seconds=loaded.node_seconds,
            relationship_seconds=loaded.relationship_seconds + derived,
            total_seconds=loaded.node_seconds + loaded.relationship_seconds + derived,
            index_seconds=0.0,
        )

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """One hand-written form per read query."""
        runners = {
            "Q1": self._q1,
            "Q2": self._q2,
            "Q3": self._q3,
            "Q4": self._q4,
            "Q5": self._q5,
            "Q6": self._q6,
            "Q7": self._q7,
        }
        if query.name == "Q8":
            return (QueryForm("numpy exact", self._q8),)
        if query.name not in runners:
            raise QueryUnsupported("an in-memory library has no durable writes")
        return (QueryForm("networkx", runners[query.name]),)

    def count_persons_from(self, first_id: int) -> int:
        """Persons with an id of at least `first_id`."""
        return sum(
            1
            for key, data in self._graph.nodes(data=True)
            if "Person" in data["__labels__"] and key >= first_id
        )

    def disk_bytes(self) -> int | None:
        """In memory only."""
        return None

    def close(self) -> None:
        """Nothing to release."""

    def _person(self, person_id: int) -> dict[str, Any] | None:
        data: dict[str, Any] | None = self._graph.nodes.get(person_id)
        return data if data is not None and "Person" in data["__labels__"] else None

    def _q1(self, params: Params) -> Rows:
        data = self._person(params["id"])
        return [] if data is None else [(data["firstName"], data["lastName"], data["age"])]

    def _q2(self, params: Params) -> Rows:
        if self._person(params["id"]) is None:
            return []
        nodes = self._graph.nodes
        rows = []
        for friend, edge in self._graph.succ[params["id"]].items():
            if _KNOWS in edge["__labels__"]:
                data = nodes[friend]
                rows.append((friend, data["firstName"], data["lastName"], edge["since"]))
        return rows

    def _q3(self, params: Params) -> Rows:
        start = params["id"]
        if start not in self._knows:
            return [(0,)]
        succ = self._knows.succ
        reached = {far for near in succ[start] for far in succ[near]}
        reached.discard(start)
        return [(len(reached),)]

    def _q4(self, params: Params) -> Rows:
        del params
        counts: Counter[str] = Counter()
        ages: Counter[str] = Counter()
        nodes = self._graph.nodes
        for person, city, edge in self._graph.edges(data=True):
            if "LIVES_IN" in edge["__labels__"]:
                name = nodes[city]["name"]
                counts[name] += 1
                ages[name] += nodes[person]["age"]
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:10]
        return [(name, count, ages[name] / count) for name, count in top]

    def _q5(self, params: Params) -> Rows:
        source, target = params["source"], params["target"]
        if source not in self._knows or target not in self._knows:
            return []
        try:
            path = nx.bidirectional_shortest_path(self._undirected, source, target)
        except nx.NetworkXNoPath:
            return []
        hops = len(path) - 1
        return [(hops,)] if hops <= _MAX_HOPS else []

    def _q6(self, params: Params) -> Rows:
        start = params["id"]
        if start not in self._knows:
            return [(0,)]
        reached = nx.single_source_shortest_path_length(self._knows, start, cutoff=3)
        return [(len(reached) - 1,)]

    def _q7(self, params: Params) -> Rows:
        name, min_age = params["firstName"], params["minAge"]
        count = sum(
            1
            for _, data in self._graph.nodes(data=True)
            if "Person" in data["__labels__"]
            and data["firstName"] == name
            and data["age"] >= min_age
        )
        return [(count,)]

    def _q8(self, params: Params) -> Rows:
        query = np.asarray(params["vector"], dtype=np.float32)
        scores = self._unit @ (query / np.linalg.norm(query))
        top = np.argpartition(-scores, 10)[:10]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self._vector_ids[row]),) for row in top]
