"""One engine's whole run, inside its own child process: load, queries, writes, footprint.

The parent starts `python -m benchmarks worker ...` once per engine, so each engine's
memory high-water mark (VmHWM, which a fresh process image starts from zero) is its own,
and a crash or a hang in one engine cannot take the others down. Only the chosen
engine's module is imported. The result is one JSON file.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Final

from benchmarks.dataset.store import DatasetFiles
from benchmarks.engines.base import Engine, EngineUnavailable
from benchmarks.engines.engram_side import LOADER
from benchmarks.queries.params import W1_ID_BASE, ParamSets, read_params
from benchmarks.queries.workload import QUERIES, WRITE, QuerySpec
from benchmarks.runner.measure import Budget, measure_query

__all__ = ["ENGINES", "WorkerOptions", "memory_status", "run_worker"]

ENGINES: Final = {
    "numpy": "benchmarks.engines.numpy_side:NumpyEngine",
    "engram": "benchmarks.engines.engram_side:EngramEngine",
    "kuzu": "benchmarks.engines.kuzu_side:KuzuEngine",
    "grand-cypher": "benchmarks.engines.grandcypher_side:GrandCypherEngine",
    "networkx": "benchmarks.engines.networkx_side:NetworkxEngine",
}


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """What one worker runs and where it writes."""

    engine: str
    dataset: Path
    params: Path
    out: Path
    queries: tuple[str, ...]
    budget: Budget
    workdir: Path | None = None
    keep_workdir: bool = False
    engram_loader: str = LOADER
    engram_batch: int = 10_000


def memory_status() -> dict[str, int | None]:
    """Resident set size now and its high-water mark, in bytes (Linux /proc)."""
    values: dict[str, int | None] = {"rss": None, "peak_rss": None}
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        return values
    for line in lines:
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values["rss" if key == "VmRSS" else "peak_rss"] = int(rest.split()[0]) * 1024
    return values


def _log(engine: str, message: str) -> None:
    print(f"[{engine}] {message}", file=sys.stderr, flush=True)


def _make_engine(options: WorkerOptions) -> Engine:
    module_name, _, class_name = ENGINES[options.engine].partition(":")
    factory: Any = getattr(importlib.import_module(module_name), class_name)
    if options.engine == "engram":
        engine: Engine = factory(
            options.budget.call_timeout, loader=options.engram_loader, batch=options.engram_batch
        )
    else:
        engine = factory(options.budget.call_timeout)
    return engine


def _exit_on_terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # unwinds through `finally`: the database is removed


def run_worker(options: WorkerOptions) -> int:
    """Run one engine and write its JSON result; the exit status is 0 unless it crashed."""
    signal.signal(signal.SIGTERM, _exit_on_terminate)
    baseline = memory_status()["rss"]
    result: dict[str, Any] = {"engine": options.engine, "baseline_rss": baseline}
    result["load_average"] = {"start": os.getloadavg()[0]}
    try:
        engine = _make_engine(options)
    except EngineUnavailable as reason:
        _log(options.engine, f"skipped: {reason}")
        result.update(status="skipped", reason=str(reason))
        options.out.write_text(json.dumps(result))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{options.engine}-", dir=options.workdir))
    try:
        result.update(_run_engine(engine, options, workdir))
    except Exception as error:
        _log(options.engine, f"failed: {type(error).__name__}: {error}")
        result.update(status="error", error=traceback.format_exc(limit=8))
    finally:
        try:
            engine.close()
        finally:
            if not options.keep_workdir:
                shutil.rmtree(workdir, ignore_errors=True)
    result["memory"] = {"baseline_rss": baseline, "peak_rss": memory_status()["peak_rss"]}
    result["load_average"]["end"] = os.getloadavg()[0]
    options.out.write_text(json.dumps(result))
    return 0


def _run_engine(engine: Engine, options: WorkerOptions, workdir: Path) -> dict[str, Any]:
    files = DatasetFiles(options.dataset)
    params = read_params(options.params)
    out: dict[str, Any] = {"versions": engine.versions(), "workdir": str(workdir)}
    _log(engine.name, "loading")
    cpu = time.process_time()
    load = engine.load(files, workdir)
    out["load"] = {**load.to_json(), "cpu_seconds": time.process_time() - cpu}
    out["disk_bytes"] = engine.disk_bytes()
    _log(engine.name, f"loaded in {load.total_seconds:.1f} s ({load.method})")
    out["queries"] = {
        query.name: _run_query(engine, query, params, options.budget)
        for query in QUERIES
        if query.name in options.queries
    }
    if WRITE.name in options.queries:
        out["writes"] = {WRITE.name: _run_write(engine, params, options.budget)}
    out["status"] = "ok"
    return out


def _run_query(engine: Engine, query: QuerySpec, params: ParamSets, budget: Budget) -> Any:
    started = time.perf_counter()
    outcome = measure_query(
        engine, query, params.warmup[query.name], params.measured[query.name], budget
    )
    summary = outcome.get("summary")
    if summary:
        detail = (
            f"{outcome['runs']} runs, median {summary['median'] * 1e3:.3f} ms, "
            f"p99 {summary['p99'] * 1e3:.3f} ms ({outcome['form']})"
        )
    else:
        detail = outcome.get("reason") or outcome.get("error") or outcome.get("stopped") or ""
    elapsed = time.perf_counter() - started
    _log(engine.name, f"{query.name} {outcome['status']}: {detail} [{elapsed:.1f} s]")
    return outcome


def _run_write(engine: Engine, params: ParamSets, budget: Budget) -> Any:
    outcome = _run_query(engine, WRITE, params, budget)
    if outcome["status"] == "ok":
        found = engine.count_persons_from(W1_ID_BASE)
        outcome["check"] = {"expected": outcome["calls"], "found": found}
        if found != outcome["calls"]:
            _log(engine.name, f"W1 MISMATCH: {outcome['calls']} creates, {found} nodes found")
    return outcome
