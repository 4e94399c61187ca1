"""Where engram's time goes: each workload query under pyinstrument, after a warm-up.

`python -m benchmarks.profile --persons 100000 [--queries Q4,Q6] [--runs 50]` loads the
dataset through the engram side of the harness (the same load, indexes and vector index),
warms every query on its warm-up parameter sets (which builds the caches a long-running
process has), then records `--runs` measured calls per query and prints pyinstrument's
call tree, trimmed to the frames that take at least `--min-share` of the time.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import ensure_dataset, load_graph
from benchmarks.engines.engram_side import EngramEngine
from benchmarks.queries.params import make_params
from benchmarks.queries.workload import QUERIES

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """Profile the chosen queries and print one call tree per query."""
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", default=",".join(q.name for q in QUERIES))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--min-share", type=float, default=0.03)
    args = parser.parse_args(argv)
    files = ensure_dataset(GraphSpec(args.persons))
    params = make_params(load_graph(files), args.runs, 20, 42)
    wanted = set(args.queries.split(","))
    with tempfile.TemporaryDirectory(prefix="engram-profile-") as workdir:
        engine = EngramEngine(call_timeout=120)
        engine.load(files, Path(workdir))
        try:
            for query in QUERIES:
                if query.name not in wanted:
                    continue
                (form,) = engine.forms(query)
                for values in params.warmup[query.name]:
                    form.run(values)
                profiler = Profiler(interval=0.0002)
                with profiler:
                    for values in params.measured[query.name]:
                        form.run(values)
                print(f"==== {query.name}: {query.title} ({args.runs} calls)")
                print(
                    profiler.output_text(
                        unicode=True, color=False, show_all=False, time="percent_of_total"
                    )
                )
        finally:
            engine.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
