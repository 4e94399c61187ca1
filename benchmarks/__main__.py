"""`python -m benchmarks {generate,run,report,compare,hnsw,vector,micro}`: the harness's commands.

Run from the repository root. `worker` is internal: `run` starts one per engine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.engines.engram_side import LOADER
from benchmarks.queries.workload import QUERY_NAMES

if TYPE_CHECKING:
    from benchmarks.runner.report import TextTable

SIZES = (10_000, 100_000, 1_000_000)
ENGINE_NAMES = ("numpy", "engram", "kuzu", "grand-cypher", "networkx")


def _csv_list(choices: Sequence[str]) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        items = tuple(item.strip() for item in text.split(",") if item.strip())
        unknown = [item for item in items if item not in choices]
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {', '.join(unknown)}; choose from {', '.join(choices)}"
            )
        return items

    return parse


def _at_least(minimum: float, kind: type[int] | type[float]) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum:g}, got {text}")
        return value

    return parse


def _add_size(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--persons",
        "--size",
        type=_at_least(2, int),
        default=10_000,
        help=f"graph size in persons (the reported sizes are {', '.join(map(str, SIZES))})",
    )
    parser.add_argument("--seed", type=int, default=42, help="generator and parameter seed")
    parser.add_argument(
        "--data", type=Path, default=None, help="dataset cache root (default: benchmarks/data)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    generate = sub.add_parser("generate", help="generate (or reuse) the dataset of a size")
    _add_size(generate)
    generate.add_argument("--force", action="store_true", help="regenerate even if cached")

    run = sub.add_parser("run", help="run the workload on every engine and compare answers")
    _add_size(run)
    run.add_argument(
        "--engines",
        type=_csv_list(ENGINE_NAMES),
        default=ENGINE_NAMES[1:],
        help=f"comma-separated, from {','.join(ENGINE_NAMES[1:])} (numpy always runs)",
    )
    run.add_argument(
        "--queries",
        type=_csv_list((*QUERY_NAMES, "W1")),
        default=None,
        help="comma-separated query names (default: all, Q1..Q8 and W1)",
    )
    positive_int, positive = _at_least(1, int), _at_least(0.001, float)
    run.add_argument("--runs", type=positive_int, default=200, help="measured sets per query")
    run.add_argument("--warmup", type=_at_least(0, int), default=20, help="warm-up sets per query")
    run.add_argument("--budget", type=positive, default=60.0, help="seconds per query and engine")
    run.add_argument(
        "--slow-budget", type=positive, default=30.0, help="seconds per query for grand-cypher"
    )
    run.add_argument("--call-timeout", type=positive, default=30.0, help="seconds per call")
    run.add_argument("--workdir", type=Path, default=None, help="where databases are built")
    run.add_argument("--keep-workdir", action="store_true", help="keep the databases")
    run.add_argument("--engram-loader", choices=("unwind", "import"), default=LOADER)
    run.add_argument(
        "--engram-batch", type=positive_int, default=10_000, help="UNWIND rows per batch"
    )
    run.add_argument("--results", type=Path, default=None, help="results root directory")

    report = sub.add_parser("report", help="print a saved run's tables")
    report.add_argument("results", type=Path, help="a results.json")
    report.add_argument("--markdown", action="store_true", help="markdown for docs/")
    report.add_argument("--cpu", action="store_true", help="CPU time per call, not wall time")

    compare = sub.add_parser("compare", help="compare the medians of two runs")
    compare.add_argument("old", type=Path)
    compare.add_argument("new", type=Path)
    compare.add_argument("--markdown", action="store_true")

    sizes = sub.add_parser("sizes", help="median latency per query across runs of several sizes")
    sizes.add_argument("results", type=Path, nargs="+", help="results.json of each size")
    sizes.add_argument(
        "--engines",
        type=_csv_list(ENGINE_NAMES),
        default=("engram", "kuzu"),
        help="comma-separated engines (default: engram,kuzu)",
    )
    sizes.add_argument("--markdown", action="store_true")
    sizes.add_argument("--cpu", action="store_true", help="CPU time per call, not wall time")

    hnsw = sub.add_parser("hnsw", help="hnswlib recall@k vs ef, build time, QPS on the vectors")
    _add_size(hnsw)
    hnsw.add_argument("--queries", type=_at_least(1, int), default=1000, help="query vectors")

    vector = sub.add_parser(
        "vector", help="engram's vector index against bare hnswlib and Kùzu, with checks"
    )
    _add_size(vector)
    vector.add_argument("--queries", type=_at_least(1, int), default=200, help="query vectors")
    vector.add_argument("--no-kuzu", action="store_true", help="skip the Kùzu side")
    vector.add_argument(
        "--crash-rounds", type=_at_least(0, int), default=3, help="SIGKILLs while saving"
    )
    vector.add_argument("--workdir", type=Path, default=None, help="where databases are built")

    micro = sub.add_parser("micro", help="micro-benchmarks of engram's stages (where built)")
    micro.add_argument("--repeat", type=_at_least(1, int), default=200)

    worker = sub.add_parser("worker", help=argparse.SUPPRESS)
    worker.add_argument("--engine", choices=ENGINE_NAMES, required=True)
    worker.add_argument("--dataset", type=Path, required=True)
    worker.add_argument("--params", type=Path, required=True)
    worker.add_argument("--out", type=Path, required=True)
    worker.add_argument("--queries", type=_csv_list((*QUERY_NAMES, "W1")), required=True)
    worker.add_argument("--budget", type=float, required=True)
    worker.add_argument("--call-timeout", type=float, required=True)
    worker.add_argument("--workdir", type=Path, default=None)
    worker.add_argument("--keep-workdir", action="store_true")
    worker.add_argument("--engram-loader", default=LOADER)
    worker.add_argument("--engram-batch", type=int, default=10_000)
    return parser


def _generate(args: argparse.Namespace) -> int:
    from benchmarks.dataset.graph import GraphSpec
    from benchmarks.dataset.store import DATA_ROOT, ensure_dataset

    started = time.perf_counter()
    spec = GraphSpec(args.persons, args.seed)
    files = ensure_dataset(spec, args.data or DATA_ROOT, force=args.force)
    counts = files.read_manifest()["counts"]
    print(
        f"{files.root}: {counts['persons']:,} persons, {counts['cities']:,} cities, "
        f"{counts['knows']:,} KNOWS, {counts['lives_in']:,} LIVES_IN "
        f"({time.perf_counter() - started:.1f} s)"
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from benchmarks.dataset.store import DATA_ROOT
    from benchmarks.runner.orchestrate import RESULTS_ROOT, RunOptions, run_benchmark
    from benchmarks.runner.report import print_report, problems

    options = RunOptions(
        persons=args.persons,
        seed=args.seed,
        engines=args.engines,
        queries=args.queries or (*QUERY_NAMES, "W1"),
        runs=args.runs,
        warmup=args.warmup,
        budget=args.budget,
        slow_budget=args.slow_budget,
        call_timeout=args.call_timeout,
        data_root=args.data or DATA_ROOT,
        results_root=args.results or RESULTS_ROOT,
        workdir=args.workdir,
        keep_workdir=args.keep_workdir,
        engram_loader=args.engram_loader,
        engram_batch=args.engram_batch,
    )
    path, summary = run_benchmark(options)
    print_report(summary, Console())
    print(f"results: {path}")
    return 1 if problems(summary) else 0


def _report(args: argparse.Namespace) -> int:
    from rich.console import Console

    from benchmarks.runner.report import footprint_table, latency_table, markdown, print_report

    summary = json.loads(args.results.read_text())
    if args.markdown:
        latency = markdown(latency_table(summary, cpu=args.cpu))
        print(latency + "\n\n" + markdown(footprint_table(summary)))
    else:
        print_report(summary, Console(), cpu=args.cpu)
    return 0


def _compare(args: argparse.Namespace) -> int:
    from benchmarks.runner.report import compare_table

    table = compare_table(json.loads(args.old.read_text()), json.loads(args.new.read_text()))
    return _print_table(table, markdown_output=args.markdown)


def _sizes(args: argparse.Namespace) -> int:
    from benchmarks.runner.report import growth_table

    runs = [json.loads(path.read_text()) for path in args.results]
    table = growth_table(runs, args.engines, cpu=args.cpu)
    return _print_table(table, markdown_output=args.markdown)


def _print_table(table: TextTable, *, markdown_output: bool) -> int:
    from rich.console import Console
    from rich.table import Table

    from benchmarks.runner.report import markdown

    if markdown_output:
        print(markdown(table))
        return 0
    rendered = Table(title=table.title, title_justify="left")
    for header in table.headers:
        rendered.add_column(header)
    for row in table.rows:
        rendered.add_row(*row)
    Console().print(rendered)
    return 0


def _hnsw(args: argparse.Namespace) -> int:
    from benchmarks.dataset.store import DATA_ROOT
    from benchmarks.hnsw.bench import run_hnsw

    return run_hnsw(args.persons, args.seed, args.queries, args.data or DATA_ROOT)


def _vector(args: argparse.Namespace) -> int:
    from benchmarks.dataset.store import DATA_ROOT
    from benchmarks.vector.bench import VectorOptions, run_vector

    options = VectorOptions(
        persons=args.persons,
        seed=args.seed,
        queries=args.queries,
        data_root=args.data or DATA_ROOT,
        kuzu=not args.no_kuzu,
        crash_rounds=args.crash_rounds,
        workdir=args.workdir,
    )
    return run_vector(options)


def _micro(args: argparse.Namespace) -> int:
    from benchmarks.micro.stages import run_micro

    return run_micro(args.repeat)


def _worker(args: argparse.Namespace) -> int:
    from benchmarks.runner.measure import Budget
    from benchmarks.runner.worker import WorkerOptions, run_worker

    options = WorkerOptions(
        engine=args.engine,
        dataset=args.dataset,
        params=args.params,
        out=args.out,
        queries=args.queries,
        budget=Budget(seconds=args.budget, call_timeout=args.call_timeout),
        workdir=args.workdir,
        keep_workdir=args.keep_workdir,
        engram_loader=args.engram_loader,
        engram_batch=args.engram_batch,
    )
    return run_worker(options)


_COMMANDS = {
    "generate": _generate,
    "run": _run,
    "report": _report,
    "compare": _compare,
    "sizes": _sizes,
    "hnsw": _hnsw,
    "vector": _vector,
    "micro": _micro,
    "worker": _worker,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m benchmarks`."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (OSError, json.JSONDecodeError, KeyError) as error:
        if args.command == "worker":
            raise
        reason = str(error)
        if isinstance(error, KeyError):
            reason = f"not a results file of this harness (no {error} entry)"
        parser.exit(2, f"python -m benchmarks {args.command}: error: {reason}\n")


if __name__ == "__main__":
    sys.exit(main())
