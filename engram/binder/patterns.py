"""Node, relationship and path patterns: variables declared or reused, kinds, lengths, checks.

One binder serves every place a pattern appears, each with its own rules:

- MATCH (and pattern comprehensions): variables are declared or reused as filters;
  a relationship variable may appear once per clause; parameters are not allowed as
  property maps.
- CREATE / MERGE: relationships are new, typed with exactly one type and fixed length;
  a bound node may only be referred to bare, as an endpoint; CREATE needs a direction.
- pattern predicates in WHERE: nothing new may be named.

Variables are declared in a first pass over all the patterns of a clause and property
maps bound in a second, so a map may refer to any variable of its clause.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from engram import types as t
from engram.binder import inference
from engram.binder.bound import (
    BBinary,
    BExists,
    BExpr,
    BMatch,
    BNodePattern,
    BNote,
    BParameter,
    BPathPattern,
    BPatternComprehension,
    BRelPattern,
    BSingleQuery,
    Direction,
    Symbol,
    VarKind,
)
from engram.binder.checks import outer_symbols
from engram.binder.context import BinderState, ExprContext
from engram.binder.diagnostics import fail, undefined_variable
from engram.binder.expressions import ExpressionBinder
from engram.binder.scope import Scope
from engram.binder.walk import referenced_symbols
from engram.errors import ErrorDetail
from engram.parser import ast
from engram.parser.ast import BinaryOp

__all__ = ["PatternBinder", "PatternMode"]


class PatternMode(enum.Enum):
    """Where a pattern appears."""

    MATCH = "MATCH"
    CREATE = "CREATE"
    MERGE = "MERGE"
    PREDICATE = "a pattern predicate"
    COMPREHENSION = "a pattern comprehension"

    @property
    def is_write(self) -> bool:
        """CREATE or MERGE."""
        return self in _WRITE_MODES


_WRITE_MODES = frozenset({PatternMode.CREATE, PatternMode.MERGE})
_REL_TYPES = {
    VarKind.RELATIONSHIP: inference.type_for_kind(VarKind.RELATIONSHIP),
    VarKind.RELATIONSHIP_LIST: inference.type_for_kind(VarKind.RELATIONSHIP_LIST),
}


@dataclass(frozen=True, slots=True)
class _Part:
    """An element after the declaration pass, before its property map is bound."""

    element: ast.NodePattern | ast.RelationshipPattern
    symbol: Symbol
    is_new: bool


class PatternBinder:
    """Binds patterns for every clause and expression that holds them."""

    def __init__(self, state: BinderState, expressions: ExpressionBinder) -> None:
        self.state = state
        self.expressions = expressions

    # -----------------------------------------------------------------------------------
    # entry points

    def bind_patterns(
        self, patterns: tuple[ast.PathPattern, ...], scope: Scope, mode: PatternMode
    ) -> tuple[BPathPattern, ...]:
        """Bind the patterns of one clause, declaring new variables in `scope`."""
        relationships: set[Symbol] = set()
        declared = [self._declare_path(pattern, scope, mode, relationships) for pattern in patterns]
        ctx = ExprContext(scope=scope, place=mode.value)
        return tuple(
            self._finish(pattern, path_symbol, parts, ctx, mode)
            for pattern, (path_symbol, parts) in zip(patterns, declared, strict=True)
        )

    def note_disconnected(
        self, clause: str, patterns: tuple[BPathPattern, ...], where: BExpr | None = None
    ) -> None:
        """Note a cartesian product: patterns of one clause that share no variable.

        Patterns that a WHERE conjunct relates (`a.x = b.y`) are connected: the planner
        joins them instead of building the product.
        """
        owner: dict[Symbol, int] = {}
        parent = list(range(len(patterns)))

        def root(index: int) -> int:
            while parent[index] != index:
                index = parent[index]
            return index

        for index, pattern in enumerate(patterns):
            for element in pattern.elements:
                seen = owner.setdefault(element.symbol, index)
                parent[root(index)] = root(seen)
        for conjunct in _conjuncts(where):
            linked = {owner[s] for s in referenced_symbols(conjunct) if s in owner}
            first, *rest = sorted(linked) or [0]
            for other in rest:
                parent[root(other)] = root(first)
        roots = [root(index) for index in range(len(patterns))]
        for index, pattern in enumerate(patterns):
            if roots[index] != roots[0]:
                self.state.notes.append(
                    BNote(
                        message=f"{clause} builds a cartesian product between disconnected "
                        "patterns",
                        span=pattern.origin,
                        hint="connect the patterns with a relationship, or use separate "
                        "MATCH clauses if every combination is really wanted",
                    )
                )
                return

    def bind_predicate(self, expr: ast.PatternExpression, ctx: ExprContext) -> BExists:
        """`WHERE (a)-[:T]->()`: an existence test that may not name anything new."""
        scope = ctx.scope.child()
        (pattern,) = self.bind_patterns((expr.pattern,), scope, PatternMode.PREDICATE)
        match = BMatch(origin=expr.span, patterns=(pattern,), where=None)
        body = BSingleQuery(clauses=(match,))
        return BExists(
            origin=expr.span, type=t.BOOLEAN, body=body, outer=outer_symbols(body, ctx.scope)
        )

    def bind_comprehension(
        self, expr: ast.PatternComprehension, ctx: ExprContext
    ) -> BPatternComprehension:
        """`[p = (a)-->(b) WHERE ... | ...]`: new variables are local to the comprehension."""
        scope = ctx.scope.child()
        (pattern,) = self.bind_patterns((expr.pattern,), scope, PatternMode.COMPREHENSION)
        body = ctx.without_aggregates("a pattern comprehension").with_scope(scope)
        where = None if expr.where is None else self.expressions.predicate(expr.where, body)
        projection = self.expressions.bind(expr.projection, body.value())
        result = BPatternComprehension(
            origin=expr.span,
            type=t.list_of(projection.type),
            pattern=pattern,
            where=where,
            projection=projection,
            outer=(),
        )
        outer = outer_symbols(result, ctx.scope)
        return BPatternComprehension(
            origin=expr.span,
            type=result.type,
            pattern=pattern,
            where=where,
            projection=projection,
            outer=outer,
        )

    # -----------------------------------------------------------------------------------
    # declaration pass

    def _declare_path(
        self,
        pattern: ast.PathPattern,
        scope: Scope,
        mode: PatternMode,
        relationships: set[Symbol],
    ) -> tuple[Symbol | None, list[_Part]]:
        path_symbol = None
        if pattern.variable is not None:
            path_symbol = self._declare_path_variable(pattern.variable, scope, mode)
        _check_shortest(pattern, mode)
        single = len(pattern.elements) == 1
        parts = []
        for element in pattern.elements:
            if isinstance(element, ast.NodePattern):
                parts.append(self._declare_node(element, scope, mode, single=single))
            else:
                parts.append(self._declare_relationship(element, scope, mode, relationships))
        return path_symbol, parts

    def _declare_path_variable(
        self, variable: ast.Variable, scope: Scope, mode: PatternMode
    ) -> Symbol:
        if mode is PatternMode.PREDICATE:
            raise fail(
                ErrorDetail.UNEXPECTED_SYNTAX,
                f"a pattern predicate cannot name its path '{variable.name}'",
                variable.span,
            )
        existing = scope.lookup(variable.name)
        if existing is not None:
            if existing.kind in (VarKind.NODE, VarKind.RELATIONSHIP, VarKind.RELATIONSHIP_LIST):
                raise _type_conflict(variable, existing, VarKind.PATH)
            raise fail(
                ErrorDetail.VARIABLE_ALREADY_BOUND,
                f"variable '{variable.name}' is already defined; a path name must be new",
                variable.span,
            )
        symbol = self.state.symbols.new(variable.name, VarKind.PATH, t.PATH)
        scope.declare(symbol)
        return symbol

    def _declare_node(
        self, node: ast.NodePattern, scope: Scope, mode: PatternMode, *, single: bool
    ) -> _Part:
        variable = node.variable
        if variable is None:
            return _Part(node, self.state.symbols.anonymous(VarKind.NODE, t.NODE), True)
        existing = scope.lookup(variable.name)
        if existing is None:
            if mode is PatternMode.PREDICATE:
                raise _new_in_predicate(variable, scope)
            symbol = self.state.symbols.new(variable.name, VarKind.NODE, t.NODE)
            scope.declare(symbol)
            return _Part(node, symbol, True)
        if not inference.symbol_accepts(existing, VarKind.NODE):
            raise _type_conflict(variable, existing, VarKind.NODE)
        if mode.is_write and (single or node.labels or node.properties is not None):
            what = "create" if mode is PatternMode.CREATE else "merge"
            raise fail(
                ErrorDetail.VARIABLE_ALREADY_BOUND,
                f"variable '{variable.name}' is already defined; {mode.value} cannot "
                f"{what} it again" + ("" if single else " or add labels or properties to it"),
                variable.span,
                hint=f"refer to it bare, as in ({variable.name})-[:T]->(other)",
            )
        return _Part(node, existing, False)

    def _declare_relationship(
        self,
        rel: ast.RelationshipPattern,
        scope: Scope,
        mode: PatternMode,
        relationships: set[Symbol],
    ) -> _Part:
        kind = VarKind.RELATIONSHIP if rel.length is None else VarKind.RELATIONSHIP_LIST
        variable = rel.variable
        existing = None if variable is None else scope.lookup(variable.name)
        if variable is not None and existing is not None:
            if not inference.symbol_accepts(existing, kind):
                raise _type_conflict(variable, existing, kind)
            if mode.is_write:
                raise fail(
                    ErrorDetail.VARIABLE_ALREADY_BOUND,
                    f"variable '{variable.name}' is already defined; {mode.value} needs a "
                    "new relationship",
                    variable.span,
                )
            if existing in relationships:
                raise fail(
                    ErrorDetail.RELATIONSHIP_UNIQUENESS_VIOLATION,
                    f"relationship variable '{variable.name}' is used more than once in "
                    "one pattern",
                    variable.span,
                    hint="a relationship is matched at most once per MATCH",
                )
        if mode.is_write:
            _check_writable(rel, mode)
        if existing is not None:
            relationships.add(existing)
            return _Part(rel, existing, False)
        if variable is None:
            symbol = self.state.symbols.anonymous(kind, _REL_TYPES[kind])
        elif mode is PatternMode.PREDICATE:
            raise _new_in_predicate(variable, scope)
        else:
            symbol = self.state.symbols.new(variable.name, kind, _REL_TYPES[kind])
            scope.declare(symbol)
        relationships.add(symbol)
        return _Part(rel, symbol, True)

    # -----------------------------------------------------------------------------------
    # second pass: property maps, lengths, notes

    def _finish(
        self,
        pattern: ast.PathPattern,
        path_symbol: Symbol | None,
        parts: list[_Part],
        ctx: ExprContext,
        mode: PatternMode,
    ) -> BPathPattern:
        elements: list[BNodePattern | BRelPattern] = []
        for part in parts:
            properties = self._properties(part.element.properties, ctx, mode)
            element = part.element
            if isinstance(element, ast.NodePattern):
                self._note(mode, "label", element.labels, element)
                elements.append(
                    BNodePattern(
                        origin=element.span,
                        symbol=part.symbol,
                        labels=element.labels,
                        properties=properties,
                        is_new=part.is_new,
                    )
                )
            else:
                self._note(mode, "relationship type", element.types, element)
                elements.append(
                    BRelPattern(
                        origin=element.span,
                        symbol=part.symbol,
                        types=element.types,
                        direction=element.direction,
                        length=_length(element),
                        properties=properties,
                        is_new=part.is_new,
                    )
                )
        return BPathPattern(
            origin=pattern.span,
            path_symbol=path_symbol,
            elements=tuple(elements),
            shortest=pattern.shortest,
        )

    def _properties(
        self, properties: ast.MapLiteral | ast.Parameter | None, ctx: ExprContext, mode: PatternMode
    ) -> BExpr | None:
        if properties is None:
            return None
        if isinstance(properties, ast.Parameter):
            if mode is not PatternMode.CREATE:
                raise fail(
                    ErrorDetail.INVALID_PARAMETER_USE,
                    f"parameter '${properties.name}' cannot be used as a property map in "
                    f"{mode.value}",
                    properties.span,
                    hint=f"write the properties out, e.g. {{name: ${properties.name}.name}}",
                )
            self.state.parameters.add(properties.name)
            return BParameter(origin=properties.span, type=t.MAP, name=properties.name)
        return self.expressions.bind(properties, ctx)

    def _note(
        self,
        mode: PatternMode,
        what: str,
        names: tuple[str, ...],
        element: ast.NodePattern | ast.RelationshipPattern,
    ) -> None:
        if mode.is_write or self.state.catalog is None:
            return
        for name in names:
            self.state.note_unknown(what, name, element.span)
        if isinstance(element.properties, ast.MapLiteral):
            for entry in element.properties.entries:
                self.state.note_unknown("property key", entry.key, entry.span)


def _length(rel: ast.RelationshipPattern) -> tuple[int, int | None] | None:
    if rel.length is None:
        return None
    low = 1 if rel.length.min is None else rel.length.min
    high = rel.length.max
    if low < 0 or (high is not None and high < 0):
        raise fail(
            ErrorDetail.INVALID_RELATIONSHIP_PATTERN,
            "variable-length bounds must not be negative",
            rel.length.span,
        )
    return low, high


def _check_writable(rel: ast.RelationshipPattern, mode: PatternMode) -> None:
    """CREATE and MERGE make exactly one relationship of exactly one type."""
    if rel.length is not None:
        raise fail(
            ErrorDetail.CREATING_VAR_LENGTH,
            f"{mode.value} cannot create a variable-length relationship",
            rel.span,
        )
    if len(rel.types) != 1:
        found = "no type" if not rel.types else f"{len(rel.types)} types"
        raise fail(
            ErrorDetail.NO_SINGLE_RELATIONSHIP_TYPE,
            f"{mode.value} needs exactly one relationship type, this relationship has {found}",
            rel.span,
            hint="write one type, as in -[:KNOWS]->",
        )
    if mode is PatternMode.CREATE and rel.direction is Direction.BOTH:
        raise fail(
            ErrorDetail.REQUIRES_DIRECTED_RELATIONSHIP,
            "CREATE needs a directed relationship",
            rel.span,
            hint="use -[...]-> or <-[...]-",
        )


def _check_shortest(pattern: ast.PathPattern, mode: PatternMode) -> None:
    if pattern.shortest is None:
        return
    if mode.is_write:
        raise fail(
            ErrorDetail.INVALID_RELATIONSHIP_PATTERN,
            f"{pattern.shortest}() cannot be used in {mode.value}",
            pattern.span,
        )
    if len(pattern.relationships) != 1:
        raise fail(
            ErrorDetail.INVALID_RELATIONSHIP_PATTERN,
            f"{pattern.shortest}() needs a pattern with exactly one relationship",
            pattern.span,
        )


def _type_conflict(variable: ast.Variable, existing: Symbol, wanted: VarKind) -> Exception:
    have = existing.kind if existing.kind is not VarKind.VALUE else existing.type
    return fail(
        ErrorDetail.VARIABLE_TYPE_CONFLICT,
        f"variable '{variable.name}' is a {have} and cannot be used as a {wanted}",
        variable.span,
    )


def _new_in_predicate(variable: ast.Variable, scope: Scope) -> Exception:
    error = undefined_variable(variable.name, variable.span, scope.names())
    error.hint = "a pattern predicate cannot introduce new variables; use EXISTS { MATCH ... }"
    return error


def _conjuncts(expr: BExpr | None) -> list[BExpr]:
    if expr is None:
        return []
    if isinstance(expr, BBinary) and expr.op is BinaryOp.AND:
        return [*_conjuncts(expr.left), *_conjuncts(expr.right)]
    return [expr]
