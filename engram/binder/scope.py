"""Variable scopes and visibility across WITH/RETURN boundaries, comprehensions and subqueries.

A `Scope` maps names to `Symbol`s. Clauses declare into the scope of their query part;
WITH and RETURN start a new one holding only what they project; comprehensions,
pattern comprehensions and subqueries open a child scope whose lookups fall through to
the parent (that is how correlated subqueries see outer variables). `SymbolTable` hands
out the statement-unique symbol ids.
"""

from __future__ import annotations

from engram.binder.bound import Symbol, VarKind
from engram.types import ANY, CypherType

__all__ = ["Scope", "SymbolTable"]


class SymbolTable:
    """Allocates symbols with ids unique within one bound statement."""

    def __init__(self) -> None:
        self._next_id = 0
        self._next_anonymous = 0

    def new(self, name: str, kind: VarKind, type_: CypherType = ANY) -> Symbol:
        """A fresh symbol for a variable the user named."""
        self._next_id += 1
        return Symbol(name=name, id=self._next_id, kind=kind, type=type_)

    def anonymous(self, kind: VarKind, type_: CypherType = ANY) -> Symbol:
        """A fresh symbol for an unnamed pattern part (`()`, `-->`)."""
        self._next_id += 1
        self._next_anonymous += 1
        return Symbol(
            name=f"  anon_{self._next_anonymous}",
            id=self._next_id,
            kind=kind,
            type=type_,
            anonymous=True,
        )


class Scope:
    """The names visible at one point of a query, with an optional enclosing scope."""

    __slots__ = ("_symbols", "parent")

    def __init__(
        self, symbols: dict[str, Symbol] | None = None, parent: Scope | None = None
    ) -> None:
        self._symbols: dict[str, Symbol] = dict(symbols or {})
        self.parent = parent

    def lookup(self, name: str) -> Symbol | None:
        """The symbol `name` refers to here, searching enclosing scopes too."""
        scope: Scope | None = self
        while scope is not None:
            found = scope._symbols.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None

    def declare(self, symbol: Symbol) -> None:
        """Make `symbol` visible under its name (anonymous symbols are never looked up)."""
        self._symbols[symbol.name] = symbol

    def child(self) -> Scope:
        """A new scope nested in this one."""
        return Scope(parent=self)

    def visible(self) -> dict[str, Symbol]:
        """Every visible name and its symbol; inner declarations hide outer ones."""
        chain: list[Scope] = []
        scope: Scope | None = self
        while scope is not None:
            chain.append(scope)
            scope = scope.parent
        merged: dict[str, Symbol] = {}
        for each in reversed(chain):
            merged.update(each._symbols)
        return merged

    def user_variables(self) -> list[Symbol]:
        """Visible variables the user named, sorted by name (what `RETURN *` projects)."""
        named = (s for s in self.visible().values() if not s.anonymous)
        return sorted(named, key=lambda symbol: symbol.name)

    def names(self) -> list[str]:
        """Visible user variable names, for suggestions."""
        return [symbol.name for symbol in self.user_variables()]
