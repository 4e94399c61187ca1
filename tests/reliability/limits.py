"""Limits: a runaway variable-length query stops at its timeout; other queries keep going.

A complete directed graph of `NODES` nodes has more trails than any query can walk, so
``MATCH p = (a)-[*]->(b) RETURN count(p)`` runs until its timeout stops it with
`QueryTimeout`. While it runs, a second thread times short point reads on the same
database; their latency is compared with the same reads run alone.

``python -m tests.reliability.limits`` prints the figures (overshoot past the timeout,
point-read latency alone and beside the runaway query).
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from dataclasses import dataclass

import engram
from engram.errors import QueryTimeout

NODES = 24
RUNAWAY = "MATCH p = (a:V)-[*]->(b:V) RETURN count(p)"
POINT = "MATCH (v:V {id: $id})-[:E]->(w:V {id: $other}) RETURN count(*)"


@dataclass(frozen=True, slots=True)
class LimitFigures:
    """Timeout overshoot and point-read latencies (seconds)."""

    timeout: float
    stopped_after: float
    alone_median: float
    alone_p99: float
    beside_median: float
    beside_p99: float
    beside_reads: int

    @property
    def overshoot(self) -> float:
        """How far past its timeout the runaway query ran, as a fraction of the timeout."""
        return self.stopped_after / self.timeout - 1.0

    def summary(self) -> str:
        return (
            f"runaway query with timeout {self.timeout:.2f} s stopped after "
            f"{self.stopped_after:.3f} s ({self.overshoot:+.1%}); point reads alone: median "
            f"{self.alone_median * 1e3:.2f} ms, p99 {self.alone_p99 * 1e3:.2f} ms; beside the "
            f"runaway query: median {self.beside_median * 1e3:.2f} ms, p99 "
            f"{self.beside_p99 * 1e3:.2f} ms ({self.beside_reads} reads)"
        )


def complete_graph(db: engram.Database, nodes: int = NODES) -> None:
    """Every ordered pair of distinct nodes joined by one relationship."""
    db.execute("UNWIND range(1, $n) AS i CREATE (:V {id: i})", n=nodes)
    db.execute("CREATE INDEX v_id FOR (v:V) ON (v.id)")
    db.execute("MATCH (a:V), (b:V) WHERE a <> b CREATE (a)-[:E]->(b)")


def run_runaway(db: engram.Database, timeout: float) -> float:
    """Seconds until the runaway query was stopped (raises if it finished)."""
    started = time.perf_counter()
    try:
        db.execute(RUNAWAY, timeout=timeout).rows()
    except QueryTimeout:
        return time.perf_counter() - started
    raise AssertionError("the runaway query finished; make the graph larger")


def _point_reads(db: engram.Database, until: float | None, count: int) -> list[float]:
    latencies = []
    index = 0
    while (until is None and index < count) or (until is not None and time.perf_counter() < until):
        index += 1
        started = time.perf_counter()
        db.execute(POINT, id=index % NODES + 1, other=(index + 3) % NODES + 1).rows()
        latencies.append(time.perf_counter() - started)
    return latencies


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def measure(timeout: float = 2.0, reads: int = 300) -> LimitFigures:
    """Run the runaway query beside point reads and measure both."""
    with engram.open() as db:
        complete_graph(db)
        _point_reads(db, None, 20)  # warm the plan cache
        alone = _point_reads(db, None, reads)
        stopped: list[float] = []
        runner = threading.Thread(target=lambda: stopped.append(run_runaway(db, timeout)))
        started = time.perf_counter()
        runner.start()
        beside = _point_reads(db, started + timeout * 0.9, reads)
        runner.join()
    return LimitFigures(
        timeout=timeout,
        stopped_after=stopped[0],
        alone_median=statistics.median(alone),
        alone_p99=_p99(alone),
        beside_median=statistics.median(beside),
        beside_p99=_p99(beside),
        beside_reads=len(beside),
    )


def main(argv: list[str] | None = None) -> int:
    """Print the figures of a few runs."""
    parser = argparse.ArgumentParser(description="runaway query limits")
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    for _ in range(args.runs):
        print(measure(args.timeout).summary(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
