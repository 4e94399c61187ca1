"""Cypher's total order (ORDER BY, min, max) and equivalence keys (DISTINCT, grouping).

Orderability is total, unlike comparison: every pair of values has an order. Ascending:

    MAP < NODE < RELATIONSHIP < LIST < PATH < DATETIME < LOCALDATETIME < DATE < TIME
        < LOCALTIME < DURATION < STRING < BOOLEAN < NUMBER < NULL

Inside a type: numbers in one numeric order across INTEGER and FLOAT with NaN above every
other number; `false < true`; strings by code point; lists element-wise with the same
order, a proper prefix first; maps by size, then sorted keys, then values in key order;
nodes and relationships by id; paths element-wise; temporal values of one type by
`TemporalValue.order_key()`.

Equivalence (`group_key`) is what DISTINCT, grouping and UNION use: like equality, but
null is equivalent to null and NaN to NaN, and `1` and `1.0` are one group.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Final, TypeVar

from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.temporal.base import TemporalValue

__all__ = [
    "Descending",
    "distinct_values",
    "group_key",
    "join_key",
    "order_compare",
    "order_key",
    "sort_key",
    "sort_permutation",
    "sort_values",
]

_T = TypeVar("_T")

# ranks of the value kinds in ascending order
_MAP: Final = 0
_NODE: Final = 1
_RELATIONSHIP: Final = 2
_LIST: Final = 3
_PATH: Final = 4
_TEMPORAL: Final = 5
_STRING: Final = 6
_BOOLEAN: Final = 7
_NUMBER: Final = 8
_NULL: Final = 9

_NULL_KEY: Final = (_NULL,)
_NAN_KEY: Final = (_NUMBER, 1, 0)


def order_key(value: Any) -> tuple[Any, ...]:
    """A sort key whose Python order is Cypher's ascending orderability.

    Keys are tuples of a kind rank and plain comparable parts, so they can be compared,
    sorted, merged and used with `heapq` directly.
    """
    kind = type(value)
    if kind is int:
        return (_NUMBER, 0, value)
    if kind is str:
        return (_STRING, value)
    if value is None:
        return _NULL_KEY
    if kind is float:
        return _NAN_KEY if value != value else (_NUMBER, 0, value)
    if kind is bool:
        return (_BOOLEAN, value)
    return _order_key_slow(value)


def _order_key_slow(value: Any) -> tuple[Any, ...]:
    if isinstance(value, list | tuple):
        return (_LIST, tuple(order_key(item) for item in value))
    if isinstance(value, dict):
        keys = sorted(value)
        return (_MAP, len(keys), tuple(keys), tuple(order_key(value[key]) for key in keys))
    if isinstance(value, NodeRef):
        return (_NODE, value.id)
    if isinstance(value, RelRef):
        return (_RELATIONSHIP, value.id)
    if isinstance(value, PathValue):
        return (_PATH, _path_ids(value))
    if isinstance(value, TemporalValue):
        return (_TEMPORAL, value.order_rank, value.order_key())
    if isinstance(value, bool):
        return (_BOOLEAN, bool(value))
    if isinstance(value, int | float):
        return _NAN_KEY if math.isnan(value) else (_NUMBER, 0, value)
    if isinstance(value, str):
        return (_STRING, str(value))
    raise TypeError(f"not a runtime value: {type(value).__name__}")


def _path_ids(path: PathValue) -> tuple[int, ...]:
    ids = [path.nodes[0].id]
    for rel, node in zip(path.rels, path.nodes[1:], strict=True):
        ids.append(rel.id)
        ids.append(node.id)
    return tuple(ids)


def order_compare(left: Any, right: Any) -> int:
    """-1, 0 or 1: the total-order comparison of two values (ascending)."""
    left_key, right_key = order_key(left), order_key(right)
    return (left_key > right_key) - (left_key < right_key)


class Descending:
    """Wraps a sort key so that it sorts in reverse; for mixed ASC/DESC sort keys."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: Descending) -> bool:
        return bool(other.key < self.key)

    def __gt__(self, other: Descending) -> bool:
        return bool(other.key > self.key)

    def __le__(self, other: Descending) -> bool:
        return bool(other.key <= self.key)

    def __ge__(self, other: Descending) -> bool:
        return bool(other.key >= self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Descending) and bool(self.key == other.key)

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"Descending({self.key!r})"


def sort_key(values: Sequence[Any], descending: Sequence[bool]) -> tuple[Any, ...]:
    """One composite key for several ORDER BY items (`descending[i]` for item i).

    Use it where a single key is needed (Top-k with `heapq`); a full sort is faster as
    `sort_values`, one stable pass per item.
    """
    return tuple(
        Descending(order_key(value)) if desc else order_key(value)
        for value, desc in zip(values, descending, strict=True)
    )


def sort_values(items: list[_T], keys: Sequence[tuple[Callable[[_T], Any], bool]]) -> list[_T]:
    """Sort `items` in place by ORDER BY items `(value_of, descending)`; returns `items`.

    Stable: rows that tie on every key keep their input order. One pass per key, from the
    last to the first, each using Python's stable sort.
    """
    for value_of, desc in reversed(keys):
        items[:] = _sorted_by(items, [value_of(item) for item in items], desc)
    return items


def sort_permutation(values: Sequence[Any], descending: bool = False) -> list[int]:
    """Indices that put `values` in ORDER BY order (stable: ties keep input order).

    A column of numbers (without NaN), of strings or of booleans, with or without nulls,
    is sorted by the raw values, nulls placed last (first when descending), which is
    several times faster than comparing `order_key` tuples; other columns use
    `order_key`.
    """
    present = [index for index, value in enumerate(values) if value is not None]
    nulls = [index for index, value in enumerate(values) if value is None]
    if _is_plain_column(values, present):
        present.sort(key=values.__getitem__, reverse=descending)
    else:
        present.sort(key=lambda index: order_key(values[index]), reverse=descending)
    return nulls + present if descending else present + nulls


def _is_plain_column(values: Sequence[Any], present: list[int]) -> bool:
    kinds = {type(values[index]) for index in present}
    if kinds <= {int, float}:
        return not any(values[index] != values[index] for index in present)
    return len(kinds) == 1 and kinds <= {str, bool}


def _sorted_by(items: list[_T], values: list[Any], descending: bool) -> list[_T]:
    return [items[index] for index in sort_permutation(values, descending)]


# -- equivalence ---------------------------------------------------------------------------

_BOOL_TAG: Final = 0
_LIST_TAG: Final = 1
_MAP_TAG: Final = 2
_TEMPORAL_TAG: Final = 3


class _NaN:
    """The one group key of every NaN (NaN is not equal to itself, but equivalent)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NaN"


_NAN_GROUP: Final = _NaN()


def group_key(value: Any) -> Hashable:
    """A hashable key equal for equivalent values: DISTINCT, grouping keys, UNION.

    Integers and floats of equal value share a key (`1`, `1.0`); null is equivalent to
    null and NaN to NaN; lists and maps by structure; entities by id; temporal values by
    their type and `order_key()`.
    """
    kind = type(value)
    if kind is int or kind is str or value is None:
        return value  # type: ignore[no-any-return]
    if kind is float:
        return _NAN_GROUP if value != value else value
    if kind is bool:
        return (_BOOL_TAG, value)
    return _group_key_slow(value)


def _group_key_slow(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return (_LIST_TAG, tuple(group_key(item) for item in value))
    if isinstance(value, dict):
        return (_MAP_TAG, frozenset((key, group_key(item)) for key, item in value.items()))
    if isinstance(value, NodeRef | RelRef | PathValue):
        return value
    if isinstance(value, TemporalValue):
        return (_TEMPORAL_TAG, value.order_rank, value.order_key())
    if isinstance(value, bool):
        return (_BOOL_TAG, bool(value))
    if isinstance(value, float):
        return _NAN_GROUP if math.isnan(value) else float(value)
    if isinstance(value, int | str):
        return value
    raise TypeError(f"not a runtime value: {type(value).__name__}")


def distinct_values(values: Iterable[Any]) -> list[Any]:
    """The first value of each equivalence class, in input order."""
    seen: set[Hashable] = set()
    kept = []
    for value in values:
        key = group_key(value)
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return kept


def join_key(value: Any) -> Hashable | None:
    """A hashable key for equality joins and seeks, or None when `=` can never be true.

    `equals(a, b) is True` exactly when both `join_key`s are not None and equal: a value
    that is or contains a null or a NaN equals nothing (not even itself), so it joins
    nothing; everything else joins by `group_key`.
    """
    if _can_equal(value):
        return group_key(value)
    return None


def _can_equal(value: Any) -> bool:
    kind = type(value)
    if kind is int or kind is str or kind is bool:
        return True
    if value is None:
        return False
    if kind is float:
        return value == value  # type: ignore[no-any-return]
    if isinstance(value, list | tuple):
        return all(_can_equal(item) for item in value)
    if isinstance(value, dict):
        return all(_can_equal(item) for item in value.values())
    if isinstance(value, float):
        return not math.isnan(value)
    return True
