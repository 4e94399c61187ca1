"""Shape and type checks shared by the expression and clause binders.

Each check rejects only what is certainly wrong (types ANY and NULL always pass; the
runtime checks again) and raises the openCypher kind and detail for it.
"""

from __future__ import annotations

from typing import Final

from engram import types as t
from engram.binder import inference
from engram.binder.bound import BExpr, BVariable, Symbol, VarKind
from engram.binder.diagnostics import fail, type_error
from engram.binder.scope import Scope
from engram.binder.walk import referenced_symbols
from engram.errors import ErrorDetail, ErrorKind, Span
from engram.types import TypeKind

__all__ = [
    "check_boolean_operand",
    "check_has_properties",
    "check_index",
    "check_list_source",
    "described",
    "outer_symbols",
]

#: values that have no properties: `x.key` on them is a TypeError
_NO_PROPERTIES: Final = frozenset(
    {
        TypeKind.BOOLEAN,
        TypeKind.INTEGER,
        TypeKind.FLOAT,
        TypeKind.NUMBER,
        TypeKind.STRING,
        TypeKind.LIST,
        TypeKind.PATH,
    }
)
#: pattern variables that are not single entities
_ENTITY_KINDS: Final = frozenset({VarKind.PATH, VarKind.RELATIONSHIP_LIST})


def outer_symbols(body: object, outer: Scope) -> tuple[Symbol, ...]:
    """The symbols of `outer` that a subquery or comprehension body refers to, by id."""
    found = [s for s in referenced_symbols(body) if outer.lookup(s.name) == s]
    return tuple(sorted(found, key=lambda symbol: symbol.id))


def check_has_properties(subject: BExpr, key: str, span: Span) -> None:
    """Reject `x.key` where x certainly has no properties (a number, a path, ...).

    A path or a relationship list bound by a pattern is a SyntaxError (the variable's
    kind is wrong); other values are a TypeError (openCypher's split).
    """
    if isinstance(subject, BVariable) and subject.symbol.kind in _ENTITY_KINDS:
        raise fail(
            ErrorDetail.INVALID_ARGUMENT_TYPE,
            f"type mismatch: {subject.symbol.kind} '{subject.symbol.name}' has no property '{key}'",
            span,
        )
    if subject.type.kind in _NO_PROPERTIES:
        raise type_error(
            f"type mismatch: cannot read property '{key}' of {described(subject)}",
            span,
        )


def check_index(index: BExpr, wanted: t.CypherType, detail: ErrorDetail) -> None:
    """Reject an index (or slice bound) whose type is certainly not `wanted`."""
    if inference.is_known(index.type) and not wanted.accepts(index.type):
        raise fail(
            detail,
            f"type mismatch: expected {wanted} as index but got {described(index)}",
            index.origin,
            kind=ErrorKind.TYPE_ERROR,
        )


def check_boolean_operand(operand: BExpr, op: str, span: Span) -> None:
    """Reject an operand of AND / OR / XOR / NOT that is certainly not a BOOLEAN."""
    if not inference.accepts_boolean(operand.type):
        raise fail(
            ErrorDetail.INVALID_ARGUMENT_TYPE,
            f"type mismatch: {op} expects BOOLEAN operands but got {described(operand)}",
            span,
        )


def check_list_source(source: BExpr, place: str) -> None:
    """Reject what a comprehension or quantifier iterates over when it is certainly no list."""
    if source.type.kind not in (TypeKind.LIST, TypeKind.ANY, TypeKind.NULL):
        raise fail(
            ErrorDetail.INVALID_ARGUMENT_TYPE,
            f"type mismatch: a {place} iterates over a LIST, not {described(source)}",
            source.origin,
        )


def described(bound: BExpr) -> str:
    """A bound expression as messages name it: its type, and the variable's name if any."""
    if isinstance(bound, BVariable):
        return f"{bound.type} '{bound.symbol.name}'"
    return str(bound.type)
