"""Operators that run a nested plan or a procedure per input row.

OPTIONAL MATCH (`OptionalExec`), procedure calls (`ProcedureCallExec`) and FOREACH
(`ForeachExec`). Nested plans start from a Start leaf that receives the current row.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from engram.errors import ErrorDetail, ErrorKind, QueryError, QueryRuntimeError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.expressions import CompiledExpr, _located
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
        spec, yields = self.procedure, self.yields
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
                    if type(results) is RuntimeRows:
                        picked = _vouched(results, yields, len(spec.outputs))
                    else:
                        picked = _yielded(rows_as_tuples(results, spec.outputs), yields)
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


def _vouched(results: RuntimeRows, yields: tuple[int, ...], width: int) -> list[tuple[Any, ...]]:
    """The yielded fields of rows a built-in procedure vouches for (`RuntimeRows`)."""
    if yields == tuple(range(width)):
        return results
    if len(yields) == 1:
        (only,) = yields
        return [(result[only],) for result in results]
    return list(map(operator.itemgetter(*yields), results))


def _yielded(results: Iterable[tuple[Any, ...]], yields: tuple[int, ...]) -> list[tuple[Any, ...]]:
    """The yielded fields of a procedure's rows, as runtime values.

    Rows of values that are runtime values already (numbers, strings, entities: what
    built-in procedures produce) are taken as they are, without a call per value.
    """
    plain = _RUNTIME.issuperset
    identity = yields == tuple(range(len(yields)))
    getter = operator.itemgetter(*yields) if len(yields) > 1 else None
    picked: list[tuple[Any, ...]] = []
    append = picked.append
    for result in results:
        if identity and len(result) == len(yields):
            values = result
        elif getter is not None:
            values = getter(result)
        else:
            values = (result[yields[0]],)
        if plain(map(type, values)):
            append(values)
        else:
            append(tuple([from_python(value) for value in values]))
    return picked


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
