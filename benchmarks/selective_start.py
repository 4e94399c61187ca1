"""The optimizer picks the selective start: EXPLAIN and PROFILE on a persons/cities graph.

    python -m benchmarks.selective_start [--persons 100000] [--cities 100]

Builds `persons` :Person nodes each LIVES_IN one of `cities` :City nodes, an index on
:City(name), and runs `MATCH (p:Person)-[:LIVES_IN]->(c:City {name: $n}) RETURN p`
twice under PROFILE: with the optimizer (it should start from the city, found by an
index seek) and with the optimizer's rules off (the pattern as written: every person is
scanned). Prints both plans, storage reads and times.
"""

from __future__ import annotations

import argparse
import time

import engram


def build(db: engram.Database, persons: int, cities: int) -> None:
    """Load the graph in batches (commits not synced: a bulk load)."""
    db.execute(
        "UNWIND range(0, $n - 1) AS i CREATE (:City {id: i, name: 'city' + toString(i)})",
        n=cities,
    )
    db.execute("CREATE INDEX city_id FOR (c:City) ON (c.id)")
    db.execute("CREATE INDEX city_name FOR (c:City) ON (c.name)")
    batch = 10_000
    for start in range(0, persons, batch):
        rows = [{"id": i, "city": i % cities} for i in range(start, min(persons, start + batch))]
        db.execute(
            "UNWIND $rows AS row MATCH (c:City {id: row.city}) "
            "CREATE (:Person {id: row.id})-[:LIVES_IN]->(c)",
            rows=rows,
        )


def profile(db: engram.Database, disabled: frozenset[str]) -> tuple[engram.Plan, float, int]:
    """PROFILE the query with these rules off; the plan, seconds, total storage reads."""
    query = "MATCH (p:Person)-[:LIVES_IN]->(c:City {name: $n}) RETURN p"
    db.session.disabled_rules = disabled
    try:
        started = time.perf_counter()
        result = db.profile(query, n="city7")
        rows = len(result.rows())
        seconds = time.perf_counter() - started
    finally:
        db.session.disabled_rules = frozenset()
    plan = result.plan
    assert plan is not None
    reads = sum(line.reads or 0 for line in plan.lines)
    print(f"  {rows} rows")
    return plan, seconds, reads


def main() -> None:
    """Build, explain, profile both ways, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--cities", type=int, default=100)
    args = parser.parse_args()
    with engram.open(sync=False) as db:
        started = time.perf_counter()
        build(db, args.persons, args.cities)
        print(
            f"loaded {args.persons} persons, {args.cities} cities "
            f"in {time.perf_counter() - started:.1f} s"
        )
        print("\nEXPLAIN (optimizer on):")
        print(db.explain("MATCH (p:Person)-[:LIVES_IN]->(c:City {name: $n}) RETURN p"))
        print("\nPROFILE, optimizer on:")
        plan, seconds, reads = profile(db, frozenset())
        print(plan.render(timings=False))
        print("\nPROFILE, optimizer off (the pattern as written):")
        naive, naive_seconds, naive_reads = profile(db, frozenset({"*"}))
        print(naive.render(timings=False))
        print(
            f"\nstorage reads: {reads} with the optimizer, {naive_reads} without "
            f"({naive_reads / max(reads, 1):.0f}x)"
        )
        print(
            f"time: {seconds * 1000:.1f} ms with the optimizer, "
            f"{naive_seconds * 1000:.1f} ms without"
        )


if __name__ == "__main__":
    main()
