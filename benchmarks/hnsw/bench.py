"""hnswlib on the benchmark's embeddings: build time, recall@10 and latency per ef_search.

This is the baseline engram's vector index (a wrapper over hnswlib) must approach: the
same library with nothing around it. Recall is measured against exact cosine search
over all vectors (numpy), whose latency is reported too.
"""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import hnswlib
import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import ensure_dataset, load_graph
from benchmarks.runner.orchestrate import RESULTS_ROOT, machine_info

__all__ = ["run_hnsw"]

EF_SEARCH: Final = (10, 20, 40, 80, 160, 320)
M: Final = 16
EF_CONSTRUCTION: Final = 200
K: Final = 10
_LATENCY_SAMPLE: Final = 200


def _queries(vectors: NDArray[np.float32], count: int, seed: int) -> NDArray[np.float32]:
    """Data vectors moved a little and renormalised (as the workload's Q8 does)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 1_000]))
    picked = vectors[rng.integers(0, len(vectors), count)].astype(np.float64)
    picked += rng.normal(0.0, 0.3 / np.sqrt(vectors.shape[1]), picked.shape)
    picked /= np.linalg.norm(picked, axis=1, keepdims=True)
    return picked.astype(np.float32)


def _exact(unit: NDArray[np.float32], queries: NDArray[np.float32]) -> NDArray[np.int64]:
    """Exact top-K rows by cosine, in blocks to bound memory."""
    result = np.empty((len(queries), K), dtype=np.int64)
    for start in range(0, len(queries), 256):
        scores = queries[start : start + 256] @ unit.T
        top = np.argpartition(-scores, K, axis=1)[:, :K]
        order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
        result[start : start + 256] = np.take_along_axis(top, order, axis=1)
    return result


def _recall(found: NDArray[np.int64], exact: NDArray[np.int64]) -> float:
    hits = sum(len(set(row) & set(truth)) for row, truth in zip(found, exact, strict=True))
    return hits / exact.size


def _single_latency(search: Any, queries: NDArray[np.float32]) -> float:
    """Median seconds of one query at a time."""
    latencies = []
    for query in queries[:_LATENCY_SAMPLE]:
        started = time.perf_counter()
        search(query)
        latencies.append(time.perf_counter() - started)
    return statistics.median(latencies)


def run_hnsw(persons: int, seed: int, query_count: int, data_root: Path) -> int:
    """Measure, print a table and write JSON under benchmarks/results/."""
    files = ensure_dataset(GraphSpec(persons=persons, seed=seed), data_root)
    vectors = load_graph(files).embedding
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = _queries(vectors, query_count, seed)
    exact = _exact(unit, queries)
    exact_latency = _single_latency(lambda q: _exact(unit, q[None, :]), queries)
    index = hnswlib.Index(space="cosine", dim=vectors.shape[1])
    index.init_index(
        max_elements=len(vectors), ef_construction=EF_CONSTRUCTION, M=M, random_seed=seed
    )
    started = time.perf_counter()
    index.add_items(vectors, np.arange(len(vectors)))
    build_seconds = time.perf_counter() - started
    rows = []
    for ef in EF_SEARCH:
        index.set_ef(ef)
        labels, _ = index.knn_query(queries, k=K, num_threads=1)
        latency = _single_latency(lambda q: index.knn_query(q, k=K, num_threads=1), queries)
        batch_started = time.perf_counter()
        index.knn_query(queries, k=K)
        batch_seconds = time.perf_counter() - batch_started
        rows.append(
            {
                "ef_search": ef,
                "recall_at_10": _recall(labels.astype(np.int64), exact),
                "median_ms": latency * 1e3,
                "qps_single": 1.0 / latency,
                "qps_batch": len(queries) / batch_seconds,
            }
        )
    result = {
        "persons": persons,
        "seed": seed,
        "queries": query_count,
        "m": M,
        "ef_construction": EF_CONSTRUCTION,
        "build_seconds": build_seconds,
        "exact_median_ms": exact_latency * 1e3,
        "hnswlib": getattr(hnswlib, "__version__", "unknown"),
        "numpy": np.__version__,
        "machine": machine_info(),
        "by_ef": rows,
    }
    _print(result)
    RESULTS_ROOT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_ROOT / f"hnsw-{stamp}-persons-{persons}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(f"results: {path}")
    return 0


def _print(result: dict[str, Any]) -> None:
    table = Table(
        title=(
            f"hnswlib, {result['persons']:,} vectors of 64 dims, M={result['m']}, "
            f"ef_construction={result['ef_construction']}: build {result['build_seconds']:.1f} s; "
            f"exact numpy search {result['exact_median_ms']:.2f} ms per query"
        ),
        title_justify="left",
    )
    for header in (
        "ef_search",
        "recall@10",
        "median ms (1 query)",
        "QPS (1 thread)",
        "QPS (batch)",
    ):
        table.add_column(header, justify="right")
    for row in result["by_ef"]:
        table.add_row(
            str(row["ef_search"]),
            f"{row['recall_at_10']:.4f}",
            f"{row['median_ms']:.3f}",
            f"{row['qps_single']:,.0f}",
            f"{row['qps_batch']:,.0f}",
        )
    Console().print(table)
