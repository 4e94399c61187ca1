"""ColumnarAggregateExec: an aggregation and its input chain run over numpy columns.

The chain (scan, expansions, filters) narrows a `Frame`; rows are grouped first by the
ids of the nodes the grouping keys read (a sort of integers), the keys are evaluated once
per id group by the row engine's own compiled expressions, groups with equal key values
merge, and each aggregate folds with `bincount` and friends. Whatever the columns cannot
answer exactly raises `Unvectorizable` before any output, and the row plan (`fallback`,
the same operators the logical plan shows) answers instead.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engram.binder.bound import BAggregate, BExpr, BProperty, BVariable, Symbol
from engram.execution.columnar.frame import Columns, Frame, Unvectorizable
from engram.execution.columnar.predicates import known_labels, truth
from engram.execution.columnar.support import Chain
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef
from engram.execution.expressions import CompiledExpr
from engram.execution.ordering import group_key
from engram.execution.physical import Batch, PhysicalOp, Row, batched
from engram.planner import operators as lp
from engram.storage.reads import joined_ids

__all__ = ["ColumnarAggregateExec"]

_EXACT = 2**53


@dataclass(frozen=True, slots=True)
class _Groups:
    """Row -> group index, the number of groups and each group's key values."""

    of_row: np.ndarray
    count: int
    keys: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True, kw_only=True)
class ColumnarAggregateExec(PhysicalOp):
    """The aggregation of `fallback` computed on columns when the data allows."""

    fallback: PhysicalOp
    chain: Chain
    fields: tuple[Symbol, ...]
    keys: tuple[BExpr, ...]
    key_exprs: tuple[CompiledExpr, ...]
    aggregates: tuple[BAggregate, ...]
    #: the physical operator of each chain part in the row plan, for PROFILE
    parts: dict[int, PhysicalOp] = field(compare=False)
    #: symbols some filter, key or aggregate reads (other relationship columns are skipped)
    needed: frozenset[Symbol] = frozenset()

    @property
    def children(self) -> tuple[PhysicalOp, ...]:
        """The row plan's input: EXPLAIN and PROFILE show the chain as written."""
        return self.fallback.children

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        """The aggregated rows, from columns or (when the data asks for it) from rows."""
        try:
            rows = self._run(ctx, arg)
        except Unvectorizable:
            yield from self.fallback.execute(ctx, arg)
            return
        yield from batched(iter(rows))

    def _run(self, ctx: ExecContext, arg: Row) -> list[Row]:
        columns = Columns(ctx)
        held = ctx.memory.holding("Aggregate (columns)")
        try:
            frame = self._leaf(ctx, arg)
            for stage in self.chain.stages:
                ctx.check()
                held.resize(frame.nbytes)
                started, reads = time.perf_counter(), ctx.graph.reads
                frame = self._stage(stage, frame, columns, ctx)
                self._profile(ctx, stage, frame.size, started, reads)
            held.resize(frame.nbytes)
            return self._fold(frame, columns, ctx)
        finally:
            held.close()

    def _leaf(self, ctx: ExecContext, arg: Row) -> Frame:
        leaf = self.chain.leaf
        started, reads = time.perf_counter(), ctx.graph.reads
        if isinstance(leaf, lp.LabelScan) and isinstance(leaf.child, lp.Start):
            frame = Frame.of_nodes(leaf.symbol, ctx.graph.label_members(leaf.label), leaf.label)
        elif isinstance(leaf, lp.AllNodesScan) and isinstance(leaf.child, lp.Start):
            frame = Frame.of_nodes(leaf.symbol, joined_ids(ctx.graph.all_node_ids()), None)
        else:
            return Frame.of_rows(leaf.fields, self.parts[id(leaf)].run(ctx, arg))
        self._profile(ctx, leaf, frame.size, started, reads)
        return frame

    def _stage(
        self,
        stage: lp.Expand | lp.VarExpand | lp.Filter,
        frame: Frame,
        columns: Columns,
        ctx: ExecContext,
    ) -> Frame:
        if isinstance(stage, lp.VarExpand):
            return frame.reach(ctx, stage)
        if isinstance(stage, lp.Expand):
            return frame.expand(
                ctx,
                stage.source,
                stage.rel,
                stage.target,
                stage.direction,
                stage.types,
                stage.into,
                keep_rel=stage.rel in self.needed,
            )
        for predicate in stage.predicates:
            passed, _ = truth(predicate, frame, columns, ctx)
            frame = frame.take(passed)
            for symbol, labels in known_labels(predicate).items():
                frame.labels[symbol] = frame.labels.get(symbol, frozenset()) | labels
        return frame

    def _profile(
        self, ctx: ExecContext, op: lp.LogicalOp, rows: int, started: float, reads: int
    ) -> None:
        """Charge a chain part's rows, reads and time (inclusive, as the profiler counts)."""
        profiler, physical = ctx.profiler, self.parts.get(id(op))
        if profiler is not None and physical is not None:
            seconds = time.perf_counter() - started
            profiler.charge(physical, rows, ctx.graph.reads - reads, seconds)

    # -- aggregation -------------------------------------------------------------------

    def _fold(self, frame: Frame, columns: Columns, ctx: ExecContext) -> list[Row]:
        groups = self._groups(frame, columns, ctx)
        results = [_fold_one(call, frame, columns, groups) for call in self.aggregates]
        if not results:
            return list(groups.keys)
        return [
            (*key, *values)
            for key, values in zip(groups.keys, zip(*results, strict=True), strict=True)
        ]

    def _groups(self, frame: Frame, columns: Columns, ctx: ExecContext) -> _Groups:
        if not self.keys:
            return _Groups(np.zeros(frame.size, dtype=np.int64), 1, [()])
        if frame.size == 0:
            return _Groups(np.zeros(0, dtype=np.int64), 0, [])
        coded = _coded_groups(self.keys, frame, columns)
        if coded is not None:
            return coded
        symbols = list(dict.fromkeys(_key_symbol(key) for key in self.keys))
        if len(symbols) == 1:
            first, inverse = _id_groups(frame.nodes[symbols[0]])
        else:
            stacked = np.stack([frame.nodes[s] for s in symbols], axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
        merged: dict[tuple[Any, ...], int] = {}
        keys: list[tuple[Any, ...]] = []
        target = np.empty(first.shape[0], dtype=np.int64)
        picked = frame.take(first)
        per_key = [self._key_values(i, picked, columns, ctx) for i in range(len(self.keys))]
        for group, values in enumerate(zip(*per_key, strict=True)):
            identity = tuple(group_key(value) for value in values)
            index = merged.setdefault(identity, len(merged))
            if index == len(keys):
                keys.append(values)
            target[group] = index
        return _Groups(target[inverse.reshape(-1)], len(keys), keys)

    def _key_values(self, i: int, frame: Frame, columns: Columns, ctx: ExecContext) -> list[Any]:
        """Key `i` for every row of `frame` (one row per group)."""
        key = self.keys[i]
        if isinstance(key, BProperty) and isinstance(key.subject, BVariable):
            try:
                values, present, _ = frame.property(columns, key.subject.symbol, key.key)
            except Unvectorizable:
                pass
            else:
                return [
                    v if p else None for v, p in zip(values.tolist(), present.tolist(), strict=True)
                ]
        expr = self.key_exprs[i]
        return [expr(frame.row(row, self.fields), ctx) for row in range(frame.size)]


#: per key: row -> a non-negative code (0 = null), and a decoder of codes to key values
_Coded = tuple[np.ndarray, Callable[[np.ndarray], list[Any]]]


def _coded_groups(keys: tuple[BExpr, ...], frame: Frame, columns: Columns) -> _Groups | None:
    """Groups straight from per-row key codes, when every key has an exact integer code.

    Nodes code by id, string properties by their dictionary code, integer and boolean
    properties by value; equal codes are equal keys under openCypher equivalence. None
    when a key is a float or mixed-type property (grouping by node first handles those).
    """
    coded: list[_Coded] = []
    for key in keys:
        found = _key_codes(key, frame, columns)
        if found is None:
            return None
        coded.append(found)
    parts = [codes for codes, _ in coded]
    if len(parts) == 1:
        first, inverse = _id_groups(parts[0] - 1)
    else:
        spans = [int(part.max()) + 1 for part in parts]
        if float(np.prod(np.array(spans, dtype=np.float64))) < 2**62:
            combined = np.zeros(frame.size, dtype=np.int64)
            for part, span in zip(parts, spans, strict=True):
                combined = combined * span + part
            first, inverse = _id_groups(combined - 1)
        else:
            stacked = np.stack(parts, axis=1)
            _, first, inverse = np.unique(stacked, axis=0, return_index=True, return_inverse=True)
            inverse = inverse.reshape(-1)
    decoded = [decode(codes[first]) for codes, decode in coded]
    return _Groups(inverse, int(first.shape[0]), list(zip(*decoded, strict=True)))


def _key_codes(key: BExpr, frame: Frame, columns: Columns) -> _Coded | None:
    if isinstance(key, BVariable):
        ids = frame.nodes[key.symbol]
        return ids + 1, _nodes_of
    assert isinstance(key, BProperty)
    assert isinstance(key.subject, BVariable)
    ids = frame.nodes[key.subject.symbol]
    column = frame.column(columns, key.subject.symbol, key.key)
    if column.kind == "str" and column.categories is not None:
        codes, present = column.lookup_codes(ids)
        categories = column.categories
        return np.where(present & (ids >= 0), codes + 1, 0), functools.partial(
            _strings_of, categories
        )
    if column.kind in ("int", "bool"):
        values, present = column.lookup(ids)
        present = present & (ids >= 0)
        numbers = values.astype(np.int64)
        low = int(numbers[present].min()) if bool(present.any()) else 0
        if bool(present.any()) and int(numbers[present].max()) - low >= 2**61:
            return None
        kind = bool if column.kind == "bool" else int
        return np.where(present, numbers - low + 1, 0), functools.partial(_numbers_of, low, kind)
    return None


def _nodes_of(codes: np.ndarray) -> list[Any]:
    return [NodeRef(code - 1) if code else None for code in codes.tolist()]


def _strings_of(categories: np.ndarray, codes: np.ndarray) -> list[Any]:
    return [categories[code - 1] if code else None for code in codes.tolist()]


def _numbers_of(low: int, kind: type, codes: np.ndarray) -> list[Any]:
    return [kind(code - 1 + low) if code else None for code in codes.tolist()]


def _id_groups(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a row of each distinct id, each row's group): by a dense table when ids allow."""
    shifted = ids + 1  # null (-1) becomes 0
    top = int(shifted.max())
    if int(shifted.min()) < 0 or top >= 4 * shifted.shape[0] + 65536:
        _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1)
    seen = np.zeros(top + 1, dtype=bool)
    seen[shifted] = True
    rank = np.cumsum(seen) - 1
    row_of = np.empty(top + 1, dtype=np.int64)
    row_of[shifted] = np.arange(shifted.shape[0], dtype=np.int64)  # any row will do
    return row_of[np.flatnonzero(seen)], rank[shifted]


def _key_symbol(expr: BExpr) -> Symbol:
    if isinstance(expr, BVariable):
        return expr.symbol
    assert isinstance(expr, BProperty)
    assert isinstance(expr.subject, BVariable)
    return expr.subject.symbol


def _fold_one(call: BAggregate, frame: Frame, columns: Columns, groups: _Groups) -> list[Any]:
    """One aggregate's value per group."""
    size = groups.count
    if call.star:
        return _listed(np.bincount(groups.of_row, minlength=size))
    (arg,) = call.args
    name = call.spec.name
    if isinstance(arg, BVariable):
        ids = frame.nodes[arg.symbol]
        keep = ids >= 0
        if call.distinct:
            return _distinct_counts(groups.of_row[keep], ids[keep], size)
        return _listed(np.bincount(groups.of_row[keep], minlength=size))
    symbol = _key_symbol(arg)
    assert isinstance(arg, BProperty)
    values, present, kind = frame.property(columns, symbol, arg.key)
    of_row, values = groups.of_row[present], values[present]
    if name == "count":
        if not call.distinct:
            return _listed(np.bincount(of_row, minlength=size))
        return _distinct_counts(of_row, _codes(values, kind), size)
    if kind not in ("int", "float") and values.shape[0]:
        raise Unvectorizable(f"{name}() over {kind} values: the row engine reports it")
    counts = np.bincount(of_row, minlength=size)
    if name in ("min", "max"):
        return _extremes(name, of_row, values, kind, counts)
    totals = _sums(of_row, values, kind, size)
    if name == "sum":
        # integer totals stay below 2**53 (`_sums` checks), far inside 64 bits
        return [t if c else 0 for t, c in zip(totals, counts.tolist(), strict=True)]
    return [t / c if c else None for t, c in zip(totals, counts.tolist(), strict=True)]


def _listed(array: np.ndarray) -> list[Any]:
    result: list[Any] = array.tolist()
    return result


def _codes(values: np.ndarray, kind: str) -> np.ndarray:
    """Integers equal exactly where the values are equal (as DISTINCT compares them)."""
    if kind in ("int", "bool"):
        return values.astype(np.int64)
    if kind == "str":
        _, inverse = np.unique(values, return_inverse=True)
        return inverse.reshape(-1).astype(np.int64)
    raise Unvectorizable(f"DISTINCT over {kind} values")


def _distinct_counts(of_row: np.ndarray, codes: np.ndarray, size: int) -> list[int]:
    if codes.shape[0] == 0:
        return [0] * size
    low, span = int(codes.min()), int(codes.max()) - int(codes.min()) + 1
    if size == 1:
        if span <= 8 * codes.shape[0] + 65536:
            seen = np.zeros(span, dtype=bool)
            seen[codes - low] = True
            return [int(np.count_nonzero(seen))]
        ordered = np.sort(codes)
        return [1 + int(np.count_nonzero(ordered[1:] != ordered[:-1]))]
    if span * size < 2**62:
        combined = np.unique(of_row * span + (codes - low))
        return _listed(np.bincount(combined // span, minlength=size))
    pairs = np.unique(np.stack([of_row, codes], axis=1), axis=0)
    return _listed(np.bincount(pairs[:, 0], minlength=size))


def _sums(of_row: np.ndarray, values: np.ndarray, kind: str, size: int) -> list[Any]:
    if kind == "float":
        return _listed(np.bincount(of_row, weights=values, minlength=size))
    if values.shape[0] and float(np.abs(values.astype(np.float64)).max()) * len(values) >= _EXACT:
        raise Unvectorizable("integer sums beyond float precision")
    floats = np.bincount(of_row, weights=values.astype(np.float64), minlength=size)
    return [int(total) for total in floats.tolist()]


def _extremes(
    name: str, of_row: np.ndarray, values: np.ndarray, kind: str, counts: np.ndarray
) -> list[Any]:
    if kind == "float" and bool(np.isnan(values).any()):
        raise Unvectorizable("NaN orders after every number; the row engine compares it")
    size = counts.shape[0]
    if kind == "int":
        best = np.full(size, np.iinfo(np.int64).max if name == "min" else np.iinfo(np.int64).min)
    else:
        best = np.full(size, np.inf if name == "min" else -np.inf)
    (np.minimum if name == "min" else np.maximum).at(best, of_row, values)
    return [v if c else None for v, c in zip(best.tolist(), counts.tolist(), strict=True)]
