"""Nodes: create, read (single and batch), scans, labels, properties, deletes, errors."""

from __future__ import annotations

import numpy as np
import pytest

from engram.errors import ErrorDetail, ErrorKind, InternalError, QueryRuntimeError
from engram.storage.reads import DEFAULT_BATCH


def ids(arrays) -> list[int]:
    return [int(i) for array in arrays for i in array]


def test_created_nodes_read_back_after_commit(store, schema):
    with store.begin_write() as tx:
        ada = tx.create_node([schema.person], {schema.name: "Ada", schema.age: 36})
        blank = tx.create_node()
    with store.begin_read() as tx:
        record = tx.node(ada)
        assert record.labels == {schema.person}
        assert record.properties == {schema.name: "Ada", schema.age: 36}
        assert tx.node_labels(blank) == frozenset()
        assert tx.node_properties(blank) == {}
        assert tx.node_property(ada, schema.age) == 36
        assert tx.node_property(ada, schema.email) is None
        assert tx.node_exists(ada)
        assert not tx.node_exists(blank + 100)
        assert tx.node(-1) is None
        assert tx.node_labels(2**64) is None


def test_batch_reads_align_with_ids(store, schema):
    with store.begin_write() as tx:
        made = [tx.create_node([schema.person], {schema.age: i}) for i in range(10)]
        tx.create_node([schema.city])
    query = np.array([made[3], 999, made[0], -5, made[3]])
    with store.begin_read() as tx:
        assert tx.property_of(query, schema.age) == [3, None, 0, None, 3]
        assert tx.nodes_exist(query).tolist() == [True, False, True, False, True]
        assert tx.has_label(query, schema.person).tolist() == [True, False, True, False, True]
        assert tx.labels_of(query)[1] is None
        assert [r and r.id for r in tx.nodes(query)] == [made[3], None, made[0], None, made[3]]
        assert tx.properties_of([made[1]]) == [{schema.age: 1}]


def test_scans_are_in_id_order_and_batched(store, schema):
    with store.begin_write() as tx:
        made = [tx.create_node([schema.person] if i % 2 else [], {}) for i in range(10_000)]
    with store.begin_read() as tx:
        batches = list(tx.scan_nodes())
        assert [len(b) for b in batches[:-1]] == [DEFAULT_BATCH] * (len(batches) - 1)
        assert ids(batches) == made
        odd = ids(tx.scan_label(schema.person, batch_size=1000))
        assert odd == made[1::2]
        assert tx.label_members(schema.person).tolist() == odd
        assert tx.count_nodes() == 10_000
        assert tx.count_nodes(schema.person) == 5_000
        assert list(tx.scan_label(schema.city)) == []


def test_own_writes_are_visible_in_every_read(store, schema):
    with store.begin_write() as tx:
        old = [tx.create_node([schema.person], {schema.age: i}) for i in range(5)]
    with store.begin_write() as tx:
        new = tx.create_node([schema.person], {schema.age: 99})
        tx.delete_node(old[1])
        tx.remove_labels(old[2], [schema.person])
        tx.add_labels(old[3], [schema.city])
        tx.set_node_property(old[0], schema.age, 100)
        assert ids(tx.scan_nodes()) == [old[0], old[2], old[3], old[4], new]
        assert ids(tx.scan_label(schema.person)) == [old[0], old[3], old[4], new]
        assert ids(tx.scan_label(schema.city)) == [old[3]]
        assert tx.count_nodes() == 5
        assert tx.count_nodes(schema.person) == 4
        assert tx.property_of([old[0], old[1], new], schema.age) == [100, None, 99]
        assert tx.node(old[1]) is None
        assert tx.node_labels(old[3]) == {schema.person, schema.city}
        tx.rollback()
    with store.begin_read() as tx:
        assert ids(tx.scan_nodes()) == old
        assert tx.node_property(old[0], schema.age) == 0


def test_label_changes_merge_into_scans_in_order(store, schema):
    with store.begin_write() as tx:
        made = [tx.create_node([], {}) for _ in range(20)]
        for node in made[::4]:
            tx.add_labels(node, [schema.city])
    with store.begin_write() as tx:
        for node in made[1::4]:
            tx.add_labels(node, [schema.city])
        tx.remove_labels(made[0], [schema.city])
        expected = sorted(set(made[4::4]) | set(made[1::4]))
        assert ids(tx.scan_label(schema.city, batch_size=2)) == expected
    with store.begin_read() as tx:
        assert ids(tx.scan_label(schema.city)) == expected


def test_property_updates(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([], {schema.name: "x", schema.age: 1})
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, None)
        tx.remove_node_property(node, schema.email)
        tx.set_node_property(node, schema.email, ["a", "b"])
    with store.begin_read() as tx:
        assert tx.node_properties(node) == {schema.name: "x", schema.email: ["a", "b"]}
    with store.begin_write() as tx:
        tx.replace_node_properties(node, {schema.age: 2.5, schema.name: None})
    with store.begin_read() as tx:
        assert tx.node_properties(node) == {schema.age: 2.5}


def test_label_add_and_remove_report_counts(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([schema.person])
        assert tx.add_labels(node, [schema.person, schema.city]) == 1
        assert tx.add_labels(node, [schema.city]) == 0
        assert tx.remove_labels(node, [schema.person, schema.person]) == 1
        assert tx.remove_labels(node, [schema.person]) == 0
    with store.begin_read() as tx:
        assert tx.node_labels(node) == {schema.city}
        assert tx.count_nodes(schema.person) == 0
        assert tx.count_nodes(schema.city) == 1


def test_deleted_node_is_gone_and_ids_are_not_reused(store, schema):
    with store.begin_write() as tx:
        first = tx.create_node([schema.person])
    with store.begin_write() as tx:
        assert tx.delete_node(first)
        assert not tx.delete_node(first)
        assert not tx.delete_node(12345)
    with store.begin_write() as tx:
        second = tx.create_node([schema.person])
    assert second > first
    with store.begin_read() as tx:
        assert tx.node(first) is None
        assert tx.count_nodes(schema.person) == 1


def test_writes_to_missing_nodes_fail_clearly(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node()
        tx.delete_node(node)
        with pytest.raises(QueryRuntimeError) as raised:
            tx.set_node_property(node, schema.age, 1)
        assert raised.value.kind == ErrorKind.ENTITY_NOT_FOUND
        assert raised.value.detail == ErrorDetail.DELETED_ENTITY_ACCESS
        assert "deleted in this transaction" in raised.value.message
        with pytest.raises(QueryRuntimeError, match="does not exist"):
            tx.add_labels(777, [schema.person])


def test_invalid_property_values_change_nothing(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([], {schema.age: 1})
        with pytest.raises(QueryRuntimeError) as raised:
            tx.set_node_property(node, schema.age, {"nested": "map"})
        assert raised.value.detail == ErrorDetail.INVALID_PROPERTY_TYPE
        with pytest.raises(QueryRuntimeError):
            tx.create_node([], {schema.age: [{"num": 1}]})
        assert tx.node_properties(node) == {schema.age: 1}
        assert tx.count_nodes() == 1


def test_unknown_ids_are_engine_bugs(store, schema):
    with store.begin_write() as tx, pytest.raises(InternalError):
        tx.create_node([424242])


def test_names_are_interned_once_and_rolled_back_with_the_transaction(store):
    with store.begin_write() as tx:
        first = tx.intern_label("Thing")
        assert tx.intern_label("Thing") == first
        assert tx.catalog.label_id("Thing") == first
        tx.rollback()
    with store.begin_read() as tx:
        assert tx.catalog.label_id("Thing") is None
    with store.begin_write() as tx:
        kept = tx.intern_property_key("ünïcode ✓")
    with store.begin_read() as tx:
        assert tx.catalog.property_key_name(kept) == "ünïcode ✓"


def test_batch_create(store, schema):
    with store.begin_write() as tx:
        made = tx.create_nodes([schema.person], [{schema.age: i} for i in range(100)])
    assert made.dtype == np.int64
    assert len(made) == 100
    with store.begin_read() as tx:
        assert tx.property_of(made, schema.age) == list(range(100))


@pytest.mark.parametrize(("old", "new"), [(True, 1), (1, 1.0), (0.0, -0.0), ([1], [True])])
def test_changes_between_python_equal_values_are_stored(store, schema, old, new):
    with store.begin_write() as tx:
        node = tx.create_node([], {schema.age: old})
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, new)
    with store.begin_read() as tx:
        stored = tx.node_property(node, schema.age)
        assert type(stored) is type(new)
        assert repr(stored) == repr(new)


def test_wrongly_typed_ids_are_engine_bugs(store, schema):
    with store.begin_write() as tx:
        with pytest.raises(InternalError, match="must be integers"):
            tx.create_node(["Person"])
        with pytest.raises(InternalError, match="must be integers"):
            tx.create_node([], {"name": 1})
        node = tx.create_node([np.int64(schema.person)], {np.int64(schema.age): 1})
        assert tx.node_property(np.int64(node), schema.age) == 1
