"""Property indexes and unique constraints: building, seeks, maintenance, violations."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.storage import Bound
from engram.storage.verify import check_integrity

VALUES = [
    -5,
    0,
    0.0,
    -0.0,
    1,
    1.0,
    1.5,
    2**53 + 1,
    float("inf"),
    float("nan"),
    "",
    "a",
    "ab",
    "b",
    "a\x00",
    True,
    False,
    [1, 2],
    [1, 2.0],
    [],
    ["x"],
]


@pytest.fixture
def people(store, schema):
    with store.begin_write() as tx:
        made = [tx.create_node([schema.person], {schema.age: v}) for v in VALUES]
        tx.create_node([schema.city], {schema.age: 1})
        tx.create_node([schema.person], {schema.name: "no age"})
    return made


def index_on(store, schema, *keys, unique=False, name=None):
    with store.begin_write() as tx:
        return tx.create_index(schema.person, keys or (schema.age,), unique=unique, name=name)


def seek_set(tx, index, **kwargs) -> set[int]:
    found = tx.index_seek(index, **kwargs).tolist()
    assert len(found) == len(set(found))
    return set(found)


def test_equality_seeks_follow_cypher_equality(store, schema, people):
    index = index_on(store, schema)
    by_value = dict(zip(range(len(VALUES)), people, strict=True))
    with store.begin_read() as tx:
        ones = seek_set(tx, index, equal=[1])
        assert ones == {by_value[4], by_value[5]}  # 1 and 1.0
        assert seek_set(tx, index, equal=[-0.0]) == {by_value[1], by_value[2], by_value[3]}
        assert seek_set(tx, index, equal=[[1.0, 2]]) == {by_value[17], by_value[18]}
        assert seek_set(tx, index, equal=[float("nan")]) == set()
        assert seek_set(tx, index, equal=[None]) == set()
        assert seek_set(tx, index, equal=[True]) == {by_value[15]}
        assert seek_set(tx, index, equal=["a"]) == {by_value[11]}
        assert tx.index_seek_in(index, [2**53 + 1, "b", 1.5, "b", None]).tolist() == [
            by_value[13],
            by_value[6],
            by_value[7],
        ]


def test_range_seeks_stay_in_one_type(store, schema, people):
    index = index_on(store, schema)
    with store.begin_read() as tx:
        values = [tx.node_property(n, schema.age) for n in tx.index_seek(index, lower=Bound(0))]
        assert all(type(v) in (int, float) and v >= 0 for v in values)
        assert not any(isinstance(v, float) and math.isnan(v) for v in values)
        assert len(values) == 8  # 0, 0.0, -0.0, 1, 1.0, 1.5, 2**53+1, inf
        exclusive = tx.index_seek(index, lower=Bound(0, inclusive=False), upper=Bound(1.5))
        assert sorted(tx.property_of(exclusive, schema.age)) == [1, 1.0, 1.5]
        below = tx.index_seek(index, upper=Bound(1, inclusive=False))
        assert sorted(tx.property_of(below, schema.age)) == [-5, -0.0, 0, 0.0]
        strings = tx.index_seek(index, lower=Bound("a"), upper=Bound("b", inclusive=False))
        assert tx.property_of(strings, schema.age) == ["a", "a\x00", "ab"]
        assert tx.property_of(tx.index_seek(index, prefix="a"), schema.age) == [
            "a",
            "a\x00",
            "ab",
        ]
        assert len(tx.index_seek(index, lower=Bound(1), upper=Bound("z"))) == 0
        assert len(tx.index_seek(index, lower=Bound(float("nan")))) == 0
        in_order = tx.property_of(tx.index_seek(index, lower=Bound(-10)), schema.age)
        assert in_order == sorted(in_order)


def test_composite_index(store, schema):
    with store.begin_write() as tx:
        a = tx.create_node([schema.person], {schema.name: "x", schema.age: 1})
        b = tx.create_node([schema.person], {schema.name: "x", schema.age: 2})
        c = tx.create_node([schema.person], {schema.name: "y", schema.age: 1})
        tx.create_node([schema.person], {schema.name: "x"})  # lacks a key: not indexed
    index = index_on(store, schema, schema.name, schema.age)
    with store.begin_read() as tx:
        assert tx.index_seek(index, equal=["x"]).tolist() == [a, b]
        assert tx.index_seek(index, equal=["x", 2]).tolist() == [b]
        assert tx.index_seek(index, equal=["x"], lower=Bound(2)).tolist() == [b]
        assert tx.index_seek_in(index, ["y", "x"]).tolist() == [a, b, c]
        assert tx.statistics.index_stats(index.id).entries == 3


def test_index_maintenance_and_own_writes(store, schema, people):
    index = index_on(store, schema)
    with store.begin_write() as tx:
        moved = people[4]  # 1
        tx.set_node_property(moved, schema.age, "moved")
        added = tx.create_node([schema.person], {schema.age: 1.0})
        labelled = tx.create_node([], {schema.age: 1})
        tx.add_labels(labelled, [schema.person])
        unlabelled = people[5]  # 1.0
        tx.remove_labels(unlabelled, [schema.person])
        assert seek_set(tx, index, equal=[1]) == {added, labelled}
        assert seek_set(tx, index, equal=["moved"]) == {moved}
        assert seek_set(tx, index, prefix="mo") == {moved}
        tx.delete_node(added)
        assert seek_set(tx, index, equal=[1]) == {labelled}
        in_range = tx.index_seek(index, lower=Bound(0.5), upper=Bound(1.5))
        assert set(in_range.tolist()) == {labelled, people[6]}
    with store.begin_read() as tx:
        assert seek_set(tx, index, equal=[1]) == {labelled}
        assert check_integrity(tx) == []


def test_unique_constraint(store, schema):
    with store.begin_write() as tx:
        ada = tx.create_node([schema.person], {schema.email: "ada@x"})
    constraint = index_on(store, schema, schema.email, unique=True, name="person_email")
    with store.begin_write() as tx:
        with pytest.raises(QueryRuntimeError) as raised:
            tx.create_node([schema.person], {schema.email: "ada@x"})
        error = raised.value
        assert error.kind == ErrorKind.CONSTRAINT_VALIDATION_FAILED
        assert error.detail == ErrorDetail.UNIQUE_CONSTRAINT_VIOLATION
        assert f"node {ada}" in error.message
        assert "'person_email'" in error.message
        assert "'email' = 'ada@x'" in error.message
        other = tx.create_node([], {schema.email: "ada@x"})  # no label, no constraint
        with pytest.raises(QueryRuntimeError):
            tx.add_labels(other, [schema.person])
        assert tx.node_labels(other) == frozenset()  # the failed write changed nothing
        bob = tx.create_node([schema.person], {schema.email: "bob@x"})
        with pytest.raises(QueryRuntimeError):
            tx.set_node_property(bob, schema.email, "ada@x")
        assert tx.node_property(bob, schema.email) == "bob@x"
        tx.set_node_property(ada, schema.email, "ada@new")
        tx.set_node_property(bob, schema.email, "ada@x")  # free now
        assert tx.unique_lookup(constraint, ["ada@x"]) == bob
    with store.begin_read() as tx:
        assert tx.unique_lookup(constraint, ["ada@new"]) == ada
        assert tx.unique_lookup(constraint, ["nobody"]) is None
        assert tx.index_seek(constraint, prefix="ada").tolist() == [ada, bob]
        assert check_integrity(tx) == []


def test_unique_constraint_numbers_are_equal_across_types(store, schema):
    index_on(store, schema, unique=True)
    with store.begin_write() as tx:
        tx.create_node([schema.person], {schema.age: 1})
        with pytest.raises(QueryRuntimeError):
            tx.create_node([schema.person], {schema.age: 1.0})


def test_constraint_creation_fails_on_existing_duplicates(store, schema):
    with store.begin_write() as tx:
        first = tx.create_node([schema.person], {schema.email: "dup"})
        second = tx.create_node([schema.person], {schema.email: "dup"})
    with store.begin_write() as tx:
        with pytest.raises(QueryRuntimeError) as raised:
            tx.create_index(schema.person, [schema.email], unique=True)
        assert raised.value.detail == ErrorDetail.UNIQUE_CONSTRAINT_VIOLATION
        assert str(first) in raised.value.message or str(second) in raised.value.message
        assert tx.catalog.indexes == ()


def test_index_names_and_duplicates(store, schema):
    index = index_on(store, schema)
    assert index.name == "index_Person_age"
    with store.begin_write() as tx:
        assert tx.create_index(schema.person, [schema.age], if_not_exists=True) == index
        with pytest.raises(QueryRuntimeError) as raised:
            tx.create_index(schema.person, [schema.age])
        assert raised.value.detail == ErrorDetail.SCHEMA_ERROR
        assert "IF NOT EXISTS" in raised.value.hint
        with pytest.raises(QueryRuntimeError, match="named 'index_Person_age'"):
            tx.create_index(schema.city, [schema.age], name="index_Person_age")
        with pytest.raises(QueryRuntimeError, match="already covers :Person"):
            tx.create_index(schema.person, [schema.age], unique=True)
        with pytest.raises(QueryRuntimeError, match="no index or constraint named 'nope'"):
            tx.drop_index("nope")
        assert tx.drop_index("nope", if_exists=True) is None


def test_drop_index_keeps_old_snapshots_working(store, schema, people):
    index = index_on(store, schema)
    reader = store.begin_read()
    with store.begin_write() as tx:
        assert tx.drop_index(index.name) == index
        assert tx.catalog.index(index.name) is None
    with store.begin_read() as tx:
        assert tx.catalog.indexes == ()
        assert index.id not in tx.statistics.indexes
    # the old snapshot still has the index and its entries
    assert len(reader.index_seek(index, equal=[1])) == 2
    prefix = bytes([0x15]) + index.id.to_bytes(4, "big")
    assert list(store._kv.scan_keys(prefix, prefix + b"\xff" * 8))  # kept for the reader
    reader.close()
    with store.begin_write() as tx:  # the next commit collects the dropped entries
        tx.create_node()
    leftovers = list(store._kv.scan_keys(prefix, prefix + b"\xff" * 8))
    assert leftovers == []


def test_index_created_and_dropped_in_one_transaction(store, schema, people):
    with store.begin_write() as tx:
        index = tx.create_index(schema.person, [schema.age])
        assert len(tx.index_seek(index, equal=[1])) == 2
        tx.drop_index(index.name)
    with store.begin_read() as tx:
        assert tx.catalog.indexes == ()
        assert check_integrity(tx) == []


def test_index_statistics(store, schema, people):
    index = index_on(store, schema)
    with store.begin_read() as tx:
        stats = tx.statistics.index_stats(index.id)
        assert stats.entries == len(VALUES)
        assert stats.min_value == []
        assert math.isnan(stats.max_value)
        assert 10 <= stats.distinct <= len(VALUES)
    with store.begin_write() as tx:
        tx.delete_node(people[-2])  # [] was the minimum
    with store.begin_read() as tx:
        assert tx.statistics.index_stats(index.id).min_value == ["x"]


def test_random_workload_matches_brute_force(store, schema):
    rng = random.Random(2024)
    pool = [rng.randint(-3, 3) for _ in range(5)] + ["p", "q", "pq", 2.5, True]
    index = index_on(store, schema)
    live: dict[int, object] = {}
    for _ in range(8):
        with store.begin_write() as tx:
            for _ in range(40):
                action = rng.random()
                if action < 0.4 or not live:
                    value = rng.choice(pool)
                    live[tx.create_node([schema.person], {schema.age: value})] = value
                elif action < 0.7:
                    node = rng.choice(list(live))
                    live[node] = rng.choice(pool)
                    tx.set_node_property(node, schema.age, live[node])
                else:
                    node = rng.choice(list(live))
                    tx.delete_node(node)
                    del live[node]
            for probe in pool:
                expected = {n for n, v in live.items() if type(v) is type(probe) and v == probe}
                if isinstance(probe, int | float) and not isinstance(probe, bool):
                    expected = {
                        n
                        for n, v in live.items()
                        if isinstance(v, int | float) and not isinstance(v, bool) and v == probe
                    }
                assert seek_set(tx, index, equal=[probe]) == expected
            numbers = tx.index_seek(index, lower=Bound(-1), upper=Bound(2, inclusive=False))
            expected_numbers = {
                n
                for n, v in live.items()
                if isinstance(v, int | float) and not isinstance(v, bool) and -1 <= v < 2
            }
            assert set(numbers.tolist()) == expected_numbers
    with store.begin_read() as tx:
        assert check_integrity(tx) == []
        assert tx.statistics.index_stats(index.id).entries == len(live)
        numeric = [
            n for n, v in live.items() if isinstance(v, int | float) and not isinstance(v, bool)
        ]
        found = np.sort(tx.index_seek(index, lower=Bound(-100)))
        assert np.array_equal(found, np.sort(np.array(numeric, dtype=np.int64)))
