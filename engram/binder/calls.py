"""Procedure calls: `CALL ns.proc(args) YIELD ...`, standalone and in-query.

A standalone call (the whole query) may pass its arguments implicitly, from parameters
named like the inputs, and returns every output unless it yields a selection; an
in-query call passes arguments explicitly and binds only what it yields.
"""

from __future__ import annotations

from engram import types as t
from engram.binder import inference
from engram.binder.bound import BCall, BExpr, BParameter, Symbol
from engram.binder.context import BinderState, ExprContext
from engram.binder.diagnostics import fail
from engram.binder.expressions import ExpressionBinder
from engram.binder.scope import Scope
from engram.binder.suggestions import did_you_mean
from engram.errors import ErrorDetail, ErrorKind
from engram.execution.procedures import ProcedureField, ProcedureSpec
from engram.parser import ast

__all__ = ["CallBinder"]


class CallBinder:
    """Binds CALL clauses against the procedure registry."""

    def __init__(self, state: BinderState, expressions: ExpressionBinder) -> None:
        self.state = state
        self.expressions = expressions

    def bind(self, clause: ast.Call, scope: Scope, *, standalone: bool) -> BCall:
        """Bind a CALL, declaring the yielded variables in `scope`."""
        spec = self._procedure(clause)
        args = self._arguments(clause, spec, scope, standalone=standalone)
        yields = self._yields(clause, spec, scope, standalone=standalone)
        where = None
        if clause.where is not None:
            ctx = ExprContext(scope=scope, place="WHERE")
            where = self.expressions.predicate(clause.where, ctx)
        if spec.writes:
            self.state.is_updating = True
        return BCall(
            origin=clause.span,
            procedure=spec,
            args=args,
            yields=yields,
            where=where,
            standalone=standalone,
        )

    def _procedure(self, clause: ast.Call) -> ProcedureSpec:
        spec = self.state.procedures.lookup(clause.procedure)
        if spec is None:
            names = [known.name for known in self.state.procedures]
            raise fail(
                ErrorDetail.PROCEDURE_NOT_FOUND,
                f"there is no procedure called '{clause.procedure}'",
                clause.span,
                hint=did_you_mean(clause.procedure, names),
                kind=ErrorKind.PROCEDURE_ERROR,
            )
        return spec

    def _arguments(
        self, clause: ast.Call, spec: ProcedureSpec, scope: Scope, *, standalone: bool
    ) -> tuple[BExpr, ...]:
        if clause.args is None:
            if not spec.inputs:
                return ()
            if not standalone:
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_PASSING_MODE,
                    f"procedure '{spec.name}' takes arguments; inside a larger query they "
                    "must be passed explicitly",
                    clause.span,
                    hint=f"write CALL {spec.name}({', '.join(f.name for f in spec.inputs)}) "
                    "with the values in parentheses",
                )
            for field in spec.inputs:
                self.state.parameters.add(field.name)
            return tuple(
                BParameter(origin=clause.span, type=field.type, name=field.name)
                for field in spec.inputs
            )
        if len(clause.args) != len(spec.inputs):
            raise fail(
                ErrorDetail.INVALID_NUMBER_OF_ARGUMENTS,
                f"procedure '{spec.name}' takes {len(spec.inputs)} argument"
                f"{'' if len(spec.inputs) == 1 else 's'}, got {len(clause.args)}",
                clause.span,
                hint=f"its signature is {spec.signature}",
            )
        ctx = ExprContext(scope=scope, place="procedure arguments")
        args = []
        for field, written in zip(spec.inputs, clause.args, strict=True):
            bound = self.expressions.bind(written, ctx)
            if not _accepts(field, bound):
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_TYPE,
                    f"type mismatch: argument '{field.name}' of procedure '{spec.name}' "
                    f"must be {field.type}, not {bound.type}",
                    written.span,
                )
            args.append(bound)
        return tuple(args)

    def _yields(
        self, clause: ast.Call, spec: ProcedureSpec, scope: Scope, *, standalone: bool
    ) -> tuple[tuple[str, Symbol], ...]:
        if clause.yield_star and not standalone:
            raise fail(
                ErrorDetail.UNEXPECTED_SYNTAX,
                "YIELD * is only allowed when the CALL is the whole query",
                clause.span,
                hint="name the outputs: YIELD " + ", ".join(f.name for f in spec.outputs),
            )
        if clause.yield_items is None:
            if not standalone and not clause.yield_star:
                return ()
            return tuple((field.name, self._declare(field, None, scope)) for field in spec.outputs)
        outputs = {field.name: field for field in spec.outputs}
        yields = []
        for item in clause.yield_items:
            field = outputs.get(item.field.name)
            if field is None:
                raise fail(
                    ErrorDetail.UNDEFINED_VARIABLE,
                    f"procedure '{spec.name}' has no output '{item.field.name}'",
                    item.field.span,
                    hint=did_you_mean(item.field.name, outputs),
                )
            yields.append((field.name, self._declare(field, item, scope)))
        return tuple(yields)

    def _declare(self, field: ProcedureField, item: ast.YieldItem | None, scope: Scope) -> Symbol:
        variable = None if item is None else (item.alias or item.field)
        name = field.name if variable is None else variable.name
        if scope.lookup(name) is not None:
            raise fail(
                ErrorDetail.VARIABLE_ALREADY_BOUND,
                f"variable '{name}' is already defined",
                None if variable is None else variable.span,
                hint="rename the output with YIELD field AS other",
            )
        symbol = self.state.symbols.new(name, inference.kind_for_type(field.type), field.type)
        scope.declare(symbol)
        return symbol


def _accepts(field: ProcedureField, bound: BExpr) -> bool:
    if field.type.accepts(bound.type):
        return True
    # an INTEGER may be passed where a FLOAT is expected (it is widened)
    return bound.type == t.INTEGER and field.type == t.FLOAT
