"""The public hooks the server relies on: change feed, read-only runs, cancellation, schema."""

from __future__ import annotations

import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from engram import AccessModeError, ChangeKind, CommitEvent, QueryTimeout, TransactionError


@pytest.fixture
def db():
    with engram.open() as database:
        yield database


def _collect(db):
    events: list[CommitEvent] = []
    stop = db.subscribe(events.append)
    return events, stop


def test_feed_reports_created_updated_and_deleted_nodes(db):
    events, stop = _collect(db)
    db.execute(
        "CREATE (:Person {name: 'Ada', born: date('1815-12-10')})-[:KNOWS {since: 1}]->(:Bot)"
    )
    db.execute("MATCH (p:Person) SET p.age = 36, p:Countess REMOVE p.born")
    db.execute("MATCH (p:Person) DETACH DELETE p")
    stop()
    assert [event.version for event in events] == [1, 2, 3]
    created, updated, deleted = events
    person = created.nodes[0]
    assert person.change is ChangeKind.CREATED
    assert person.labels == {"Person"}
    assert person.properties["born"].isoformat() == "1815-12-10"
    assert created.nodes[1].labels == {"Bot"}
    assert created.relationships[0].type == "KNOWS"
    assert created.relationships[0].properties == {"since": 1}
    assert created.names_added
    change = updated.nodes[0]
    assert change.change is ChangeKind.UPDATED
    assert change.labels == {"Person", "Countess"}
    assert change.labels_before == {"Person"}
    assert change.changed_keys == {"age", "born"}
    assert dict(change.properties) == {"name": "Ada", "age": 36}
    gone = deleted.nodes[0]
    assert gone.change is ChangeKind.DELETED
    assert gone.labels == {"Person", "Countess"}
    assert dict(gone.properties) == {"name": "Ada", "age": 36}
    assert deleted.relationships[0].change is ChangeKind.DELETED


def test_failed_and_rolled_back_statements_produce_no_event(db):
    events, stop = _collect(db)
    db.execute("CREATE (:A)-[:R]->(:B)")
    with pytest.raises(engram.QueryError):
        db.execute("MATCH (a:A) SET a.x = 1 DELETE a")
    with db.transaction() as tx:
        tx.execute("CREATE (:C)")
        tx.rollback()
    db.execute("MATCH (a:A) SET a.x = a.x")  # no change at all
    stop()
    assert [event.version for event in events] == [1]


def test_unchanged_values_are_not_reported(db):
    db.execute("CREATE (:A {x: 1})")
    events, stop = _collect(db)
    db.execute("MATCH (a:A) SET a.x = 1")
    db.execute("MATCH (a:A) SET a.x = 1.0")
    stop()
    assert len(events) == 1, "a commit that changed no value sends no event"
    assert events[0].version == 3
    assert events[0].nodes[0].changed_keys == {"x"}


def test_unsubscribe_stops_delivery_and_errors_in_callbacks_are_contained(db, caplog):
    def broken(event):
        raise RuntimeError("subscriber bug")

    events, stop = _collect(db)
    stop_broken = db.subscribe(broken)
    db.execute("CREATE (:A)")
    stop()
    db.execute("CREATE (:A)")
    stop_broken()
    assert [event.version for event in events] == [1]
    assert db.execute("MATCH (a:A) RETURN count(a)").scalar() == 2
    assert "subscriber failed" in caplog.text


def test_schema_changes_are_flagged(db):
    events, stop = _collect(db)
    db.execute("CREATE INDEX person_name FOR (n:Person) ON (n.name)")
    db.execute("DROP INDEX person_name")
    stop()
    assert [event.schema_changed for event in events] == [True, True]


def test_events_arrive_in_commit_order_from_many_threads(db):
    events, stop = _collect(db)
    errors = []

    def writer(worker):
        try:
            for step in range(25):
                db.execute("CREATE (:W {worker: $w, step: $s})", w=worker, s=step)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop()
    assert not errors
    versions = [event.version for event in events]
    assert versions == list(range(1, 151))
    per_worker: dict[int, list[int]] = {}
    for event in events:
        props = event.nodes[0].properties
        per_worker.setdefault(props["worker"], []).append(props["step"])
    assert all(steps == list(range(25)) for steps in per_worker.values())


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(["create", "update", "delete"]), min_size=1, max_size=12))
def test_feed_replays_to_the_same_graph(db, operations):
    """Applying the events to a dict reproduces the stored nodes (an oracle check)."""
    db.execute("MATCH (n) DETACH DELETE n")
    mirror: dict[int, dict] = {}
    events, stop = _collect(db)
    for step, operation in enumerate(operations):
        if operation == "create":
            db.execute("CREATE (:T {step: $s})", s=step)
        elif operation == "update":
            db.execute("MATCH (n:T) WITH n ORDER BY id(n) LIMIT 1 SET n.step = $s", s=step)
        else:
            db.execute("MATCH (n:T) WITH n ORDER BY id(n) DESC LIMIT 1 DELETE n")
    stop()
    for event in events:
        for change in event.nodes:
            if change.change is ChangeKind.DELETED:
                mirror.pop(change.id, None)
            else:
                mirror[change.id] = dict(change.properties)
    stored = {
        node.id: dict(node.properties) for (node,) in db.execute("MATCH (n:T) RETURN n").rows()
    }
    assert mirror == stored


def test_read_only_refuses_writes_before_they_run(db):
    with pytest.raises(AccessModeError, match="only reads"):
        db.execute("CREATE (:A)", read_only=True)
    with pytest.raises(AccessModeError):
        db.execute("CREATE INDEX FOR (n:A) ON (n.x)", read_only=True)
    assert issubclass(AccessModeError, TransactionError)
    assert db.execute("MATCH (n) RETURN count(n)", read_only=True).scalar() == 0
    plan = db.execute("EXPLAIN CREATE (:A)", read_only=True).rows()
    assert plan, "EXPLAIN of a write is allowed in read-only mode"
    assert db.execute("MATCH (n) RETURN count(n)").scalar() == 0


def test_cancel_stops_a_running_read(db):
    cancel = threading.Event()
    outcome: list[BaseException] = []

    def run():
        try:
            db.execute(
                "UNWIND range(1, 5000000) AS i UNWIND range(1, 1000) AS j "
                "WITH i, j WHERE i < 0 RETURN count(j)",
                cancel=cancel,
            ).rows()
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    cancel.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 5
    assert len(outcome) == 1
    assert isinstance(outcome[0], QueryTimeout)
    assert "cancelled" in str(outcome[0])


def test_cancel_of_a_write_changes_nothing(db):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(QueryTimeout):
        db.execute("UNWIND range(1, 100000) AS i CREATE (:X {i: i})", cancel=cancel)
    with db.transaction() as tx, pytest.raises(QueryTimeout):
        tx.execute("UNWIND range(1, 100000) AS i CREATE (:X {i: i})", cancel=cancel)
    assert db.execute("MATCH (n:X) RETURN count(n)").scalar() == 0


def test_graph_schema_describes_labels_patterns_and_indexes(db):
    db.execute(
        "CREATE (a:Person {name: 'Ada', age: 36, score: 1.5, tags: ['x']})"
        "-[:KNOWS {since: date('2001-01-01')}]->(b:Person {name: 'Bob', age: 2.5}),"
        "(a)-[:OWNS]->(:Car {plate: 'X'})"
    )
    db.execute("CREATE INDEX person_name FOR (n:Person) ON (n.name)")
    schema = db.graph_schema()
    assert [label.name for label in schema.labels] == ["Car", "Person"]
    person = schema.label("Person")
    assert person is not None
    assert (person.count, person.sampled) == (2, 2)
    assert person.property("age").types == ("FLOAT", "INTEGER")
    assert person.property("name").count == 2
    assert person.property("tags").types == ("LIST<STRING>",)
    knows = schema.relationship_type("KNOWS")
    assert knows is not None
    assert knows.property("since").types == ("DATE",)
    assert [(p.start, p.type, p.end, p.count) for p in schema.patterns] == [
        ("Person", "KNOWS", "Person", 1),
        ("Person", "OWNS", "Car", 1),
    ]
    (index,) = schema.indexes
    assert (index.name, index.kind, index.label, index.properties) == (
        "person_name",
        "property",
        "Person",
        ("name",),
    )
    assert schema.version == db.begin_read().version


def test_graph_schema_samples_large_labels_evenly(db):
    db.execute("UNWIND range(0, 999) AS i CREATE (:Big {i: i})")
    db.execute("MATCH (b:Big) WHERE b.i = 999 SET b.rare = 'yes'")
    schema = db.graph_schema(sample=100)
    big = schema.label("Big")
    assert big is not None
    assert (big.count, big.sampled) == (1000, 100)
    assert big.property("rare") is not None, "the evenly spaced sample includes the last node"
    assert big.property("i").count == 100


def test_result_stream_keeps_no_rows(db):
    db.execute("UNWIND range(1, 5) AS i CREATE (:S {i: i})")
    result = db.execute("MATCH (s:S) RETURN s.i AS i ORDER BY i")
    first = next(iter(result))
    assert first == (1,)
    streamed = list(result.stream())
    assert streamed == [(1,), (2,), (3,), (4,), (5,)], "rows read before are handed over once"
    assert result.rows() == [], "streamed rows are not kept"
    big = db.execute("UNWIND range(1, 20000) AS i RETURN i")
    total = 0
    for _ in big.stream():
        total += 1
    assert total == 20000
    assert big._buffer == []
