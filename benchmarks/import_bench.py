"""Bulk-import benchmark: ``engram import`` beside Kùzu's ``COPY FROM`` on the same files.

Run ``python -m benchmarks.import_bench --persons 100000`` after ``python -m benchmarks
generate --persons 100000``. Both engines load persons.csv (without the vectors, which
the two take in different file formats), cities.csv, knows.csv and lives_in.csv into a
fresh database in a temporary directory on the same disk, one after the other in this
process, in two phases timed separately (wall-clock and CPU seconds: every thread, and
for engram the child processes that write its table files):

- nodes: Kùzu's ``COPY Person`` and ``COPY City``; engram's node files read, converted
  and committed (`db.import_csv(..., commit_nodes_first=True)`, the phase times in its
  summary);
- relationships: Kùzu's ``COPY KNOWS`` and ``COPY LIVES_IN``; engram's relationship
  files read, resolved and committed.

The database is open before and closed after the two phases; opening, closing and
Kùzu's final ``CHECKPOINT`` are reported apart ("close"). Each engine runs ``--repeat``
times; the best run by relationship wall time is printed (and all with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import engram

ROOT = Path(__file__).resolve().parents[1]

_KUZU_SCHEMA = (
    "CREATE NODE TABLE Person(id INT64, firstName STRING, lastName STRING, age INT64, "
    "cityId INT64, PRIMARY KEY(id))",
    "CREATE NODE TABLE City(id INT64, name STRING, country STRING, PRIMARY KEY(id))",
    "CREATE REL TABLE KNOWS(FROM Person TO Person, since INT64)",
    "CREATE REL TABLE LIVES_IN(FROM Person TO City)",
)


def data_dir(persons: int, seed: int) -> Path:
    folder = ROOT / "benchmarks" / "data" / f"persons-{persons}-seed-{seed}"
    if not (folder / "manifest.json").exists():
        raise SystemExit(
            f"no data in {folder}: run python -m benchmarks generate --persons {persons}"
        )
    return folder


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def measure_engram(folder: Path, workdir: Path) -> dict[str, Any]:
    db = engram.open(workdir / "engram.db")
    try:
        summary = db.import_csv(
            nodes={"Person": folder / "persons.csv", "City": folder / "cities.csv"},
            relationships={"KNOWS": folder / "knows.csv", "LIVES_IN": folder / "lives_in.csv"},
            commit_nodes_first=True,
        )
    finally:
        closing = _clock()
        db.close()
    return {
        "engine": "engram " + version("engram"),
        "method": "db.import_csv (as engram import --commit-nodes-first), synced commits",
        "nodes": summary.nodes,
        "relationships": summary.relationships,
        "node_seconds": summary.node_seconds,
        "node_cpu_seconds": summary.node_cpu_seconds,
        "relationship_seconds": summary.relationship_seconds,
        "relationship_cpu_seconds": summary.relationship_cpu_seconds,
        "close_seconds": _since(closing)[0],
    }


def measure_kuzu(folder: Path, workdir: Path) -> dict[str, Any]:
    import kuzu

    database = kuzu.Database(str(workdir / "kuzu.db"))
    connection = kuzu.Connection(database)
    for statement in _KUZU_SCHEMA:
        connection.execute(statement)
    phases = []
    for tables in (
        (("Person", "persons.csv"), ("City", "cities.csv")),
        (("KNOWS", "knows.csv"), ("LIVES_IN", "lives_in.csv")),
    ):
        started = _clock()
        for table, name in tables:
            connection.execute(f"COPY {table} FROM '{folder / name}' (header=true)")
        phases.append(_since(started))
    closing = _clock()
    connection.execute("CHECKPOINT")
    nodes, rels = (
        _scalar(connection.execute(query))
        for query in ("MATCH (n) RETURN count(*)", "MATCH ()-[r]->() RETURN count(*)")
    )
    connection.close()
    database.close()
    return {
        "engine": "kuzu " + str(kuzu.__version__),
        "method": "COPY FROM CSV (header=true), one statement per file",
        "nodes": nodes,
        "relationships": rels,
        "node_seconds": phases[0][0],
        "node_cpu_seconds": phases[0][1],
        "relationship_seconds": phases[1][0],
        "relationship_cpu_seconds": phases[1][1],
        "close_seconds": _since(closing)[0],
    }


def _scalar(result: Any) -> int:
    return int(result.get_next()[0])


def _line(report: dict[str, Any]) -> str:
    nodes, rels = report["node_seconds"], report["relationship_seconds"]
    return (
        f"{report['engine']}: {report['nodes']:,} nodes in {nodes:.2f} s "
        f"(CPU {report['node_cpu_seconds']:.2f} s, {report['nodes'] / nodes:,.0f}/s); "
        f"{report['relationships']:,} relationships in {rels:.2f} s "
        f"(CPU {report['relationship_cpu_seconds']:.2f} s, "
        f"{report['relationships'] / rels:,.0f}/s); close {report['close_seconds']:.2f} s; "
        f"{report['method']}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="engram,kuzu")
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine (best shown)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per run")
    args = parser.parse_args(argv)
    folder = data_dir(args.persons, args.seed)
    runners = {"engram": measure_engram, "kuzu": measure_kuzu}
    best: dict[str, dict[str, Any]] = {}
    for _ in range(args.repeat):
        for name in args.engines.split(","):
            with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as workdir:
                report = runners[name](folder, Path(workdir))
            if args.json:
                print(json.dumps(report), flush=True)
            seen = best.get(name)
            if seen is None or report["relationship_seconds"] < seen["relationship_seconds"]:
                best[name] = report
    if args.json:
        return
    for report in best.values():
        print(_line(report))
    if "engram" in best and "kuzu" in best:
        ratio = best["kuzu"]["relationship_seconds"] / best["engram"]["relationship_seconds"]
        print(f"engram / Kùzu relationship throughput: {ratio:.2f}")


if __name__ == "__main__":
    main()
