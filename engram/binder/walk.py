"""Iterative walks over bound trees: children, referenced symbols, aggregates.

Every walk here uses an explicit stack, so deeply nested bound trees never hit Python's
recursion limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields, is_dataclass

from engram.binder.bound import (
    BAggregate,
    BExists,
    BExpr,
    BListComprehension,
    BNodePattern,
    BPathPattern,
    BPatternComprehension,
    BQuantifier,
    BReduce,
    BRelPattern,
    BVariable,
    Symbol,
)

__all__ = ["bound_children", "contains_aggregate", "introduced_symbols", "referenced_symbols"]


#: fields that hold no bound children: spans, types, registry entries
_SKIPPED = frozenset({"origin", "type", "spec", "procedure"})


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = tuple(f.name for f in fields(cls) if f.name not in _SKIPPED)
        _FIELD_NAMES[cls] = names
    return names


def bound_children(node: object) -> Iterator[object]:
    """The bound nodes directly below `node` (tuples, pairs and triples are flattened)."""
    for name in _field_names(type(node)):
        yield from _flatten(getattr(node, name))


def _flatten(value: object) -> Iterator[object]:
    if isinstance(value, tuple):
        for item in value:
            yield from _flatten(item)
    elif is_dataclass(value) and not isinstance(value, type | Symbol):
        yield value


def _walk(node: object, *, into_subqueries: bool) -> Iterator[object]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        if not into_subqueries and isinstance(current, BExists | BPatternComprehension):
            continue
        stack.extend(bound_children(current))


def contains_aggregate(expr: BExpr) -> bool:
    """Whether an aggregate appears in `expr` (not counting those inside subqueries)."""
    return any(isinstance(node, BAggregate) for node in _walk(expr, into_subqueries=False))


def introduced_symbols(node: object) -> set[Symbol]:
    """Symbols introduced inside `node`: comprehension variables and new pattern parts."""
    found: set[Symbol] = set()
    for current in _walk(node, into_subqueries=True):
        if isinstance(current, BListComprehension | BQuantifier):
            found.add(current.variable)
        elif isinstance(current, BReduce):
            found.update((current.accumulator, current.variable))
        elif isinstance(current, BNodePattern | BRelPattern) and current.is_new:
            found.add(current.symbol)
        elif isinstance(current, BPathPattern) and current.path_symbol is not None:
            found.add(current.path_symbol)
    return found


def referenced_symbols(node: object) -> list[Symbol]:
    """Every symbol `node` refers to (variables and pattern parts), in first-seen order."""
    seen: dict[Symbol, None] = {}
    for current in _walk(node, into_subqueries=True):
        if isinstance(current, BVariable | BNodePattern | BRelPattern):
            seen.setdefault(current.symbol)
        elif isinstance(current, BExists | BPatternComprehension):
            for symbol in current.outer:
                seen.setdefault(symbol)
    return list(seen)
