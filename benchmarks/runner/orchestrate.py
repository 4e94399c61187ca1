"""The parent of a run: data, parameters, one worker per engine in turn, checks, results.

Everything a run produces goes into one directory under `benchmarks/results/`
(git-ignored): the parameter sets, each engine's raw output (latencies and answers),
and `results.json`, the summary that `report` prints and `compare` reads.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import DATA_ROOT, DatasetFiles, ensure_dataset, load_graph
from benchmarks.engines.engram_side import LOADER
from benchmarks.queries.answers import QueryCheck, check_query
from benchmarks.queries.params import ParamSets, make_params, write_params
from benchmarks.queries.workload import QUERY_NAMES

__all__ = ["REFERENCE", "RESULTS_ROOT", "ROOT", "RunOptions", "machine_info", "run_benchmark"]

ROOT: Final = Path(__file__).resolve().parents[2]
RESULTS_ROOT: Final = ROOT / "benchmarks" / "results"
REFERENCE: Final = "numpy"
# engines whose per-query budget is `slow_budget` (they take seconds per call)
_SLOW: Final = frozenset({"grand-cypher"})
# the hand-written references get single-threaded BLAS: OpenBLAS splits even a small
# matrix-vector product over every core, and its threads spin waiting for each other
# when another process holds a core, which made a 0.15 ms search take 5 to 10 ms
_SINGLE_THREADED: Final = frozenset({"numpy", "networkx"})
_ONE_THREAD: Final = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything `python -m benchmarks run` was asked for."""

    persons: int
    seed: int = 42
    engines: tuple[str, ...] = ("engram", "kuzu", "grand-cypher", "networkx")
    queries: tuple[str, ...] = (*QUERY_NAMES, "W1")
    runs: int = 200
    warmup: int = 20
    budget: float = 60.0
    slow_budget: float = 30.0
    call_timeout: float = 30.0
    data_root: Path = DATA_ROOT
    results_root: Path = RESULTS_ROOT
    workdir: Path | None = None
    keep_workdir: bool = False
    engram_loader: str = LOADER
    engram_batch: int = 10_000
    worker_timeout: float = 4 * 3600.0


def run_benchmark(options: RunOptions) -> tuple[Path, dict[str, Any]]:
    """Run every engine (the reference first) and return the summary and where it is."""
    started = datetime.now(UTC)
    spec = GraphSpec(persons=options.persons, seed=options.seed)
    files = ensure_dataset(spec, options.data_root)
    graph = load_graph(files)
    params = make_params(graph, options.runs, options.warmup, options.seed)
    del graph
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    run_dir = options.results_root / f"{stamp}-persons-{options.persons}"
    run_dir.mkdir(parents=True, exist_ok=True)
    write_params(params, run_dir / "params.json")
    engines = (REFERENCE, *(name for name in options.engines if name != REFERENCE))
    outputs = {name: _run_worker(name, options, files, run_dir) for name in engines}
    summary = {
        "meta": _meta(options, files, started),
        "engines": {name: _without_answers(output) for name, output in outputs.items()},
        "verification": _verify(outputs, params),
    }
    summary["meta"]["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    (run_dir / "results.json").write_text(json.dumps(summary, indent=1) + "\n")
    return run_dir / "results.json", summary


def _worker_command(
    name: str, options: RunOptions, files: DatasetFiles, run_dir: Path
) -> list[str]:
    budget = options.slow_budget if name in _SLOW else options.budget
    command = [
        sys.executable,
        "-m",
        "benchmarks",
        "worker",
        "--engine",
        name,
        "--dataset",
        str(files.root),
        "--params",
        str(run_dir / "params.json"),
        "--out",
        str(run_dir / f"{name}.json"),
        "--queries",
        ",".join(options.queries),
        "--budget",
        str(budget),
        "--call-timeout",
        str(options.call_timeout),
        "--engram-loader",
        options.engram_loader,
        "--engram-batch",
        str(options.engram_batch),
    ]
    if options.workdir is not None:
        command += ["--workdir", str(options.workdir)]
    if options.keep_workdir:
        command.append("--keep-workdir")
    return command


def _run_worker(name: str, options: RunOptions, files: DatasetFiles, run_dir: Path) -> Any:
    out = run_dir / f"{name}.json"
    print(f"[{name}] starting worker", file=sys.stderr, flush=True)
    started = time.perf_counter()
    try:
        process = subprocess.run(
            _worker_command(name, options, files, run_dir),
            cwd=ROOT,
            env={**os.environ, **(_ONE_THREAD if name in _SINGLE_THREADED else {})},
            timeout=options.worker_timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"engine": name, "status": "error", "error": "worker exceeded its time limit"}
    if process.returncode != 0 or not out.exists():
        return {
            "engine": name,
            "status": "error",
            "error": f"worker exited with status {process.returncode}",
        }
    output = json.loads(out.read_text())
    output["wall_seconds"] = time.perf_counter() - started
    return output


def _without_answers(output: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(output)
    for section in ("queries", "writes"):
        if section in trimmed:
            trimmed[section] = {
                name: {key: value for key, value in outcome.items() if key != "answers"}
                for name, outcome in trimmed[section].items()
            }
    return trimmed


def _verify(outputs: dict[str, Any], params: ParamSets) -> dict[str, Any]:
    """Each engine's answers against the reference engine's, query by query."""
    reference = outputs.get(REFERENCE, {})
    checks: dict[str, Any] = {}
    for name, output in outputs.items():
        if name == REFERENCE or output.get("status") != "ok":
            continue
        engine_checks: dict[str, Any] = {}
        for query, outcome in output.get("queries", {}).items():
            expected = reference.get("queries", {}).get(query, {})
            if outcome.get("status") != "ok" or expected.get("status") != "ok":
                continue
            check = check_query(
                query, params.measured[query], expected["answers"], outcome["answers"]
            )
            engine_checks[query] = check.to_json()
        write = output.get("writes", {}).get("W1", {}).get("check")
        if write is not None:
            wrong = int(write["expected"] != write["found"])
            engine_checks["W1"] = QueryCheck(1, wrong, (write,) if wrong else ()).to_json()
        checks[name] = engine_checks
    return {"reference": REFERENCE, "engines": checks}


def machine_info() -> dict[str, Any]:
    """CPU model, cores, memory, OS and Python of this machine."""
    cpu = "unknown"
    memory = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_bytes": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
    }


def _git_commit() -> str | None:
    try:
        process = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return process.stdout.strip() or None


def _meta(options: RunOptions, files: DatasetFiles, started: datetime) -> dict[str, Any]:
    settings = {
        key: str(value) if isinstance(value, Path) else value
        for key, value in asdict(options).items()
    }
    return {
        "command": " ".join(["python -m benchmarks", *sys.argv[1:]]),
        "started": started.isoformat(timespec="seconds"),
        "machine": machine_info(),
        "git_commit": _git_commit(),
        "dataset": {"path": str(files.root), **files.read_manifest()},
        "options": settings,
    }
