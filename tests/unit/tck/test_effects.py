from __future__ import annotations

import datetime as dt

import pytest

from engram.values import Node, Relationship
from tests.tck.effects import (
    COUNTERS,
    compare_side_effects,
    expected_side_effects,
    side_effects,
    snapshot_of,
)
from tests.tck.gherkin import Table

EMPTY = snapshot_of([], [])


def nonzero(before, after):
    return {name: count for name, count in side_effects(before, after).items() if count}


def test_creating_two_nodes_with_one_label_adds_one_label():
    after = snapshot_of([Node(1, frozenset({"L"})), Node(2, frozenset({"L"}))], [])
    assert nonzero(EMPTY, after) == {"+nodes": 2, "+labels": 1}


def test_removing_a_label_from_five_nodes_removes_one_label():
    before = snapshot_of([Node(i, frozenset({"N", "K"})) for i in range(5)], [])
    after = snapshot_of([Node(i, frozenset({"K"})) for i in range(5)], [])
    assert nonzero(before, after) == {"-labels": 1}


def test_merging_a_node_with_a_new_and_an_existing_label():
    before = snapshot_of([Node(1, frozenset({"L"}))], [])
    after = snapshot_of([Node(1, frozenset({"L"})), Node(2, frozenset({"L", "B"}))], [])
    assert nonzero(before, after) == {"+nodes": 1, "+labels": 1}


def test_changing_a_value_counts_as_one_removed_and_one_added():
    before = snapshot_of([Node(1, properties={"k": 1, "other": "x"})], [])
    after = snapshot_of([Node(1, properties={"k": 2, "other": "x"})], [])
    assert nonzero(before, after) == {"+properties": 1, "-properties": 1}


def test_setting_the_same_value_counts_nothing():
    before = snapshot_of([Node(1, properties={"k": [1, 2], "d": dt.date(2020, 1, 1)})], [])
    after = snapshot_of([Node(1, properties={"k": [1, 2], "d": dt.date(2020, 1, 1)})], [])
    assert nonzero(before, after) == {}


def test_property_equality_is_type_aware():
    assert nonzero(
        snapshot_of([Node(1, properties={"k": 1})], []),
        snapshot_of([Node(1, properties={"k": 1.0})], []),
    ) == {
        "+properties": 1,
        "-properties": 1,
    }
    assert nonzero(
        snapshot_of([Node(1, properties={"k": "2020-01-01"})], []),
        snapshot_of([Node(1, properties={"k": dt.date(2020, 1, 1)})], []),
    ) == {"+properties": 1, "-properties": 1}


def test_deleting_an_element_removes_all_its_triples():
    node = Node(1, frozenset({"A"}), {"a": 1, "b": 2})
    rel = Relationship(9, "T", 1, 1, {"w": 0.5})
    assert nonzero(snapshot_of([node], [rel]), EMPTY) == {
        "-nodes": 1,
        "-relationships": 1,
        "-labels": 1,
        "-properties": 3,
    }


def test_relationship_and_node_with_the_same_id_are_distinct_elements():
    before = snapshot_of([Node(1, properties={"k": 1})], [])
    after = snapshot_of([Node(1, properties={"k": 1})], [Relationship(1, "T", 1, 1, {"k": 1})])
    assert nonzero(before, after) == {"+relationships": 1, "+properties": 1}


def test_create_then_delete_cancels_out():
    graph = snapshot_of([Node(1, frozenset({"A"}), {"x": 1})], [])
    assert nonzero(graph, graph) == {}


def test_counters_come_in_tck_order():
    assert list(side_effects(EMPTY, EMPTY)) == list(COUNTERS)


def test_expected_side_effects_table():
    table = Table((("+nodes", "1"), ("-properties", "12")), 1)
    expected = expected_side_effects(table)
    assert expected["+nodes"] == 1
    assert expected["-properties"] == 12
    assert sum(expected.values()) == 13
    assert expected_side_effects(None) == dict.fromkeys(COUNTERS, 0)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("+nodez", "1"),), "unknown side-effect counter"),
        ((("+nodes", "1"), ("+nodes", "2")), "listed twice"),
        ((("+nodes", "-1"),), "not a number"),
        ((("+nodes", "x"),), "not a number"),
        ((("+nodes",),), "two cells"),
    ],
)
def test_malformed_side_effect_tables(rows, message):
    with pytest.raises(ValueError, match=message):
        expected_side_effects(Table(rows, 1))


def test_compare_side_effects_names_the_differences():
    expected = expected_side_effects(Table((("+nodes", "1"),), 1))
    actual = side_effects(EMPTY, snapshot_of([Node(1, frozenset({"A"}))], []))
    message = compare_side_effects(expected, actual)
    assert message == "side effects differ: +labels expected 0 got 1"
    actual_ok = side_effects(EMPTY, snapshot_of([Node(1)], []))
    assert compare_side_effects(expected, actual_ok) is None
