"""engram's vector search side by side with bare hnswlib and Kùzu, in one process and one run.

On the harness's persons and 64-dimension embeddings (`benchmarks.dataset`), it loads
engram (`UNWIND ... CREATE`, then `CREATE VECTOR INDEX` with the default settings) and
times the top-10 query interleaved query by query, in a shuffled order per query:
engram through `db.execute(text, params).rows()` and hnswlib's `knn_query` on the very
index engram built (same ef). Then it loads Kùzu (`COPY FROM`, `CREATE_VECTOR_INDEX`)
and times its `QUERY_VECTOR_INDEX` (a prepared statement) interleaved with engram's query
again: Kùzu's worker threads stay busy after its queries and slow whatever runs next, so
it never shares the first phase. Recall@10 is measured against exact
numpy search, unfiltered and with filters that keep 10% and 1% of the persons (first as
plain predicates, then through a property index), and every result must have exactly 10
rows. The checks of `checks.py` run last.
"""

from __future__ import annotations

import json
import shutil
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import DatasetFiles, ensure_dataset, load_graph
from benchmarks.hnsw.bench import _exact, _queries
from benchmarks.runner.orchestrate import RESULTS_ROOT, machine_info
from benchmarks.vector.checks import crash_rounds, visibility_checks
from benchmarks.vector.queries import (
    FILTERS,
    KUZU_TOP,
    TOP,
    TOP_IDS,
    VECTOR_INDEX,
    filtered,
)
from benchmarks.vector.report import print_report

__all__ = ["VectorOptions", "run_vector"]

_BATCH: Final = 10_000
_WARMUP: Final = 20
_ORDER_SEED: Final = 20261121


@dataclass(frozen=True, slots=True)
class VectorOptions:
    """What `python -m benchmarks vector` measures."""

    persons: int
    seed: int
    queries: int
    data_root: Path
    kuzu: bool = True
    crash_rounds: int = 3
    workdir: Path | None = None


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def _load_engram(path: Path, embedding: np.ndarray, ids: np.ndarray) -> tuple[Any, float, float]:
    import engram

    started = time.perf_counter()
    with engram.open(path, sync=False) as db:
        for start in range(0, len(ids), _BATCH):
            rows = [
                {"id": int(ids[row]), "bucket": row % 100, "embedding": vector}
                for row, vector in zip(
                    range(start, min(start + _BATCH, len(ids))),
                    embedding[start : start + _BATCH].tolist(),
                    strict=True,
                )
            ]
            db.execute(
                "UNWIND $rows AS r CREATE (:Person {id: r.id, bucket: r.bucket, "
                "embedding: r.embedding})",
                rows=rows,
            )
        loaded = time.perf_counter()
        db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)")
        indexed = time.perf_counter()
        db.execute(
            f"CREATE VECTOR INDEX {VECTOR_INDEX} FOR (p:Person) ON (p.embedding) "
            f"OPTIONS {{dimensions: {embedding.shape[1]}, metric: 'cosine'}}"
        )
        built = time.perf_counter()
    return engram.open(path), loaded - started, built - indexed


def _engram_hnsw(db: Any) -> Any:
    from engram.index.manager import vector_indexes

    with db.begin_read() as view:
        definition = view.catalog.index(VECTOR_INDEX)
        index = vector_indexes(view.store).index_for(view, definition)
    return index._hnsw  # the very hnswlib object engram searches (same graph, same ef)


def _breakdown(db: Any) -> tuple[dict[str, Callable[[np.ndarray], list[int]]], Any]:
    """Where engram's time goes: Q8 returning node ids only, and the index search alone."""
    from engram.index.manager import vector_indexes
    from engram.index.search import SearchSpec

    person = dict(db.execute("MATCH (p:Person) RETURN id(p), p.id").rows())
    view = db.begin_read()  # the benchmark's data does not change while it measures
    definition = view.catalog.index(VECTOR_INDEX)
    manager = vector_indexes(view.store)
    spec = SearchSpec(k=10)

    def ids_only(query: np.ndarray) -> list[int]:
        return [person[row[0]] for row in db.execute(TOP_IDS, {"vector": query.tolist()}).rows()]

    def search_only(query: np.ndarray) -> list[int]:
        hits = manager.search(view, definition, query.tolist(), spec, function="bench", position=2)
        return [person[node] for node in hits.nodes.tolist()]

    return {"engram id(p)": ids_only, "engram index search": search_only}, view


def _load_kuzu(path: Path, files: DatasetFiles, dimensions: int) -> tuple[Any, Any, float]:
    import kuzu

    db = kuzu.Database(str(path))
    conn = kuzu.Connection(db)
    conn.execute(
        "CREATE NODE TABLE Person(id INT64, firstName STRING, lastName STRING, age INT64, "
        f"cityId INT64, embedding FLOAT[{dimensions}], PRIMARY KEY(id))"
    )
    conn.execute(f"COPY Person FROM '{files.kuzu_persons}' (header=true, parallel=false)")
    started = time.perf_counter()
    conn.execute(
        f"CALL CREATE_VECTOR_INDEX('Person', '{VECTOR_INDEX}', 'embedding', metric := 'cosine')"
    )
    conn.execute("CHECKPOINT")
    built = time.perf_counter() - started
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        statement = conn.prepare(KUZU_TOP)
    return (db, conn), statement, built


def _interleaved(
    runners: dict[str, Callable[[np.ndarray], list[int]]], queries: np.ndarray
) -> tuple[dict[str, list[float]], dict[str, list[list[int]]]]:
    """Each query through every runner, in a shuffled order; seconds and answers.

    The order is drawn afresh for each query (seeded): a runner that follows another on
    the same query finds the index's path for it in the CPU caches, and a fixed rotation
    would always give the same runner that head start (bare hnswlib always ran right
    after engram's search of the same query, engram right after Kùzu's).
    """
    names = list(runners)
    for query in queries[:_WARMUP]:
        for name in names:
            runners[name](query)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    answers: dict[str, list[list[int]]] = {name: [] for name in names}
    shuffler = np.random.default_rng(_ORDER_SEED)
    for query in queries:
        for name in shuffler.permutation(names).tolist():
            started = time.perf_counter()
            found = runners[name](query)
            seconds[name].append(time.perf_counter() - started)
            answers[name].append(found)
    return seconds, answers


def _stats(samples: list[float], answers: list[list[int]], truth: np.ndarray) -> dict[str, Any]:
    return {
        "median_ms": _median_ms(samples),
        "p99_ms": float(np.percentile(samples, 99)) * 1e3,
        "recall_at_10": _recall(answers, truth),
        "always_10": all(len(found) == 10 for found in answers),
    }


def _recall(answers: list[list[int]], truth: np.ndarray) -> float:
    hits = sum(
        len(set(found) & set(row.tolist())) for found, row in zip(answers, truth, strict=True)
    )
    return hits / truth.size


def _exact_ids(
    unit: np.ndarray, ids: np.ndarray, rows: np.ndarray, queries: np.ndarray
) -> np.ndarray:
    return ids[rows][_exact(unit[rows], queries)]


def _filtered_runs(
    db: Any, unit: np.ndarray, ids: np.ndarray, queries: np.ndarray, label: str
) -> dict[str, Any]:
    buckets = np.arange(len(ids)) % 100
    keep = {"10%": buckets < 10, "1%": buckets == 7}
    out = {}
    for name, (where, _) in FILTERS.items():
        text = filtered(where)

        def run(query: np.ndarray, text: str = text) -> list[int]:
            return [row[0] for row in db.execute(text, {"vector": query.tolist()}).rows()]

        seconds, answers = _interleaved({"engram": run}, queries)
        truth = _exact_ids(unit, ids, np.flatnonzero(keep[name]), queries)
        plan = str(db.explain(text))
        out[f"{name} ({label})"] = {
            "median_ms": _median_ms(seconds["engram"]),
            "recall_at_10": _recall(answers["engram"], truth),
            "always_10": all(len(found) == 10 for found in answers["engram"]),
            "strategy": plan.split("strategy=")[1].split(",")[0] if "strategy=" in plan else "",
        }
    return out


def run_vector(options: VectorOptions) -> int:
    """Measure, print the tables, write JSON under benchmarks/results/; 1 if a target fails."""
    files = ensure_dataset(GraphSpec(persons=options.persons, seed=options.seed), options.data_root)
    graph = load_graph(files)
    embedding, ids = graph.embedding, graph.person_ids
    unit = embedding / np.linalg.norm(embedding, axis=1, keepdims=True)
    queries = _queries(embedding, options.queries + _WARMUP, options.seed)
    workdir = Path(tempfile.mkdtemp(prefix="engram-vector-", dir=options.workdir))
    try:
        result = _measure(options, files, embedding, ids, unit, queries, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_ROOT / f"vector-{stamp}-persons-{options.persons}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    failed = print_report(result)
    print(f"results: {path}")
    return 1 if failed else 0


def _measure(
    options: VectorOptions,
    files: DatasetFiles,
    embedding: np.ndarray,
    ids: np.ndarray,
    unit: np.ndarray,
    queries: np.ndarray,
    workdir: Path,
) -> dict[str, Any]:
    db, load_seconds, build_seconds = _load_engram(workdir / "engram", embedding, ids)
    hnsw = _engram_hnsw(db)
    runners: dict[str, Callable[[np.ndarray], list[int]]] = {
        "engram": lambda q: [row[0] for row in db.execute(TOP, {"vector": q.tolist()}).rows()],
        "hnswlib": lambda q: ids[hnsw.knn_query(q, k=10, num_threads=1)[0][0]].tolist(),
    }
    breakdown, view = _breakdown(db)
    runners.update(breakdown)
    measured = queries[_WARMUP:]
    # Kùzu is not in the process yet: its worker threads stay busy after its queries
    # and would slow whatever runs next (every runner here tripled beside it)
    seconds, answers = _interleaved(runners, measured)
    view.close()
    truth = _exact_ids(unit, ids, np.arange(len(ids)), measured)
    top10 = {name: _stats(samples, answers[name], truth) for name, samples in seconds.items()}
    kuzu_build, beside_kuzu = None, None
    if options.kuzu:
        (kuzu_db, conn), statement, kuzu_build = _load_kuzu(
            workdir / "kuzu", files, embedding.shape[1]
        )
        pair = {
            "engram": runners["engram"],
            "kuzu": lambda q: [
                row[0] for row in conn.execute(statement, {"vector": q.tolist()}).get_all()
            ],
        }
        pair_seconds, pair_answers = _interleaved(pair, measured)
        conn.close()
        kuzu_db.close()
        top10["kuzu"] = _stats(pair_seconds["kuzu"], pair_answers["kuzu"], truth)
        beside_kuzu = _stats(pair_seconds["engram"], pair_answers["engram"], truth)
    filtered_runs = _filtered_runs(db, unit, ids, measured, "predicate")
    db.execute("CREATE INDEX person_bucket FOR (p:Person) ON (p.bucket)")
    filtered_runs.update(_filtered_runs(db, unit, ids, measured, "index seek"))
    checks = visibility_checks(db, ids, np.random.default_rng(options.seed))
    plan = str(db.explain(TOP))
    db.close()
    crashes = crash_rounds(
        workdir / "engram", options.crash_rounds, embedding.shape[1], options.seed
    )
    return {
        "persons": options.persons,
        "dimensions": int(embedding.shape[1]),
        "queries": options.queries,
        "seed": options.seed,
        "engram_load_seconds": load_seconds,
        "engram_index_seconds": build_seconds,
        "kuzu_index_seconds": kuzu_build,
        "ef_search": int(hnsw.ef),
        "top10": top10,
        "engram_beside_kuzu": beside_kuzu,
        "filtered": filtered_runs,
        "visibility": checks,
        "crash": crashes,
        "plan": plan,
        "machine": machine_info(),
        "versions": _versions(),
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("engram", "hnswlib", "kuzu", "numpy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "missing"
    return found
