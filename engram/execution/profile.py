"""PROFILE counters and the plan lines EXPLAIN and PROFILE render from physical plans.

The profiler wraps each operator's batch generator and measures, around every pull,
rows produced, storage reads and time; the work of inputs is subtracted so each line
shows what the operator itself did.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from engram.execution.physical import Batch, PhysicalOp
from engram.planner.explain import PlanLine, describe
from engram.planner.operators import LogicalOp, Start

__all__ = ["OperatorProfile", "Profiler", "plan_lines"]


@dataclass
class OperatorProfile:
    """Inclusive counters of one operator (its inputs' work included)."""

    rows: int = 0
    reads: int = 0
    seconds: float = 0.0


@dataclass
class Profiler:
    """Counts per physical operator, by identity."""

    read_counter: Any
    stats: dict[int, OperatorProfile] = field(default_factory=dict)

    def wrap(self, op: object, batches: Iterator[Batch]) -> Iterator[Batch]:
        """Count what passes through `batches`."""
        entry = self.stats.setdefault(id(op), OperatorProfile())
        counter = self.read_counter
        while True:
            started, reads = time.perf_counter(), counter.reads
            try:
                batch = next(batches)
            except StopIteration:
                entry.seconds += time.perf_counter() - started
                entry.reads += counter.reads - reads
                return
            entry.seconds += time.perf_counter() - started
            entry.reads += counter.reads - reads
            entry.rows += len(batch)
            yield batch

    def charge(self, op: PhysicalOp, rows: int, reads: int, seconds: float) -> None:
        """Count work `op` did outside `wrap`; its inputs' counts are added (inclusive)."""
        below = [self.stats.get(id(child), OperatorProfile()) for child in op.children]
        entry = self.stats.setdefault(id(op), OperatorProfile())
        entry.rows += rows
        entry.reads += reads + sum(b.reads for b in below)
        entry.seconds += seconds + sum(b.seconds for b in below)


def plan_lines(
    root: PhysicalOp, estimates: dict[int, float] | None, profiler: Profiler | None
) -> list[PlanLine]:
    """One line per operator, depth first, nested plans indented under their operator."""
    lines: list[PlanLine] = []
    _visit(root, 0, estimates or {}, profiler, lines)
    return lines


def _described(logical: LogicalOp) -> tuple[str, str]:
    name, params = describe(logical)
    return name, ", ".join(f"{key}={value}" if key else value for key, value in params.items())


def _visit(
    op: PhysicalOp,
    depth: int,
    estimates: dict[int, float],
    profiler: Profiler | None,
    lines: list[PlanLine],
) -> None:
    if isinstance(op.logical, Start) and not op.logical.arguments:
        return  # the one empty row every top-level plan starts from says nothing
    name, details = _described(op.logical)
    rows = reads = None
    time_ms = None
    if profiler is not None:
        own = profiler.stats.get(id(op), OperatorProfile())
        inputs = [profiler.stats.get(id(child), OperatorProfile()) for child in op.children]
        rows = own.rows
        reads = max(0, own.reads - sum(i.reads for i in inputs))
        time_ms = max(0.0, own.seconds - sum(i.seconds for i in inputs)) * 1000
    lines.append(
        PlanLine(
            depth=depth,
            operator=name,
            details=details,
            estimated_rows=estimates.get(id(op.logical)),
            rows=rows,
            reads=reads,
            time_ms=time_ms,
        )
    )
    for logical in op.fused:  # run inside `op`: its rows, no time or reads of its own
        depth += 1
        name, details = _described(logical)
        lines.append(
            PlanLine(
                depth=depth,
                operator=name,
                details=details,
                estimated_rows=estimates.get(id(logical)),
                rows=rows,
                reads=None if reads is None else 0,
                time_ms=None if time_ms is None else 0.0,
            )
        )
    for nested in op.nested:
        _visit(nested, depth + 2, estimates, profiler, lines)
    for child in op.children:
        _visit(child, depth + 1, estimates, profiler, lines)
