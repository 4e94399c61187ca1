"""The public-API crash loop's workload and oracle: Cypher transactions over a Python model.

Transaction ``t`` is planned from a generator seeded with ``t`` and the model state
before it, so the writer (which runs it through `db.transaction()` / `db.execute`) and
the checker (which applies it to the model) agree on every statement. Nodes and
relationships are named by a ``uid`` property derived from ``t``, never by engram's ids,
so the oracle does not depend on how engram allocates them.

Each transaction is one of:

- an explicit transaction of several statements (CREATE, MERGE, SET, REMOVE, DELETE,
  DETACH DELETE, schema changes, vector upserts), some of which fail on purpose
  (unique constraint, deleting a connected node, division by zero half-way through a
  statement): the failing statement is undone and the transaction goes on;
- an explicit transaction that the writer aborts by raising (nothing may remain);
- one auto-commit statement (`db.execute`);
- a bulk import (`db.import_csv`) of a few :N nodes, relationships between them and the
  marker, committed at once (the crash writer makes every bulk commit go through table
  file ingestion, so the ``commit.*_ingest`` crash points are reached).

Every transaction that commits creates ``(:Marker {tx: t})`` in the same commit, so a
transaction that is missing or only partly present is caught by comparing the database
with the model. Vector upserts join the workload when the engine has vector indexes
(`VECTORS`); the check then also compares every indexed vector with the stored property.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import engram
from engram.errors import QueryError

LABELS = ("A", "B")
TYPES = ("R", "S")
DIMENSIONS = 4
TOGGLED_INDEX = "b_v"
VECTOR_INDEX = "n_emb"

Props = dict[str, Any]


@dataclass
class Graph:
    """What the database must hold: nodes and relationships by uid, markers, schema."""

    nodes: dict[int, tuple[frozenset[str], Props]] = field(default_factory=dict)
    rels: dict[int, tuple[str, int, int, Props]] = field(default_factory=dict)
    markers: set[int] = field(default_factory=set)
    toggled_index: bool = False

    def copy(self) -> Graph:
        return Graph(
            {uid: (labels, dict(props)) for uid, (labels, props) in self.nodes.items()},
            {uid: (t, s, e, dict(props)) for uid, (t, s, e, props) in self.rels.items()},
            set(self.markers),
            self.toggled_index,
        )

    def connected(self, node: int) -> bool:
        return any(node in (start, end) for _, start, end, _ in self.rels.values())


@dataclass(frozen=True)
class Op:
    """One statement: its text, parameters, and whether the engine must refuse it."""

    kind: str
    text: str
    params: Props
    fails: bool = False


@dataclass(frozen=True)
class Transaction:
    """A planned transaction: its mode ('explicit', 'abort' or 'auto') and statements."""

    number: int
    mode: str
    ops: tuple[Op, ...]


def _vector(rng: random.Random) -> list[float]:
    # multiples of 1/8 are exact in float32, so stored and indexed vectors compare exactly
    return [rng.randint(-8, 8) / 8 for _ in range(DIMENSIONS)]


class Planner:
    """Plans the statements of one transaction against the model."""

    def __init__(self, number: int, graph: Graph, vectors: bool) -> None:
        self.number = number
        self.rng = random.Random(number)
        self.graph = graph.copy()  # the state as the transaction's own statements see it
        self.vectors = vectors
        self.ops: list[Op] = []
        self.next_uid = number * 100

    def uid(self) -> int:
        self.next_uid += 1
        return self.next_uid

    def add(self, op: Op) -> None:
        self.ops.append(op)
        apply_op(op, self.graph)

    def live(self) -> list[int]:
        return sorted(self.graph.nodes)

    def pick_node(self) -> int | None:
        nodes = self.live()
        return self.rng.choice(nodes) if nodes else None

    # -- statements ---------------------------------------------------------------------

    def create_node(self) -> None:
        chosen = sorted(self.rng.sample(LABELS, self.rng.randint(0, 2)))
        labels = "".join(f":{label}" for label in chosen)
        props: Props = {"uid": self.uid(), "v": self.rng.randint(0, 9)}
        if self.rng.random() < 0.5:
            props["s"] = self.rng.choice(["x", "y", "zz", "é"])
        if self.vectors and self.rng.random() < 0.5:
            props["emb"] = _vector(self.rng)
        keys = ", ".join(f"{key}: ${key}" for key in props)
        self.add(Op(f"create_node:N{labels}", f"CREATE (n:N{labels} {{{keys}}})", props))

    def create_many(self) -> None:
        rows = [
            {"uid": self.uid(), "v": self.rng.choice([None, *range(5)])}
            for _ in range(self.rng.randint(1, 6))
        ]
        text = "UNWIND $rows AS r CREATE (:N:B {uid: r.uid, v: r.v})"
        self.add(Op("create_many", text, {"rows": rows}))

    def create_rel(self) -> None:
        start, end = self.pick_node(), self.pick_node()
        if start is None or end is None:
            return
        rel_type = self.rng.choice(TYPES)
        params = {"a": start, "b": end, "u": self.uid(), "w": self.rng.randint(0, 3)}
        text = (
            f"MATCH (a:N {{uid: $a}}), (b:N {{uid: $b}}) "
            f"CREATE (a)-[:{rel_type} {{uid: $u, w: $w}}]->(b)"
        )
        self.add(Op(f"create_rel:{rel_type}", text, params))

    def set_property(self) -> None:
        node = self.pick_node()
        if node is None:
            return
        value = None if self.rng.random() < 0.2 else self.rng.randint(0, 9)
        self.add(Op("set_v", "MATCH (n:N {uid: $u}) SET n.v = $v", {"u": node, "v": value}))

    def set_many(self) -> None:
        params = {"v": self.rng.randint(0, 9), "s": self.rng.choice(["p", "q"])}
        self.add(Op("set_many", "MATCH (n:N) WHERE n.v = $v SET n.s = $s", params))

    def relabel(self) -> None:
        node = self.pick_node()
        if node is None:
            return
        label = self.rng.choice(LABELS)
        verb = self.rng.choice(["SET", "REMOVE"])
        kind = "add_label" if verb == "SET" else "remove_label"
        self.add(Op(f"{kind}:{label}", f"MATCH (n:N {{uid: $u}}) {verb} n:{label}", {"u": node}))

    def merge_node(self) -> None:
        existing = self.pick_node()
        target = existing if existing is not None and self.rng.random() < 0.5 else self.uid()
        params = {"u": target, "v": self.rng.randint(0, 9), "s": self.rng.choice(["m1", "m2"])}
        text = "MERGE (n:N {uid: $u}) ON CREATE SET n.v = $v ON MATCH SET n.s = $s"
        self.add(Op("merge_node", text, params))

    def merge_rel(self) -> None:
        start, end = self.pick_node(), self.pick_node()
        if start is None or end is None:
            return
        params = {"a": start, "b": end, "u": self.uid()}
        text = (
            "MATCH (a:N {uid: $a}), (b:N {uid: $b}) MERGE (a)-[r:S]->(b) "
            "ON CREATE SET r.uid = $u, r.w = 0 ON MATCH SET r.w = r.w + 1"
        )
        self.add(Op("merge_rel", text, params))

    def delete_rel(self) -> None:
        if not self.graph.rels:
            return
        rel = self.rng.choice(sorted(self.graph.rels))
        self.add(Op("delete_rel", "MATCH ()-[r {uid: $u}]->() DELETE r", {"u": rel}))

    def detach_delete(self) -> None:
        node = self.pick_node()
        if node is not None:
            self.add(Op("detach", "MATCH (n:N {uid: $u}) DETACH DELETE n", {"u": node}))

    def plain_delete(self) -> None:
        node = self.pick_node()
        if node is None:
            return
        fails = self.graph.connected(node)
        self.add(Op("delete", "MATCH (n:N {uid: $u}) DELETE n", {"u": node}, fails=fails))

    def duplicate_uid(self) -> None:
        node = self.pick_node()
        if node is not None:
            self.add(Op("duplicate", "CREATE (:N {uid: $u})", {"u": node}, fails=True))

    def half_done(self) -> None:
        node = self.pick_node()
        if node is None:
            return
        text = "UNWIND [1, 0] AS d MATCH (n:N {uid: $u}) SET n.v = 10 / d"
        self.add(Op("half_done", text, {"u": node}, fails=True))

    def set_vector(self) -> None:
        node = self.pick_node()
        if node is None:
            return
        if self.rng.random() < 0.2:
            self.add(Op("remove_emb", "MATCH (n:N {uid: $u}) REMOVE n.emb", {"u": node}))
        else:
            params = {"u": node, "e": _vector(self.rng)}
            self.add(Op("set_emb", "MATCH (n:N {uid: $u}) SET n.emb = $e", params))

    def prune(self) -> None:
        nodes = self.live()
        doomed = self.rng.sample(nodes, min(len(nodes), 8))
        self.add(Op("prune", "MATCH (n:N) WHERE n.uid IN $u DETACH DELETE n", {"u": doomed}))

    def toggle_index(self) -> None:
        if self.graph.toggled_index:
            self.add(Op("drop_index", f"DROP INDEX {TOGGLED_INDEX}", {}))
        else:
            text = f"CREATE INDEX {TOGGLED_INDEX} FOR (n:B) ON (n.v)"
            self.add(Op("create_index", text, {}))

    def marker(self) -> None:
        self.add(Op("marker", "CREATE (:Marker {tx: $t})", {"t": self.number}))


_STEPS = (
    ("create_node", 5),
    ("create_many", 2),
    ("create_rel", 5),
    ("set_property", 3),
    ("set_many", 1),
    ("relabel", 2),
    ("merge_node", 2),
    ("merge_rel", 2),
    ("delete_rel", 2),
    ("detach_delete", 1),
    ("plain_delete", 1),
    ("duplicate_uid", 1),
    ("half_done", 1),
)


def plan(number: int, graph: Graph, *, vectors: bool = False) -> Transaction:
    """The statements of transaction `number` given the state before it."""
    planner = Planner(number, graph, vectors)
    rng = planner.rng
    roll = rng.random()
    if roll < 0.15:
        text = (
            "CREATE (:Marker {tx: $t}) WITH 1 AS one "
            "UNWIND $rows AS r CREATE (:N:A {uid: r.uid, v: r.v})"
        )
        rows = [{"uid": planner.uid(), "v": rng.randint(0, 9)} for _ in range(rng.randint(1, 4))]
        planner.add(Op("auto", text, {"t": number, "rows": rows}))
        return Transaction(number, "auto", tuple(planner.ops))
    if roll < 0.21:
        return _import(number, planner)
    names = [name for name, _ in _STEPS]
    weights = [weight for _, weight in _STEPS]
    if len(graph.nodes) > 200:
        planner.prune()
    for name in rng.choices(names, weights, k=rng.randint(1, 6)):
        getattr(planner, name)()
        if vectors and rng.random() < 0.3:
            planner.set_vector()
    if number % 29 == 0:
        planner.toggle_index()
    mode = "abort" if roll > 0.93 else "explicit"
    planner.marker()
    return Transaction(number, mode, tuple(planner.ops))


def _import(number: int, planner: Planner) -> Transaction:
    rng = planner.rng
    nodes = [{"uid": planner.uid(), "v": rng.randint(0, 9)} for _ in range(rng.randint(2, 5))]
    uids = [node["uid"] for node in nodes]
    rels = [
        {"u": planner.uid(), "a": rng.choice(uids), "b": rng.choice(uids), "w": rng.randint(0, 3)}
        for _ in range(rng.randint(1, 4))
    ]
    params = {"t": number, "nodes": nodes, "rels": rels, "type": rng.choice(TYPES)}
    planner.add(Op("import", "db.import_csv", params))
    return Transaction(number, "import", tuple(planner.ops))


def _import_files(folder: Path, params: Props) -> tuple[dict[str, Path], dict[str, Path]]:
    """The CSV files of an import transaction."""
    nodes, marker, rels = folder / "n.csv", folder / "m.csv", folder / "r.csv"
    node_lines = [f"{row['uid']},{row['v']}" for row in params["nodes"]]
    nodes.write_text("\n".join(["uid:ID,v:int", *node_lines]) + "\n")
    marker.write_text(f"tx:int\n{params['t']}\n")
    rel_lines = [f"{row['a']},{row['b']},{row['u']},{row['w']}" for row in params["rels"]]
    rels.write_text("\n".join([":START_ID,:END_ID,uid:int,w:int", *rel_lines]) + "\n")
    return {"N": nodes, "Marker": marker}, {params["type"]: rels}


# -- the model ---------------------------------------------------------------------------


def _set(props: Props, key: str, value: Any) -> None:
    if value is None:
        props.pop(key, None)
    else:
        props[key] = value


def apply_op(op: Op, graph: Graph) -> None:
    """What `op` does to the model (nothing when the engine must refuse it)."""
    if op.fails:
        return
    kind, params = op.kind, op.params
    if kind.startswith("create_node"):
        graph.nodes[params["uid"]] = (frozenset(kind.split(":")[1:]), dict(params))
    elif kind in ("create_many", "auto"):
        labels = frozenset({"N", "B"}) if kind == "create_many" else frozenset({"N", "A"})
        for row in params["rows"]:
            graph.nodes[row["uid"]] = (labels, {k: v for k, v in row.items() if v is not None})
        if kind == "auto":
            graph.markers.add(params["t"])
    elif kind == "import":
        for row in params["nodes"]:
            graph.nodes[row["uid"]] = (frozenset({"N"}), dict(row))
        for row in params["rels"]:
            props = {"uid": row["u"], "w": row["w"]}
            graph.rels[row["u"]] = (params["type"], row["a"], row["b"], props)
        graph.markers.add(params["t"])
    elif kind.startswith("create_rel"):
        rel_type = kind.split(":")[1]
        props = {"uid": params["u"], "w": params["w"]}
        graph.rels[params["u"]] = (rel_type, params["a"], params["b"], props)
    elif kind == "set_v":
        _set(graph.nodes[params["u"]][1], "v", params["v"])
    elif kind == "set_many":
        for _labels, props in graph.nodes.values():
            if props.get("v") == params["v"]:
                props["s"] = params["s"]
    elif kind.startswith(("add_label", "remove_label")):
        verb, label = kind.split(":")
        labels, props = graph.nodes[params["u"]]
        new = labels | {label} if verb == "add_label" else labels - {label}
        graph.nodes[params["u"]] = (frozenset(new), props)
    elif kind == "merge_node":
        found = graph.nodes.get(params["u"])
        if found is None:
            graph.nodes[params["u"]] = (frozenset({"N"}), {"uid": params["u"], "v": params["v"]})
        else:
            found[1]["s"] = params["s"]
    elif kind == "merge_rel":
        matches = [
            props
            for rel_type, start, end, props in graph.rels.values()
            if rel_type == "S" and start == params["a"] and end == params["b"]
        ]
        if not matches:
            graph.rels[params["u"]] = ("S", params["a"], params["b"], {"uid": params["u"], "w": 0})
        for props in matches:
            _set(props, "w", None if props.get("w") is None else props["w"] + 1)
    elif kind == "delete_rel":
        del graph.rels[params["u"]]
    elif kind in ("detach", "delete", "prune"):
        doomed = set(params["u"]) if kind == "prune" else {params["u"]}
        for rel in [uid for uid, (_, s, e, _) in graph.rels.items() if {s, e} & doomed]:
            del graph.rels[rel]
        for node in doomed:
            del graph.nodes[node]
    elif kind == "set_emb":
        graph.nodes[params["u"]][1]["emb"] = list(params["e"])
    elif kind == "remove_emb":
        graph.nodes[params["u"]][1].pop("emb", None)
    elif kind == "create_index":
        graph.toggled_index = True
    elif kind == "drop_index":
        graph.toggled_index = False
    elif kind == "marker":
        graph.markers.add(params["t"])
    else:
        raise AssertionError(f"unknown statement kind {kind}")


def apply(transaction: Transaction, graph: Graph) -> None:
    """Apply a committed transaction to the model (an aborted one changes nothing)."""
    if transaction.mode == "abort":
        return
    for op in transaction.ops:
        apply_op(op, graph)


# -- running it ----------------------------------------------------------------------------


class Abort(Exception):
    """Raised inside a transaction the plan aborts."""


def _expect_failure(db_or_tx: Any, op: Op) -> None:
    try:
        db_or_tx.execute(op.text, op.params).rows()
    except QueryError:
        return
    raise AssertionError(f"the engine accepted a statement it must refuse: {op.text} {op.params}")


def run(db: engram.Database, transaction: Transaction) -> None:
    """Run a planned transaction; returns once it is committed (or rolled back on purpose)."""
    if transaction.mode == "auto":
        (op,) = transaction.ops
        db.execute(op.text, op.params).rows()
        return
    if transaction.mode == "import":
        (op,) = transaction.ops
        with tempfile.TemporaryDirectory() as folder:
            nodes, relationships = _import_files(Path(folder), op.params)
            db.import_csv(nodes=nodes, relationships=relationships)
        return
    try:
        with db.transaction() as tx:
            for op in transaction.ops:
                if op.fails:
                    _expect_failure(tx, op)
                else:
                    tx.execute(op.text, op.params).rows()
            if transaction.mode == "abort":
                raise Abort
    except Abort:
        pass


def create_schema(db: engram.Database, *, vectors: bool) -> None:
    """The unique constraint every statement looks nodes up by, an index, a vector index."""
    db.execute("CREATE CONSTRAINT n_uid IF NOT EXISTS FOR (n:N) REQUIRE n.uid IS UNIQUE")
    db.execute("CREATE INDEX a_v IF NOT EXISTS FOR (n:A) ON (n.v)")
    if vectors and VECTOR_INDEX not in {row[0] for row in db.execute("SHOW INDEXES").rows()}:
        db.execute(
            f"CREATE VECTOR INDEX {VECTOR_INDEX} FOR (n:N) ON (n.emb) "
            f"OPTIONS {{dimensions: {DIMENSIONS}, metric: 'l2'}}"
        )


def has_vector_indexes() -> bool:
    """Whether this build of engram has vector indexes (the vector work is merged)."""
    try:
        import engram.index.manager  # noqa: F401
    except ImportError:
        return False
    return True


def read_graph(db: engram.Database) -> Graph:
    """The model the database holds, read through the public API."""
    graph = Graph()
    for uid, labels, props in db.execute(
        "MATCH (n:N) RETURN n.uid, labels(n), properties(n)"
    ).rows():
        assert uid not in graph.nodes, f"two nodes have uid {uid}"
        graph.nodes[uid] = (frozenset(labels), props)
    for uid, rel_type, start, end, props in db.execute(
        "MATCH (a)-[r]->(b) RETURN r.uid, type(r), a.uid, b.uid, properties(r)"
    ).rows():
        assert uid not in graph.rels, f"two relationships have uid {uid}"
        graph.rels[uid] = (rel_type, start, end, props)
    markers = [row[0] for row in db.execute("MATCH (m:Marker) RETURN m.tx").rows()]
    assert len(markers) == len(set(markers)), "a marker is duplicated"
    graph.markers = set(markers)
    stray = db.execute("MATCH (n) WHERE NOT n:N AND NOT n:Marker RETURN count(n)").scalar()
    assert stray == 0, f"{stray} nodes are neither :N nor :Marker"
    graph.toggled_index = TOGGLED_INDEX in {row[0] for row in db.execute("SHOW INDEXES").rows()}
    return graph


def same(left: Graph, right: Graph) -> bool:
    """Equal graphs, markers and schema."""
    return (
        left.nodes == right.nodes
        and left.rels == right.rels
        and left.markers == right.markers
        and left.toggled_index == right.toggled_index
    )


def describe_difference(found: Graph, expected: Graph) -> str:
    """A short account of how two graphs differ, for failure messages."""
    parts = []
    for what, have, want in (
        ("nodes", found.nodes, expected.nodes),
        ("relationships", found.rels, expected.rels),
    ):
        extra = sorted(set(have) - set(want))[:5]
        missing = sorted(set(want) - set(have))[:5]
        changed = sorted(k for k in set(have) & set(want) if have[k] != want[k])[:5]
        if extra or missing or changed:
            parts.append(f"{what}: extra {extra}, missing {missing}, changed {changed}")
    if found.markers != expected.markers:
        parts.append(
            f"markers: extra {sorted(found.markers - expected.markers)[:5]}, "
            f"missing {sorted(expected.markers - found.markers)[:5]}"
        )
    if found.toggled_index != expected.toggled_index:
        parts.append(f"toggled index: {found.toggled_index} vs {expected.toggled_index}")
    return "; ".join(parts) or "no difference"
