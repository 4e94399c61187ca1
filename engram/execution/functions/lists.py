"""List and map functions: size, head, last, tail, range, reverse, keys, isEmpty.

`size` and `reverse` also take strings. `keys` and `properties` here cover maps; the
engine registers entity-aware versions (nodes and relationships need the store) that
fall back to `map_keys` / `map_properties`. `range` refuses to build a list longer than
`MAX_RANGE_LENGTH` elements (ArgumentError ResourceLimit) rather than exhaust memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.faults import argument_error, type_error, type_name
from engram.execution.functions.checks import expect_list, expect_map
from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.execution.memory import charge_active
from engram.types import (
    ANY,
    BOOLEAN,
    INTEGER,
    MAP,
    STRING,
    CypherType,
    ListType,
    TypeKind,
    list_of,
)

__all__ = [
    "MAX_RANGE_LENGTH",
    "SPECS",
    "cypher_range",
    "map_keys",
    "map_properties",
]

#: the longest list `range()` builds; longer ranges raise instead of exhausting memory
MAX_RANGE_LENGTH: Final = 10_000_000


def size(value: Any) -> int:
    """`size()`: the number of elements of a list, or characters of a string."""
    if isinstance(value, str | list | tuple):
        return len(value)
    raise type_error(f"size() expects a LIST or a STRING, got {type_name(value)}")


def head(value: Any) -> Any:
    """`head()`: the first element, or null for an empty list."""
    items = expect_list("head", 1, value)
    return items[0] if items else None


def last(value: Any) -> Any:
    """`last()`: the last element, or null for an empty list."""
    items = expect_list("last", 1, value)
    return items[-1] if items else None


def tail(value: Any) -> list[Any]:
    """`tail()`: all elements but the first (empty for an empty list)."""
    return list(expect_list("tail", 1, value)[1:])


def reverse(value: Any) -> Any:
    """`reverse()`: a list or a string in reverse order."""
    if isinstance(value, str):
        return value[::-1]
    if isinstance(value, list | tuple):
        return list(reversed(value))
    raise type_error(f"reverse() expects a LIST or a STRING, got {type_name(value)}")


def _range_bound(position: int, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise argument_error(
        f"range() expects an INTEGER as argument {position}, got {type_name(value)}",
        ErrorDetail.INVALID_ARGUMENT_TYPE,
    )


def cypher_range(start: Any, end: Any, step: Any = 1) -> list[int]:
    """`range()`: integers from `start` to `end` inclusive, `step` apart.

    Raises:
        QueryRuntimeError: ArgumentError InvalidArgumentType for a non-integer argument,
            ArgumentError NumberOutOfRange for a zero step, ArgumentError ResourceLimit
            for more than `MAX_RANGE_LENGTH` elements.
    """
    first, stop, stride = _range_bound(1, start), _range_bound(2, end), _range_bound(3, step)
    if stride == 0:
        raise argument_error("range() expects a non-zero step")
    # counted arithmetically: len() of a Python range fails beyond the C size limit
    span = stop - first if stride > 0 else first - stop
    length = span // abs(stride) + 1 if span >= 0 else 0
    # the list's slots and an int object per element, checked before building it
    charge_active(56 + 40 * length, "range()")
    if length > MAX_RANGE_LENGTH:
        raise argument_error(
            f"range() would build {length} elements, more than the limit of {MAX_RANGE_LENGTH}",
            ErrorDetail.RESOURCE_LIMIT,
            hint="split the range into smaller batches",
        )
    return list(range(first, stop + (1 if stride > 0 else -1), stride))


def map_keys(value: Any) -> list[str]:
    """`keys()` of a map: its keys, in insertion order."""
    return list(expect_map("keys", 1, value))


def map_properties(value: Any) -> dict[str, Any]:
    """`properties()` of a map: the map itself."""
    return expect_map("properties", 1, value)


def is_empty(value: Any) -> bool:
    """`isEmpty()`: whether a list, map or string has no elements."""
    if isinstance(value, str | list | tuple | dict):
        return len(value) == 0
    raise type_error(f"isEmpty() expects a LIST, MAP or STRING, got {type_name(value)}")


def _element_type(types: Sequence[CypherType]) -> CypherType:
    if types and isinstance(types[0], ListType):
        return types[0].element
    return ANY


def _same_type(types: Sequence[CypherType]) -> CypherType:
    if types and types[0].kind in (TypeKind.STRING, TypeKind.LIST):
        return types[0]
    return ANY


def _list_type(types: Sequence[CypherType]) -> CypherType:
    if types and isinstance(types[0], ListType):
        return types[0]
    return list_of(ANY)


_LIST = (list_of(ANY),)
_I = (INTEGER,)

SPECS: Final[tuple[FunctionSpec, ...]] = (
    scalar_spec(
        "size",
        size,
        [(list_of(ANY), STRING)],
        INTEGER,
        signature="size(input :: LIST<ANY> | STRING) :: INTEGER",
        description="The number of elements of a list or characters of a string.",
    ),
    scalar_spec(
        "head",
        head,
        [_LIST],
        ANY,
        infer_result=_element_type,
        signature="head(list :: LIST<ANY>) :: ANY",
        description="The first element of the list; null if it is empty.",
    ),
    scalar_spec(
        "last",
        last,
        [_LIST],
        ANY,
        infer_result=_element_type,
        signature="last(list :: LIST<ANY>) :: ANY",
        description="The last element of the list; null if it is empty.",
    ),
    scalar_spec(
        "tail",
        tail,
        [_LIST],
        list_of(ANY),
        infer_result=_list_type,
        signature="tail(list :: LIST<ANY>) :: LIST<ANY>",
        description="All elements of the list but the first.",
    ),
    scalar_spec(
        "reverse",
        reverse,
        [(list_of(ANY), STRING)],
        ANY,
        infer_result=_same_type,
        signature="reverse(input :: LIST<ANY> | STRING) :: LIST<ANY> | STRING",
        description="The list or string in reverse order.",
    ),
    scalar_spec(
        "range",
        cypher_range,
        [_I, _I, _I],
        list_of(INTEGER),
        optional=1,
        signature="range(start :: INTEGER, end :: INTEGER [, step :: INTEGER]) :: LIST<INTEGER>",
        description="The integers from start to end inclusive, step apart (default 1).",
    ),
    scalar_spec(
        "keys",
        map_keys,
        [(MAP,)],
        list_of(STRING),
        signature="keys(input :: MAP | NODE | RELATIONSHIP) :: LIST<STRING>",
        description="The keys of a map, or the property keys of a node or relationship.",
    ),
    scalar_spec(
        "properties",
        map_properties,
        [(MAP,)],
        MAP,
        signature="properties(input :: MAP | NODE | RELATIONSHIP) :: MAP",
        description="A map itself, or the properties of a node or relationship.",
    ),
    scalar_spec(
        "isEmpty",
        is_empty,
        [(list_of(ANY), MAP, STRING)],
        BOOLEAN,
        signature="isEmpty(input :: LIST<ANY> | MAP | STRING) :: BOOLEAN",
        description="Whether the list, map or string is empty.",
    ),
)
