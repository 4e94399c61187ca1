"""Per-version caches and commit hooks (extension points for derived structures)."""

from __future__ import annotations

import pytest

from engram.storage import ChangeSet


def test_label_members_are_cached_per_version_and_carried_over(store, schema):
    with store.begin_write() as tx:
        people = [tx.create_node([schema.person]) for _ in range(3)]
        tx.create_node([schema.city])
    with store.begin_read() as first, store.begin_read() as second:
        shared = first.label_members(schema.person)
        assert shared is second.label_members(schema.person)
        assert shared.tolist() == people
        with pytest.raises(ValueError, match="read-only"):
            shared[0] = 99
    with store.begin_write() as tx:  # touches City only: the Person array carries over
        tx.create_node([schema.city])
        assert tx.label_members(schema.person).tolist() == people
    with store.begin_read() as tx:
        assert tx.label_members(schema.person) is shared
        cities = tx.label_members(schema.city)
    with store.begin_write() as tx:
        tx.delete_node(people[0])
    with store.begin_read() as tx:
        assert tx.label_members(schema.person).tolist() == people[1:]
        assert tx.label_members(schema.city) is cities


def test_commit_hooks_see_each_commit(store, schema):
    seen: list[ChangeSet] = []
    batches = []

    def before(transaction, version, batch):
        batches.append((version, batch.len()))
        batch.put(b"\x01ext-marker", version.to_bytes(8, "big"))

    store.add_before_write(before)
    store.add_listener(seen.append)
    with store.begin_write() as tx:
        node = tx.create_node([schema.person], {schema.age: 1})
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, 2)
    with store.begin_write():
        pass  # nothing written: no commit, no hooks
    assert [change.version for change in seen] == [version for version, _ in batches]
    assert seen[0].nodes == {node}
    assert schema.person in seen[0].labels
    assert seen[1].property_keys == {schema.age}
    assert seen[1].labels == frozenset()
    assert store._kv.get(b"\x01ext-marker") == seen[-1].version.to_bytes(8, "big")
