"""Bulk-import benchmark: ``engram import`` beside Kùzu's ``COPY FROM`` on the same files.

Run ``python -m benchmarks.import_bench --persons 100000`` after ``python -m benchmarks
generate --persons 100000``. Both engines load persons.csv (without the vectors, which
the two take in different file formats), cities.csv, knows.csv and lives_in.csv into a
fresh database in a temporary directory on the same disk, one after the other in this
process. Wall-clock and process CPU seconds (all threads) are printed for each, with
nodes and relationships per second of wall-clock time. engram's figure includes the one
synced commit at the end; Kùzu's includes its checkpoint.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
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


def measure_engram(folder: Path, workdir: Path) -> dict[str, Any]:
    started, started_cpu = time.perf_counter(), time.process_time()
    with engram.open(workdir / "engram.db") as db:
        summary = db.import_csv(
            nodes={"Person": folder / "persons.csv", "City": folder / "cities.csv"},
            relationships={"KNOWS": folder / "knows.csv", "LIVES_IN": folder / "lives_in.csv"},
        )
    return {
        "engine": "engram",
        "method": "db.import_csv (as engram import), one synced commit",
        "nodes": summary.nodes,
        "relationships": summary.relationships,
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - started_cpu,
    }


def measure_kuzu(folder: Path, workdir: Path) -> dict[str, Any]:
    import kuzu

    started, started_cpu = time.perf_counter(), time.process_time()
    database = kuzu.Database(str(workdir / "kuzu.db"))
    connection = kuzu.Connection(database)
    for statement in _KUZU_SCHEMA:
        connection.execute(statement)
    for table, name in (
        ("Person", "persons.csv"),
        ("City", "cities.csv"),
        ("KNOWS", "knows.csv"),
        ("LIVES_IN", "lives_in.csv"),
    ):
        connection.execute(f"COPY {table} FROM '{folder / name}' (header=true)")
    connection.execute("CHECKPOINT")
    nodes = connection.execute("MATCH (n) RETURN count(*)").get_next()[0]
    rels = connection.execute("MATCH ()-[r]->() RETURN count(*)").get_next()[0]
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    connection.close()
    database.close()
    return {
        "engine": "kuzu " + str(kuzu.__version__),
        "method": "COPY FROM CSV (header=true), CHECKPOINT",
        "nodes": nodes,
        "relationships": rels,
        "seconds": seconds,
        "cpu_seconds": cpu,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="engram,kuzu")
    parser.add_argument("--json", action="store_true", help="print one JSON object per engine")
    args = parser.parse_args(argv)
    folder = data_dir(args.persons, args.seed)
    runners = {"engram": measure_engram, "kuzu": measure_kuzu}
    for name in args.engines.split(","):
        with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as workdir:
            report = runners[name](folder, Path(workdir))
        if args.json:
            print(json.dumps(report))
            continue
        seconds = report["seconds"]
        print(
            f"{report['engine']}: {report['nodes']:,} nodes, {report['relationships']:,} "
            f"relationships in {seconds:.1f} s (CPU {report['cpu_seconds']:.1f} s): "
            f"{report['nodes'] / seconds:,.0f} nodes/s, "
            f"{report['relationships'] / seconds:,.0f} relationships/s "
            f"({(report['nodes'] + report['relationships']) / seconds:,.0f} entities/s); "
            f"{report['method']}"
        )


if __name__ == "__main__":
    main()
