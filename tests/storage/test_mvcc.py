"""Snapshot reads through the history family, history collection, and a multi-snapshot model."""

from __future__ import annotations

import random

import numpy as np

import engram
from engram.storage import Bound, Direction
from engram.storage import keys as layout


def history_keys(store) -> list[bytes]:
    low, high = layout.family_range(layout.HISTORY)
    return list(store._kv.scan_keys(low, high))


def test_old_snapshot_sees_overwritten_deleted_and_recreated_state(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([schema.person], {schema.age: 1})
        other = tx.create_node([schema.person])
    old = store.begin_read()
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, 2)
        tx.remove_labels(node, [schema.person])
        tx.delete_node(other)
        born = tx.create_node([schema.person])
    assert history_keys(store)  # old versions kept for the open reader
    middle = store.begin_read()
    with store.begin_write() as tx:
        tx.add_labels(node, [schema.person])
        tx.set_node_property(node, schema.age, 3)
    assert old.node(node).properties == {schema.age: 1}
    assert old.node_labels(node) == {schema.person}
    assert old.node_exists(other)
    assert not old.node_exists(born)
    assert [int(i) for b in old.scan_label(schema.person) for i in b] == [node, other]
    assert [int(i) for b in old.scan_nodes() for i in b] == [node, other]
    assert old.property_of([node, other, born], schema.age) == [1, None, None]
    assert middle.node_property(node, schema.age) == 2
    assert [int(i) for b in middle.scan_label(schema.person) for i in b] == [born]
    old.close()
    middle.close()
    with store.begin_read() as tx:
        assert tx.node_property(node, schema.age) == 3


def test_snapshot_adjacency_and_index_ranges(store, schema):
    with store.begin_write() as tx:
        index = tx.create_index(schema.person, [schema.age])
        hub = tx.create_node([schema.person], {schema.age: 10})
        first = [tx.create_relationship(schema.knows, hub, tx.create_node()) for _ in range(3)]
    old = store.begin_read()
    with store.begin_write() as tx:
        tx.delete_relationship(first[1])
        tx.create_relationship(schema.knows, hub, hub)
        tx.set_node_property(hub, schema.age, 20)
        tx.create_node([schema.person], {schema.age: 15})
    assert old.expand(np.array([hub]), Direction.OUT).relationship.tolist() == first
    assert old.degree(np.array([hub]), Direction.BOTH).tolist() == [3]
    assert old.index_seek(index, lower=Bound(0)).tolist() == [hub]
    assert old.index_seek(index, equal=[20]).tolist() == []
    assert old.count_relationships() == 3
    with store.begin_read() as new:
        assert len(new.expand(np.array([hub]), Direction.OUT)) == 3
        assert new.index_seek(index, equal=[20]).tolist() == [hub]
    old.close()


def test_history_is_collected_once_no_reader_needs_it(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([], {schema.age: 0})
    reader = store.begin_read()
    for value in range(1, 4):
        with store.begin_write() as tx:
            tx.set_node_property(node, schema.age, value)
    assert len(history_keys(store)) >= 3
    assert reader.node_property(node, schema.age) == 0
    reader.close()
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, 99)
    # everything but the newest commit's own history entry is gone
    remaining = history_keys(store)
    assert len(remaining) <= 1
    with store.begin_write() as tx:
        tx.create_node()
    assert history_keys(store) == []


def test_history_is_dropped_on_reopen(tmp_path):
    db = engram.open(tmp_path / "db")
    with db.transaction() as tx:
        node = tx.storage.create_node()
    reader = db.begin_read()
    with db.transaction() as tx:
        tx.storage.delete_node(node)
    assert history_keys(db._store)
    reader.close()
    db.close()
    with engram.open(tmp_path / "db") as db:
        assert history_keys(db._store) == []
        assert db.begin_read().node(node) is None


def _view(tx, model_label, key) -> dict[int, object]:
    members = [int(i) for batch in tx.scan_label(model_label) for i in batch]
    return dict(zip(members, tx.property_of(members, key), strict=True))


def test_many_snapshots_match_a_model(store, schema):
    """Random commits; readers opened along the way must each keep seeing their version."""
    rng = random.Random(11)
    with store.begin_write() as tx:
        index = tx.create_index(schema.person, [schema.age])
    model: dict[int, object] = {}
    readers: list[tuple[object, dict[int, object]]] = []
    for _ in range(60):
        with store.begin_write() as tx:
            for _ in range(rng.randint(1, 6)):
                action = rng.random()
                if action < 0.45 or not model:
                    node = tx.create_node([schema.person], {schema.age: rng.randint(0, 9)})
                    model[node] = tx.node_property(node, schema.age)
                elif action < 0.75:
                    node = rng.choice(list(model))
                    model[node] = rng.randint(0, 9)
                    tx.set_node_property(node, schema.age, model[node])
                elif action < 0.9:
                    node = rng.choice(list(model))
                    tx.remove_labels(node, [schema.person])
                    tx.delete_node(node)
                    del model[node]
                else:
                    node = rng.choice(list(model))
                    tx.detach_delete_node(node)
                    del model[node]
        if rng.random() < 0.3:
            readers.append((store.begin_read(), dict(model)))
        if readers and rng.random() < 0.15:
            reader, _ = readers.pop(rng.randrange(len(readers)))
            reader.close()
        for reader, expected in readers:
            assert _view(reader, schema.person, schema.age) == expected
            probe = rng.randint(0, 9)
            hits = {n for n, v in expected.items() if v == probe}
            assert set(reader.index_seek(index, equal=[probe]).tolist()) == hits
            assert reader.count_nodes(schema.person) == len(expected)
    for reader, _ in readers:
        reader.close()
