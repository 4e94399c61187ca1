"""Differential testing against Kùzu: the same random queries on the same random graphs.

Each round generates a graph (`tests.reliability.querygen`), loads it into a temporary
engram database and an in-memory Kùzu database, then runs random queries on both and
compares the answers (as multisets, or as sequences when the query orders its rows
totally). An error on one side only is a difference too. Every difference is printed
with the graph seed and the query so it can be replayed.

``python -m tests.reliability.differential --queries 100000`` runs the long version;
``--jobs N`` splits it over N processes (seeds are disjoint).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import kuzu

import engram
from engram.errors import EngramError
from tests.reliability.jobs import run_jobs
from tests.reliability.querygen import (
    GraphData,
    Query,
    QueryGen,
    canonical,
    load_statements,
    random_graph,
)

QUERIES_PER_GRAPH = 50


@dataclass
class DiffReport:
    """What a differential run saw."""

    graphs: int = 0
    queries: int = 0
    rows: int = 0
    both_failed: int = 0
    differences: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: DiffReport) -> None:
        self.graphs += other.graphs
        self.queries += other.queries
        self.rows += other.rows
        self.both_failed += other.both_failed
        self.differences += other.differences
        self.seconds = max(self.seconds, other.seconds)

    def summary(self) -> str:
        return (
            f"{self.queries} queries on {self.graphs} graphs ({self.rows} rows compared, "
            f"{self.both_failed} refused by both): {len(self.differences)} differences"
        )


def _kuzu_connection(graph: GraphData) -> kuzu.Connection:
    connection = kuzu.Connection(kuzu.Database(":memory:"))
    connection.execute("CREATE NODE TABLE N(id INT64, x INT64, y INT64, s STRING, PRIMARY KEY(id))")
    connection.execute("CREATE REL TABLE R(FROM N TO N, w INT64)")
    connection.execute("CREATE REL TABLE S(FROM N TO N, w INT64)")
    for text, params in load_statements(graph):
        connection.execute(text, params)
    return connection


def _load_engram(db: engram.Database, graph: GraphData) -> None:
    with db.transaction() as tx:
        for text, params in load_statements(graph):
            tx.execute(text, params).rows()


def _run_kuzu(connection: kuzu.Connection, text: str) -> list[tuple[Any, ...]]:
    result: Any = connection.execute(text)
    return [tuple(row) for row in result.get_all()]


def _answer(run: Any, query: Query) -> tuple[list[tuple[Any, ...]] | None, str]:
    try:
        return canonical(run(query.text), query.ordered), ""
    except EngramError as error:
        return None, f"{type(error).__name__}: {error}"
    except RuntimeError as error:  # Kùzu's errors
        return None, f"kuzu: {error}"


def compare_graph(seed: int, queries: int) -> DiffReport:
    """Load the graph of `seed` into both engines and compare `queries` random queries."""
    rng = random.Random(seed)
    graph = random_graph(rng)
    generator = QueryGen(rng)
    report = DiffReport(graphs=1)
    connection = _kuzu_connection(graph)
    with engram.open() as db:
        _load_engram(db, graph)
        for _ in range(queries):
            query = generator.query()
            ours, our_error = _answer(lambda text: db.execute(text).rows(), query)
            theirs, their_error = _answer(lambda text: _run_kuzu(connection, text), query)
            report.queries += 1
            if ours is None and theirs is None:
                report.both_failed += 1
            elif ours != theirs:
                mine = ours if ours is not None else our_error
                other = theirs if theirs is not None else their_error
                report.differences.append(
                    f"graph seed {seed}: {query.text}\n  engram: {mine}\n  kuzu:   {other}"
                )
            else:
                report.rows += len(ours or [])
    return report


def run(queries: int, seed: int = 0, per_graph: int = QUERIES_PER_GRAPH) -> DiffReport:
    """`queries` queries over graphs seeded from `seed` on."""
    started = time.perf_counter()
    report = DiffReport()
    graph_seed = seed
    while report.queries < queries:
        report.merge(compare_graph(graph_seed, min(per_graph, queries - report.queries)))
        graph_seed += 1
    report.seconds = time.perf_counter() - started
    return report


def _chunk(arguments: tuple[int, int]) -> DiffReport:
    queries, seed = arguments
    return run(queries, seed)


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and print the figures; exit status 1 on any difference."""
    parser = argparse.ArgumentParser(description="differential testing against Kùzu")
    parser.add_argument("--queries", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    total = run_jobs(_chunk, args.queries, args.seed, args.jobs, DiffReport())
    for difference in total.differences[:50]:
        print(difference)
    elapsed = time.perf_counter() - started
    print(f"{total.summary()}; {elapsed:.0f} s")
    sys.stdout.flush()
    return 1 if total.differences else 0


if __name__ == "__main__":
    raise SystemExit(main())
