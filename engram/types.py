"""Logical types of the language, used for inference, signatures and compile-time checks.

Types form a small lattice: `ANY` is the top; `NUMBER` covers `INTEGER` and `FLOAT`;
`LIST` carries an element type. `NULL` is the type of the literal `null`, which is
compatible with everything. Runtime values are plain Python values (see
`docs/adr/0003-runtime-values.md`); these types describe them, they do not wrap them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "ANY",
    "BOOLEAN",
    "DATE",
    "DATETIME",
    "DURATION",
    "FLOAT",
    "INTEGER",
    "LOCALDATETIME",
    "LOCALTIME",
    "MAP",
    "NODE",
    "NULL",
    "NUMBER",
    "PATH",
    "RELATIONSHIP",
    "STRING",
    "TIME",
    "CypherType",
    "ListType",
    "TypeKind",
    "list_of",
]


class TypeKind(enum.StrEnum):
    """The kinds of logical types."""

    ANY = "ANY"
    NULL = "NULL"
    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    NUMBER = "NUMBER"
    STRING = "STRING"
    LIST = "LIST"
    MAP = "MAP"
    NODE = "NODE"
    RELATIONSHIP = "RELATIONSHIP"
    PATH = "PATH"
    DATE = "DATE"
    LOCALTIME = "LOCALTIME"
    TIME = "TIME"
    LOCALDATETIME = "LOCALDATETIME"
    DATETIME = "DATETIME"
    DURATION = "DURATION"


@dataclass(frozen=True, slots=True)
class CypherType:
    """A logical type; compare with `==`, test compatibility with `accepts`."""

    kind: TypeKind

    def accepts(self, other: CypherType) -> bool:
        """Whether a value of type `other` may be used where `self` is expected.

        Unknown (`ANY`) and `NULL` values are always accepted: the check is made again at
        runtime where it matters.
        """
        if self.kind is TypeKind.ANY or other.kind in (TypeKind.ANY, TypeKind.NULL):
            return True
        if self.kind is TypeKind.NUMBER:
            return other.kind in (TypeKind.INTEGER, TypeKind.FLOAT, TypeKind.NUMBER)
        if other.kind is TypeKind.NUMBER:
            return self.kind in (TypeKind.INTEGER, TypeKind.FLOAT)
        if self.kind is TypeKind.MAP:
            # nodes and relationships can be used where a map is expected (property access)
            return other.kind in (TypeKind.MAP, TypeKind.NODE, TypeKind.RELATIONSHIP)
        if isinstance(self, ListType) and isinstance(other, ListType):
            return self.element.accepts(other.element)
        return self.kind is other.kind

    def __str__(self) -> str:
        return self.kind.value


@dataclass(frozen=True, slots=True)
class ListType(CypherType):
    """`LIST<element>`."""

    element: CypherType

    def __str__(self) -> str:
        return f"LIST<{self.element}>"


def list_of(element: CypherType) -> ListType:
    """The list type with the given element type."""
    return ListType(TypeKind.LIST, element)


ANY = CypherType(TypeKind.ANY)
NULL = CypherType(TypeKind.NULL)
BOOLEAN = CypherType(TypeKind.BOOLEAN)
INTEGER = CypherType(TypeKind.INTEGER)
FLOAT = CypherType(TypeKind.FLOAT)
NUMBER = CypherType(TypeKind.NUMBER)
STRING = CypherType(TypeKind.STRING)
MAP = CypherType(TypeKind.MAP)
NODE = CypherType(TypeKind.NODE)
RELATIONSHIP = CypherType(TypeKind.RELATIONSHIP)
PATH = CypherType(TypeKind.PATH)
DATE = CypherType(TypeKind.DATE)
LOCALTIME = CypherType(TypeKind.LOCALTIME)
TIME = CypherType(TypeKind.TIME)
LOCALDATETIME = CypherType(TypeKind.LOCALDATETIME)
DATETIME = CypherType(TypeKind.DATETIME)
DURATION = CypherType(TypeKind.DURATION)
