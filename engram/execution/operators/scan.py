"""Leaf and scan operators: Start, all-nodes and label scans, index and id seeks.

A scan runs once per input row and extends that row with every node it finds, so a
scan over a multi-row input is a nested-loop product (the planner puts selective
scans first).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engram.errors import ErrorDetail, ErrorKind, QueryError, QueryRuntimeError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef
from engram.execution.expressions import CompiledExpr, _located
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row
from engram.planner.operators import IndexSeek

__all__ = ["AllNodesScanExec", "IndexSeekExec", "LabelScanExec", "NodeByIdSeekExec", "StartExec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StartExec(PhysicalOp):
    """Emit the argument row once."""

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        return iter(([arg],))  # not a generator: nothing to resume in Python


@dataclass(frozen=True, slots=True, kw_only=True)
class AllNodesScanExec(PhysicalOp):
    """Every node, per input row."""

    child: PhysicalOp

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            for row in batch:
                for ids in ctx.graph.all_node_ids():
                    ctx.check()
                    yield [(*row, NodeRef(int(i))) for i in ids.tolist()]


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelScanExec(PhysicalOp):
    """Every node with the label, per input row."""

    child: PhysicalOp
    label: str

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            for row in batch:
                for ids in ctx.graph.label_node_ids(self.label):
                    ctx.check()
                    yield [(*row, NodeRef(i)) for i in ids.tolist()]


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexSeekExec(PhysicalOp):
    """Nodes found through a property index, per input row."""

    child: PhysicalOp
    seek: IndexSeek
    values: tuple[CompiledExpr, ...]
    lower: CompiledExpr | None
    upper: CompiledExpr | None
    #: the seek may stop after this many nodes per input row (a consumer that only needs
    #: to know whether there are more: `VectorSearchExec`'s optional candidates)
    limit: int | None = None

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        seek = self.seek
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for row in batch:
                values = [value(row, ctx) for value in self.values]
                lower = None if self.lower is None else self.lower(row, ctx)
                upper = None if self.upper is None else self.upper(row, ctx)
                if _null_bound(seek.kind.value, values, lower, upper, seek):
                    continue
                try:
                    ids = ctx.graph.index_seek(
                        seek.index,
                        seek.kind.value,
                        values,
                        lower,
                        seek.lower_inclusive,
                        upper,
                        seek.upper_inclusive,
                        limit=self.limit,
                    )
                except QueryError as error:
                    origin = self.logical_origin()
                    raise (error if origin is None else _located(error, origin)) from None
                out.extend((*row, NodeRef(i)) for i in ids.tolist())
                if len(out) >= BATCH_SIZE:
                    yield out
                    out = []
            if out:
                yield out

    def logical_origin(self) -> Span | None:
        """Span of the first seek value, for errors."""
        bounds = (self.seek.lower, self.seek.upper)
        values = self.seek.values or tuple(v for v in bounds if v is not None)
        return values[0].origin if values else None


def _null_bound(kind: str, values: list[Any], lower: Any, upper: Any, seek: IndexSeek) -> bool:
    # comparisons with null are never true: nothing can match
    if kind in ("=", "STARTS WITH"):
        return any(value is None for value in values)
    if kind == "IN":
        return values[0] is None
    return (seek.lower is not None and lower is None) or (seek.upper is not None and upper is None)


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeByIdSeekExec(PhysicalOp):
    """Nodes by id (`WHERE id(n) = $id` or `IN [...]`), per input row."""

    child: PhysicalOp
    ids: CompiledExpr

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for row in batch:
                ids = self.ids(row, ctx)
                if ids is None:
                    continue
                if not isinstance(ids, list):
                    raise QueryRuntimeError(
                        "node ids must be a list",
                        detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
                        kind=ErrorKind.TYPE_ERROR,
                    )
                seen: set[int] = set()
                for value in ids:
                    node_id = _as_id(value)
                    if (
                        node_id is not None
                        and node_id not in seen
                        and ctx.graph.node_exists(node_id)
                    ):
                        seen.add(node_id)
                        out.append((*row, NodeRef(node_id)))
            if out:
                yield out


def _as_id(value: Any) -> int | None:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    return None
