"""Q1 and Q2 at two sizes in one process: does a point lookup stay flat as the graph grows?

`python -m benchmarks.flatness --sizes 100000,1000000` imports each dataset (nodes and
relationships, no vectors: Q1 and Q2 do not read them) with `db.import_csv`, creates the
id indexes, warms up on the harness's warm-up parameter sets and times the measured ones
(the same seeded sets `python -m benchmarks run` uses), alternating sizes call by call so
that both see the same machine. Prints medians and p99 per size and their ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import engram
from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import ensure_dataset, load_graph
from benchmarks.queries.params import make_params
from benchmarks.queries.workload import QUERIES
from benchmarks.runner.measure import summarize

__all__ = ["main"]


def _open(persons: int, root: Path) -> tuple[engram.Database, dict[str, dict[str, list[Any]]]]:
    files = ensure_dataset(GraphSpec(persons))
    params = make_params(load_graph(files), 200, 20, 42)
    db = engram.open(str(root / f"db-{persons}"), sync=False)
    started = time.perf_counter()
    db.import_csv(
        nodes={"Person": str(files.persons), "City": str(files.cities)},
        relationships={"KNOWS": str(files.knows), "LIVES_IN": str(files.lives_in)},
    )
    db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)")
    db.execute("CREATE INDEX city_id FOR (c:City) ON (c.id)")
    print(f"{persons:,} persons loaded and indexed in {time.perf_counter() - started:.1f} s")
    return db, {"warmup": params.warmup, "measured": params.measured}


def main(argv: list[str] | None = None) -> int:
    """Time Q1 and Q2 at each size; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", default="Q1,Q2")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    texts = {q.name: q.engram for q in QUERIES if q.name in args.queries.split(",")}
    with tempfile.TemporaryDirectory(prefix="engram-flatness-") as workdir:
        opened = {size: _open(size, Path(workdir)) for size in sizes}
        print(
            "| query | "
            + " | ".join(f"{s:,} persons (median / p99 ms)" for s in sizes)
            + " | ratio of medians |"
        )
        print("|---|" + "---|" * len(sizes) + "---|")
        for name, text in texts.items():
            for size in sizes:
                db, params = opened[size]
                for values in params["warmup"][name]:
                    db.execute(text, values).rows()
            times: dict[int, list[float]] = {size: [] for size in sizes}
            for index in range(200):
                for size in sizes:
                    db, params = opened[size]
                    started = time.perf_counter()
                    db.execute(text, params["measured"][name][index]).rows()
                    times[size].append((time.perf_counter() - started) * 1000)
            figures = {size: summarize(times[size]) or {} for size in sizes}
            cells = [f"{figures[s]['median']:.3f} / {figures[s]['p99']:.2f}" for s in sizes]
            ratio = figures[sizes[-1]]["median"] / figures[sizes[0]]["median"]
            print(f"| {name} | " + " | ".join(cells) + f" | {ratio:.2f} |")
        for db, _ in opened.values():
            db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
