"""Updating clauses: CREATE, MERGE, SET, REMOVE, DELETE and FOREACH.

Targets of SET / REMOVE must be entities (or values of unknown type, checked again at
runtime); DELETE takes nodes, relationships and paths, never labels; FOREACH runs
updating clauses only, over a variable scoped to its body.
"""

from __future__ import annotations

from engram import types as t
from engram.binder import inference
from engram.binder.bound import (
    BClause,
    BCreate,
    BDelete,
    BExpr,
    BForeach,
    BMerge,
    BRemove,
    BRemoveLabels,
    BRemoveProperty,
    BSet,
    BSetItem,
    BSetLabels,
    BSetProperties,
    BSetProperty,
    BVariable,
    VarKind,
)
from engram.binder.checks import check_has_properties
from engram.binder.context import BinderState, ExprContext
from engram.binder.diagnostics import fail, type_error
from engram.binder.expressions import ExpressionBinder
from engram.binder.patterns import PatternBinder, PatternMode
from engram.binder.scope import Scope
from engram.errors import ErrorDetail
from engram.parser import ast
from engram.types import TypeKind

__all__ = ["UPDATING_CLAUSES", "UpdateBinder"]

UPDATING_CLAUSES = (ast.Create, ast.Merge, ast.Set, ast.Remove, ast.Delete, ast.Foreach)

_ENTITY = frozenset({TypeKind.NODE, TypeKind.RELATIONSHIP, TypeKind.ANY, TypeKind.NULL})
_DELETABLE = _ENTITY | {TypeKind.PATH, TypeKind.LIST}
_MAP_LIKE = _ENTITY | {TypeKind.MAP}


class UpdateBinder:
    """Binds the updating clauses."""

    def __init__(
        self, state: BinderState, expressions: ExpressionBinder, patterns: PatternBinder
    ) -> None:
        self.state = state
        self.expressions = expressions
        self.patterns = patterns

    def bind(self, clause: ast.Clause, scope: Scope) -> BClause:
        """Bind one updating clause, declaring what it creates in `scope`."""
        self.state.is_updating = True
        if isinstance(clause, ast.Create):
            patterns = self.patterns.bind_patterns(clause.patterns, scope, PatternMode.CREATE)
            return BCreate(origin=clause.span, patterns=patterns)
        if isinstance(clause, ast.Merge):
            return self._merge(clause, scope)
        if isinstance(clause, ast.Set):
            return BSet(origin=clause.span, items=self._set_items(clause.items, scope, "SET"))
        if isinstance(clause, ast.Remove):
            return BRemove(
                origin=clause.span, items=tuple(self._remove(i, scope) for i in clause.items)
            )
        if isinstance(clause, ast.Delete):
            return self._delete(clause, scope)
        if isinstance(clause, ast.Foreach):
            return self._foreach(clause, scope)
        raise fail(
            ErrorDetail.INVALID_CLAUSE_COMPOSITION,
            f"{_clause_name(clause)} is not an updating clause",
            clause.span,
        )

    # -----------------------------------------------------------------------------------

    def _merge(self, clause: ast.Merge, scope: Scope) -> BMerge:
        (pattern,) = self.patterns.bind_patterns((clause.pattern,), scope, PatternMode.MERGE)
        on_create: list[BSetItem] = []
        on_match: list[BSetItem] = []
        for action in clause.actions:
            place = "ON CREATE SET" if action.on_create else "ON MATCH SET"
            items = self._set_items(action.items, scope, place)
            (on_create if action.on_create else on_match).extend(items)
        return BMerge(
            origin=clause.span,
            pattern=pattern,
            on_create=tuple(on_create),
            on_match=tuple(on_match),
        )

    def _set_items(
        self, items: tuple[ast.SetItem, ...], scope: Scope, place: str
    ) -> tuple[BSetItem, ...]:
        ctx = ExprContext(scope=scope, place=place)
        return tuple(self._set_item(item, ctx) for item in items)

    def _set_item(self, item: ast.SetItem, ctx: ExprContext) -> BSetItem:
        if isinstance(item, ast.SetProperty):
            target = self._property_owner(item.target, ctx)
            value = self.expressions.bind(item.value, ctx)
            return BSetProperty(target=target, key=item.target.key, value=value)
        if isinstance(item, ast.SetVariable):
            target = self._entity(item.variable, ctx, "SET")
            value = self.expressions.bind(item.value, ctx)
            if value.type.kind not in _MAP_LIKE:
                operator = "+=" if item.merge else "="
                raise type_error(
                    f"type mismatch: '{item.variable.name} {operator} ...' needs a map, node or "
                    f"relationship, not {value.type}",
                    item.value.span,
                )
            return BSetProperties(target=target, value=value, merge=item.merge)
        if isinstance(item, ast.SetLabels):
            target = self._labelled(item.variable, ctx, "SET")
            return BSetLabels(target=target, labels=item.labels)
        raise fail(ErrorDetail.UNEXPECTED_SYNTAX, "unknown SET item", item.span)

    def _remove(self, item: ast.RemoveItem, scope: Scope) -> BRemoveProperty | BRemoveLabels:
        ctx = ExprContext(scope=scope, place="REMOVE")
        if isinstance(item, ast.RemoveProperty):
            target = self._property_owner(item.target, ctx)
            return BRemoveProperty(target=target, key=item.target.key)
        if isinstance(item, ast.RemoveLabels):
            return BRemoveLabels(
                target=self._labelled(item.variable, ctx, "REMOVE"), labels=item.labels
            )
        raise fail(ErrorDetail.UNEXPECTED_SYNTAX, "unknown REMOVE item", item.span)

    def _property_owner(self, target: ast.PropertyAccess, ctx: ExprContext) -> BExpr:
        owner = self.expressions.bind(target.subject, ctx)
        check_has_properties(owner, target.key, target.span)
        if owner.type.kind is TypeKind.MAP:
            raise type_error(
                f"type mismatch: cannot set property '{target.key}' of a map; only nodes and "
                "relationships have properties",
                target.span,
            )
        return owner

    def _entity(self, variable: ast.Variable, ctx: ExprContext, place: str) -> BExpr:
        target = self.expressions.bind(variable, ctx)
        if target.type.kind not in _ENTITY:
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: {place} needs a node or relationship, "
                f"'{variable.name}' is {_kind_text(target)}",
                variable.span,
            )
        return target

    def _labelled(self, variable: ast.Variable, ctx: ExprContext, place: str) -> BExpr:
        target = self._entity(variable, ctx, place)
        if target.type.kind is TypeKind.RELATIONSHIP:
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: {place} can change the labels of nodes only, "
                f"'{variable.name}' is a relationship",
                variable.span,
            )
        return target

    def _delete(self, clause: ast.Delete, scope: Scope) -> BDelete:
        ctx = ExprContext(scope=scope, place="DELETE")
        expressions = []
        for expr in clause.expressions:
            if isinstance(expr, ast.HasLabels):
                raise fail(
                    ErrorDetail.INVALID_DELETE,
                    "DELETE removes nodes, relationships and paths; to remove a label use REMOVE",
                    expr.span,
                    hint=f"REMOVE {_text_of(expr)}",
                )
            bound = self.expressions.bind(expr, ctx)
            if bound.type.kind not in _DELETABLE:
                raise fail(
                    ErrorDetail.INVALID_ARGUMENT_TYPE,
                    f"type mismatch: DELETE needs a node, relationship or path, "
                    f"not {_kind_text(bound)}",
                    expr.span,
                )
            expressions.append(bound)
        return BDelete(origin=clause.span, expressions=tuple(expressions), detach=clause.detach)

    def _foreach(self, clause: ast.Foreach, scope: Scope) -> BForeach:
        ctx = ExprContext(scope=scope, place="FOREACH")
        source = self.expressions.bind(clause.source, ctx)
        if source.type.kind not in (TypeKind.LIST, TypeKind.ANY, TypeKind.NULL):
            raise fail(
                ErrorDetail.INVALID_ARGUMENT_TYPE,
                f"type mismatch: FOREACH iterates over a LIST, not {source.type}",
                clause.source.span,
            )
        variable = clause.variable
        if scope.lookup(variable.name) is not None:
            raise fail(
                ErrorDetail.VARIABLE_ALREADY_BOUND,
                f"variable '{variable.name}' is already defined",
                variable.span,
                hint="choose another name for the FOREACH variable",
            )
        element = inference.element_type(source.type)
        symbol = self.state.symbols.new(variable.name, inference.kind_for_type(element), element)
        body = scope.child()
        body.declare(symbol)
        clauses = []
        for inner in clause.clauses:
            if not isinstance(inner, UPDATING_CLAUSES):
                raise fail(
                    ErrorDetail.INVALID_CLAUSE_COMPOSITION,
                    f"FOREACH can only contain updating clauses, not {_clause_name(inner)}",
                    inner.span,
                )
            clauses.append(self.bind(inner, body))
        return BForeach(origin=clause.span, symbol=symbol, source=source, clauses=tuple(clauses))


def _kind_text(bound: BExpr) -> str:
    if isinstance(bound, BVariable) and bound.symbol.kind is not VarKind.VALUE:
        return f"a {bound.symbol.kind}"
    return f"a {bound.type}" if bound.type != t.ANY else "a value"


def _text_of(expr: ast.HasLabels) -> str:
    subject = expr.subject.name if isinstance(expr.subject, ast.Variable) else "n"
    return subject + "".join(f":{label}" for label in expr.labels)


def _clause_name(clause: ast.Clause) -> str:
    if isinstance(clause, ast.Match):
        return "OPTIONAL MATCH" if clause.optional else "MATCH"
    return type(clause).__name__.upper()
