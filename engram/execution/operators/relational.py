"""Relational operators: Filter, Project, Select, Unwind, Skip, Limit, Distinct, Eager.

Also Union and ProduceResults; all of them work row by row within each batch.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from engram.errors import ErrorDetail, ErrorKind, Phase, QueryRuntimeError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef
from engram.execution.expressions import CompiledExpr
from engram.execution.memory import POINTER, Holding, batch_size, value_size
from engram.execution.ordering import group_key
from engram.execution.physical import Batch, PhysicalOp, Row, batched
from engram.planner.operators import LogicalOp

__all__ = [
    "ColumnRead",
    "DistinctExec",
    "EagerExec",
    "FilterExec",
    "LimitExec",
    "ProduceResultsExec",
    "ProjectExec",
    "ProjectSelectExec",
    "SelectExec",
    "SkipExec",
    "UnionExec",
    "UnwindExec",
    "column_picker",
    "count_argument",
]

#: a projection output as a read: (slot, None) is the slot's value, (slot, key) the property
#: `key` of the node in the slot
ColumnRead = tuple[int, str | None]

#: rows a Project computes between deadline checks
_CHECK_ROWS = 32
#: lists longer than this are checked against the memory budget before UNWIND walks them
_LARGE_LIST = 4096


def column_picker(slots: tuple[int, ...]) -> Callable[[Batch], Batch]:
    """A function giving each row of a batch cut down to `slots`, in order.

    A batch whose rows are exactly `slots` already (the identity) passes unchanged, as
    does an empty one.
    """
    width = len(slots)
    if width == 1:
        (only,) = slots

        def one(batch: Batch) -> Batch:
            if not batch or (len(batch[0]) == 1 and only == 0):
                return batch
            return [(row[only],) for row in batch]

        return one
    if width == 0:
        return lambda batch: [() for _ in batch]
    getter = operator.itemgetter(*slots)
    identity = slots == tuple(range(width))

    def many(batch: Batch) -> Batch:
        if not batch or (identity and len(batch[0]) == width):
            return batch
        return list(map(getter, batch))

    return many


@dataclass(frozen=True, slots=True, kw_only=True)
class FilterExec(PhysicalOp):
    """Keep rows for which every predicate is TRUE."""

    child: PhysicalOp
    predicates: tuple[CompiledExpr, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        predicates = self.predicates
        if len(predicates) == 1:
            (only,) = predicates
            for batch in self.child.run(ctx, arg):
                kept = [row for row in batch if only(row, ctx) is True]
                if kept:
                    yield kept
            return
        for batch in self.child.run(ctx, arg):
            kept = [row for row in batch if all(p(row, ctx) is True for p in predicates)]
            if kept:
                yield kept


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectExec(PhysicalOp):
    """Rebuild each row: `keep` slots of the input, then the computed `values`."""

    child: PhysicalOp
    keep: tuple[int, ...]
    values: tuple[CompiledExpr, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        keep, values = self.keep, self.values
        for batch in self.child.run(ctx, arg):
            # a value can be costly (a path of many steps is built node by node): check
            # the deadline every few rows, not once per batch, so a timeout stops it
            out: Batch = []
            for first in range(0, len(batch), _CHECK_ROWS):
                ctx.check()
                chunk = batch[first : first + _CHECK_ROWS]
                if len(values) == 1:
                    (value,) = values
                    if keep:
                        out.extend([(*[row[i] for i in keep], value(row, ctx)) for row in chunk])
                    else:
                        out.extend([(value(row, ctx),) for row in chunk])
                    continue
                out.extend(
                    [
                        (*[row[i] for i in keep], *[value(row, ctx) for value in values])
                        for row in chunk
                    ]
                )
            yield out


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectSelectExec(PhysicalOp):
    """A Project whose rows a Select cuts down at once: each output computed in place.

    `outputs` are the selected columns in order (slot reads for kept variables, the
    projection's expressions for computed ones); every computed value is selected, in
    the projection's order, so errors surface as the two operators would raise them.
    """

    child: PhysicalOp
    outputs: tuple[CompiledExpr, ...]
    project: LogicalOp = field(compare=False, repr=False)
    #: the outputs as column reads, when every one is a slot or a variable's property
    reads: tuple[ColumnRead, ...] | None = None

    @property
    def fused(self) -> tuple[LogicalOp, ...]:
        return (self.project,)

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        outputs, reads = self.outputs, self.reads
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for first in range(0, len(batch), _CHECK_ROWS):
                ctx.check()
                chunk = batch[first : first + _CHECK_ROWS]
                if reads is not None:
                    rows = _read_columns(chunk, reads, ctx)
                    if rows is not None:
                        out.extend(rows)
                        continue
                if len(outputs) == 1:
                    (only,) = outputs
                    out.extend([(only(row, ctx),) for row in chunk])
                elif len(outputs) == 2:
                    one, two = outputs
                    out.extend([(one(row, ctx), two(row, ctx)) for row in chunk])
                else:
                    out.extend([tuple([f(row, ctx) for f in outputs]) for row in chunk])
            yield out


def _read_columns(chunk: Batch, reads: tuple[ColumnRead, ...], ctx: ExecContext) -> Batch | None:
    """The rows of a projection made only of column reads, computed column by column.

    A node property is read for the whole chunk at once (`node_property_values`: from
    property columns when they answer). None when a property's subject is not a node in
    every row, or the graph reads row by row; the projection then computes row by row.
    """
    columns = []
    for slot, key in reads:
        values = [row[slot] for row in chunk]
        if key is not None:
            ids = [value.id for value in values if type(value) is NodeRef]
            if len(ids) != len(values):
                return None
            found = ctx.graph.node_property_values(ids, key)
            if found is None:
                return None
            values = found
        columns.append(values)
    return list(zip(*columns, strict=True))


@dataclass(frozen=True, slots=True, kw_only=True)
class SelectExec(PhysicalOp):
    """Keep the listed slots, in order."""

    child: PhysicalOp
    slots: tuple[int, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        pick = column_picker(self.slots)
        for batch in self.child.run(ctx, arg):
            if batch:
                yield pick(batch)


@dataclass(frozen=True, slots=True, kw_only=True)
class UnwindExec(PhysicalOp):
    """One row per list element (null: none; a non-list value: itself)."""

    child: PhysicalOp
    expression: CompiledExpr

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        expression = self.expression

        def rows() -> Iterator[Row]:
            for batch in self.child.run(ctx, arg):
                ctx.check()
                for row in batch:
                    value = expression(row, ctx)
                    if value is None:
                        continue
                    if isinstance(value, list | tuple):
                        if len(value) > _LARGE_LIST:
                            # a large list's rows come out faster than a batch is charged
                            ctx.memory.check(value_size(value), "UNWIND")
                        for item in value:
                            yield (*row, item)
                    else:
                        yield (*row, value)

        yield from batched(rows())


def count_argument(value: Any, origin: Span, clause: str) -> int:
    """Check a SKIP / LIMIT value at runtime (it may come from a parameter)."""
    if type(value) is not int:
        raise QueryRuntimeError(
            f"{clause} needs an INTEGER, got {type(value).__name__.upper()}",
            detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
            kind=ErrorKind.SYNTAX_ERROR,
            phase=Phase.RUNTIME,
            span=origin,
        )
    if value < 0:
        raise QueryRuntimeError(
            f"{clause} needs a non-negative INTEGER, got {value}",
            detail=ErrorDetail.NEGATIVE_INTEGER_ARGUMENT,
            kind=ErrorKind.SYNTAX_ERROR,
            phase=Phase.RUNTIME,
            span=origin,
        )
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class SkipExec(PhysicalOp):
    """Drop the first `count` rows."""

    child: PhysicalOp
    count: CompiledExpr
    origin: Span

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        remaining = count_argument(self.count((), ctx), self.origin, "SKIP")
        for batch in self.child.run(ctx, arg):
            if remaining >= len(batch):
                remaining -= len(batch)
                continue
            yield batch[remaining:]
            remaining = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class LimitExec(PhysicalOp):
    """Stop after `count` rows (the input is not pulled further)."""

    child: PhysicalOp
    count: CompiledExpr
    origin: Span

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        remaining = count_argument(self.count((), ctx), self.origin, "LIMIT")
        if remaining == 0:
            return
        for batch in self.child.run(ctx, arg):
            if len(batch) >= remaining:
                yield batch[:remaining]
                return
            remaining -= len(batch)
            yield batch


@dataclass(frozen=True, slots=True, kw_only=True)
class DistinctExec(PhysicalOp):
    """Drop rows equivalent to an earlier one."""

    child: PhysicalOp

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        seen: set[Any] = set()
        held = ctx.memory.holding("Distinct")
        try:
            for batch in self.child.run(ctx, arg):
                kept = _unseen(batch, seen, held)
                if kept:
                    yield kept
        finally:
            held.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class EagerExec(PhysicalOp):
    """Read every input row before passing any on."""

    child: PhysicalOp

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        batches = []
        held = ctx.memory.holding("Eager")
        try:
            for batch in self.child.run(ctx, arg):
                held.add(batch_size(batch))
                batches.append(batch)
            ctx.check()
            yield from batches
        finally:
            held.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class UnionExec(PhysicalOp):
    """Rows of each part in turn (their slots already in column order); distinct unless ALL."""

    parts: tuple[PhysicalOp, ...]
    distinct: bool

    @property
    def children(self) -> tuple[PhysicalOp, ...]:
        return self.parts

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        seen: set[Any] = set()
        held = ctx.memory.holding("Union")
        try:
            for part in self.parts:
                for batch in part.run(ctx, arg):
                    if not self.distinct:
                        yield batch
                        continue
                    kept = _unseen(batch, seen, held)
                    if kept:
                        yield kept
        finally:
            held.close()


@dataclass(frozen=True, slots=True, kw_only=True)
class ProduceResultsExec(PhysicalOp):
    """The result columns of each row, in order."""

    child: PhysicalOp
    slots: tuple[int, ...]
    #: the child's rows are the result rows as they are (its slots, in order)
    identity: bool = False
    _pick: Callable[[Batch], Batch] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pick", column_picker(self.slots))

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        if self.identity and self.slots:
            return self.child.run(ctx, arg)  # the child's batches, without a generator
        return self._picked(ctx, arg)

    def _picked(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        if not self.slots:
            # a statement without RETURN: run it to the end, produce no rows
            for _ in self.child.run(ctx, arg):
                ctx.check()
            return
        pick = self._pick
        for batch in self.child.run(ctx, arg):
            ctx.check()
            if batch:
                yield pick(batch)


def _unseen(batch: Batch, seen: set[Any], held: Holding) -> Batch:
    """The rows of `batch` not equivalent to a row in `seen` (which learns them)."""
    kept = []
    for row in batch:
        key = tuple(group_key(value) for value in row)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    if kept:
        # the rows, a key tuple per row (sharing the row's values) and its set slot
        held.add(batch_size(kept) + len(kept) * (72 + POINTER * len(kept[0])))
    return kept
