"""Statistics: exact counts after every commit, estimates, persistence, per-version snapshots."""

from __future__ import annotations

import random

import numpy as np

import engram
from engram.catalog import ANY_LABEL
from engram.storage import Direction
from engram.storage.verify import check_integrity, recompute_statistics


def random_workload(store, schema, rng: random.Random, commits: int) -> None:
    nodes: list[int] = []
    rels: list[int] = []
    for _ in range(commits):
        with store.begin_write() as tx:
            for _ in range(rng.randint(1, 15)):
                action = rng.random()
                if action < 0.35 or len(nodes) < 3:
                    labels = rng.sample([schema.person, schema.city], rng.randint(0, 2))
                    nodes.append(tx.create_node(labels, {schema.age: rng.randint(0, 5)}))
                elif action < 0.65:
                    kind = rng.choice([schema.knows, schema.lives_in])
                    start, end = rng.choice(nodes), rng.choice(nodes)
                    rels.append(tx.create_relationship(kind, start, end))
                elif action < 0.75 and rels:
                    tx.delete_relationship(rels.pop(rng.randrange(len(rels))))
                elif action < 0.85:
                    node = nodes.pop(rng.randrange(len(nodes)))
                    removed = tx.detach_delete_node(node)
                    rels[:] = [r for r in rels if tx.relationship(r) is not None]
                    assert removed >= 0
                else:
                    tx.set_node_property(rng.choice(nodes), schema.age, rng.randint(0, 5))


def test_exact_statistics_match_a_recount(store, schema):
    with store.begin_write() as tx:
        tx.create_index(schema.person, [schema.age])
    random_workload(store, schema, random.Random(5), 40)
    with store.begin_read() as tx:
        assert check_integrity(tx) == []
        stored, actual = tx.statistics, recompute_statistics(tx)
        assert stored.node_count == actual.node_count
        assert dict(stored.label_counts) == dict(actual.label_counts)
        assert dict(stored.type_counts) == dict(actual.type_counts)
        # no label changed on a connected node: pattern counts are exact too
        assert dict(stored.patterns) == dict(actual.patterns)
        for key, degree in actual.degrees.items():
            assert stored.degrees[key].lists == degree.lists
            assert stored.degrees[key].max_degree >= degree.max_degree
        for index_id, index_stats in actual.indexes.items():
            assert stored.indexes[index_id].entries == index_stats.entries


def test_degree_and_pattern_estimates(store, schema):
    with store.begin_write() as tx:
        cities = [tx.create_node([schema.city]) for _ in range(2)]
        people = [tx.create_node([schema.person]) for _ in range(6)]
        for index, person in enumerate(people):
            tx.create_relationship(schema.lives_in, person, cities[index % 2])
        for person in people[1:]:
            tx.create_relationship(schema.knows, people[0], person)
    with store.begin_read() as tx:
        stats = tx.statistics
        assert stats.pattern_count(schema.person, schema.lives_in, schema.city) == 6
        assert stats.pattern_count(None, schema.lives_in, schema.city) == 6
        assert stats.pattern_count(schema.city, schema.lives_in, None) == 0
        assert stats.pattern_count(None, schema.knows, None) == 5
        assert stats.patterns[(ANY_LABEL, schema.knows, schema.person)] == 5
        assert stats.avg_degree(schema.lives_in, outgoing=True) == 1.0
        assert stats.avg_degree(schema.lives_in, outgoing=False) == 3.0
        assert stats.max_degree(schema.knows, outgoing=True) == 5
        assert stats.degree(schema.knows, outgoing=False).lists == 5
        assert stats.avg_degree(None, outgoing=True) > 0
        degrees = tx.degree(np.array(people), Direction.OUT)
        assert degrees.tolist() == [6, 1, 1, 1, 1, 1]


def test_each_version_has_its_own_statistics(store, schema):
    with store.begin_write() as tx:
        tx.create_node([schema.person])
    old = store.begin_read()
    with store.begin_write() as tx:
        tx.create_node([schema.person])
        assert tx.count_nodes(schema.person) == 2  # own writes counted
        assert tx.statistics.label_count(schema.person) == 1  # the snapshot's statistics
    assert old.statistics.label_count(schema.person) == 1
    assert old.count_nodes(schema.person) == 1
    old.close()
    with store.begin_read() as tx:
        assert tx.statistics.label_count(schema.person) == 2


def test_statistics_persist(tmp_path):
    path = tmp_path / "db"
    with engram.open(path, sync=False) as db:
        with db.transaction() as tx:
            from tests.storage.conftest import make_schema

            schema = make_schema(tx.storage)
            tx.storage.create_index(schema.person, [schema.age])
        random_workload(db._store, schema, random.Random(9), 15)
        before = db.begin_read().statistics
    with engram.open(path) as db:
        after = db.begin_read().statistics
    assert after == before
    assert after.indexes == before.indexes
