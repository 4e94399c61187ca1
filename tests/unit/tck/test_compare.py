from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from engram.values import Node, Path, Relationship
from tests.support.engine import QueryResult
from tests.tck.compare import (
    ResultExpectation,
    UnsupportedValue,
    compare_result,
    expectation_from_table,
    render_value,
    value_key,
)
from tests.tck.gherkin import Table
from tests.tck.notation import parse_value


def same(expected_text, actual, *, unordered_lists=False):
    expected = parse_value(expected_text)
    return value_key(expected, unordered_lists=unordered_lists) == value_key(
        actual, unordered_lists=unordered_lists
    )


@pytest.mark.parametrize(
    ("cell", "actual", "equal"),
    [
        ("1", 1, True),
        ("1", 1.0, False),
        ("1.0", 1, False),
        ("1.0", 1.0, True),
        ("true", True, True),
        ("true", 1, False),
        ("1", True, False),
        ("0.0", -0.0, True),
        ("NaN", math.nan, True),
        ("NaN", 1.0, False),
        ("Inf", math.inf, True),
        ("3985764.3405892686", 3985764.3405892686, True),
        ("3985764.3405892686", 3985764.340589268, False),
        ("'a'", "a", True),
        ("'a'", "A", False),
        ("null", None, True),
        ("null", "", False),
        ("[1, 2]", [1, 2], True),
        ("[1, 2]", [2, 1], False),
        ("[1, 2]", (1, 2), True),
        ("{a: 1, b: [2]}", {"b": [2], "a": 1}, True),
        ("{a: 1}", {"a": 1, "b": None}, False),
        ("{a: 1}", {"a": 1.0}, False),
    ],
)
def test_scalar_and_container_equality(cell, actual, equal):
    assert same(cell, actual) is equal


def test_lists_as_multisets_at_any_depth():
    assert same("[1, 2, 2]", [2, 1, 2], unordered_lists=True)
    assert not same("[1, 2, 2]", [2, 1, 1], unordered_lists=True)
    assert same("[[1, 2], [3]]", [[3], [2, 1]], unordered_lists=True)
    assert not same("[[1, 2], [3]]", [[3], [2, 1]])
    assert same("{k: [1, 'a']}", {"k": ["a", 1]}, unordered_lists=True)
    # -0.0 and 0.0 sort to the same place, so equal multisets stay equal
    assert same("[0.0, 1.0, -1.0]", [1.0, -0.0, -1.0], unordered_lists=True)


def test_nodes_compare_by_labels_and_properties_not_identity():
    node = Node(7, frozenset({"B", "A"}), {"name": "x", "num": 1})
    assert same("(:A:B {name: 'x', num: 1})", node)
    assert same(
        "(:B:A {num: 1, name: 'x'})", Node(99, frozenset({"A", "B"}), {"name": "x", "num": 1})
    )
    assert not same("(:A {name: 'x', num: 1})", node)
    assert not same("(:A:B {name: 'x'})", node)
    assert not same("(:A:B {name: 'x', num: 1.0})", node)
    assert same("()", Node(1))
    assert not same("{name: 'x', num: 1}", node)


def test_relationships_compare_by_type_and_properties():
    rel = Relationship(5, "KNOWS", 1, 2, {"year": 1988})
    assert same("[:KNOWS {year: 1988}]", rel)
    assert not same("[:KNOWS]", rel)
    assert not same("[:LIKES {year: 1988}]", rel)


def _path_ab():
    a, b, c = Node(1, frozenset({"A"})), Node(2, frozenset({"B"})), Node(3, frozenset({"C"}))
    forward = Relationship(10, "T", 1, 2)
    backward = Relationship(11, "S", 3, 2)
    return Path((a, b, c), (forward, backward))


def test_paths_compare_by_structure_and_direction():
    path = _path_ab()
    assert same("<(:A)-[:T]->(:B)<-[:S]-(:C)>", path)
    assert not same("<(:A)-[:T]->(:B)-[:S]->(:C)>", path)
    assert not same("<(:A)<-[:T]-(:B)<-[:S]-(:C)>", path)
    assert same("<(:A)>", Path((Node(1, frozenset({"A"})),)))


def test_self_loop_reads_forward():
    a = Node(1, frozenset({"A"}))
    assert same("<(:A)-[:T]->(:A)>", Path((a, a), (Relationship(2, "T", 1, 1),)))


def test_malformed_paths_are_reported():
    a, b = Node(1), Node(2)
    with pytest.raises(UnsupportedValue, match="does not join"):
        value_key(Path((a, b), (Relationship(3, "T", 5, 6),)))
    with pytest.raises(UnsupportedValue, match="malformed path"):
        value_key(Path((a, b), ()))


@pytest.mark.parametrize(
    ("cell", "actual"),
    [
        ("'1984-10-11'", dt.date(1984, 10, 11)),
        ("'1984-03-07T12:31'", dt.datetime(1984, 3, 7, 12, 31)),
        (
            "'12:31:14.645876+01:00'",
            dt.time(12, 31, 14, 645876, dt.timezone(dt.timedelta(hours=1))),
        ),
        (
            "'1984-10-11T01:00:42-10:00[Pacific/Honolulu]'",
            dt.datetime(1984, 10, 11, 1, 0, 42, tzinfo=ZoneInfo("Pacific/Honolulu")),
        ),
        ("['2015-07-21', '2016-01-01']", [dt.date(2015, 7, 21), dt.date(2016, 1, 1)]),
    ],
)
def test_temporal_values_compare_by_canonical_text(cell, actual):
    assert same(cell, actual)


def test_temporal_keys_can_keep_their_type():
    date = dt.date(2020, 1, 1)
    assert value_key(date, temporal_as_text=False) != value_key(
        "2020-01-01", temporal_as_text=False
    )
    assert value_key(date) == value_key("2020-01-01")


@pytest.mark.parametrize("value", [np.int64(1), np.float64(1.5), object(), {1, 2}, b"x"])
def test_values_outside_the_api_are_rejected(value):
    with pytest.raises(UnsupportedValue, match="not a value of the public API"):
        value_key(value)


def _table(*rows):
    return Table(tuple(rows), 1)


def test_result_in_any_order_is_a_multiset():
    expected = expectation_from_table(
        _table(("n", "m"), ("1", "'a'"), ("1", "'a'"), ("2", "'b'")),
        ordered=False,
        unordered_lists=False,
    )
    assert compare_result(expected, QueryResult(("n", "m"), ((2, "b"), (1, "a"), (1, "a")))) is None
    message = compare_result(expected, QueryResult(("n", "m"), ((2, "b"), (1, "a"), (3, "c"))))
    assert message is not None
    assert message.startswith("rows differ (in any order): 1 expected row(s) missing, 1 unexpected")
    assert "missing:\n  | 1 | 'a' |" in message
    assert "unexpected:\n  | 3 | 'c' |" in message


def test_result_in_order_is_a_sequence():
    expected = expectation_from_table(
        _table(("x",), ("1",), ("2",)), ordered=True, unordered_lists=False
    )
    assert compare_result(expected, QueryResult(("x",), ((1,), (2,)))) is None
    message = compare_result(expected, QueryResult(("x",), ((2,), (1,))))
    assert message is not None
    assert "first difference at row 1" in message
    shorter = compare_result(expected, QueryResult(("x",), ((1,),)))
    assert shorter is not None
    assert "expected 2 rows, got 1" in shorter


def test_columns_are_compared_exactly_and_in_order():
    expected = expectation_from_table(_table(("a", "b")), ordered=False, unordered_lists=False)
    assert compare_result(expected, QueryResult(("a", "b"), ())) is None
    swapped = compare_result(expected, QueryResult(("b", "a"), ()))
    assert swapped is not None
    assert swapped.startswith("columns differ: expected ['a', 'b'], got ['b', 'a']")
    assert compare_result(expected, QueryResult(("A", "b"), ())) is not None


def test_empty_result_step_ignores_columns():
    expected = expectation_from_table(None, ordered=False, unordered_lists=False)
    assert expected == ResultExpectation(None, (), ordered=False, unordered_lists=False)
    assert compare_result(expected, QueryResult(("whatever",), ())) is None
    assert compare_result(expected, QueryResult((), ((1,),))) is not None


def test_ignoring_list_order_applies_to_result_rows():
    expected = expectation_from_table(
        _table(("l",), ("[[(:A), (:B)], [(:C)]]",)), ordered=True, unordered_lists=True
    )
    a, b, c = (Node(index, frozenset({label})) for index, label in enumerate("ABC"))
    assert compare_result(expected, QueryResult(("l",), (([[c], [b, a]],),))) is None


def test_render_value_for_messages():
    assert render_value(Node(1, frozenset({"B", "A"}), {"k": "v"})) == "(:A:B {k: 'v'})"
    assert render_value(Relationship(1, "T", 1, 2, {})) == "[:T]"
    assert render_value(_path_ab()) == "<(:A)-[:T]->(:B)<-[:S]-(:C)>"
    assert (
        render_value(parse_value("<(:A)-[:T]->(:B)<-[:S]-(:C)>")) == "<(:A)-[:T]->(:B)<-[:S]-(:C)>"
    )
    assert render_value(dt.date(2001, 2, 3)) == "'2001-02-03'"
    assert render_value([math.nan, -math.inf]) == "[NaN, -Inf]"
