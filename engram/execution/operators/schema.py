"""Index and constraint commands (CREATE / DROP / SHOW), run once through graph access."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engram.errors import ErrorDetail, ErrorKind, InternalError, QueryRuntimeError
from engram.execution.context import ExecContext
from engram.execution.physical import Batch, PhysicalOp, Row
from engram.parser import ast

__all__ = ["SchemaExec"]


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaExec(PhysicalOp):
    """Run the schema command; SHOW commands produce rows."""

    command: object

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        schema: Any = ctx.graph
        counters = ctx.counters
        match self.command:
            case ast.CreateIndex() as c:
                if schema.create_index(c.name, c.label, c.properties, c.if_not_exists):
                    counters.indexes_added += 1
            case ast.CreateConstraint() as c:
                if schema.create_constraint(c.name, c.label, c.properties, c.if_not_exists):
                    counters.constraints_added += 1
            case ast.CreateVectorIndex() as c:
                options = _options(c.options, ctx)
                if schema.create_vector_index(
                    c.name, c.label, c.property, options, c.if_not_exists
                ):
                    counters.indexes_added += 1
            case ast.DropIndex() as c:
                if schema.drop_index(c.name, c.if_exists):
                    counters.indexes_removed += 1
            case ast.DropConstraint() as c:
                if schema.drop_constraint(c.name, c.if_exists):
                    counters.constraints_removed += 1
            case ast.ShowIndexes():
                rows = [tuple(row) for row in schema.show_indexes()]
                if rows:
                    yield rows
            case ast.ShowConstraints():
                rows = [tuple(row) for row in schema.show_constraints()]
                if rows:
                    yield rows
            case _:
                raise InternalError(f"execution: unknown schema command {self.command!r}")


def _options(options: ast.MapLiteral | None, ctx: ExecContext) -> dict[str, Any]:
    if options is None:
        return {}
    out: dict[str, Any] = {}
    for entry in options.entries:
        value = _constant(entry.value)
        out[entry.key] = value
    del ctx
    return out


def _constant(expr: ast.Expr) -> Any:
    match expr:
        case ast.Literal(value=value):
            return value
        case ast.ListLiteral(items=items):
            return [_constant(item) for item in items]
        case ast.MapLiteral(entries=entries):
            return {entry.key: _constant(entry.value) for entry in entries}
        case ast.Unary(op=ast.UnaryOp.NEGATE, operand=ast.Literal(value=int() | float() as v)):
            return -v
    raise QueryRuntimeError(
        "index options must be literal values",
        detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
        kind=ErrorKind.SYNTAX_ERROR,
    )
