"""Index key encoding: exact round trip, and byte order equals Cypher's ORDER BY order."""

from __future__ import annotations

import math
import struct

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from engram.errors import ErrorDetail, QueryRuntimeError
from engram.storage.ordered import (
    composite_key,
    decode_composite,
    decode_value,
    skip_values,
    string_prefix_bounds,
    value_key,
    value_marks,
)

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
# integers near the float64 precision limits exercise the exact-order tail bytes
BIG_INTS = st.integers(min_value=2**52, max_value=2**63 - 1).flatmap(
    lambda n: st.sampled_from([n, -n, n + 1 if n < 2**63 - 1 else n])
)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
TEXT = st.text(st.characters(codec=None, blacklist_categories=()), max_size=12)
SCALARS = st.one_of(st.booleans(), INT64, BIG_INTS, FLOATS, TEXT)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4), max_leaves=12)

_RANK = {list: 0, str: 1, bool: 2, int: 3, float: 3}


def cypher_compare(left, right) -> int:
    """Reference ORDER BY comparison for storable values (NaN after all numbers)."""
    rank_left, rank_right = _RANK[type(left)], _RANK[type(right)]
    if rank_left != rank_right:
        return -1 if rank_left < rank_right else 1
    if isinstance(left, list):
        for a, b in zip(left, right, strict=False):
            found = cypher_compare(a, b)
            if found:
                return found
        return (len(left) > len(right)) - (len(left) < len(right))
    if rank_left == 3:
        left_nan = isinstance(left, float) and math.isnan(left)
        right_nan = isinstance(right, float) and math.isnan(right)
        if left_nan or right_nan:
            return (left_nan > right_nan) - (left_nan < right_nan)
    return (left > right) - (left < right)


def same_value(left, right) -> bool:
    """Exact equality: same types, float bits equal (NaN payloads aside), -0.0 kept."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(same_value, left, right))
    if isinstance(left, float):
        if math.isnan(left):
            return math.isnan(right)
        return struct.pack(">d", left) == struct.pack(">d", right)
    return left == right


def sign(number: int) -> int:
    return (number > 0) - (number < 0)


@settings(deadline=None)
@given(VALUES)
@example(-0.0)
@example(float("nan"))
@example(2**63 - 1)
@example(-(2**63))
@example("a\x00b")
@example("\ud800")
@example([1, [2.0, "x"], True])
def test_round_trip(value):
    assert same_value(decode_value(value_key(value), value_marks(value)), value)


@settings(max_examples=400, deadline=None)
@given(VALUES, VALUES)
@example(1, 1.0)
@example(0.0, -0.0)
@example(2**53 + 1, float(2**53))
@example(2**63 - 1, float(2**63))
@example(-(2**63), float(-(2**63)))
@example(float("inf"), float("nan"))
@example([1], [1, 2])
@example("a", "a\x00")
@example("\ud7ff", "\ue000")
@example([], "")
def test_byte_order_is_cypher_order(left, right):
    expected = cypher_compare(left, right)
    left_key, right_key = value_key(left), value_key(right)
    assert sign((left_key > right_key) - (left_key < right_key)) == expected


@settings(deadline=None)
@given(VALUES, VALUES)
def test_keys_are_prefix_free(left, right):
    left_key, right_key = value_key(left), value_key(right)
    assume(left_key != right_key)
    assert not left_key.startswith(right_key)
    assert not right_key.startswith(left_key)


@settings(deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=3), st.lists(VALUES, min_size=1, max_size=3))
def test_composite_keys_order_component_wise(left, right):
    assume(len(left) == len(right))
    expected = 0
    for a, b in zip(left, right, strict=True):
        expected = cypher_compare(a, b)
        if expected:
            break
    left_key, right_key = composite_key(left), composite_key(right)
    assert sign((left_key > right_key) - (left_key < right_key)) == expected
    assert skip_values(left_key, 0, len(left)) == len(left_key)
    marks = b"".join(value_marks(v) for v in left)
    decoded, used = decode_composite(left_key, len(left), marks)
    assert used == len(left_key)
    assert all(map(same_value, decoded, left))


@settings(deadline=None)
@given(TEXT, TEXT)
@example("abc", "ab")
@example("a\x00", "a")
@example("a", "a\x00")
@example("", "")
def test_string_prefix_bounds(text, prefix):
    low, high = string_prefix_bounds(prefix)
    assert (low <= value_key(text) < high) == text.startswith(prefix)


def test_equal_numbers_share_a_key():
    assert value_key(1) == value_key(1.0)
    assert value_key(0.0) == value_key(-0.0) == value_key(0)
    assert value_key([1, 2.0]) == value_key([1.0, 2])
    assert value_key(2**53 + 1) != value_key(float(2**53))
    assert value_marks(1) != value_marks(1.0)


def test_cross_type_order():
    ordered = [[1], "", "z", False, True, float("-inf"), -1, 0, 2.5, 3, float("inf"), math.nan]
    keys = [value_key(v) for v in ordered]
    assert keys == sorted(keys)


@pytest.mark.parametrize("value", [{"a": 1}, None, object(), 2**63, -(2**63) - 1])
def test_unorderable_values_raise_query_errors(value):
    with pytest.raises(QueryRuntimeError) as raised:
        value_key(value)
    assert raised.value.detail in (
        ErrorDetail.INVALID_PROPERTY_TYPE,
        ErrorDetail.NUMBER_OUT_OF_RANGE,
    )
