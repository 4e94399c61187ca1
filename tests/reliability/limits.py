"""Limits: a runaway variable-length query stops at its timeout; other queries keep going.

A complete directed graph of `NODES` nodes has more trails than any query can walk, so
``MATCH p = (a)-[*]->(b) RETURN count(p)`` runs until its timeout stops it with
`QueryTimeout`. While it runs, a second thread times short point reads on the same
database; their latency is compared with the same reads run alone.

``python -m tests.reliability.limits`` prints the figures (overshoot past the timeout,
point-read latency alone and beside the runaway query); ``--memory`` runs the queries of
`MEMORY_QUERIES` under a small memory limit (each must fail with `MemoryLimitExceeded`
while the process lives on and the database stays unchanged), and ``--planner`` times
the planning of long chain patterns.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import threading
import time
from dataclasses import dataclass

import engram
from engram.errors import MemoryLimitExceeded, QueryTimeout, format_bytes

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


#: queries that would hold far more than a small memory limit (on `PEOPLE` nodes)
MEMORY_QUERIES = (
    "UNWIND range(1, 100000000) AS x RETURN collect(x)",
    "RETURN size(range(1, 10000000000))",
    "MATCH (a:P), (b:P) RETURN a.name, b.name ORDER BY a.name, b.name",
    "MATCH (a:P), (b:P) RETURN DISTINCT a.i * 10000 + b.i AS s",
    "MATCH (a:P), (b:P) WITH a.i * 10000 + b.i AS s RETURN collect(s)",
    "MATCH (a:P), (b:P) RETURN a.i * 10000 + b.i AS s, count(*)",
    "RETURN size([x IN range(1, 100000) | range(1, 1000)]) AS n",
    "MATCH (a:P), (b:P) CREATE (:W {s: a.i + b.i}) WITH a, b ORDER BY a.name RETURN count(*)",
)
PEOPLE = 2000


def memory_failures(limit: int) -> list[str]:
    """Run `MEMORY_QUERIES` under `limit` bytes; one line per query (raises if one passes)."""
    lines = []
    with engram.open() as db:
        db.execute(
            "UNWIND range(1, $n) AS i CREATE (:P {i: i, name: 'person ' + toString(i)})",
            n=PEOPLE,
        )
        for query in MEMORY_QUERIES:
            started = time.perf_counter()
            try:
                db.execute(query, memory_limit=limit).rows()
            except MemoryLimitExceeded as error:
                seconds = time.perf_counter() - started
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
                lines.append(
                    f"{query}\n    stopped after {seconds:.2f} s in {error.operator} "
                    f"(about {format_bytes(error.used)} held; peak RSS so far {format_bytes(rss)})"
                )
            else:
                raise AssertionError(f"{query!r} finished under {limit} bytes")
            assert db.execute("MATCH (n) RETURN count(n)").scalar() == PEOPLE, "changed"
    return lines


#: queries whose estimated peak is compared with tracemalloc's (on 400 `:P` nodes)
CALIBRATION = (
    "MATCH (a:P), (b:P) WITH a.i AS x, b.name AS y ORDER BY y, x RETURN count(*)",
    "MATCH (a:P), (b:P) WITH a, b ORDER BY b.i, a.i RETURN count(*)",
    "MATCH (a:P), (b:P) WITH a.i * 1000 + b.i AS s RETURN size(collect(s))",
    "MATCH (a:P), (b:P) WITH a.name + b.name AS s RETURN size(collect(s))",
    "MATCH (a:P), (b:P) WITH DISTINCT a.i * 1000 + b.i AS s RETURN count(s)",
    "MATCH (a:P), (b:P) WITH DISTINCT a.name AS x, b.i AS y RETURN count(*)",
    "MATCH (a:P), (b:P) RETURN a.i * 1000 + b.i AS s, count(*)",
)


def calibration() -> list[str]:
    """Estimated peak against the bytes Python allocated (tracemalloc), per query."""
    import gc
    import tracemalloc

    from engram.session import Limits

    lines = []
    with engram.open() as db:
        db.execute("UNWIND range(1, 400) AS i CREATE (:P {i: i, name: 'person ' + toString(i)})")
        budgets: list[Limits] = []
        limits = db.session.limits

        def remembered(*args: object, **kwargs: object) -> Limits:
            budgets.append(limits(*args, **kwargs))  # type: ignore[arg-type]
            return budgets[-1]

        db.session.limits = remembered  # type: ignore[method-assign]
        for query in CALIBRATION:
            db.execute(query).rows()  # warm the plan cache and the derived structures
            gc.collect()
            tracemalloc.start()
            db.execute(query).rows()
            _, real = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            estimate = budgets[-1].memory.peak
            lines.append(
                f"estimated {format_bytes(estimate)}, allocated {format_bytes(real)} "
                f"(real / estimate {real / estimate:.2f}): {query}"
            )
    return lines


def planning_times(lengths: tuple[int, ...] = (20, 50, 100)) -> list[str]:
    """Seconds to compile `MATCH ()-->...-->() RETURN count(*)` per chain length."""
    lines = []
    with engram.open() as db:
        for length in lengths:
            query = "MATCH " + "()-->" * length + "() RETURN count(*)"
            started = time.perf_counter()
            db.explain(query)
            lines.append(
                f"{length} relationships: planned in {time.perf_counter() - started:.3f} s"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the figures of a few runs."""
    parser = argparse.ArgumentParser(description="runaway query limits")
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--memory",
        type=int,
        default=None,
        metavar="BYTES",
        help="run the memory-limit queries under this limit instead",
    )
    parser.add_argument("--planner", action="store_true", help="time long patterns instead")
    parser.add_argument(
        "--calibrate", action="store_true", help="compare memory estimates with tracemalloc"
    )
    args = parser.parse_args(argv)
    if args.calibrate:
        print("\n".join(calibration()), flush=True)
        return 0
    if args.memory is not None:
        print("\n".join(memory_failures(args.memory)), flush=True)
        return 0
    if args.planner:
        for _ in range(args.runs):
            print("; ".join(planning_times()), flush=True)
        return 0
    for _ in range(args.runs):
        print(measure(args.timeout).summary(), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
