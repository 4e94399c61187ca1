"""Binding state shared by one `bind` call, and the per-expression binding context.

`BinderState` is mutable and lives for one statement: the symbol table, the parameters
seen, catalog notes, and whether the statement writes. `ExprContext` is immutable and
says what an expression position allows: which scope it resolves names in, whether
aggregates may appear, whether it is a predicate (where pattern predicates are allowed),
and which projected expressions ORDER BY may refer to.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from engram.binder.bound import BNote, Symbol
from engram.binder.scope import Scope, SymbolTable
from engram.binder.suggestions import did_you_mean
from engram.errors import Span
from engram.execution.procedures import ProcedureRegistry
from engram.parser import ast

__all__ = ["Aggregates", "BinderState", "Catalog", "ExprContext", "Substitution"]


class Catalog(Protocol):
    """What the binder reads from the catalog: the names that exist (for hints only)."""

    def label_names(self) -> Iterable[str]:
        """Every label name in the graph."""
        ...

    def type_names(self) -> Iterable[str]:
        """Every relationship type name in the graph."""
        ...

    def property_key_names(self) -> Iterable[str]:
        """Every property key in the graph."""
        ...


class Aggregates(enum.Enum):
    """Whether an expression position may hold aggregate function calls."""

    ALLOWED = "allowed"
    FORBIDDEN = "forbidden"
    #: inside the arguments of an aggregate: another aggregate is a NestedAggregation
    NESTED = "nested"


@dataclass(frozen=True, slots=True)
class Substitution:
    """An ORDER BY rewrite: an expression equal to `expression` refers to `symbol`."""

    expression: ast.Expr
    symbol: Symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class ExprContext:
    """What an expression position allows.

    Attributes:
        scope: where names are resolved.
        aggregates: whether aggregates may appear.
        place: the clause or position, for messages (`"WHERE"`, `"ORDER BY"`).
        predicate: a truth-value position (WHERE, operands of AND / OR / XOR / NOT,
            conditions of the generic CASE, exists()): pattern predicates `(a)-->(b)` are
            allowed only here.
        substitutions: projected expressions ORDER BY refers to by equality.
        hidden: variables visible before a DISTINCT or aggregating projection that it
            drops: reachable only through a substitution; a bare use is an error that says
            so.
        grouped: the hidden variables behind the grouping keys of an aggregating
            projection.
        hidden_is_ambiguous: the expression aggregates, so a bare use of a grouped
            variable is AmbiguousAggregationExpression rather than UndefinedVariable.
    """

    scope: Scope
    aggregates: Aggregates = Aggregates.FORBIDDEN
    place: str = "this position"
    predicate: bool = False
    substitutions: tuple[Substitution, ...] = ()
    hidden: Mapping[str, Symbol] = field(default_factory=dict)
    grouped: frozenset[str] = frozenset()
    hidden_is_ambiguous: bool = False

    def with_scope(self, scope: Scope) -> ExprContext:
        """The same position resolving names in `scope`."""
        return replace(self, scope=scope)

    def value(self) -> ExprContext:
        """A non-predicate operand position (pattern predicates are not allowed there)."""
        return self if not self.predicate else replace(self, predicate=False)

    def as_predicate(self) -> ExprContext:
        """A predicate position (WHERE of a comprehension, operand of AND / NOT)."""
        return self if self.predicate else replace(self, predicate=True)

    def without_aggregates(self, place: str) -> ExprContext:
        """A position where aggregates are not allowed (comprehension bodies)."""
        return replace(self, aggregates=Aggregates.FORBIDDEN, place=place)


class BinderState:
    """Mutable state of one `bind` call."""

    def __init__(self, procedures: ProcedureRegistry, catalog: Catalog | None) -> None:
        self.symbols = SymbolTable()
        self.procedures = procedures
        self.catalog = catalog
        self.parameters: set[str] = set()
        self.notes: list[BNote] = []
        self.is_updating = False
        self._catalog_names: dict[str, frozenset[str]] = {}

    def note_unknown(self, what: str, name: str, span: Span) -> None:
        """Add an EXPLAIN note when the catalog is known and lacks a label / type / key."""
        if self.catalog is None:
            return
        names = self._names(what)
        if name in names:
            return
        prefix = {"label": ":", "relationship type": ":", "property key": ""}[what]
        shown = f"{prefix}{name}"
        if any(note.message.startswith(f"{what} '{shown}'") for note in self.notes):
            return
        self.notes.append(
            BNote(
                message=f"{what} '{shown}' does not exist in the graph",
                span=span,
                hint=did_you_mean(name, names, prefix=prefix),
            )
        )

    def _names(self, what: str) -> frozenset[str]:
        cached = self._catalog_names.get(what)
        if cached is None:
            assert self.catalog is not None
            source = {
                "label": self.catalog.label_names,
                "relationship type": self.catalog.type_names,
                "property key": self.catalog.property_key_names,
            }[what]
            cached = frozenset(source())
            self._catalog_names[what] = cached
        return cached
