"""Bulk loads: the same stored graph as ordinary writes, atomic commits, constraints, MVCC."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from engram.errors import QueryRuntimeError
from engram.storage import Bound, Direction
from engram.storage.bulk import BulkLoad
from engram.storage.chunks import CHUNK_CAPACITY
from engram.storage.verify import check_integrity, recompute_statistics


def assert_sound(store):
    with store.begin_read() as tx:
        assert check_integrity(tx) == []
        stored, actual = tx.statistics, recompute_statistics(tx)
        assert stored.node_count == actual.node_count
        assert stored.relationship_count == actual.relationship_count
        assert dict(stored.label_counts) == dict(actual.label_counts)
        assert dict(stored.type_counts) == dict(actual.type_counts)
        assert dict(stored.patterns) == dict(actual.patterns)
        for key, degree in actual.degrees.items():
            assert stored.degrees[key].lists == degree.lists
            assert stored.degrees[key].max_degree >= degree.max_degree


def graph_of(store):
    """Every node (labels, properties) and relationship (type, ends, properties) by id."""
    with store.begin_read() as tx:
        nodes = {}
        for batch in tx.scan_nodes():
            for node_id, record in zip(batch.tolist(), tx.nodes(batch), strict=True):
                nodes[node_id] = (record.labels, dict(record.properties))
        rels = {}
        for batch in tx.scan_relationships():
            for rel_id, record in zip(batch.tolist(), tx.relationships(batch), strict=True):
                props = tx.relationship_properties(rel_id)
                rels[rel_id] = (record.type_id, record.start, record.end, props)
        out = {
            node: tx.expand([node], Direction.BOTH).relationship.tolist() for node in sorted(nodes)
        }
    return nodes, rels, out


def test_bulk_graph_equals_the_same_graph_written_one_by_one(tmp_path):
    rng = np.random.default_rng(7)
    ages = rng.integers(0, 90, 300)
    starts, ends = rng.integers(0, 300, 2000), rng.integers(0, 300, 2000)
    since = rng.integers(1990, 2024, 2000)
    graphs = []
    for bulk in (False, True):
        with engram.open(tmp_path / f"db-{bulk}", sync=False) as db:
            store = db._store
            with store.begin_write() as tx:
                person, knows = tx.intern_label("Person"), tx.intern_type("KNOWS")
                age, name, weight = (tx.intern_property_key(k) for k in ("age", "name", "since"))
            props = [{age: int(a), name: f"p{i}"} for i, a in enumerate(ages)]
            rel_props = [{weight: int(s)} for s in since]
            if bulk:
                with BulkLoad(store) as load:
                    ids = load.create_nodes([person], props)
                    load.create_relationships(knows, ids[starts], ids[ends], rel_props)
            else:
                with store.begin_write() as tx:
                    ids = np.asarray([tx.create_node([person], p) for p in props])
                    for s, e, p in zip(ids[starts], ids[ends], rel_props, strict=True):
                        tx.create_relationship(knows, int(s), int(e), p)
            assert_sound(store)
            graphs.append(graph_of(store))
    assert graphs[0] == graphs[1]


def test_columns_and_maps_store_the_same_values(store):
    with store.begin_write() as tx:
        label, a, b = tx.intern_label("L"), tx.intern_property_key("a"), tx.intern_property_key("b")
    with BulkLoad(store) as load:
        from_columns = load.create_nodes(
            [label], columns={a: np.array([1, 2, 3]), b: ["x", None, "z"]}
        )
        from_maps = load.create_nodes([label], [{a: 1, b: "x"}, {a: 2}, {a: 3, b: "z"}])
        bare = load.create_nodes([label], count=2)
    with store.begin_read() as tx:
        left = [dict(r.properties) for r in tx.nodes(from_columns)]
        right = [dict(r.properties) for r in tx.nodes(from_maps)]
        assert left == right == [{a: 1, b: "x"}, {a: 2}, {a: 3, b: "z"}]
        assert [dict(r.properties) for r in tx.nodes(bare)] == [{}, {}]
    assert_sound(store)


def test_long_lists_are_chunked_like_appended_ones(store, schema):
    fan = 3 * CHUNK_CAPACITY + 17
    with BulkLoad(store) as load:
        hub = load.create_nodes([schema.person], count=1)
        leaves = load.create_nodes([schema.person], count=fan)
        rels = load.create_relationships(schema.knows, np.repeat(hub, fan), leaves)
    with store.begin_read() as tx:
        found = tx.expand(hub, Direction.OUT, [schema.knows])
        assert found.relationship.tolist() == rels.tolist()
        assert found.neighbour.tolist() == leaves.tolist()
        assert tx.degree(hub, Direction.OUT).tolist() == [fan]
    # appending to the bulk-built list through an ordinary transaction still works
    with store.begin_write() as tx:
        extra = tx.create_relationship(schema.knows, int(hub[0]), int(leaves[0]))
    with store.begin_read() as tx:
        assert tx.expand(hub, Direction.OUT).relationship.tolist()[-1] == extra
    assert_sound(store)


def test_relationships_spread_over_several_commits(store, schema):
    rng = np.random.default_rng(3)
    load = BulkLoad(store)
    ids = load.create_nodes([schema.person], count=50)
    load.commit()
    created = []
    for _ in range(4):
        starts, ends = ids[rng.integers(0, 50, 300)], ids[rng.integers(0, 50, 300)]
        created.append((starts, ends, load.create_relationships(schema.knows, starts, ends)))
        load.commit()
    assert load.committed_relationships == 1200
    with store.begin_read() as tx:
        for starts, ends, rels in created:
            for start, end, rel in zip(starts.tolist(), ends.tolist(), rels.tolist(), strict=True):
                record = tx.relationship(rel)
                assert (record.start, record.end) == (start, end)
        assert tx.count_relationships(schema.knows) == 1200
    assert_sound(store)


def test_a_commit_is_atomic_and_invisible_to_older_readers(store, schema):
    reader = store.begin_read()
    load = BulkLoad(store)
    ids = load.create_nodes([schema.person], [{schema.age: 1}, {schema.age: 2}])
    load.create_relationships(schema.knows, ids[:1], ids[1:])
    load.commit()
    assert reader.count_nodes() == 0
    assert reader.node(int(ids[0])) is None
    assert [ids.tolist() for ids in reader.scan_label(schema.person)] == []
    assert len(reader.expand(ids, Direction.BOTH)) == 0
    reader.close()
    with store.begin_read() as tx:
        assert tx.count_nodes(schema.person) == 2
        assert tx.label_members(schema.person).tolist() == ids.tolist()


def test_rollback_leaves_nothing(store, schema):
    load = BulkLoad(store)
    load.create_nodes([schema.person], count=10)
    load.rollback()

    def fail_midway():
        with BulkLoad(store) as failing:
            failing.create_nodes([schema.person], count=10)
            raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        fail_midway()
    with store.begin_read() as tx:
        assert tx.count_nodes() == 0
    assert_sound(store)


def test_indexes_get_entries_and_unique_constraints_hold(store, schema):
    with store.begin_write() as tx:
        tx.create_index(schema.person, [schema.age])
        tx.create_index(schema.person, [schema.email], unique=True)
        taken = tx.create_node([schema.person], {schema.email: "a@x"})
    with BulkLoad(store) as load:
        rows = [{schema.age: 5, schema.email: "b@x"}, {schema.age: 7}, {schema.email: "a@x"}]
        conflicts = load.unique_conflicts([schema.person], rows)
        assert [(position, error.detail) for position, error in conflicts] == [
            (2, "UniqueConstraintViolation")
        ]
        with pytest.raises(QueryRuntimeError, match="unique constraint"):
            load.create_nodes([schema.person], rows)
        duplicate = [{schema.email: "c@x"}, {schema.email: "c@x"}]
        assert [p for p, _ in load.unique_conflicts([schema.person], duplicate)] == [1]
        with pytest.raises(QueryRuntimeError, match="unique constraint"):
            load.create_nodes([schema.person], duplicate)
        ids = load.create_nodes([schema.person], rows[:2])
        # a value this load created conflicts too
        assert [p for p, _ in load.unique_conflicts([schema.person], rows[:1])] == [0]
    with store.begin_read() as tx:
        age_index = tx.catalog.index("index_Person_age")
        assert tx.index_seek(age_index, lower=Bound(6)).tolist() == [int(ids[1])]
        assert tx.count_nodes(schema.person) == 3
        assert taken not in ids.tolist()
    assert_sound(store)


def test_missing_end_nodes_fail_without_creating_anything(store, schema):
    with BulkLoad(store) as load:
        ids = load.create_nodes([schema.person], count=2)
        with pytest.raises(QueryRuntimeError, match="node 999 does not exist"):
            load.create_relationships(schema.knows, ids, [999, int(ids[0])])
        with pytest.raises(QueryRuntimeError, match="does not exist"):
            load.create_relationships(schema.knows, [-1], ids[:1])
    with store.begin_read() as tx:
        assert tx.count_relationships() == 0
        assert tx.count_nodes() == 2
    assert_sound(store)


def test_relationships_to_existing_nodes_append_to_their_lists(store, schema):
    with store.begin_write() as tx:
        old = [tx.create_node([schema.city]) for _ in range(3)]
        tx.create_relationship(schema.lives_in, old[0], old[1])
    with BulkLoad(store) as load:
        people = load.create_nodes([schema.person], count=3)
        load.create_relationships(schema.lives_in, people, old)
        load.create_relationships(schema.lives_in, old[:1], old[2:])
    with store.begin_read() as tx:
        assert tx.degree(old, Direction.IN).tolist() == [1, 2, 2]
        assert tx.degree(old[:1], Direction.OUT).tolist() == [2]
    assert_sound(store)


def test_another_writer_between_commits_is_respected(store, schema):
    load = BulkLoad(store)
    ids = load.create_nodes([schema.person], count=2)
    load.commit()
    with store.begin_write() as tx:
        tx.create_relationship(schema.knows, int(ids[0]), int(ids[1]))
    load.create_relationships(schema.knows, ids[:1], ids[1:])
    load.commit()
    with store.begin_read() as tx:
        assert len(tx.expand(ids[:1], Direction.OUT, [schema.knows])) == 2
    assert_sound(store)


def test_reopened_database_reads_the_bulk_graph(tmp_path):
    with engram.open(tmp_path / "db") as db:
        store = db._store
        with BulkLoad(store) as load:
            tx = load.transaction
            label, rel, key = tx.intern_label("A"), tx.intern_type("R"), tx.intern_property_key("k")
            ids = load.create_nodes([label], columns={key: np.arange(5)})
            load.create_relationships(rel, ids[:-1], ids[1:], columns={key: np.ones(4)})
    with engram.open(tmp_path / "db") as db:
        rows = db.execute("MATCH (a:A)-[r:R]->(b) RETURN a.k, r.k, b.k ORDER BY a.k").rows()
        assert rows == [(0, 1.0, 1), (1, 1.0, 2), (2, 1.0, 3), (3, 1.0, 4)]
        assert_sound(db._store)


edges = st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=60)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    batches=st.lists(edges, min_size=1, max_size=4),
    commit_each=st.booleans(),
)
def test_random_bulk_loads_are_sound(tmp_path_factory, batches, commit_each):
    with engram.open(tmp_path_factory.mktemp("bulk"), sync=False) as db:
        store = db._store
        load = BulkLoad(store)
        tx = load.transaction
        a, t = tx.intern_label("A"), tx.intern_type("T")
        ids = load.create_nodes([a], count=12)
        expected = {int(node): [] for node in ids}
        for batch in batches:
            if batch:
                starts = ids[[s for s, _ in batch]]
                ends = ids[[e for _, e in batch]]
                rels = load.create_relationships(t, starts, ends)
                for start, rel in zip(starts.tolist(), rels.tolist(), strict=True):
                    expected[start].append(rel)
            if commit_each:
                load.commit()
        load.commit()
        with store.begin_read() as view:
            for node, rels in expected.items():
                found = view.expand([node], Direction.OUT, [t]).relationship.tolist()
                assert found == rels
        assert_sound(store)
