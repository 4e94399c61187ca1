"""Generic traversal of bound expressions: children, rewriting, free symbols, conjuncts.

Bound expressions are frozen dataclasses whose sub-expressions sit in fields holding a
`BExpr`, a tuple of them, or tuples of pairs (CASE branches, map entries, map projection
items). These helpers walk all of those shapes so that rules and the planner never
hand-write a traversal per expression class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import fields, replace
from typing import Any

from engram.binder.bound import (
    BAggregate,
    BBinary,
    BExists,
    BExpr,
    BListComprehension,
    BPatternComprehension,
    BQuantifier,
    BReduce,
    BVariable,
    Symbol,
)
from engram.parser.ast import BinaryOp

__all__ = [
    "and_all",
    "children",
    "conjuncts",
    "contains_aggregate",
    "free_symbols",
    "transform",
    "walk",
]

_SKIP_FIELDS = frozenset({"origin", "type", "spec", "symbol", "variable", "accumulator", "plan"})


def _sub(value: Any) -> Iterator[BExpr]:
    if isinstance(value, BExpr):
        yield value
    elif isinstance(value, tuple):
        for item in value:
            yield from _sub(item)


def children(expr: BExpr) -> Iterator[BExpr]:
    """Direct sub-expressions of `expr` (not those inside planned subqueries)."""
    scoped = getattr(type(expr), "scoped_fields", ())
    for item in fields(expr):
        if item.name in _SKIP_FIELDS or item.name in scoped:
            continue
        yield from _sub(getattr(expr, item.name))


def walk(expr: BExpr) -> Iterator[BExpr]:
    """`expr` and every sub-expression, pre-order, iteratively."""
    stack = [expr]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(children(current))


def _rebuild(value: Any, fn: Callable[[BExpr], BExpr | None]) -> Any:
    if isinstance(value, BExpr):
        return transform(value, fn)
    if isinstance(value, tuple):
        return tuple(_rebuild(item, fn) for item in value)
    return value


def transform(expr: BExpr, fn: Callable[[BExpr], BExpr | None]) -> BExpr:
    """Rewrite bottom-up: children first, then `fn` on the rebuilt node (None keeps it)."""
    changes = {}
    scoped = getattr(type(expr), "scoped_fields", ())
    for item in fields(expr):
        if item.name in _SKIP_FIELDS or item.name in scoped:
            continue
        old = getattr(expr, item.name)
        new = _rebuild(old, fn)
        if new is not old and new != old:
            changes[item.name] = new
    rebuilt = replace(expr, **changes) if changes else expr
    replacement = fn(rebuilt)
    return rebuilt if replacement is None else replacement


def free_symbols(expr: BExpr) -> frozenset[Symbol]:
    """Symbols `expr` needs from its row (variables bound inside it are excluded)."""
    used: set[Symbol] = set()
    inner: set[Symbol] = set()
    for node in walk(expr):
        match node:
            case BVariable(symbol=symbol):
                used.add(symbol)
            case BListComprehension(variable=var) | BQuantifier(variable=var):
                inner.add(var)
            case BReduce(accumulator=acc, variable=var):
                inner.update((acc, var))
            case BExists(outer=outer) | BPatternComprehension(outer=outer):
                used.update(outer)
            case _:
                referenced = getattr(node, "referenced_symbols", None)
                if referenced is not None:
                    used.update(referenced())
                plan = getattr(node, "plan", None)
                if plan is not None:
                    used.update(_plan_arguments(plan))
    return frozenset(used - inner)


def symbols_read(exprs: Iterable[BExpr]) -> frozenset[Symbol]:
    """The symbols any of `exprs` reads."""
    read: set[Symbol] = set()
    for expr in exprs:
        read |= free_symbols(expr)
    return frozenset(read)


def _plan_arguments(plan: Any) -> tuple[Symbol, ...]:
    # the leaf of a nested plan is a Start whose arguments are the outer symbols it needs
    current = plan
    while True:
        kids = current.children
        if not kids:
            return tuple(getattr(current, "arguments", ()))
        current = kids[0]


def contains_aggregate(expr: BExpr) -> bool:
    """Whether an aggregate call occurs in `expr` (outside nested subqueries)."""
    return any(isinstance(node, BAggregate) for node in walk(expr))


def conjuncts(expr: BExpr | None) -> tuple[BExpr, ...]:
    """Split nested ANDs into their operands (None gives nothing)."""
    if expr is None:
        return ()
    out: list[BExpr] = []
    stack = [expr]
    while stack:
        current = stack.pop()
        if isinstance(current, BBinary) and current.op is BinaryOp.AND:
            stack.extend((current.right, current.left))
        else:
            out.append(current)
    return tuple(out)


def and_all(predicates: tuple[BExpr, ...]) -> BExpr | None:
    """Join predicates with AND (None for none)."""
    if not predicates:
        return None
    result = predicates[0]
    for predicate in predicates[1:]:
        result = BBinary(
            op=BinaryOp.AND,
            left=result,
            right=predicate,
            origin=result.origin.cover(predicate.origin),
            type=predicate.type,
        )
    return result
