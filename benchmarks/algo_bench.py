"""Graph-algorithm benchmark: `algo.*` procedures against networkx on the benchmark graph.

Run ``python -m benchmarks.algo_bench --persons 100000`` after ``python -m benchmarks
generate --persons 100000``. The graph is imported with ``db.import_csv``; each
procedure runs as a query (``CALL algo.pageRank({label: 'Person', type: 'KNOWS'})``,
from reading the projection out of storage to the last row) and networkx runs the same
algorithm on a MultiDiGraph of the same persons and KNOWS relationships, built from the
same CSV files (its build time is not counted). PageRank scores are compared node by
node; the largest absolute difference is printed.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import engram

ROOT = Path(__file__).resolve().parents[1]


def data_dir(persons: int, seed: int) -> Path:
    folder = ROOT / "benchmarks" / "data" / f"persons-{persons}-seed-{seed}"
    if not (folder / "manifest.json").exists():
        raise SystemExit(
            f"no data in {folder}: run python -m benchmarks generate --persons {persons}"
        )
    return folder


def timed(action: Callable[[], Any], repeats: int) -> tuple[list[float], list[float], Any]:
    """Wall-clock and CPU seconds of each run, and the last result."""
    wall, cpu, result = [], [], None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return wall, cpu, result


def networkx_graph(folder: Path) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    with open(folder / "persons.csv", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        graph.add_nodes_from(int(row[0]) for row in rows)
    with open(folder / "knows.csv", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        graph.add_edges_from((int(row[0]), int(row[1])) for row in rows)
    return graph


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only", default="pageRank,wcc,scc,triangleCount,louvain", help="procedures to run"
    )
    args = parser.parse_args(argv)
    folder = data_dir(args.persons, args.seed)
    chosen = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as workdir, engram.open(Path(workdir) / "db") as db:
        started = time.perf_counter()
        summary = db.import_csv(
            nodes={"Person": folder / "persons.csv", "City": folder / "cities.csv"},
            relationships={"KNOWS": folder / "knows.csv", "LIVES_IN": folder / "lives_in.csv"},
        )
        print(
            f"imported {summary.nodes:,} nodes and {summary.relationships:,} relationships "
            f"in {time.perf_counter() - started:.1f} s"
        )
        graph = networkx_graph(folder)
        print(
            f"networkx graph: {graph.number_of_nodes():,} nodes, {graph.number_of_edges():,} edges"
        )
        if "pageRank" in chosen:
            _kernel_breakdown(db, args.repeats)
        # the procedures yield nodes; their person ids are looked up once, outside the timing
        person_ids = dict(db.execute("MATCH (p:Person) RETURN id(p), p.id").rows())
        for name, engram_run, networkx_run, compare in _cases(db, graph):
            if name not in chosen:
                continue
            ours, our_cpu, our_result = timed(engram_run, args.repeats)
            theirs, their_cpu, their_result = timed(networkx_run, 1)
            agreement = compare({person_ids[n]: v for n, v in our_result}, their_result)
            mine, mine_cpu = statistics.median(ours), statistics.median(our_cpu)
            print(
                f"algo.{name}: engram first {ours[0]:.3f} s (CPU {our_cpu[0]:.3f} s), "
                f"median {mine:.3f} s (CPU {mine_cpu:.3f} s); networkx {theirs[0]:.3f} s "
                f"(CPU {their_cpu[0]:.3f} s); speed-up x{theirs[0] / mine:.1f} "
                f"(CPU x{their_cpu[0] / mine_cpu:.1f}); {agreement}"
            )


def _cases(db: engram.Database, graph: nx.MultiDiGraph) -> list[tuple[str, Any, Any, Any]]:
    projection = "{label: 'Person', type: 'KNOWS'}"

    def by_id(query: str) -> Callable[[], Any]:
        # timed: the query to its last row; the translation to person ids happens after
        return lambda: db.execute(query).rows()

    def page_rank_agreement(ours: dict[int, float], theirs: dict[int, float]) -> str:
        worst = max(abs(ours[node] - theirs[node]) for node in theirs)
        return f"max |difference| {worst:.2e} over {len(theirs):,} nodes"

    def same_partition(ours: dict[int, int], theirs: list[set[int]]) -> str:
        groups: dict[int, set[int]] = {}
        for node, group in ours.items():
            groups.setdefault(group, set()).add(node)
        same = sorted(map(sorted, groups.values())) == sorted(map(sorted, theirs))
        return f"{len(groups):,} components, same as networkx: {same}"

    def triangles(ours: dict[int, int], theirs: dict[int, int]) -> str:
        return f"{sum(ours.values()) // 3:,} triangles, same as networkx: {ours == theirs}"

    def modularity(ours: dict[int, int], theirs: list[set[int]]) -> str:
        groups: dict[int, set[int]] = {}
        for node, group in ours.items():
            groups.setdefault(group, set()).add(node)
        undirected = nx.Graph(graph)
        mine = nx.community.modularity(undirected, groups.values())
        reference = nx.community.modularity(undirected, theirs)
        return f"modularity {mine:.4f} (networkx {reference:.4f})"

    return [
        (
            "pageRank",
            by_id(f"CALL algo.pageRank({projection}) YIELD node, score RETURN id(node), score"),
            # the same stopping rule as algo.pageRank's default (L1 change < n * 1e-10)
            lambda: nx.pagerank(graph, tol=1e-10, max_iter=1000),
            page_rank_agreement,
        ),
        (
            "wcc",
            by_id(
                f"CALL algo.wcc({projection}) YIELD node, componentId RETURN id(node), componentId"
            ),
            lambda: list(nx.weakly_connected_components(graph)),
            same_partition,
        ),
        (
            "scc",
            by_id(
                f"CALL algo.scc({projection}) YIELD node, componentId RETURN id(node), componentId"
            ),
            lambda: list(nx.strongly_connected_components(graph)),
            same_partition,
        ),
        (
            "triangleCount",
            by_id(
                f"CALL algo.triangleCount({projection}) YIELD node, triangles "
                "RETURN id(node), triangles"
            ),
            lambda: nx.triangles(_simple(graph)),
            triangles,
        ),
        (
            "louvain",
            by_id(
                f"CALL algo.louvain({projection}) YIELD node, communityId "
                "RETURN id(node), communityId"
            ),
            lambda: nx.community.louvain_communities(nx.Graph(graph), seed=1),
            modularity,
        ),
    ]


def _kernel_breakdown(db: engram.Database, repeats: int) -> None:
    """CPU time of the parts of algo.pageRank below the query engine."""
    from engram.algorithms import Projection, pagerank

    with db.begin_read() as tx:
        knows, person = tx.catalog.type_id("KNOWS"), tx.catalog.label_id("Person")
        _, read_cpu, ends = timed(lambda: tx.relationship_endpoints([knows]), 1)
        nodes = tx.label_members(person)
    _, build_cpu, projection = timed(
        lambda: Projection.build(nodes, ends.start, ends.end, ends.relationship), repeats
    )
    _, kernel_cpu, _ = timed(lambda: pagerank(projection), repeats)
    print(
        f"algo.pageRank parts (CPU): reading {len(ends):,} relationships from storage "
        f"{read_cpu[0]:.3f} s (cached for later calls on the same version), projection "
        f"{min(build_cpu):.3f} s, power iteration {min(kernel_cpu):.3f} s"
    )


def _simple(graph: nx.MultiDiGraph) -> nx.Graph:
    simple = nx.Graph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    return simple


if __name__ == "__main__":
    main()
