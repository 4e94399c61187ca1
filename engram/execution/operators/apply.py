"""Operators that run a nested plan or a procedure per input row.

OPTIONAL MATCH (`OptionalExec`), procedure calls (`ProcedureCallExec`) and FOREACH
(`ForeachExec`). Nested plans start from a Start leaf that receives the current row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from engram.errors import ErrorDetail, ErrorKind, QueryError, QueryRuntimeError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.expressions import CompiledExpr, _located
from engram.execution.operators.relational import column_picker
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row
from engram.execution.procedures import ProcedureSpec, RuntimeRows, rows_as_tuples
from engram.execution.values import from_python

__all__ = ["ForeachExec", "OptionalExec", "ProcedureCallExec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class OptionalExec(PhysicalOp):
    """Rows of `inner` for each input row, or the row padded with nulls when it has none."""

    child: PhysicalOp
    inner: PhysicalOp
    remap: tuple[int, ...] | None
    width: int

    @property
    def nested(self) -> tuple[PhysicalOp, ...]:
        return (self.inner,)

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        nulls = (None,) * self.width
        remap = self.remap
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for row in batch:
                found = False
                for inner_batch in self.inner.run(ctx, row):
                    found = True
                    if remap is None:
                        out.extend(inner_batch)
                    else:
                        out.extend(tuple([r[i] for i in remap]) for r in inner_batch)
                    if len(out) >= BATCH_SIZE:  # one row may match millions: stream them
                        yield out
                        out = []
                if not found:
                    out.append((*row, *nulls))
                if len(out) >= BATCH_SIZE:
                    yield out
                    out = []
            if out:
                yield out


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcedureCallExec(PhysicalOp):
    """Call the procedure per row; add the yielded fields (void procedures pass rows on)."""

    child: PhysicalOp
    procedure: ProcedureSpec
    args: tuple[CompiledExpr, ...]
    yields: tuple[int, ...]
    origin: Span

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        spec = self.procedure
        pick = column_picker(self.yields)
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for row in batch:
                values = [argument(row, ctx) for argument in self.args]
                try:
                    results = self._call(ctx, values)
                    if not spec.outputs:
                        for _ in results:
                            pass
                        out.append(row)
                        continue
                    if type(results) is RuntimeRows:  # runtime values already: as they are
                        picked = pick(results)
                    else:
                        picked = _runtime_rows(pick(list(rows_as_tuples(results, spec.outputs))))
                    out.extend([(*row, *result) for result in picked] if row else picked)
                except QueryError as error:
                    raise _located(error, self.origin) from None
                if len(out) >= BATCH_SIZE:
                    for start in range(0, len(out), BATCH_SIZE):
                        yield out[start : start + BATCH_SIZE]
                    out = []
            if out:
                yield out

    def _call(self, ctx: ExecContext, values: list[Any]) -> Any:
        spec = self.procedure
        if spec.needs_context:
            return spec.implementation(ctx, *values)
        try:
            return list(spec.implementation(*values))
        except QueryError:
            raise
        except Exception as error:  # a user procedure failed: report it, keep running
            raise QueryRuntimeError(
                f"procedure '{spec.name}' failed: {error}",
                detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
                kind=ErrorKind.PROCEDURE_ERROR,
            ) from error


def _runtime_rows(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A procedure's rows as runtime values: rows of plain values and entities as they are."""
    plain = _RUNTIME.issuperset
    return [
        row if plain(map(type, row)) else tuple([from_python(value) for value in row])
        for row in rows
    ]


_RUNTIME: Final = frozenset((bool, int, float, str, type(None), NodeRef, RelRef, PathValue))


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeachExec(PhysicalOp):
    """Run the updating plan `inner` for each list element, per row; rows pass on."""

    child: PhysicalOp
    source: CompiledExpr
    inner: PhysicalOp
    origin: Span

    @property
    def nested(self) -> tuple[PhysicalOp, ...]:
        return (self.inner,)

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            for row in batch:
                items = self.source(row, ctx)
                if items is None:
                    continue
                if not isinstance(items, list):
                    raise _located(
                        QueryRuntimeError(
                            "FOREACH needs a list",
                            detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
                            kind=ErrorKind.TYPE_ERROR,
                        ),
                        self.origin,
                    )
                for item in items:
                    for _ in self.inner.run(ctx, (*row, item)):
                        pass
            yield batch
