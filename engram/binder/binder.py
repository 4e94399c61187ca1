"""Clause-by-clause binding driver: statements, UNION, clause order, MATCH, UNWIND, subqueries.

The driver walks a query's clauses in order, keeping the scope of the current query
part, and enforces how clauses compose (openCypher's grammar): a reading clause after an
update needs a WITH in between, RETURN comes last, a query ends with RETURN or an
update (or is a standalone CALL), UNION parts agree on their columns and on ALL, and
EXISTS subqueries do not update.
"""

from __future__ import annotations

from engram.binder import inference
from engram.binder.bound import (
    BCall,
    BClause,
    BMatch,
    BoundQuery,
    BReturn,
    BSchemaCommand,
    BSingleQuery,
    BStatement,
    BUnion,
    BUnwind,
)
from engram.binder.calls import CallBinder
from engram.binder.context import BinderState, Catalog, ExprContext
from engram.binder.diagnostics import fail
from engram.binder.expressions import ExpressionBinder
from engram.binder.patterns import PatternBinder, PatternMode
from engram.binder.projections import ProjectionBinder
from engram.binder.scope import Scope
from engram.binder.updates import UPDATING_CLAUSES, UpdateBinder
from engram.errors import ErrorDetail
from engram.execution.procedures import ProcedureRegistry
from engram.parser import ast
from engram.types import TypeKind

__all__ = ["Binder", "bind"]


def bind(
    statement: ast.Statement,
    *,
    procedures: ProcedureRegistry,
    catalog: Catalog | None = None,
) -> BStatement:
    """Bind a parsed statement: resolve names, infer types, make every compile-time check.

    Args:
        statement: the parser's (or the query builder's) AST.
        procedures: the procedures CALL may use.
        catalog: when given, labels, relationship types and property keys the graph lacks
            become EXPLAIN notes with suggestions (never errors).

    Returns:
        The bound statement the planner consumes.

    Raises:
        SemanticError: the statement is not valid (kind, detail and span as openCypher
            and engram define them).
    """
    state = BinderState(procedures, catalog)
    binder = Binder(state)
    body = statement.body
    bound: BoundQuery | BSchemaCommand
    if isinstance(body, ast.SchemaCommand):
        state.is_updating = not isinstance(body, ast.ShowIndexes | ast.ShowConstraints)
        bound = BSchemaCommand(command=body)
    else:
        try:
            bound = binder.query(body)
        except RecursionError:
            # the depth limits keep parsed statements far from this; a caller that is
            # itself deep in the stack still gets a clear error, never a RecursionError
            raise fail(
                ErrorDetail.RESOURCE_LIMIT,
                "statement nested too deeply to analyse",
                None,
                hint="split it with WITH, or pass large values as parameters",
            ) from None
    return BStatement(
        body=bound,
        explain=statement.explain,
        parameters=frozenset(state.parameters),
        is_updating=state.is_updating,
        notes=tuple(state.notes),
    )


class Binder:
    """Binds queries clause by clause; owns the expression, pattern and clause binders."""

    def __init__(self, state: BinderState) -> None:
        self.state = state
        self.expressions = ExpressionBinder(state)
        self.patterns = PatternBinder(state, self.expressions)
        self.expressions.patterns = self.patterns
        self.expressions.subquery = self.subquery
        self.projections = ProjectionBinder(state, self.expressions)
        self.updates = UpdateBinder(state, self.expressions, self.patterns)
        self.calls = CallBinder(state, self.expressions)

    def query(self, query: ast.Query) -> BoundQuery:
        """Bind a top-level query (single or UNION)."""
        if isinstance(query, ast.UnionQuery):
            return self.union(query)
        return self.single(query)

    def union(self, query: ast.UnionQuery) -> BUnion:
        """Bind `q1 UNION [ALL] q2 ...`: same columns everywhere, one kind of UNION."""
        if len(set(query.all)) > 1:
            position = query.all.index(not query.all[0]) + 1
            raise fail(
                ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                "UNION and UNION ALL cannot be mixed in one query",
                query.queries[position].span,
            )
        parts: list[BSingleQuery] = []
        for part in query.queries:
            bound = self.single(part)
            if not bound.clauses or not isinstance(bound.clauses[-1], BReturn):
                raise fail(
                    ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                    "every part of a UNION must end with RETURN",
                    part.span,
                )
            if parts and bound.columns != parts[0].columns:
                raise fail(
                    ErrorDetail.DIFFERENT_COLUMNS_IN_UNION,
                    f"all parts of a UNION must return the same columns: "
                    f"{_columns(parts[0].columns)} and {_columns(bound.columns)} differ",
                    bound.clauses[-1].origin,
                )
            parts.append(bound)
        return BUnion(
            queries=tuple(parts), all=bool(query.all and query.all[0]), columns=parts[0].columns
        )

    def subquery(self, query: ast.Query, outer: Scope) -> BSingleQuery:
        """Bind the body of `EXISTS { ... }`, seeing the variables of `outer`."""
        if isinstance(query, ast.UnionQuery):
            raise fail(
                ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                "UNION is not allowed inside EXISTS { ... }",
                query.span,
            )
        return self.single(query, outer=outer)

    def single(self, query: ast.SingleQuery, *, outer: Scope | None = None) -> BSingleQuery:
        """Bind one single query; `outer` is the enclosing scope of a subquery."""
        walker = _ClauseWalker(self, query, outer)
        return walker.run()

    # -----------------------------------------------------------------------------------
    # reading clauses

    def match(self, clause: ast.Match, scope: Scope) -> BMatch:
        """Bind `[OPTIONAL] MATCH patterns [WHERE predicate]`."""
        patterns = self.patterns.bind_patterns(clause.patterns, scope, PatternMode.MATCH)
        where = None
        if clause.where is not None:
            where = self.expressions.predicate(
                clause.where, ExprContext(scope=scope, place="WHERE")
            )
        self.patterns.note_disconnected(_name(clause), patterns, where)
        return BMatch(origin=clause.span, patterns=patterns, where=where, optional=clause.optional)

    def unwind(self, clause: ast.Unwind, scope: Scope) -> BUnwind:
        """Bind `UNWIND expression AS variable`."""
        expression = self.expressions.bind(
            clause.expression, ExprContext(scope=scope, place="UNWIND")
        )
        variable = clause.variable
        if scope.lookup(variable.name) is not None:
            raise fail(
                ErrorDetail.VARIABLE_ALREADY_BOUND,
                f"variable '{variable.name}' is already defined",
                variable.span,
                hint="choose another name after AS",
            )
        if expression.type.kind is TypeKind.LIST or expression.type.kind is TypeKind.NULL:
            element = inference.element_type(expression.type)
        else:
            element = expression.type  # a single value unwinds to itself
        symbol = self.state.symbols.new(variable.name, inference.kind_for_type(element), element)
        scope.declare(symbol)
        return BUnwind(origin=clause.span, expression=expression, symbol=symbol)


class _ClauseWalker:
    """The state of binding one single query: its scope and what has been seen so far."""

    def __init__(self, binder: Binder, query: ast.SingleQuery, outer: Scope | None) -> None:
        self.binder = binder
        self.query = query
        self.outer = outer
        self.scope = Scope(parent=outer)
        self.after_update: ast.Clause | None = None
        self.clauses: list[BClause] = []
        self.columns: tuple[str, ...] = ()

    def run(self) -> BSingleQuery:
        clauses = self.query.clauses
        for clause in clauses:
            if self.clauses and isinstance(self.clauses[-1], BReturn):
                raise fail(
                    ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                    f"RETURN must be the last clause, but {_name(clause)} follows it",
                    clause.span,
                    hint="use WITH to continue the query",
                )
            self.clauses.append(self._clause(clause, standalone=len(clauses) == 1))
        self._check_ending()
        return BSingleQuery(clauses=tuple(self.clauses), columns=self.columns)

    def _clause(self, clause: ast.Clause, *, standalone: bool) -> BClause:
        binder = self.binder
        if isinstance(clause, UPDATING_CLAUSES):
            if self.outer is not None:
                raise fail(
                    ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                    f"{_name(clause)} is not allowed inside EXISTS {{ ... }}, which only reads",
                    clause.span,
                )
            self.after_update = clause
            return binder.updates.bind(clause, self.scope)
        if isinstance(clause, ast.With):
            bound, self.scope = binder.projections.bind_with(clause, self.scope, self.outer)
            self.after_update = None
            return bound
        if isinstance(clause, ast.Return):
            bound_return = binder.projections.bind_return(clause, self.scope, self.outer)
            self.columns = tuple(item.name for item in bound_return.projection.items)
            return bound_return
        self._check_read_after_update(clause)
        if isinstance(clause, ast.Match):
            return binder.match(clause, self.scope)
        if isinstance(clause, ast.Unwind):
            return binder.unwind(clause, self.scope)
        if isinstance(clause, ast.Call):
            standalone = standalone and self.outer is None
            call = binder.calls.bind(clause, self.scope, standalone=standalone)
            if standalone:
                self.columns = tuple(name for name, _ in call.yields)
            return call
        raise fail(
            ErrorDetail.UNEXPECTED_SYNTAX,
            f"{_name(clause)} cannot be used here",
            clause.span,
        )

    def _check_read_after_update(self, clause: ast.Clause) -> None:
        if self.after_update is None:
            return
        raise fail(
            ErrorDetail.INVALID_CLAUSE_COMPOSITION,
            f"WITH is required between {_name(self.after_update)} and {_name(clause)}",
            clause.span,
            hint=f"add 'WITH *' before {_name(clause)}",
        )

    def _check_ending(self) -> None:
        if self.outer is not None or not self.clauses:
            return
        last = self.clauses[-1]
        if isinstance(last, BReturn) or self.after_update is not None:
            return
        if isinstance(last, BCall) and (last.standalone or not last.procedure.outputs):
            return
        clause = self.query.clauses[-1]
        raise fail(
            ErrorDetail.INVALID_CLAUSE_COMPOSITION,
            f"a query cannot end with {_name(clause)}; it must end with RETURN or an update",
            clause.span,
            hint="add a RETURN clause",
        )


def _name(clause: ast.Clause) -> str:
    if isinstance(clause, ast.Match):
        return "OPTIONAL MATCH" if clause.optional else "MATCH"
    if isinstance(clause, ast.Delete) and clause.detach:
        return "DETACH DELETE"
    return type(clause).__name__.upper()


def _columns(columns: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{name}'" for name in columns) + ")"
