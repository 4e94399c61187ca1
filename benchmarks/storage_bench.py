"""Storage benchmarks: durable commit latency, bulk write throughput, reads, reopen after a crash.

Run ``python -m benchmarks.storage_bench`` (``--help`` for sizes). Every figure is
measured on the real engine in a temporary directory on the current disk. Wall-clock
figures depend on what else the machine runs, so CPU-time throughput and the load
average are printed too, and commit latency is reported next to the latency of a bare
RocksDB fsync on the same disk (the floor no commit can beat).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rocksdict import Options, Rdict, WriteBatch, WriteOptions

import engram
from engram.storage import Direction

ROOT = Path(__file__).resolve().parents[1]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency_summary(samples: list[float]) -> dict[str, float]:
    return {
        "median_ms": statistics.median(samples) * 1e3,
        "p90_ms": percentile(samples, 0.90) * 1e3,
        "p99_ms": percentile(samples, 0.99) * 1e3,
        "max_ms": max(samples) * 1e3,
    }


def fsync_floor(directory: Path, count: int) -> dict[str, float]:
    """Latency of a bare RocksDB write with sync=True (one 100-byte key)."""
    path = directory / "floor"
    db = Rdict(str(path), Options(raw_mode=True))
    options = WriteOptions()
    options.sync = True
    samples = []
    for index in range(count):
        batch = WriteBatch(raw_mode=True)
        batch.put(b"k" + index.to_bytes(8, "big"), b"v" * 100)
        started = time.perf_counter()
        db.write(batch, options)
        samples.append(time.perf_counter() - started)
    db.close()
    shutil.rmtree(path)
    return latency_summary(samples)


def gil_probe(directory: Path, calls: int = 50) -> dict[str, float]:
    """Fraction of RocksDB calls during which another Python thread made progress.

    A thread increments a counter in a loop; if the counter moves while the main thread
    is inside a call, that call released the GIL. The switch interval is raised to
    100 ms meanwhile, so the interpreter does not force switches around the calls (with
    slow fsyncs those would look like releases). This is why commits write unsynced and
    then call `flush_wal` (docs/adr/0004-group-commit.md).
    """
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.1)
    try:
        return _gil_fractions(directory, calls)
    finally:
        sys.setswitchinterval(interval)


def _gil_fractions(directory: Path, calls: int) -> dict[str, float]:
    path = directory / "gil"
    db = Rdict(str(path), Options(raw_mode=True))
    sync = WriteOptions()
    sync.sync = True
    counter = [0]
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    time.sleep(0.05)

    def fraction(call: Callable[[WriteBatch], None]) -> float:
        moved = 0
        for index in range(calls):
            batch = WriteBatch(raw_mode=True)
            batch.put(b"g" + index.to_bytes(8, "big"), b"v" * 100)
            before = counter[0]
            call(batch)
            moved += counter[0] != before
        return moved / calls

    try:
        result = {
            "write_sync_released": fraction(lambda batch: db.write(batch, sync)),
            "write_released": fraction(lambda batch: db.write(batch)),
            "flush_wal_released": fraction(lambda batch: (db.write(batch), db.flush_wal(True))),
        }
    finally:
        stop.set()
        spinner.join()
        db.close()
        shutil.rmtree(path)
    return result


def commit_latency(directory: Path, count: int, *, sync: bool) -> dict[str, float]:
    """Latency of single-node commits, each its own transaction."""
    with engram.open(directory / f"commits-{sync}", sync=sync) as db:
        with db.transaction() as tx:
            label = tx.storage.intern_label("Event")
            key = tx.storage.intern_property_key("seq")
        samples = []
        for index in range(count):
            started = time.perf_counter()
            with db.transaction() as tx:
                tx.storage.create_node([label], {key: index})
            samples.append(time.perf_counter() - started)
    return latency_summary(samples)


def group_commit(directory: Path, threads: int, per_thread: int) -> dict[str, float]:
    """Durable commits per second with several committing threads."""
    with engram.open(directory / f"group-{threads}") as db:
        with db.transaction() as tx:
            label = tx.storage.intern_label("Event")

        def work() -> None:
            for _ in range(per_thread):
                with db.transaction(timeout=300) as tx:
                    tx.storage.create_node([label])

        workers = [threading.Thread(target=work) for _ in range(threads)]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.perf_counter() - started
    return {"threads": threads, "commits_per_s": threads * per_thread / elapsed}


def timed(action: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bulk_load(path: Path, nodes: int, rels: int, batch: int) -> dict[str, Any]:
    """Load `nodes` nodes and `rels` relationships in transactions of `batch` writes."""
    rng = np.random.default_rng(7)
    with engram.open(path, sync=False) as db:
        with db.transaction() as tx:
            s = tx.storage
            person, knows = s.intern_label("Person"), s.intern_type("KNOWS")
            name, age = s.intern_property_key("name"), s.intern_property_key("age")
            s.create_index(person, [age])

        def load_nodes() -> None:
            for start in range(0, nodes, batch):
                with db.transaction() as tx:
                    create = tx.storage.create_node
                    for index in range(start, min(start + batch, nodes)):
                        create([person], {name: f"person {index}", age: index % 100})

        def load_rels() -> None:
            for start in range(0, rels, batch):
                size = min(batch, rels - start)
                sources = rng.integers(0, nodes, size).tolist()
                targets = rng.integers(0, nodes, size).tolist()
                with db.transaction() as tx:
                    create = tx.storage.create_relationship
                    for source, target in zip(sources, targets, strict=True):
                        create(knows, source, target)

        _, node_wall, node_cpu = timed(load_nodes)
        _, rel_wall, rel_cpu = timed(load_rels)
    return {
        "nodes": nodes,
        "relationships": rels,
        "batch": batch,
        "nodes_per_s": nodes / node_wall,
        "nodes_per_cpu_s": nodes / node_cpu,
        "relationships_per_s": rels / rel_wall,
        "relationships_per_cpu_s": rels / rel_cpu,
    }


def reads(path: Path, samples: int) -> dict[str, float]:
    """Per-item cost of the batch read API on the loaded database (wall and CPU time)."""
    rng = np.random.default_rng(3)
    results: dict[str, float] = {}
    with engram.open(path) as db, db.begin_read() as tx:
        total = tx.count_nodes()
        age = tx.catalog.property_key_id("age")
        person = tx.catalog.label_id("Person")
        knows = tx.catalog.type_id("KNOWS")
        index = tx.catalog.indexes[0]
        ids = rng.integers(0, total, samples)
        id_list = ids.tolist()

        def measure(name: str, action: Callable[[], Any], per: float, scale: float) -> Any:
            result, wall, cpu = timed(action)
            results[f"{name}"] = wall / per * scale
            results[f"{name}_cpu"] = cpu / per * scale
            return result

        measure(
            "node_property_us", lambda: [tx.node_property(i, age) for i in id_list], samples, 1e6
        )
        measure("property_of_us_per_id", lambda: tx.property_of(ids, age), samples, 1e6)
        rows = measure(
            "expand_typed_us_per_node", lambda: tx.expand(ids, Direction.OUT, [knows]), samples, 1e6
        )
        results["expand_rows_per_node"] = len(rows) / samples
        measure("expand_untyped_us_per_node", lambda: tx.expand(ids, Direction.OUT), samples, 1e6)
        measure(
            "degree_both_us_per_node",
            lambda: tx.degree(ids, Direction.BOTH, [knows]),
            samples,
            1e6,
        )
        scanned = sum(len(b) for b in tx.scan_label(person))
        measure("label_scan_us_per_id", lambda: list(tx.scan_label(person)), scanned, 1e6)
        probes = rng.integers(0, 100, 200).tolist()
        found = measure(
            "index_equality_seek_ms",
            lambda: [tx.index_seek(index, equal=[p]) for p in probes],
            len(probes),
            1e3,
        )
        results["index_equality_ids_per_seek"] = sum(map(len, found)) / len(probes)
    return results


CRASHING_WRITER = """
import sys
import engram
db = engram.open(sys.argv[1])
with db.transaction() as tx:
    label = tx.storage.intern_label("Person")
print("ready", flush=True)
while True:
    with db.transaction() as tx:
        tx.storage.create_node([label], {})
"""


def reopen_after_crash(path: Path, rounds: int, run_seconds: float) -> dict[str, float]:
    """Kill a committing writer with SIGKILL, then time `engram.open` (WAL replay)."""
    samples = []
    for _ in range(rounds):
        with subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(CRASHING_WRITER), str(path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        ) as writer:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(run_seconds)
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
        started = time.perf_counter()
        db = engram.open(path)
        samples.append(time.perf_counter() - started)
        with db.begin_read() as tx:
            assert tx.count_relationships() > 0
        db.close()
    started = time.perf_counter()
    engram.open(path).close()
    clean = time.perf_counter() - started
    return {
        "median_ms": statistics.median(samples) * 1e3,
        "max_ms": max(samples) * 1e3,
        "clean_reopen_ms": clean * 1e3,
    }


def directory_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = Path(tempfile.mkdtemp(prefix="engram-bench-", dir=args.dir))
    report: dict[str, Any] = {"load_average": os.getloadavg(), "cpus": os.cpu_count()}
    try:
        report["gil"] = gil_probe(base)
        report["fsync_floor"] = fsync_floor(base, args.commits)
        report["durable_commit"] = commit_latency(base, args.commits, sync=True)
        report["unsynced_commit"] = commit_latency(base, args.commits, sync=False)
        report["group_commit"] = [
            group_commit(base, threads, args.commits // 4) for threads in (1, 4)
        ]
        graph = base / "graph"
        report["bulk"] = bulk_load(graph, args.nodes, args.rels, args.batch)
        report["bulk"]["bytes_on_disk"] = directory_size(graph)
        report["reads"] = reads(graph, args.samples)
        report["reopen_after_crash"] = reopen_after_crash(graph, args.rounds, args.crash_after)
        report["load_average_after"] = os.getloadavg()
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return report


def render(report: dict[str, Any]) -> str:
    lines = [
        f"load average {report['load_average'][0]:.1f} on {report['cpus']} cpus "
        f"(after: {report['load_average_after'][0]:.1f})",
    ]
    for name in ("gil", "fsync_floor", "durable_commit", "unsynced_commit", "reopen_after_crash"):
        figures = ", ".join(f"{k} {v:.3f}" for k, v in report[name].items())
        lines.append(f"{name}: {figures}")
    for entry in report["group_commit"]:
        lines.append(f"group commit, {entry['threads']} threads: {entry['commits_per_s']:.0f}/s")
    lines.append("bulk: " + ", ".join(f"{k} {v:,.0f}" for k, v in report["bulk"].items()))
    lines.append("reads: " + ", ".join(f"{k} {v:,.2f}" for k, v in report["reads"].items()))
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.storage_bench")
    parser.add_argument("--commits", type=int, default=2000, help="single-node commits")
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000, help="writes per bulk transaction")
    parser.add_argument("--samples", type=int, default=10_000, help="ids per read figure")
    parser.add_argument("--rounds", type=int, default=3, help="crash/reopen rounds")
    parser.add_argument("--crash-after", type=float, default=2.0, help="seconds before SIGKILL")
    parser.add_argument("--dir", default=None, help="directory for the databases")
    parser.add_argument("--json", default=None, help="also write the figures as JSON here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    report = run(args)
    print(render(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
