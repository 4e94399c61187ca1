"""Timing one query on one engine: pick the best form, warm up, measure, keep the answers.

Every form of the query runs on the warm-up parameter sets; the form with the lowest
median is then measured on the measured sets, one call per set, timed with
`perf_counter` around execution plus fetching every row. A query stops early when its
time budget is spent or a call times out (pure-Python calls are interrupted by an alarm;
Kùzu and engram enforce their own timeouts), and says so.
"""

from __future__ import annotations

import gc
import math
import os
import signal
import statistics
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from benchmarks.engines.base import Engine, Params, QueryForm, QueryUnsupported, Rows
from benchmarks.queries.answers import canonical
from benchmarks.queries.workload import QuerySpec

__all__ = ["Budget", "CallTimeout", "measure_query", "summarize"]


@dataclass(frozen=True, slots=True)
class Budget:
    """Limits for one query on one engine."""

    seconds: float
    call_timeout: float


class CallTimeout(Exception):
    """A single call ran past the call timeout."""


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise `CallTimeout` in this (main) thread after `seconds` of wall time."""

    def expire(signum: int, frame: FrameType | None) -> None:
        raise CallTimeout(f"call exceeded {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    # a little later than the engines' own timeouts, which end more cleanly
    signal.setitimer(signal.ITIMER_REAL, seconds * 1.1 + 1.0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _is_timeout(error: BaseException) -> bool:
    if isinstance(error, CallTimeout | TimeoutError):
        return True
    text = f"{type(error).__name__} {error}".lower()
    return "timeout" in text or "interrupted" in text


def _timed(form: QueryForm, params: Params, budget: Budget) -> tuple[float, float, Rows]:
    """Wall-clock and process CPU seconds (all threads) of one call, and its rows."""
    with _alarm(budget.call_timeout):
        cpu = time.process_time()
        started = time.perf_counter()
        rows = form.run(params)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
    return elapsed, cpu, rows


def summarize(latencies: Sequence[float]) -> dict[str, float] | None:
    """Median, p99 (nearest rank), mean, min and max of latencies in seconds."""
    if not latencies:
        return None
    ordered = sorted(latencies)
    rank = max(0, math.ceil(0.99 * len(ordered)) - 1)  # nearest-rank percentile
    return {
        "median": statistics.median(ordered),
        "p99": ordered[rank],
        "mean": statistics.fmean(ordered),
        "min": ordered[0],
        "max": ordered[-1],
    }


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}".strip()[:500]


def _calibrate(
    forms: Sequence[QueryForm], warmup: Sequence[Params], budget: Budget, *, disjoint: bool
) -> tuple[dict[str, float | str | None], int]:
    """Warm every form up: each form's median or failure, and the calls that succeeded.

    Forms take turns on each parameter set, so none profits from caches another warmed;
    with `disjoint` (writes) each form gets its own share of the sets instead. Warming
    stops after a quarter of the budget.
    """
    count = len(forms)
    plans = {
        form.name: list(warmup[index::count]) if disjoint else list(warmup)
        for index, form in enumerate(forms)
    }
    latencies: dict[str, list[float]] = {form.name: [] for form in forms}
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for round_index in range(max((len(plan) for plan in plans.values()), default=0)):
        for form in forms:
            plan = plans[form.name]
            if form.name in failures or round_index >= len(plan):
                continue
            try:
                elapsed, _, _ = _timed(form, plan[round_index], budget)
            except Exception as error:
                kind = "timeout" if _is_timeout(error) else "error"
                failures[form.name] = f"{kind}: {_describe(error)}"
                continue
            latencies[form.name].append(elapsed)
        if time.perf_counter() - started > budget.seconds / 4:
            break
    calibration: dict[str, float | str | None] = {}
    for form in forms:
        timed = latencies[form.name]
        calibration[form.name] = failures.get(form.name) or (
            statistics.median(timed) if timed else None
        )
    return calibration, sum(len(timed) for timed in latencies.values())


def _best(
    forms: Sequence[QueryForm], calibration: dict[str, float | str | None]
) -> QueryForm | None:
    """The fastest warmed-up form; the first form when there was no warm-up."""
    timed = [form for form in forms if isinstance(calibration[form.name], float)]
    if timed:
        return min(timed, key=lambda form: float(calibration[form.name] or 0.0))
    return next((form for form in forms if calibration[form.name] is None), None)


def measure_query(
    engine: Engine,
    query: QuerySpec,
    warmup: Sequence[Params],
    measured: Sequence[Params],
    budget: Budget,
) -> dict[str, Any]:
    """Measure `query` on `engine`; a JSON-ready dict with latencies and answers.

    `calls` counts every call that succeeded, warm-up included (W1 checks it against
    the nodes that exist afterwards).
    """
    try:
        forms = engine.forms(query)
    except QueryUnsupported as reason:
        return {"status": "n/a", "reason": str(reason)}
    except Exception as error:
        return {"status": "error", "error": _describe(error)}
    gc.collect()
    calibration, calls = _calibrate(forms, warmup, budget, disjoint=query.is_write)
    form = _best(forms, calibration)
    if form is None:
        failures = [str(outcome) for outcome in calibration.values()]
        status = "timeout" if any(f.startswith("timeout") for f in failures) else "error"
        return {"status": status, "calibration": calibration, "error": "; ".join(failures)}
    load = os.getloadavg()[0]
    series = _measure(query, form, measured, budget)
    stopped = series.stopped
    failed = stopped is not None and not series.latencies and stopped != "budget"
    return {
        "status": stopped.split(":")[0] if failed and stopped else "ok",
        "form": form.name,
        "calibration": calibration,
        "runs": len(series.latencies),
        "planned": len(measured),
        "stopped": stopped,
        "summary": summarize(series.latencies),
        "cpu_summary": summarize(series.cpu),
        "latencies": series.latencies,
        "cpu_latencies": series.cpu,
        "answers": series.answers,
        "calls": calls + len(series.latencies),
        "load_average": [load, os.getloadavg()[0]],
    }


@dataclass
class _Series:
    """What the measured calls of one query collect."""

    size: int
    latencies: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    answers: list[dict[str, Any] | None] = field(default_factory=list)
    stopped: str | None = None

    def __post_init__(self) -> None:
        self.answers = [None] * self.size


def _measure(
    query: QuerySpec, form: QueryForm, measured: Sequence[Params], budget: Budget
) -> _Series:
    series = _Series(len(measured))
    started = time.perf_counter()
    for index, params in enumerate(measured):
        if time.perf_counter() - started > budget.seconds:
            series.stopped = "budget"
            break
        try:
            elapsed, cpu, rows = _timed(form, params, budget)
        except Exception as error:
            kind = "timeout" if _is_timeout(error) else "error"
            series.stopped = f"{kind}: {_describe(error)}"
            break
        series.latencies.append(elapsed)
        series.cpu.append(cpu)
        series.answers[index] = {"value": canonical(query.name, rows)}
    return series
