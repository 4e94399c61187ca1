"""The crash test's workload and oracle: deterministic transactions over a pure-Python model.

Transaction ``t`` is planned from a random generator seeded with ``t`` and the model
state before it, so the writer (which applies it to the database) and the checker
(which applies it to the model) agree on every operation and on every id the database
assigns. Each transaction writes a marker node, so a transaction that is only partly
present, or an acknowledged one that is missing, is caught by comparing the database
with the model.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from engram.errors import ErrorDetail, QueryRuntimeError
from engram.storage import Direction, ReadTransaction, WriteTransaction

LABELS = ("A", "B")
TYPES = ("R", "S")
KEYS = ("k", "v", "s", "tx")
MARKER = "Marker"
TOGGLED_INDEX = "b_v"


@dataclass
class Model:
    """Nodes and relationships by id, as the database should hold them."""

    nodes: dict[int, tuple[frozenset[str], dict[str, Any]]] = field(default_factory=dict)
    rels: dict[int, tuple[str, int, int, dict[str, Any]]] = field(default_factory=dict)
    next_node: int = 0
    next_rel: int = 0
    toggled_index: bool = False

    def copy(self) -> Model:
        return Model(
            {n: (labels, dict(props)) for n, (labels, props) in self.nodes.items()},
            {r: (t, s, e, dict(props)) for r, (t, s, e, props) in self.rels.items()},
            self.next_node,
            self.next_rel,
            self.toggled_index,
        )


Op = tuple[Any, ...]


def _b_nodes_with_k(model: Model) -> list[int]:
    return sorted(n for n, (labels, props) in model.nodes.items() if "B" in labels and "k" in props)


def plan(t: int, model: Model) -> list[Op]:
    """The operations of transaction `t` given the model state before it."""
    rng = random.Random(t)
    ops: list[Op] = []
    holders = _b_nodes_with_k(model)
    if len(holders) >= 2 and rng.random() < 0.2:
        # first, while both nodes certainly hold their keys: it must be refused
        first, second = rng.sample(holders, 2)
        ops.append(("duplicate_k", first, model.nodes[second][1]["k"]))
    live = sorted(n for n, (labels, _) in model.nodes.items() if MARKER not in labels)
    for i in range(rng.randint(1, 4)):
        labels = frozenset(rng.sample(LABELS, rng.randint(0, 2)))
        props: dict[str, Any] = {"v": rng.randint(0, 9), "s": rng.choice(["x", "y", "zz"])}
        if "B" in labels:
            props["k"] = t * 100 + i
        ops.append(("create_node", labels, props))
    if live:
        for _ in range(rng.randint(0, 4)):
            start, end = rng.choice(live), rng.choice([*live, live[0]])
            ops.append(("create_rel", rng.choice(TYPES), start, end, {"v": rng.randint(0, 3)}))
        for _ in range(rng.randint(0, 3)):
            node = rng.choice(live)
            key = rng.choice(["v", "s"])
            value = None if rng.random() < 0.2 else rng.randint(0, 9)
            ops.append(("set", node, key, value))
        if rng.random() < 0.3:
            ops.append(("add_label", rng.choice(live), rng.choice(LABELS)))
        if rng.random() < 0.2:
            ops.append(("remove_label", rng.choice(live), rng.choice(LABELS)))
    rels = sorted(model.rels)
    if rels and rng.random() < 0.5:
        ops.append(("delete_rel", rng.choice(rels)))
    if live and (rng.random() < 0.15 or len(live) > 300):
        ops.append(("detach", rng.choice(live)))
    if t % 37 == 0:
        ops.append(("toggle_index",))
    ops.append(("create_node", frozenset({MARKER}), {"tx": t}))
    return ops


def apply(ops: list[Op], model: Model) -> None:
    """Apply planned operations to the model (what the database must end up holding)."""
    for op in ops:
        kind = op[0]
        if kind == "create_node":
            model.nodes[model.next_node] = (op[1], dict(op[2]))
            model.next_node += 1
        elif kind == "create_rel":
            model.rels[model.next_rel] = (op[1], op[2], op[3], dict(op[4]))
            model.next_rel += 1
        elif kind == "set":
            _, node, key, value = op
            props = model.nodes[node][1]
            if value is None:
                props.pop(key, None)
            else:
                props[key] = value
        elif kind in ("add_label", "remove_label"):
            labels, props = model.nodes[op[1]]
            if (
                kind == "add_label"
                and op[2] == "B"
                and "k" in props
                and any(
                    "B" in other[0] and other[1].get("k") == props["k"]
                    for n, other in model.nodes.items()
                    if n != op[1]
                )
            ):
                continue  # the unique constraint refuses it
            new = labels | {op[2]} if kind == "add_label" else labels - {op[2]}
            model.nodes[op[1]] = (frozenset(new), props)
        elif kind == "delete_rel":
            del model.rels[op[1]]
        elif kind == "detach":
            node = op[1]
            for rel in [r for r, (_, s, e, _) in model.rels.items() if node in (s, e)]:
                del model.rels[rel]
            del model.nodes[node]
        elif kind == "toggle_index":
            model.toggled_index = not model.toggled_index


def _expect_violation(error: QueryRuntimeError) -> None:
    if error.detail != ErrorDetail.UNIQUE_CONSTRAINT_VIOLATION:
        raise error


def execute(ops: list[Op], tx: WriteTransaction, model: Model) -> None:
    """Apply planned operations to the database; `model` is the state before them."""
    ids = {name: tx.intern_label(name) for name in (*LABELS, MARKER)}
    types = {name: tx.intern_type(name) for name in TYPES}
    keys = {name: tx.intern_property_key(name) for name in KEYS}
    expected = model.copy()
    for op in ops:
        kind = op[0]
        if kind == "create_node":
            props = {keys[k]: v for k, v in op[2].items()}
            created = tx.create_node([ids[label] for label in op[1]], props)
            assert created == expected.next_node, (created, expected.next_node)
        elif kind == "create_rel":
            props = {keys[k]: v for k, v in op[4].items()}
            created = tx.create_relationship(types[op[1]], op[2], op[3], props)
            assert created == expected.next_rel, (created, expected.next_rel)
        elif kind == "set":
            tx.set_node_property(op[1], keys[op[2]], op[3])
        elif kind == "add_label":
            try:
                tx.add_labels(op[1], [ids[op[2]]])
            except QueryRuntimeError as error:
                _expect_violation(error)
        elif kind == "remove_label":
            tx.remove_labels(op[1], [ids[op[2]]])
        elif kind == "delete_rel":
            assert tx.delete_relationship(op[1])
        elif kind == "detach":
            tx.detach_delete_node(op[1])
        elif kind == "duplicate_k":
            try:
                tx.set_node_property(op[1], keys["k"], op[2])
            except QueryRuntimeError as error:
                _expect_violation(error)
            else:
                raise AssertionError("a duplicate key passed the unique constraint")
        elif kind == "toggle_index":
            if expected.toggled_index:
                tx.drop_index(TOGGLED_INDEX)
            else:
                tx.create_index(ids["B"], [keys["v"]], name=TOGGLED_INDEX)
        apply([op], expected)


def create_schema(tx: WriteTransaction) -> None:
    """Names, an index and a unique constraint (the transaction before transaction 1)."""
    ids = {name: tx.intern_label(name) for name in (*LABELS, MARKER)}
    for name in TYPES:
        tx.intern_type(name)
    keys = {name: tx.intern_property_key(name) for name in KEYS}
    tx.create_index(ids["A"], [keys["v"]], name="a_v")
    tx.create_index(ids["B"], [keys["k"]], unique=True, name="b_k")


def read_model(tx: ReadTransaction) -> Model:
    """The model a database holds (for comparison with the oracle)."""
    catalog = tx.catalog
    model = Model()
    node_ids = [int(n) for batch in tx.scan_nodes() for n in batch]
    for record in tx.nodes(node_ids):
        assert record is not None
        labels = frozenset(catalog.label_name(label) for label in record.labels)
        props = {catalog.property_key_name(k): v for k, v in record.properties.items()}
        model.nodes[record.id] = (labels, props)
    rel_ids = [int(r) for batch in tx.scan_relationships() for r in batch]
    for rel, props in zip(
        tx.relationships(rel_ids), tx.relationship_properties_of(rel_ids), strict=True
    ):
        assert rel is not None
        assert props is not None
        named = {catalog.property_key_name(k): v for k, v in props.items()}
        model.rels[rel.id] = (catalog.type_name(rel.type_id), rel.start, rel.end, named)
    model.toggled_index = catalog.index(TOGGLED_INDEX) is not None
    return model


def markers(model: Model) -> set[int]:
    """Transaction numbers whose marker node is present."""
    return {props["tx"] for labels, props in model.nodes.values() if MARKER in labels}


def same(left: Model, right: Model) -> bool:
    """Equal graphs (ids included) and index toggles."""
    return (
        left.nodes == right.nodes
        and left.rels == right.rels
        and left.toggled_index == right.toggled_index
    )


def adjacency_matches(tx: ReadTransaction, model: Model) -> bool:
    """Expansions agree with the model's relationships for every node."""
    node_ids = sorted(model.nodes)
    if not node_ids:
        return True
    expansion = tx.expand(node_ids, Direction.OUT)
    found = {
        (node_ids[s], int(r)) for s, r in zip(expansion.source, expansion.relationship, strict=True)
    }
    return found == {(start, rel) for rel, (_, start, _, _) in model.rels.items()}
