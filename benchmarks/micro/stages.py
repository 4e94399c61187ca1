"""Parse time of the workload's engram queries, once `engram.parser.parse` exists.

A plan cache pays parsing and planning once per query text; this shows what it saves.
Later stages (bind, plan, optimize) join as their entry points appear.
"""

from __future__ import annotations

import importlib
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.queries.workload import QUERIES, WRITE

__all__ = ["run_micro"]


def _stage(module: str, name: str) -> Callable[..., Any] | None:
    try:
        found = getattr(importlib.import_module(module), name, None)
    except ImportError:
        return None
    return found if callable(found) else None


def run_micro(repeat: int) -> int:
    """Print the median parse time of every workload query (or why it cannot run)."""
    parse = _stage("engram.parser", "parse")
    if parse is None:
        print("micro: skipped, engram.parser.parse does not exist yet")
        return 0
    for query in (*QUERIES, WRITE):
        latencies = []
        for _ in range(repeat):
            started = time.perf_counter()
            parse(query.engram)
            latencies.append(time.perf_counter() - started)
        print(f"{query.name} parse: median {statistics.median(latencies) * 1e6:,.0f} µs")
    return 0
