"""Invariants checked after every rule in test mode: a bad rewrite is a bug, said early.

- the plan's output symbols are unchanged (as a set: pattern planning may reorder them);
- every symbol an operator's expressions read is produced by its input.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from engram.binder.bound import BExpr, Symbol
from engram.errors import InternalError
from engram.planner.expressions import free_symbols
from engram.planner.operators import LogicalOp, Union

__all__ = ["verify"]


def verify(before: LogicalOp, after: LogicalOp, rule: str) -> None:
    """Raise InternalError naming `rule` when `after` breaks an invariant."""
    if set(before.fields) != set(after.fields):
        raise InternalError(f"optimizer rule {rule!r} changed the plan's output fields")
    _check_bound(after, rule)


def _check_bound(op: LogicalOp, rule: str) -> None:
    for child in op.children:
        _check_bound(child, rule)
    if isinstance(op, Union) or not op.children:
        return
    available = set(op.children[0].fields)
    for item in fields(op):
        if item.name in ("child", "left", "right", "parts", "inner", "match", "create"):
            continue
        for expr in _expressions(getattr(op, item.name)):
            missing = free_symbols(expr) - available - _introduced(op)
            if missing:
                names = ", ".join(sorted(repr(s) for s in missing))
                raise InternalError(
                    f"optimizer rule {rule!r} left {op.name} reading unbound {names}"
                )


def _introduced(op: LogicalOp) -> set[Symbol]:
    # symbols an operator binds itself and may read in its own expressions
    own = {getattr(op, name, None) for name in ("symbol", "step_symbol", "rel", "target")}
    fields_out = set(op.fields)
    return {s for s in own if isinstance(s, Symbol)} | fields_out


def _expressions(value: Any) -> list[BExpr]:
    if isinstance(value, BExpr):
        return [value]
    if isinstance(value, tuple):
        return [e for item in value for e in _expressions(item)]
    return []
