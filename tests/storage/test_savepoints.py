"""Statement savepoints: rolling back to one restores every read of the transaction exactly."""

from __future__ import annotations

import random

import numpy as np
import pytest

from engram.errors import QueryRuntimeError, TransactionError
from engram.storage import Bound, Direction
from engram.storage.verify import check_integrity


def dump(tx, schema) -> dict[str, object]:
    """Everything a transaction can read, in comparable form."""
    nodes = [int(n) for batch in tx.scan_nodes() for n in batch]
    rels = [int(r) for batch in tx.scan_relationships() for r in batch]
    expansion = tx.expand(np.array(nodes, dtype=np.int64), Direction.BOTH)
    view: dict[str, object] = {
        "nodes": {r.id: (r.labels, repr(sorted(r.properties.items()))) for r in tx.nodes(nodes)},
        "rels": {r.id: (r.type_id, r.start, r.end) for r in tx.relationships(rels)},
        "rel_props": repr(tx.relationship_properties_of(rels)),
        "expand": sorted(
            zip(
                expansion.source.tolist(),
                expansion.relationship.tolist(),
                expansion.outgoing.tolist(),
                strict=True,
            )
        ),
        "counts": (
            tx.count_nodes(),
            tx.count_nodes(schema.person),
            tx.count_nodes(schema.city),
            tx.count_relationships(),
            tx.count_relationships(schema.knows),
        ),
        "labels": [
            [int(n) for batch in tx.scan_label(label) for n in batch]
            for label in (schema.person, schema.city)
        ],
        "typed": [int(r) for batch in tx.scan_relationships(schema.knows) for r in batch],
        "indexes": sorted(index.name for index in tx.catalog.indexes),
        "names": (len(tx.catalog.labels), len(tx.catalog.property_keys)),
    }
    for index in tx.catalog.indexes:
        view[index.name] = (
            tx.index_seek(index, lower=Bound(-100)).tolist(),
            tx.index_seek(index, equal=[3]).tolist(),
        )
    return view


def random_statement(tx, schema, rng: random.Random, nodes: list[int]) -> None:
    for _ in range(rng.randint(1, 12)):
        live = [n for n in nodes if tx.node_exists(n)]
        action = rng.random()
        try:
            if action < 0.25 or not live:
                labels = rng.sample([schema.person, schema.city], rng.randint(0, 2))
                nodes.append(tx.create_node(labels, {schema.age: rng.randint(0, 6)}))
            elif action < 0.4:
                tx.set_node_property(rng.choice(live), schema.age, rng.choice([None, 1, 3, "x"]))
            elif action < 0.5:
                tx.add_labels(rng.choice(live), [rng.choice([schema.person, schema.city])])
            elif action < 0.55:
                tx.remove_labels(rng.choice(live), [schema.person])
            elif action < 0.7:
                tx.create_relationship(
                    schema.knows, rng.choice(live), rng.choice(live), {schema.age: 1}
                )
            elif action < 0.8:
                rels = tx.expand(np.array(live), Direction.OUT).relationship.tolist()
                if rels:
                    tx.delete_relationship(rng.choice(rels))
            elif action < 0.87:
                tx.detach_delete_node(rng.choice(live))
            elif action < 0.9:
                tx.intern_label(f"L{rng.randint(0, 99)}")
            elif action < 0.95:
                if tx.catalog.index("by_age") is None:
                    tx.create_index(schema.person, [schema.age], name="by_age")
                else:
                    tx.drop_index("by_age")
            else:
                node = rng.choice(live)
                tx.replace_node_properties(node, {schema.email: f"{rng.randint(0, 3)}@x"})
        except QueryRuntimeError:
            pass  # unique violations leave the transaction unchanged by themselves


def test_rollback_to_restores_every_read(store, schema):
    with store.begin_write() as tx:
        tx.create_index(schema.city, [schema.email], unique=True, name="city_email")
        base = [tx.create_node([schema.person], {schema.age: i}) for i in range(8)]
        for index in range(7):
            tx.create_relationship(schema.knows, base[index], base[index + 1])
    rng = random.Random(31)
    nodes = list(base)
    rolled_back = kept = 0
    with store.begin_write() as tx:
        for _ in range(40):
            before = dump(tx, schema)
            savepoint = tx.savepoint()
            random_statement(tx, schema, rng, nodes)
            if rng.random() < 0.5:
                tx.rollback_to(savepoint)
                assert dump(tx, schema) == before
                rolled_back += 1
            else:
                try:
                    tx.check_deleted_nodes()
                    kept += 1
                except QueryRuntimeError:
                    tx.rollback_to(savepoint)  # the statement fails as a whole
                    assert dump(tx, schema) == before
                    rolled_back += 1
        final = dump(tx, schema)
    assert rolled_back > 5
    assert kept > 5
    with store.begin_read() as reader:
        assert dump(reader, schema) == final
        assert check_integrity(reader) == []


def test_savepoint_rules(store, schema):
    with store.begin_write() as tx:
        first = tx.savepoint()
        node = tx.create_node([schema.person])
        second = tx.savepoint()
        with pytest.raises(TransactionError, match="latest savepoint"):
            tx.rollback_to(first)
        tx.set_node_property(node, schema.age, 1)
        tx.rollback_to(second)
        tx.rollback_to(second)  # still valid: back to the same point again
        assert tx.node_property(node, schema.age) is None
        assert tx.node_exists(node)
    with store.begin_read() as reader:
        assert reader.count_nodes(schema.person) == 1


def test_rolled_back_relationships_keep_chunk_order(store, schema):
    with store.begin_write() as tx:
        hub = tx.create_node()
    with store.begin_write() as tx:
        kept = [tx.create_relationship(schema.knows, hub, hub) for _ in range(3)]
        savepoint = tx.savepoint()
        tx.delete_relationship(kept[0])  # popped from the list, restored at its old place
        tx.rollback_to(savepoint)
        more = [tx.create_relationship(schema.knows, hub, hub) for _ in range(2)]
    with store.begin_read() as reader:
        expansion = reader.expand(np.array([hub]), Direction.OUT)
        assert expansion.relationship.tolist() == kept + more
        assert check_integrity(reader) == []
