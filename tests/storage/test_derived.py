"""CSR adjacency and property columns: the same answers as the stored records, per version."""

from __future__ import annotations

import random

import numpy as np
import pytest

from engram.storage import Direction
from engram.storage.adjacency import expand_base
from engram.storage.derived import (
    NOT_IN_COLUMN,
    build_column,
    build_csr,
    column_kind,
    values_by_node,
)


def _rows(expansion):
    return list(
        zip(
            expansion.source.tolist(),
            expansion.neighbour.tolist(),
            expansion.relationship.tolist(),
            expansion.type_id.tolist(),
            expansion.outgoing.tolist(),
            strict=True,
        )
    )


@pytest.fixture
def random_graph(store, schema):
    """60 nodes (two labels), 400 random KNOWS and LIVES_IN relationships, self-loops too."""
    generator = random.Random(7)
    with store.begin_write() as tx:
        nodes = [
            tx.create_node(
                [schema.person if i % 3 else schema.city],
                {schema.age: i} if i % 4 else {schema.name: f"n{i}"},
            )
            for i in range(60)
        ]
        for _ in range(400):
            kind = schema.knows if generator.random() < 0.7 else schema.lives_in
            tx.create_relationship(kind, generator.choice(nodes), generator.choice(nodes))
    return nodes


@pytest.mark.parametrize("direction", [Direction.OUT, Direction.IN, Direction.BOTH])
def test_csr_expansion_equals_the_stored_adjacency(store, schema, random_graph, direction):
    with store.begin_read() as tx:
        everyone = np.array(sorted(random_graph), dtype=np.int64)
        stored = expand_base(tx._reader, everyone, direction, [schema.knows])
        csr = build_csr(everyone, stored, schema.knows)
        probe = np.array([random_graph[5], 10**9, random_graph[0], random_graph[5], -1])
        expected = expand_base(tx._reader, np.clip(probe, 0, None), direction, [schema.knows])
        got = csr.expand(probe)
        # ids that are no node expand to nothing
        keep = [row for row in _rows(expected) if probe[row[0]] in random_graph]
        assert _rows(got) == keep


def test_large_expansions_switch_to_the_csr_with_the_same_rows(store, schema, random_graph):
    nodes = np.array(random_graph * 200, dtype=np.int64)  # demand enough to build it
    with store.begin_read() as tx:
        direct = _rows(expand_base(tx._reader, nodes, Direction.OUT, [schema.knows]))
        first = _rows(tx.expand(nodes, Direction.OUT, [schema.knows]))
        second = _rows(tx.expand(nodes, Direction.OUT, [schema.knows]))
        assert tx._state.caches.peek(("adjacency", schema.knows, int(Direction.OUT)))
    assert first == direct
    assert second == direct


def test_a_commit_to_the_type_drops_the_csr_and_readers_keep_theirs(store, schema, random_graph):
    nodes = np.array(random_graph * 200, dtype=np.int64)
    a, b = random_graph[1], random_graph[2]
    with store.begin_read() as old:
        before = len(old.expand(nodes, Direction.OUT, [schema.knows]))
        old.expand(nodes, Direction.OUT, [schema.knows])
        with store.begin_write() as tx:
            tx.create_relationship(schema.knows, a, b)
        # the old snapshot still answers with its own version's adjacency
        assert len(old.expand(nodes, Direction.OUT, [schema.knows])) == before
    with store.begin_read() as new:
        assert new._state.caches.peek(("adjacency", schema.knows, int(Direction.OUT))) is None
        after = new.expand(nodes, Direction.OUT, [schema.knows])
        after_again = new.expand(nodes, Direction.OUT, [schema.knows])
    assert len(after) == before + 200
    assert _rows(after) == _rows(after_again)


def test_writes_in_a_transaction_bypass_the_csr(store, schema, random_graph):
    nodes = np.array(random_graph * 200, dtype=np.int64)
    with store.begin_read() as tx:
        tx.expand(nodes, Direction.OUT, [schema.knows])
        baseline = len(tx.expand(nodes, Direction.OUT, [schema.knows]))
    with store.begin_write() as tx:
        tx.create_relationship(schema.knows, random_graph[3], random_graph[4])
        assert len(tx.expand(nodes, Direction.OUT, [schema.knows])) == baseline + 200
        tx.rollback()


def test_property_column_matches_property_of(store, schema, random_graph):
    with store.begin_read() as tx:
        column = tx.property_column(schema.person, schema.age)
        members = tx.label_members(schema.person)
        assert column.ids.tolist() == members.tolist()
        probe = np.array([*random_graph, 10**9], dtype=np.int64)
        values, present = column.lookup(probe)
        expected = tx.property_of(probe, schema.age)
        labelled = set(members.tolist())
        for node, value, here, stored in zip(probe, values, present, expected, strict=True):
            if int(node) in labelled and stored is not None:
                assert here
                assert value == stored
            else:
                assert not here
        assert tx.property_column(schema.person, schema.age) is column


def test_property_column_is_rebuilt_after_a_change_to_its_key(store, schema, random_graph):
    with store.begin_read() as tx:
        column = tx.property_column(schema.person, schema.age)
    node = int(column.ids[0])
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, 999)
    with store.begin_read() as tx:
        fresh = tx.property_column(schema.person, schema.age)
        assert fresh is not column
        values, present = fresh.lookup(np.array([node]))
    assert present[0]
    assert values[0] == 999


def test_own_writes_are_visible_in_a_write_transactions_column(store, schema, random_graph):
    with store.begin_write() as tx:
        node = tx.create_node([schema.person], {schema.age: 12345})
        values, present = tx.property_column(schema.person, schema.age).lookup(np.array([node]))
        assert present[0]
        assert values[0] == 12345
        tx.rollback()


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([1, None, 3], "int"),
        ([1.5, None], "float"),
        ([True, False, None], "bool"),
        (["a", None], "str"),
        ([1, "a"], "object"),
        ([1, 2.0], "object"),
        ([2**70], "object"),
        ([[1, 2]], "object"),
        ([None, None], "int"),
    ],
)
def test_column_kinds(values, kind):
    assert column_kind(values) == kind
    column = build_column(np.arange(len(values), dtype=np.int64), values)
    got, present = column.lookup(np.arange(len(values), dtype=np.int64))
    assert present.tolist() == [value is not None for value in values]
    assert [v for v, p in zip(got.tolist(), present, strict=True) if p] == [
        v for v in values if v is not None
    ]


@pytest.mark.parametrize(
    "raw", [[10**12 + i for i in range(6)], ["a", None, "c", None, "e", "f"], [1.5] * 6]
)
def test_values_by_node_list_the_column_by_node_id(raw):
    ids = np.array([1, 2, 4, 5, 8, 9], dtype=np.int64)
    column = build_column(ids, raw)
    listed = values_by_node(column)
    assert listed is not None
    assert len(listed) == 10
    for node in range(10):
        if node in ids:
            expected = raw[ids.tolist().index(node)]
            assert listed[node] == expected
            assert type(listed[node]) is type(expected)
        else:
            assert listed[node] is NOT_IN_COLUMN


def test_values_by_node_is_none_for_sparse_ids_and_other_values():
    column = build_column(np.array([3, 10**9], dtype=np.int64), [1, 2])
    assert column.slots is None
    assert values_by_node(column) is None
    mixed = build_column(np.array([0, 1], dtype=np.int64), [1, "one"])
    assert mixed.slots is not None
    assert values_by_node(mixed) is None
