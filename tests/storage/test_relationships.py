"""Relationships and adjacency: expansion, degrees, chunked supernodes, deletes."""

from __future__ import annotations

import random

import numpy as np
import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.storage import Direction
from engram.storage.adjacency import CHUNK_CAPACITY
from engram.storage.verify import check_integrity


def rows(expansion) -> set[tuple[int, int, int, int, bool]]:
    return set(
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
def triangle(store, schema):
    """a -KNOWS-> b, a -KNOWS-> c, b -LIVES_IN-> c, a -KNOWS-> a (self-loop)."""
    with store.begin_write() as tx:
        a, b, c = (tx.create_node([schema.person]) for _ in range(3))
        ab = tx.create_relationship(schema.knows, a, b, {schema.age: 5})
        ac = tx.create_relationship(schema.knows, a, c)
        bc = tx.create_relationship(schema.lives_in, b, c)
        aa = tx.create_relationship(schema.knows, a, a)
    return a, b, c, ab, ac, bc, aa


def test_relationship_records(store, schema, triangle):
    a, b, c, ab, ac, bc, aa = triangle
    with store.begin_read() as tx:
        record = tx.relationship(ab)
        assert (record.type_id, record.start, record.end) == (schema.knows, a, b)
        assert tx.relationship_properties(ab) == {schema.age: 5}
        assert tx.relationship_property(ab, schema.age) == 5
        assert tx.relationship_property_of([ab, ac, 999], schema.age) == [5, None, None]
        assert [r and r.end for r in tx.relationships([bc, 12345, aa])] == [c, None, a]
        assert tx.relationship(-3) is None
        assert tx.count_relationships() == 4
        assert tx.count_relationships(schema.knows) == 3
        all_rels = [int(i) for batch in tx.scan_relationships() for i in batch]
        assert all_rels == [ab, ac, bc, aa]
        knows = [int(i) for batch in tx.scan_relationships(schema.knows) for i in batch]
        assert knows == [ab, ac, aa]


def test_expand_directions_types_and_self_loops(store, schema, triangle):
    a, b, c, ab, ac, bc, aa = triangle
    nodes = np.array([a, b, c])
    with store.begin_read() as tx:
        out = rows(tx.expand(nodes, Direction.OUT))
        assert out == {
            (0, b, ab, schema.knows, True),
            (0, c, ac, schema.knows, True),
            (0, a, aa, schema.knows, True),
            (1, c, bc, schema.lives_in, True),
        }
        incoming = rows(tx.expand(nodes, Direction.IN, [schema.knows]))
        assert incoming == {
            (0, a, aa, schema.knows, False),
            (1, a, ab, schema.knows, False),
            (2, a, ac, schema.knows, False),
        }
        both = tx.expand(nodes, Direction.BOTH)
        assert sorted(both.relationship[both.source == 0].tolist()) == [ab, ac, aa]
        assert len(both) == 8 - 1  # the self-loop once, every other relationship twice
        assert tx.degree(nodes, Direction.BOTH).tolist() == [3, 2, 2]
        assert tx.degree(nodes, Direction.OUT).tolist() == [3, 1, 0]
        assert tx.degree(nodes, Direction.IN, [schema.lives_in]).tolist() == [0, 0, 1]
        assert len(tx.expand(nodes, Direction.OUT, [])) == 0
        assert np.all(np.diff(both.source) >= 0)


def test_expand_sees_own_writes(store, schema, triangle):
    a, _b, c, ab, ac, _bc, aa = triangle
    with store.begin_write() as tx:
        d = tx.create_node()
        ad = tx.create_relationship(schema.knows, a, d)
        dd = tx.create_relationship(schema.knows, d, d)
        tx.delete_relationship(ac)
        out = tx.expand(np.array([a, d]), Direction.OUT)
        assert sorted(out.relationship[out.source == 0].tolist()) == [ab, aa, ad]
        assert rows(tx.expand(np.array([d]), Direction.BOTH)) == {
            (0, a, ad, schema.knows, False),
            (0, d, dd, schema.knows, True),
        }
        assert tx.degree(np.array([a, c, d]), Direction.BOTH).tolist() == [3, 1, 2]
        assert tx.count_relationships(schema.knows) == 4
        knows = [int(i) for batch in tx.scan_relationships(schema.knows) for i in batch]
        assert knows == [ab, aa, ad, dd]


def test_supernode_spans_many_chunks(store, schema):
    total = CHUNK_CAPACITY * 3 + 17
    with store.begin_write() as tx:
        hub = tx.create_node()
        leaves = [tx.create_node() for _ in range(total)]
        rels = [tx.create_relationship(schema.knows, hub, leaf) for leaf in leaves]
    # appends in later commits rewrite only the last chunk
    with store.begin_write() as tx:
        extra = [tx.create_relationship(schema.knows, hub, leaves[0]) for _ in range(5)]
    rng = random.Random(7)
    gone = set(rng.sample(rels, 300))
    with store.begin_write() as tx:
        for rel in gone:
            tx.delete_relationship(rel)
    with store.begin_read() as tx:
        expansion = tx.expand(np.array([hub]), Direction.OUT)
        assert expansion.relationship.tolist() == [r for r in rels if r not in gone] + extra
        assert tx.degree(np.array([hub]), Direction.OUT).tolist() == [total - 300 + 5]
        assert check_integrity(tx) == []
        assert tx.statistics.max_degree(schema.knows, outgoing=True) >= total


def test_deleting_every_relationship_empties_the_lists(store, schema, triangle):
    a, b, c, ab, ac, bc, aa = triangle
    with store.begin_write() as tx:
        for rel in (ab, ac, bc, aa):
            assert tx.delete_relationship(rel)
        assert not tx.delete_relationship(ab)
    with store.begin_read() as tx:
        assert len(tx.expand(np.array([a, b, c]), Direction.BOTH)) == 0
        assert tx.statistics.degree(schema.knows, outgoing=True).lists == 0
        assert check_integrity(tx) == []


def test_delete_connected_node_is_checked_at_statement_end(store, schema, triangle):
    _a, b, c, _ab, ac, bc, _aa = triangle
    with store.begin_write() as tx:
        # Cypher's `MATCH (n)-[r]-() DELETE n, r`: the node first, then its relationships
        assert tx.delete_node(c)
        tx.delete_relationship(ac)
        tx.delete_relationship(bc)
        tx.check_deleted_nodes()
    with store.begin_write() as tx:
        tx.delete_node(b)
        with pytest.raises(QueryRuntimeError) as raised:
            tx.check_deleted_nodes()
        error = raised.value
        assert error.kind == ErrorKind.CONSTRAINT_VERIFICATION_FAILED
        assert error.detail == ErrorDetail.DELETE_CONNECTED_NODE
        assert "DETACH DELETE" in (error.hint or "")
        tx.rollback()


def test_commit_refuses_a_connected_deleted_node(store, schema, triangle):
    _a, b, *_ = triangle
    tx = store.begin_write()
    tx.delete_node(b)
    with pytest.raises(QueryRuntimeError):
        tx.commit()
    assert not tx.is_open
    with store.begin_read() as reader:
        assert reader.node_exists(b)


def test_detach_delete(store, schema, triangle):
    a, b, _c, _ab, _ac, bc, _aa = triangle
    with store.begin_write() as tx:
        assert tx.detach_delete_node(a) == 3
        assert tx.detach_delete_node(a) == 0
    with store.begin_read() as tx:
        assert tx.count_relationships() == 1
        assert tx.expand(np.array([b]), Direction.BOTH).relationship.tolist() == [bc]
        assert check_integrity(tx) == []


def test_relationship_to_missing_or_deleted_node_fails(store, schema):
    with store.begin_write() as tx:
        a = tx.create_node()
        b = tx.create_node()
        tx.delete_node(b)
        with pytest.raises(QueryRuntimeError, match="deleted in this transaction"):
            tx.create_relationship(schema.knows, a, b)
        with pytest.raises(QueryRuntimeError, match="does not exist"):
            tx.create_relationship(schema.knows, 999, a)
        assert tx.count_relationships() == 0


def test_relationship_properties(store, schema, triangle):
    *_, ab, ac, bc, _aa = triangle
    with store.begin_write() as tx:
        tx.set_relationship_property(ab, schema.name, "since")
        tx.remove_relationship_property(ab, schema.age)
        tx.replace_relationship_properties(ac, {schema.age: [1.5, 2.5]})
        tx.delete_relationship(bc)
        with pytest.raises(QueryRuntimeError, match="relationship"):
            tx.set_relationship_property(bc, schema.age, 1)
    with store.begin_read() as tx:
        assert tx.relationship_properties_of([ab, ac, bc]) == [
            {schema.name: "since"},
            {schema.age: [1.5, 2.5]},
            None,
        ]


def test_created_then_deleted_relationship_leaves_nothing(store, schema):
    with store.begin_write() as tx:
        a, b = tx.create_node(), tx.create_node()
    with store.begin_write() as tx:
        rel = tx.create_relationship(schema.knows, a, b)
        assert tx.delete_relationship(rel)
        assert len(tx.expand(np.array([a]), Direction.OUT)) == 0
    with store.begin_read() as tx:
        assert tx.count_relationships() == 0
        assert tx.relationship(rel) is None
        assert check_integrity(tx) == []


def test_chunk_edge_cases_typed_and_untyped_paths_agree(store, schema):
    with store.begin_write() as tx:
        hub = tx.create_node()
        other = tx.create_node()
    batches = []
    for _ in range(3):  # three commits: the lists grow across commits and chunks
        with store.begin_write() as tx:
            batches.append(
                [tx.create_relationship(schema.knows, hub, other) for _ in range(CHUNK_CAPACITY)]
            )
    live = [rel for batch in batches for rel in batch]

    def check(expected):
        with store.begin_read() as tx:
            typed = tx.expand(np.array([hub]), Direction.OUT, [schema.knows])
            untyped = tx.expand(np.array([hub]), Direction.OUT)
            incoming = tx.expand(np.array([other]), Direction.IN, [schema.knows])
            assert typed.relationship.tolist() == expected
            assert untyped.relationship.tolist() == expected
            assert incoming.relationship.tolist() == expected
            assert tx.degree(np.array([hub, other]), Direction.BOTH, [schema.knows]).tolist() == [
                len(expected),
                len(expected),
            ]
            assert check_integrity(tx) == []

    check(live)
    with store.begin_write() as tx:  # empty the head chunk: its tails keep the list alive
        for rel in batches[0]:
            tx.delete_relationship(rel)
    live = batches[1] + batches[2]
    check(live)
    with store.begin_write() as tx:  # empty a tail chunk
        for rel in batches[2]:
            tx.delete_relationship(rel)
    check(batches[1])
    with store.begin_write() as tx:  # empty everything, then grow again in one transaction
        for rel in batches[1]:
            tx.delete_relationship(rel)
        again = [tx.create_relationship(schema.knows, hub, other) for _ in range(300)]
    check(again)
    with store.begin_write() as tx:
        for rel in again:
            tx.delete_relationship(rel)
    check([])
    with store.begin_read() as tx:
        assert tx.statistics.degree(schema.knows, outgoing=True).lists == 0


def test_batch_relationship_creation(store, schema):
    with store.begin_write() as tx:
        people = [tx.create_node([schema.person]) for _ in range(4)]
        city = tx.create_node([schema.city])
    with store.begin_write() as tx:
        created = tx.create_relationships(
            schema.lives_in, people, [city] * 4, [{schema.age: i} for i in range(4)]
        )
        assert created.dtype == np.int64
        assert len(set(created.tolist())) == 4
        with pytest.raises(QueryRuntimeError, match="does not exist"):
            tx.create_relationships(schema.knows, [people[0]], [999])
        assert tx.count_relationships() == 4  # the failed batch created nothing
    with store.begin_read() as tx:
        assert tx.degree(np.array([city]), Direction.IN).tolist() == [4]
        assert tx.relationship_property_of(created, schema.age) == [0, 1, 2, 3]
        assert tx.statistics.pattern_count(schema.person, schema.lives_in, schema.city) == 4
        assert check_integrity(tx) == []


def test_deleted_in_this_transaction(store, schema, triangle):
    a, b, c, ab, *_ = triangle
    with store.begin_write() as tx:
        new = tx.create_relationship(schema.knows, b, c)
        tx.delete_relationship(new)
        tx.delete_relationship(ab)
        fresh = tx.create_node()
        tx.delete_node(fresh)
        assert tx.is_deleted_relationship(new)
        assert tx.is_deleted_relationship(ab)
        assert tx.is_deleted_node(fresh)
        assert not tx.is_deleted_node(a)
        rels = [int(r) for batch in tx.scan_relationships() for r in batch]
        assert new not in rels
        assert ab not in rels
    with store.begin_read() as tx:
        assert not tx.is_deleted_relationship(ab)
        assert tx.relationship(ab) is None
