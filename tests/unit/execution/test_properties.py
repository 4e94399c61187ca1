"""Properties of the value semantics, checked with hypothesis over generated values."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engram.errors import ErrorDetail, QueryRuntimeError
from engram.execution.arithmetic import (
    INT64_MAX,
    INT64_MIN,
    add,
    divide,
    modulo,
    multiply,
    negate,
    subtract,
)
from engram.execution.entities import NodeRef, RelRef
from engram.execution.functions.conversion import parse_float, to_integer, to_string
from engram.execution.ordering import group_key, join_key, order_compare, order_key
from engram.execution.ternary import UNORDERED, compare, equals, in_list
from engram.execution.text import format_float

int64 = st.integers(min_value=INT64_MIN, max_value=INT64_MAX)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    int64,
    st.integers(min_value=-3, max_value=3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 2.0, 0.5]),
    st.text(max_size=4),
    st.builds(NodeRef, st.integers(0, 3)),
    st.builds(RelRef, st.integers(0, 3), st.just(0), st.just(0), st.just(0)),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), children, max_size=3),
    ),
    max_leaves=12,
)


def _has_nan(value):
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, list):
        return any(map(_has_nan, value))
    if isinstance(value, dict):
        return any(map(_has_nan, value.values()))
    return False


def _has_null(value):
    if value is None:
        return True
    if isinstance(value, list):
        return any(map(_has_null, value))
    if isinstance(value, dict):
        return any(map(_has_null, value.values()))
    return False


numbers = st.one_of(int64, st.floats(allow_nan=False), st.sampled_from([0, 1, 1.0, -0.0]))
comparable_scalars = st.one_of(
    st.tuples(numbers, numbers),
    st.tuples(st.text(max_size=3), st.text(max_size=3)),
    st.tuples(st.booleans(), st.booleans()),
)
comparable_lists = st.tuples(
    st.lists(st.one_of(numbers, st.none(), st.text(max_size=2)), max_size=4),
    st.lists(st.one_of(numbers, st.none(), st.text(max_size=2)), max_size=4),
)


@given(st.one_of(comparable_scalars, comparable_lists, st.tuples(values, values)))
def test_order_agrees_with_comparison_where_comparison_is_defined(pair):
    left, right = pair
    result = compare(left, right)
    if result is not None and result != UNORDERED:
        assert order_compare(left, right) == result


@given(values, values)
def test_comparison_is_antisymmetric(left, right):
    forward, backward = compare(left, right), compare(right, left)
    if forward is None or forward == UNORDERED:
        assert backward == forward
    else:
        assert backward == -forward


@given(values, values, values)
def test_order_is_total_and_transitive(first, second, third):
    assert order_compare(first, second) == -order_compare(second, first)
    ordered = sorted([first, second, third], key=order_key)
    assert order_compare(ordered[0], ordered[1]) <= 0
    assert order_compare(ordered[1], ordered[2]) <= 0
    assert order_compare(ordered[0], ordered[2]) <= 0


@given(st.lists(values, max_size=8))
def test_any_values_sort_without_error(items):
    ordered = sorted(items, key=order_key)
    keys = [order_key(item) for item in ordered]
    assert keys == sorted(keys)


@given(values, values)
def test_equality_is_symmetric(left, right):
    assert equals(left, right) is equals(right, left)


@given(values)
def test_equality_is_reflexive_without_nulls_and_nan(value):
    assume(not _has_null(value) and not _has_nan(value))
    assert equals(value, value) is True


@given(values, values)
def test_group_keys_are_equivalence(left, right):
    same_group = group_key(left) == group_key(right)
    if same_group:
        assert hash(group_key(left)) == hash(group_key(right))
        assert order_compare(left, right) == 0
    if not _has_nan(left) and not _has_nan(right):
        if equals(left, right) is True:
            assert same_group
        if same_group:
            assert equals(left, right) is not False
        if not _has_null(left) and not _has_null(right):
            assert same_group == (equals(left, right) is True)


@given(values, values)
def test_equal_order_means_same_group(left, right):
    if order_compare(left, right) == 0:
        assert group_key(left) == group_key(right)


@given(values, st.lists(values, max_size=5))
def test_in_is_any_equality(value, items):
    results = [equals(value, item) for item in items]
    expected = True if True in results else (None if None in results else False)
    if value is None and items:
        expected = None
    assert in_list(value, items) is expected


def _checked(operation, exact, left, right):
    if INT64_MIN <= exact <= INT64_MAX:
        assert operation(left, right) == exact
    else:
        with pytest.raises(QueryRuntimeError) as raised:
            operation(left, right)
        assert raised.value.detail == ErrorDetail.INTEGER_OVERFLOW


@given(int64, int64)
def test_integer_overflow_is_always_detected(left, right):
    _checked(add, left + right, left, right)
    _checked(subtract, left - right, left, right)
    _checked(multiply, left * right, left, right)


@given(int64)
def test_negation_overflows_only_at_the_minimum(value):
    if value == INT64_MIN:
        with pytest.raises(QueryRuntimeError):
            negate(value)
    else:
        assert negate(negate(value)) == value


@given(int64, int64)
def test_integer_division_truncates_and_remainder_follows_the_dividend(left, right):
    assume(right != 0 and not (left == INT64_MIN and right == -1))
    quotient, remainder = divide(left, right), modulo(left, right)
    assert quotient * right + remainder == left
    assert abs(remainder) < abs(right)
    assert remainder == 0 or (remainder > 0) == (left > 0)
    assert abs(quotient) == abs(left) // abs(right)


@given(st.one_of(int64, st.floats(allow_nan=False)), st.one_of(int64, st.floats(allow_nan=False)))
def test_addition_and_multiplication_commute(left, right):
    assume(INT64_MIN <= left + right <= INT64_MAX)
    assert add(left, right) == add(right, left)
    has_float = isinstance(left, float) or isinstance(right, float)
    if has_float or INT64_MIN <= left * right <= INT64_MAX:
        product = multiply(left, right)
        other = multiply(right, left)
        assert product == other or (math.isnan(product) and math.isnan(other))


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_text_round_trips(value):
    text = format_float(value)
    assert float(text) == value
    assert parse_float(text) == value
    assert to_string(value) == text
    assert "E" in text or 1e-3 <= abs(value) < 1e7 or value == 0.0


@given(int64)
def test_integer_text_round_trips(value):
    assert to_integer(to_string(value)) == value


@given(st.lists(values, max_size=6), st.lists(values, max_size=6))
def test_list_concatenation_keeps_elements(left, right):
    combined = add(left, right)
    assert combined == left + right or _has_nan(combined)
    assert len(combined) == len(left) + len(right)


@given(values, values)
def test_join_keys_match_exactly_when_equality_is_true(left, right):
    left_key, right_key = join_key(left), join_key(right)
    matched = left_key is not None and right_key is not None and left_key == right_key
    assert matched == (equals(left, right) is True)
