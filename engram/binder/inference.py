"""Type inference rules: joins, arithmetic results, what each operator and access accepts.

Types are only ever used to reject what is certainly wrong: `ANY` (unknown) and `NULL`
are accepted everywhere and the check is made again at runtime. A rule returns None
when the combination is certainly an error.
"""

from __future__ import annotations

from typing import Final

from engram import types as t
from engram.binder.bound import BinaryOp, Symbol, VarKind
from engram.types import CypherType, ListType, TypeKind

__all__ = [
    "NUMERIC",
    "TEMPORAL",
    "accepts_boolean",
    "arithmetic",
    "element_type",
    "is_known",
    "join",
    "join_all",
    "kind_for_type",
    "literal_type",
    "negation",
    "type_for_kind",
]

NUMERIC: Final = frozenset({TypeKind.INTEGER, TypeKind.FLOAT, TypeKind.NUMBER})
TEMPORAL: Final = frozenset(
    {
        TypeKind.DATE,
        TypeKind.TIME,
        TypeKind.LOCALTIME,
        TypeKind.DATETIME,
        TypeKind.LOCALDATETIME,
    }
)
_UNKNOWN: Final = frozenset({TypeKind.ANY, TypeKind.NULL})


def is_known(type_: CypherType) -> bool:
    """Whether the type says something definite (not ANY, not NULL)."""
    return type_.kind not in _UNKNOWN


def literal_type(value: object) -> CypherType:
    """The type of a scalar literal value."""
    if value is None:
        return t.NULL
    if isinstance(value, bool):
        return t.BOOLEAN
    if isinstance(value, int):
        return t.INTEGER
    if isinstance(value, float):
        return t.FLOAT
    return t.STRING


def join(left: CypherType, right: CypherType) -> CypherType:
    """The most specific type covering both (the type of `CASE` results, list elements)."""
    if left == right:
        return left
    if left.kind is TypeKind.NULL:
        return right
    if right.kind is TypeKind.NULL:
        return left
    if left.kind in NUMERIC and right.kind in NUMERIC:
        return t.NUMBER
    if isinstance(left, ListType) and isinstance(right, ListType):
        return t.list_of(join(left.element, right.element))
    return t.ANY


def join_all(types: list[CypherType], empty: CypherType = t.ANY) -> CypherType:
    """`join` over a list of types; `empty` when there are none."""
    if not types:
        return empty
    result = types[0]
    for each in types[1:]:
        result = join(result, each)
    return result


def element_type(type_: CypherType) -> CypherType:
    """The element type of a list type; ANY for unknown; NULL for NULL."""
    if isinstance(type_, ListType):
        return type_.element
    if type_.kind is TypeKind.NULL:
        return t.NULL
    return t.ANY


def accepts_boolean(type_: CypherType) -> bool:
    """Whether a value of this type may be an operand of AND / OR / XOR / NOT or a predicate."""
    return type_.kind in (TypeKind.BOOLEAN, TypeKind.ANY, TypeKind.NULL)


def kind_for_type(type_: CypherType) -> VarKind:
    """The variable kind a projected value of this type has."""
    if type_.kind is TypeKind.NODE:
        return VarKind.NODE
    if type_.kind is TypeKind.RELATIONSHIP:
        return VarKind.RELATIONSHIP
    if type_.kind is TypeKind.PATH:
        return VarKind.PATH
    return VarKind.VALUE


def type_for_kind(kind: VarKind) -> CypherType:
    """The type of the values a pattern variable of this kind holds."""
    return _KIND_TYPES[kind]


_KIND_TYPES: Final[dict[VarKind, CypherType]] = {
    VarKind.NODE: t.NODE,
    VarKind.RELATIONSHIP: t.RELATIONSHIP,
    VarKind.RELATIONSHIP_LIST: t.list_of(t.RELATIONSHIP),
    VarKind.PATH: t.PATH,
    VarKind.VALUE: t.ANY,
}


def symbol_accepts(symbol: Symbol, wanted: VarKind) -> bool:
    """Whether an existing symbol can be used as a pattern variable of kind `wanted`."""
    if symbol.kind is wanted:
        return True
    if symbol.kind is not VarKind.VALUE:
        return False
    # a projected value of unknown (or the right) type: checked again when the plan runs
    return type_for_kind(wanted).accepts(symbol.type)


def _numeric(left: CypherType, right: CypherType, op: BinaryOp) -> CypherType:
    if op is BinaryOp.POW:
        return t.FLOAT
    if left.kind is TypeKind.INTEGER and right.kind is TypeKind.INTEGER:
        return t.INTEGER
    if TypeKind.FLOAT in (left.kind, right.kind):
        return t.FLOAT
    return t.NUMBER


def _add(left: CypherType, right: CypherType) -> CypherType | None:
    if isinstance(left, ListType):
        return t.list_of(join(left.element, element_type(right) if _is_list(right) else right))
    if isinstance(right, ListType):
        return t.list_of(join(left, right.element))
    if left.kind is TypeKind.STRING and (right.kind is TypeKind.STRING or right.kind in NUMERIC):
        return t.STRING
    if right.kind is TypeKind.STRING and left.kind in NUMERIC:
        return t.STRING
    return _temporal(left, right, BinaryOp.ADD)


def _is_list(type_: CypherType) -> bool:
    return isinstance(type_, ListType)


def _temporal(left: CypherType, right: CypherType, op: BinaryOp) -> CypherType | None:
    duration = TypeKind.DURATION
    if op in (BinaryOp.ADD, BinaryOp.SUB):
        if left.kind in TEMPORAL and right.kind is duration:
            return left
        if left.kind is duration and right.kind is duration:
            return t.DURATION
        if op is BinaryOp.ADD and left.kind is duration and right.kind in TEMPORAL:
            return right
        return None
    if op is BinaryOp.MUL and duration in (left.kind, right.kind):
        other = right if left.kind is duration else left
        return t.DURATION if other.kind in NUMERIC else None
    if op is BinaryOp.DIV and left.kind is duration and right.kind in NUMERIC:
        return t.DURATION
    return None


def arithmetic(op: BinaryOp, left: CypherType, right: CypherType) -> CypherType | None:
    """The result type of `left op right` for + - * / % ^, or None if certainly invalid."""
    if op is BinaryOp.ADD and (_is_list(left) or _is_list(right)):
        return _add(left, right)  # `[1] + null` is `[1, null]`
    if TypeKind.NULL in (left.kind, right.kind):
        return t.NULL
    if TypeKind.ANY in (left.kind, right.kind):
        return _partial(op, left, right)
    if left.kind in NUMERIC and right.kind in NUMERIC:
        return _numeric(left, right, op)
    if op is BinaryOp.ADD:
        return _add(left, right)
    if op in (BinaryOp.MOD, BinaryOp.POW):
        return None
    return _temporal(left, right, op)


def _partial(op: BinaryOp, left: CypherType, right: CypherType) -> CypherType | None:
    """One side unknown: reject only a known side that no operand could combine with."""
    known = right if left.kind is TypeKind.ANY else left
    if op is BinaryOp.ADD or known.kind is TypeKind.ANY:
        # anything can be added to a list, so with an unknown side only lists are certain
        return t.list_of(t.ANY) if isinstance(known, ListType) else t.ANY
    if op is BinaryOp.POW:
        return t.FLOAT if known.kind in NUMERIC else None
    if op is BinaryOp.MOD:
        return t.ANY if known.kind in NUMERIC else None
    allowed = NUMERIC | {TypeKind.DURATION}
    if op is BinaryOp.SUB:
        allowed = allowed | TEMPORAL
    return t.ANY if known.kind in allowed else None


def negation(operand: CypherType) -> CypherType | None:
    """The type of `-x` / `+x`, or None if certainly invalid."""
    if operand.kind in NUMERIC or operand.kind in _UNKNOWN or operand.kind is TypeKind.DURATION:
        return operand
    return None


def describe(type_: CypherType) -> str:
    """A type as error messages name it (`INTEGER`, `LIST<STRING>`)."""
    return str(type_)
