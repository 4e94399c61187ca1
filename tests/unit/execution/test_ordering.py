"""Cypher's total order for ORDER BY / min / max, and equivalence keys for DISTINCT."""

from __future__ import annotations

import heapq
import math
import random

import pytest

from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.ordering import (
    Descending,
    distinct_values,
    group_key,
    join_key,
    order_compare,
    order_key,
    sort_key,
    sort_permutation,
    sort_values,
)
from engram.execution.ternary import less_than
from tests.unit.execution.expr import evaluate, same
from tests.unit.execution.temporal_values import Instant, Span

NODE = NodeRef(1)
REL = RelRef(2, 0, 1, 3)
PATH = PathValue((NodeRef(1), NodeRef(3)), (REL,))
NAN = float("nan")


def _sorted(values, *, reverse=False):
    return sorted(values, key=order_key, reverse=reverse)


def test_distinct_types_in_ascending_order():
    # ReturnOrderBy1 [11]
    expected = [{"a": "map"}, NODE, REL, ["list"], PATH, "text", False, 1.5, NAN, None]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    result = _sorted(shuffled)
    assert [type(value) for value in result] == [type(value) for value in expected]
    assert all(
        same(a, b) if not isinstance(b, NodeRef | RelRef | PathValue) else a == b
        for a, b in zip(result, expected, strict=True)
    )


def test_distinct_types_in_descending_order():
    # ReturnOrderBy1 [12]
    values = [NODE, REL, PATH, 1.5, ["list"], "text", None, False, NAN, {"a": "map"}]
    result = _sorted(values, reverse=True)
    assert result[0] is None
    assert math.isnan(result[1])
    assert result[2:5] == [1.5, False, "text"]
    assert result[5:] == [PATH, ["list"], REL, NODE, {"a": "map"}]


def test_temporal_types_between_paths_and_strings():
    values = ["a", Span(1), Instant(5), PATH, Instant(2), Span(0)]
    assert _sorted(values) == [PATH, Instant(2), Instant(5), Span(0), Span(1), "a"]


def test_lists_in_order():
    # ReturnOrderBy1 [9] and [10]
    expected = [[], ["a"], ["a", 1], [1], [1, "a"], [1, None], [None, 1], [None, 2]]
    shuffled = expected[::-1]
    assert _sorted(shuffled) == expected
    assert _sorted(expected, reverse=True) == expected[::-1]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([True, False], [False, True]),
        ([".*", "", " ", "one"], ["", " ", ".*", "one"]),
        ([1, 3, 2], [1, 2, 3]),
        ([1.5, 1.3, 999.99], [1.3, 1.5, 999.99]),
        ([2, 1.5, 1, 0.5, -math.inf, math.inf], [-math.inf, 0.5, 1, 1.5, 2, math.inf]),
        (["a", "b", "B", "abc", "abc1"], ["B", "a", "abc", "abc1", "b"]),
        ([[2, 1], [2], [1]], [[1], [2], [2, 1]]),
    ],
)
def test_within_a_type(values, expected):
    assert _sorted(values) == expected


def test_nan_sorts_above_infinity_and_below_null():
    assert _sorted([None, NAN, math.inf, 1])[:2] == [1, math.inf]
    assert order_compare(NAN, math.inf) == 1
    assert order_compare(NAN, None) == -1
    assert order_compare(NAN, NAN) == 0


def test_integers_and_floats_share_one_numeric_order():
    assert order_compare(1, 1.0) == 0
    assert order_compare(2**53 + 1, float(2**53)) == 1
    assert order_compare(-0.0, 0) == 0


def test_maps_order_by_size_then_keys_then_values():
    maps = [{"b": 1}, {"a": 2}, {"a": 1, "b": 1}, {}, {"a": 1}]
    assert _sorted(maps) == [{}, {"a": 1}, {"a": 2}, {"b": 1}, {"a": 1, "b": 1}]


def test_entities_by_id_and_paths_element_wise():
    assert _sorted([NodeRef(3), NodeRef(1), NodeRef(2)]) == [NodeRef(1), NodeRef(2), NodeRef(3)]
    short = PathValue((NodeRef(1),))
    longer = PathValue((NodeRef(1), NodeRef(2)), (RelRef(9, 0, 1, 2),))
    other = PathValue((NodeRef(2),))
    assert _sorted([other, longer, short]) == [short, longer, other]


@pytest.mark.parametrize(
    "values",
    [
        "[true, false]",
        "[351, -3974856, 93, -3, 123, 0, 3, -2, 20934587, 1, 20934585, 20934586, -10]",
        "[351.5, -3974856.01, -3.203957, 123.0002, 123.0001, 123.00013, 123.00011, "
        "0.0100000, 0.0999999, 0.00000001, 3.0, 209345.87, -10.654]",
        "['Sort', 'order', ' ', 'should', 'be', '', 'consistent', 'with', 'comparisons', "
        "', ', 'where', 'comparisons are', 'defined', '!']",
        "[[2, 2], [2, -2], [1, 2], [], [1], [300, 0], [1, -20], [2, -2, 100]]",
    ],
)
def test_sort_order_is_consistent_with_comparison(values):
    # WithOrderBy1 [45]: the i-th value in ORDER BY order has exactly i values below it
    items = evaluate(values)
    ordered = _sorted(items)
    below = [sum(1 for other in items if less_than(other, value)) for value in ordered]
    assert below == list(range(len(items)))


def test_descending_wrapper_and_composite_keys():
    rows = [("b", 1), ("a", 2), ("a", 1), ("b", 2), (None, 0)]
    keyed = sorted(rows, key=lambda row: sort_key(row, (False, True)))
    assert keyed == [("a", 2), ("a", 1), ("b", 2), ("b", 1), (None, 0)]
    assert Descending(1) < Descending(0)
    assert Descending(0) > Descending(1)
    assert Descending(0) <= Descending(0)
    assert Descending(0) >= Descending(0)
    assert Descending(3) == Descending(3)
    assert hash(Descending(3)) == hash(Descending(3))
    # a single composite key is what Top-k with heapq needs
    top = heapq.nsmallest(2, rows, key=lambda row: sort_key(row, (True, False)))
    assert top == [(None, 0), ("b", 1)]


def test_sort_values_is_stable_and_mixes_directions():
    rows = [{"k": 1, "v": "x"}, {"k": 0, "v": "y"}, {"k": 1, "v": "z"}, {"k": 0, "v": "x"}]
    sort_values(rows, [(lambda row: row["k"], True)])
    assert [row["v"] for row in rows] == ["x", "z", "y", "x"]
    sort_values(rows, [(lambda row: row["k"], False), (lambda row: row["v"], True)])
    assert [(row["k"], row["v"]) for row in rows] == [(0, "y"), (0, "x"), (1, "z"), (1, "x")]


def test_order_key_rejects_foreign_objects():
    with pytest.raises(TypeError, match="not a runtime value"):
        order_key(object())
    with pytest.raises(TypeError, match="not a runtime value"):
        group_key(object())


# -- equivalence -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (1, 1.0),
        (None, None),
        (NAN, float("nan")),
        ([1, None], [1.0, None]),
        ({"a": [NAN]}, {"a": [NAN]}),
        (True, True),
        (NodeRef(4), NodeRef(4)),
        (Span(3), Span(3)),
        (-0.0, 0),
    ],
)
def test_equivalent_values_share_a_group_key(left, right):
    assert group_key(left) == group_key(right)
    assert hash(group_key(left)) == hash(group_key(right))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (True, 1),
        (False, 0),
        ("1", 1),
        ([1], 1),
        ([1, 2], [2, 1]),
        ({"a": 1}, {"b": 1}),
        (NodeRef(1), RelRef(1, 0, 0, 0)),
        (Span(1), Instant(1)),
        (None, []),
        (NAN, None),
        (2**53 + 1, float(2**53)),
    ],
)
def test_distinct_values_have_distinct_group_keys(left, right):
    assert group_key(left) != group_key(right)


def test_distinct_values_keeps_first_of_each_class():
    values = [1, 1.0, None, "1", None, [1], [1.0], NAN, NAN, True]
    kept = distinct_values(values)
    assert len(kept) == 6
    assert kept[0] == 1
    assert type(kept[0]) is int
    assert kept[1] is None
    assert kept[2] == "1"
    assert kept[3] == [1]
    assert math.isnan(kept[4])
    assert kept[5] is True


@pytest.mark.parametrize(
    "values",
    [
        [3, None, 1, 2.5, None, -0.0, 0, 2**53 + 1, float(2**53), math.inf],
        ["b", None, "a", "", "B", "b"],
        [True, None, False, True],
        [1, "a", None, NAN, [1], 2],
        [NAN, 1.0, None, -math.inf],
        [None, None],
        [],
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_sort_permutation_matches_order_key_sort(values, descending):
    expected = sorted(range(len(values)), key=lambda i: order_key(values[i]), reverse=descending)
    assert sort_permutation(values, descending) == expected


def test_sort_values_sorts_rows_by_plain_and_mixed_columns():
    rows = [(2, "x"), (None, "y"), (1, None), (2, 1), (1, "a")]
    sort_values(rows, [(lambda row: row[0], False), (lambda row: row[1], True)])
    assert rows == [(1, None), (1, "a"), (2, 1), (2, "x"), (None, "y")]


@pytest.mark.parametrize(
    ("value", "joins"),
    [
        (1, True),
        (1.5, True),
        ("a", True),
        (False, True),
        ([1, [2, "x"]], True),
        ({"a": {"b": 1}}, True),
        (NodeRef(1), True),
        (Span(2), True),
        (None, False),
        (NAN, False),
        ([1, None], False),
        ({"a": [NAN]}, False),
        ((1, None), False),
    ],
)
def test_join_key_is_none_for_values_that_equal_nothing(value, joins):
    assert (join_key(value) is not None) == joins
    if joins:
        assert join_key(value) == group_key(value)
