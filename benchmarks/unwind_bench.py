"""`UNWIND $rows AS row CREATE ...` throughput: one statement creating many nodes.

Run ``python -m benchmarks.unwind_bench --rows 100000``. Creates `--rows` Person nodes
with three properties from one parameter list in a private temporary database, then
(with an index on `id`) as many KNOWS relationships between them by
``UNWIND $rows AS row MATCH (a:Person {id: row.a}), (b:Person {id: row.b}) CREATE
(a)-[:KNOWS]->(b)``; prints wall-clock and process CPU seconds of each statement.
"""

from __future__ import annotations

import argparse
import time

import engram


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args(argv)
    count = args.rows
    people = [{"id": i, "name": f"n{i}", "age": i % 90} for i in range(count)]
    knows = [{"a": i, "b": (i * 7) % count} for i in range(count)]
    with engram.open() as db:
        started, cpu = time.perf_counter(), time.process_time()
        db.execute(
            "UNWIND $rows AS row CREATE (:Person {id: row.id, name: row.name, age: row.age})",
            rows=people,
        )
        print(
            f"{count:,} nodes: {time.perf_counter() - started:.2f} s, "
            f"CPU {time.process_time() - cpu:.2f} s"
        )
        db.execute("CREATE INDEX FOR (p:Person) ON (p.id)")
        started, cpu = time.perf_counter(), time.process_time()
        db.execute(
            "UNWIND $rows AS row MATCH (a:Person {id: row.a}), (b:Person {id: row.b}) "
            "CREATE (a)-[:KNOWS]->(b)",
            rows=knows,
        )
        print(
            f"{count:,} relationships: {time.perf_counter() - started:.2f} s, "
            f"CPU {time.process_time() - cpu:.2f} s"
        )


if __name__ == "__main__":
    main()
