"""Three-valued logic, Cypher equality, comparison and `IN`, over plain runtime values.

Truth values are `True`, `False` and `None` (unknown). A filter keeps a row only when
its predicate `is True`.

- `equals(a, b)`: `=`. Numbers compare across INTEGER and FLOAT (`1 = 1.0`); NaN is never
  equal; values of different types are not equal; lists and maps compare element-wise
  and are null when a null decides; nodes and relationships compare by id; paths by
  their node and relationship sequences; temporal values through `cypher_equals`.
- `compare(a, b)`: the three-way comparison behind `<`, `<=`, `>`, `>=`. Numbers with
  numbers, strings with strings, booleans with booleans, lists lexicographically,
  temporal values through `cypher_compare`; anything else is incomparable (`None`, so
  the operator yields null). A NaN operand makes the values *unordered*: `compare`
  returns `UNORDERED` and every ordering operator yields false.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.faults import type_error, type_name
from engram.temporal.base import TemporalValue

__all__ = [
    "COMPARATORS",
    "UNORDERED",
    "all3",
    "and3",
    "any3",
    "compare",
    "equals",
    "greater_equal",
    "greater_than",
    "in_list",
    "in_list_matcher",
    "less_equal",
    "less_than",
    "none3",
    "not3",
    "not_equals",
    "or3",
    "single3",
    "truth",
    "xor3",
]

#: `compare` result when a NaN is involved: `<`, `<=`, `>` and `>=` are all false
UNORDERED: Final = 2

_NUMBER_TYPES: Final = (int, float)
_SCALAR_TYPES: Final = frozenset({int, float, str, bool})


def truth(value: Any, operator: str = "a boolean operator") -> bool | None:
    """`value` as a truth value; a non-boolean, non-null value is a TypeError.

    Raises:
        QueryRuntimeError: TypeError InvalidArgumentType when `value` is not a boolean.
    """
    if value is None or value is True or value is False:
        return value
    raise type_error(f"{operator} expects a BOOLEAN, got {type_name(value)}")


def and3(left: Any, right: Any) -> bool | None:
    """`left AND right`: false wins over null, null wins over true."""
    left, right = truth(left, "AND"), truth(right, "AND")
    if left is False or right is False:
        return False
    if left is None or right is None:
        return None
    return True


def or3(left: Any, right: Any) -> bool | None:
    """`left OR right`: true wins over null, null wins over false."""
    left, right = truth(left, "OR"), truth(right, "OR")
    if left is True or right is True:
        return True
    if left is None or right is None:
        return None
    return False


def xor3(left: Any, right: Any) -> bool | None:
    """`left XOR right`: null when either side is null."""
    left, right = truth(left, "XOR"), truth(right, "XOR")
    if left is None or right is None:
        return None
    return left is not right


def not3(value: Any) -> bool | None:
    """`NOT value`: null stays null."""
    value = truth(value, "NOT")
    return None if value is None else not value


def any3(results: Iterable[Any]) -> bool | None:
    """`any(x IN list WHERE p)` from the predicate results: stops at the first true."""
    unknown = False
    for result in results:
        result = truth(result, "any()")
        if result is True:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


def all3(results: Iterable[Any]) -> bool | None:
    """`all(x IN list WHERE p)` from the predicate results: stops at the first false."""
    unknown = False
    for result in results:
        result = truth(result, "all()")
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def none3(results: Iterable[Any]) -> bool | None:
    """`none(x IN list WHERE p)`: the negation of `any3`."""
    found = any3(results)
    return None if found is None else not found


def single3(results: Iterable[Any]) -> bool | None:
    """`single(x IN list WHERE p)`: false at a second true, null if a null could decide."""
    matches = 0
    unknown = False
    for result in results:
        result = truth(result, "single()")
        if result is True:
            matches += 1
            if matches > 1:
                return False
        elif result is None:
            unknown = True
    if unknown:
        return None
    return matches == 1


# -- equality ------------------------------------------------------------------------------


def equals(left: Any, right: Any) -> bool | None:
    """Cypher `left = right` (see the module docstring)."""
    if left is None or right is None:
        return None
    left_type, right_type = type(left), type(right)
    if left_type is right_type and left_type in _SCALAR_TYPES:
        return bool(left == right)  # NaN != NaN, as Cypher wants
    return _equals_slow(left, right)


def _equals_slow(left: Any, right: Any) -> bool | None:
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left is right
    if isinstance(left, _NUMBER_TYPES) and isinstance(right, _NUMBER_TYPES):
        return left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return _list_equals(left, right)
    if isinstance(left, dict) and isinstance(right, dict):
        return _map_equals(left, right)
    if isinstance(left, TemporalValue):
        return left.cypher_equals(right)
    if isinstance(right, TemporalValue):
        return right.cypher_equals(left)
    if isinstance(left, NodeRef | RelRef | PathValue):
        return bool(left == right)
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    return False


def _list_equals(
    left: list[Any] | tuple[Any, ...], right: list[Any] | tuple[Any, ...]
) -> bool | None:
    if len(left) != len(right):
        return False
    unknown = False
    for left_item, right_item in zip(left, right, strict=True):
        result = equals(left_item, right_item)
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def _map_equals(left: dict[str, Any], right: dict[str, Any]) -> bool | None:
    if left.keys() != right.keys():
        return False
    unknown = False
    for key, left_item in left.items():
        result = equals(left_item, right[key])
        if result is False:
            return False
        if result is None:
            unknown = True
    return None if unknown else True


def not_equals(left: Any, right: Any) -> bool | None:
    """Cypher `left <> right`: the negation of `equals`, null stays null."""
    result = equals(left, right)
    return None if result is None else not result


# -- comparison ----------------------------------------------------------------------------


def compare(left: Any, right: Any) -> int | None:
    """Three-way Cypher comparison: -1, 0, 1; `None` if incomparable; `UNORDERED` for NaN."""
    if left is None or right is None:
        return None
    left_type = type(left)
    if left_type is type(right) and (left_type is int or left_type is str):
        return -1 if left < right else (1 if left > right else 0)
    return _compare_slow(left, right)


def _compare_slow(left: Any, right: Any) -> int | None:
    left_is_bool, right_is_bool = isinstance(left, bool), isinstance(right, bool)
    if left_is_bool or right_is_bool:
        if left_is_bool and right_is_bool:
            return int(left) - int(right)
        return None
    if isinstance(left, _NUMBER_TYPES) and isinstance(right, _NUMBER_TYPES):
        if (isinstance(left, float) and math.isnan(left)) or (
            isinstance(right, float) and math.isnan(right)
        ):
            return UNORDERED
        return (left > right) - (left < right)
    if isinstance(left, str) and isinstance(right, str):
        return (left > right) - (left < right)
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return _compare_lists(left, right)
    if isinstance(left, TemporalValue):
        return left.cypher_compare(right)
    if isinstance(right, TemporalValue):
        result = right.cypher_compare(left)
        return None if result is None else -result
    return None


def _compare_lists(
    left: list[Any] | tuple[Any, ...], right: list[Any] | tuple[Any, ...]
) -> int | None:
    for left_item, right_item in zip(left, right, strict=False):
        result = compare(left_item, right_item)
        if result != 0:
            return result
    return (len(left) > len(right)) - (len(left) < len(right))


def less_than(left: Any, right: Any) -> bool | None:
    """Cypher `left < right`."""
    result = compare(left, right)
    return None if result is None else result == -1


def less_equal(left: Any, right: Any) -> bool | None:
    """Cypher `left <= right`."""
    result = compare(left, right)
    return None if result is None else result in (-1, 0)


def greater_than(left: Any, right: Any) -> bool | None:
    """Cypher `left > right`."""
    result = compare(left, right)
    return None if result is None else result == 1


def greater_equal(left: Any, right: Any) -> bool | None:
    """Cypher `left >= right`."""
    result = compare(left, right)
    return None if result is None else result in (0, 1)


#: operator text -> null-aware implementation, for the expression compiler
COMPARATORS: Final[dict[str, Callable[[Any, Any], bool | None]]] = {
    "=": equals,
    "<>": not_equals,
    "<": less_than,
    "<=": less_equal,
    ">": greater_than,
    ">=": greater_equal,
}


# -- membership ----------------------------------------------------------------------------


def in_list(value: Any, container: Any) -> bool | None:
    """Cypher `value IN container`: true on a match; else null if a null could have matched.

    Raises:
        QueryRuntimeError: TypeError InvalidArgumentType when `container` is not a list.
    """
    if container is None:
        return None
    if not isinstance(container, list | tuple):
        raise type_error(
            f"IN expects a LIST on its right-hand side, got {type_name(container)}",
            ErrorDetail.INVALID_ARGUMENT_TYPE,
        )
    if not container:
        return False
    if value is None:
        return None
    kind = type(value)
    if kind is str or ((kind is int or kind is float) and value not in (0, 1) and value == value):
        # a string equals only an equal string, and a number other than 0 and 1 only an
        # equal number (booleans compare equal to 0 and 1 in Python), so Python's
        # membership test is exact here
        if value in container:
            return True
        return None if None in container else False
    unknown = False
    for item in container:
        result = equals(value, item)
        if result is True:
            return True
        if result is None:
            unknown = True
    return None if unknown else False


_HASHABLE_SCALARS: Final = frozenset({int, float, str})


def in_list_matcher(container: Any) -> Callable[[Any], bool | None]:
    """`lambda value: in_list(value, container)`, faster for a list used many times.

    For a constant list (`x IN [1, 2, 3]`, `x IN $ids`) made of integers, floats and
    strings (and nulls), membership is a set lookup; other lists fall back to `in_list`.
    """
    if not isinstance(container, list | tuple) or not all(
        item is None or type(item) in _HASHABLE_SCALARS for item in container
    ):
        return lambda value: in_list(value, container)
    members = frozenset(item for item in container if item is not None and item == item)
    unknown: bool | None = None if None in container else False
    empty = not container

    def matches(value: Any) -> bool | None:
        if empty:
            return False
        if value is None:
            return None
        kind = type(value)
        if kind is str or kind is int or kind is float:
            return True if value in members else unknown
        if kind is bool:
            return unknown  # no booleans in the list
        return in_list(value, container)

    return matches
