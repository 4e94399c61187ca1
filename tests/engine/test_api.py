"""The embedded API end to end: execute, results, transactions, atomicity, timeouts, plans."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import engram
from engram import EngramError, ParameterError, QueryError, QueryTimeout, TransactionError


@pytest.fixture
def db():
    with engram.open() as database:
        database.execute(
            "CREATE (ada:Person {name: 'Ada', age: 36})-[:KNOWS {since: 1990}]->"
            "(alan:Person {name: 'Alan', age: 41}), (ada)-[:KNOWS]->(:Person {name: 'Grace'})"
        )
        yield database


def count(db, label="Person"):
    return db.execute(f"MATCH (n:{label}) RETURN count(n)").scalar()


def test_parameters_as_dict_and_keywords(db):
    assert db.execute("RETURN $a + $b", {"a": 1}, b=2).scalar() == 3
    # a parameter named `timeout` goes in the dict; the keyword is the query timeout
    assert db.execute("RETURN $timeout", {"timeout": 5}, timeout=10).scalar() == 5


def test_numpy_and_tuple_parameters(db):
    assert db.execute("RETURN $v", v=np.array([1.5, 2.5])).scalar() == [1.5, 2.5]
    assert db.execute("RETURN $v", v=(1, 2)).scalar() == [1, 2]
    assert db.execute("RETURN $v", v=np.int64(7)).scalar() == 7


@pytest.mark.parametrize(
    ("array", "expected"),
    [
        (np.array([0.5, -2.0], dtype=np.float32), [0.5, -2.0]),
        (np.array([3, 4], dtype=np.uint8), [3, 4]),
        (np.array([True, False]), [True, False]),
        (np.array(["a", "b"]), ["a", "b"]),
        (np.array([1, "x", None], dtype=object), [1, "x", None]),
    ],
)
def test_numpy_arrays_become_lists_of_python_values(db, array, expected):
    value = db.execute("RETURN $v", v=array).scalar()
    assert value == expected
    assert [type(item) for item in value] == [type(item) for item in expected]


def test_unusable_numpy_arrays_are_parameter_errors(db):
    with pytest.raises(ParameterError, match="1-dimensional"):
        db.execute("RETURN $v", v=np.zeros((2, 2)))
    with pytest.raises(ParameterError, match="complex"):
        db.execute("RETURN $v", v=np.array([1j]))


def test_projections_read_properties_of_whatever_the_variable_holds(db):
    """Node properties are read a chunk at a time; maps, relationships and null row by row."""
    rows = db.execute(
        "MATCH (a:Person {name: 'Ada'})-[r:KNOWS]->(b) OPTIONAL MATCH (b)-[:KNOWS]->(c) "
        "WITH a, r, b, c, {name: 'map'} AS m RETURN a.name, r.since, b.name, c.name, m.name, b "
        "ORDER BY b.name"
    ).rows()
    assert [row[:5] for row in rows] == [
        ("Ada", 1990, "Alan", None, "map"),
        ("Ada", None, "Grace", None, "map"),
    ]
    assert [row[5]["name"] for row in rows] == ["Alan", "Grace"]


def test_projections_in_a_write_transaction_see_its_writes(db):
    with db.transaction() as tx:
        tx.execute("MATCH (p:Person {name: 'Ada'}) SET p.age = 37")
        rows = tx.execute("MATCH (p:Person) RETURN p.name, p.age ORDER BY p.name").rows()
        assert rows == [("Ada", 37), ("Alan", 41), ("Grace", None)]
        with pytest.raises(QueryError, match="deleted"):
            tx.execute("MATCH (p:Person {name: 'Grace'}) DETACH DELETE p RETURN p.name").rows()


def test_missing_parameter_is_a_compile_time_error(db):
    with pytest.raises(ParameterError) as raised:
        db.execute("MATCH (p:Person {name: $name}) RETURN p")
    assert raised.value.detail == "MissingParameter"
    assert raised.value.phase == "compile"
    assert "$name" in str(raised.value)
    assert raised.value.column == 24


def test_result_accessors(db):
    res = db.execute("MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY name")
    assert res.columns == ["name", "age"]
    assert res.rows() == [("Ada", 36), ("Alan", 41), ("Grace", None)]
    assert res.dicts()[0] == {"name": "Ada", "age": 36}
    # rows already read stay available: iterating again sees every row
    assert list(res) == res.rows()
    with pytest.raises(EngramError, match="more than one row"):
        res.single()
    with pytest.raises(EngramError, match="no rows"):
        db.execute("MATCH (p:Nobody) RETURN p").single()
    assert db.execute("RETURN 1 AS one").scalar() == 1


def test_nodes_relationships_and_paths(db):
    path = db.execute("MATCH p = (:Person {name: 'Ada'})-[:KNOWS {since: 1990}]->() RETURN p")
    (value,) = path.single()
    assert isinstance(value, engram.Path)
    assert [node["name"] for node in value.nodes] == ["Ada", "Alan"]
    (rel,) = value.relationships
    assert rel.type == "KNOWS"
    assert rel.start == value.nodes[0].id
    assert rel.properties == {"since": 1990}
    assert value.nodes[0].labels == frozenset({"Person"})
    assert (
        str(value) == "<(:Person {age: 36, name: 'Ada'})-[:KNOWS {since: 1990}]->"
        "(:Person {age: 41, name: 'Alan'})>"
    )


def test_stats(db):
    res = db.execute("MATCH (p:Person {name: 'Grace'}) SET p.age = 85, p:Admiral REMOVE p.x")
    assert res.stats.properties_set == 1
    assert res.stats.labels_added == 1
    assert res.stats.contains_updates
    res = db.execute("CREATE (a:T)-[r:R]->(b:T) DELETE r, a, b")
    assert res.stats.nodes_created == 2
    assert res.stats.nodes_deleted == 2
    assert res.stats.relationships_created == 1
    assert res.stats.relationships_deleted == 1
    assert res.stats["nodes_created"] == 2
    assert not db.execute("MATCH (n) RETURN n").stats.contains_updates


def test_failing_query_is_atomic(db):
    before = count(db)
    with pytest.raises(QueryError) as raised:
        db.execute("UNWIND [1, 2, 0, 4] AS x CREATE (:Person {name: 'p' + toString(10 / x)})")
    assert raised.value.phase == "runtime"
    assert raised.value.line == 1
    assert count(db) == before
    with pytest.raises(QueryError):
        db.execute("MATCH (p:Person {name: 'Ada'}) SET p.age = 37 WITH p RETURN 1 / 0")
    assert db.execute("MATCH (p:Person {name: 'Ada'}) RETURN p.age").scalar() == 36


def test_deleting_a_connected_node_fails_and_changes_nothing(db):
    with pytest.raises(QueryError) as raised:
        db.execute("MATCH (p:Person {name: 'Ada'}) DELETE p")
    assert raised.value.detail == "DeleteConnectedNode"
    assert count(db) == 3
    db.execute("MATCH (p:Person {name: 'Ada'}) DETACH DELETE p")
    assert count(db) == 2


def test_transaction_commits_and_rolls_back(db):
    with db.transaction() as tx:
        tx.execute("CREATE (:Person {name: 'Edsger'})")
        assert tx.execute("MATCH (p:Person) RETURN count(p)").scalar() == 4
        # not visible outside before commit
        assert count(db) == 3
    assert count(db) == 4

    def abort() -> None:
        with db.transaction() as tx:
            tx.execute("CREATE (:Person {name: 'Barbara'})")
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        abort()
    assert count(db) == 4
    tx = db.transaction()
    tx.execute("CREATE (:Person {name: 'Tony'})")
    tx.rollback()
    assert count(db) == 4
    with pytest.raises(TransactionError):
        tx.execute("RETURN 1")


def test_failing_statement_in_a_transaction_undoes_only_itself(db):
    with db.transaction() as tx:
        tx.execute("CREATE (:Person {name: 'Kept'})")
        with pytest.raises(QueryError):
            tx.execute("CREATE (:Person {name: 'Lost'}) WITH 1 AS x RETURN x / 0")
        names = tx.execute("MATCH (p:Person) RETURN p.name ORDER BY p.name").rows()
        assert ("Kept",) in names
        assert ("Lost",) not in names
    assert count(db) == 4


def test_read_only_database_refuses_writes(tmp_path):
    path = tmp_path / "db"
    with engram.open(path) as db:
        db.execute("CREATE (:A)")
    with engram.open(path, read_only=True) as db:
        assert count(db, "A") == 1
        with pytest.raises(TransactionError):
            db.execute("CREATE (:A)")


def test_runaway_query_stops_at_its_timeout(db):
    # a complete graph: unbounded trails explode combinatorially
    db.execute("UNWIND range(1, 12) AS i CREATE (:K {i: i})")
    db.execute("MATCH (a:K), (b:K) WHERE a <> b CREATE (a)-[:E]->(b)")
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        db.execute("MATCH (a:K)-[*]->(b) RETURN count(*)", timeout=1.0)
    elapsed = time.monotonic() - started
    assert elapsed < 1.1 + 0.5  # the bound is 1.1 s; the slack absorbs a loaded CI
    # still usable, and a timed-out write changed nothing
    assert count(db, "K") == 12
    with pytest.raises(QueryTimeout):
        db.execute("MATCH (a:K)-[*]->(b) CREATE (:Junk)", timeout=0.5)
    assert count(db, "Junk") == 0


def test_unbounded_variable_length_is_not_capped(db):
    db.execute("UNWIND range(0, 40) AS i CREATE (:Chain {i: i})")
    db.execute("MATCH (a:Chain), (b:Chain) WHERE b.i = a.i + 1 CREATE (a)-[:NEXT]->(b)")
    # 40 hops: no silent depth limit
    assert db.execute("MATCH (:Chain {i: 0})-[:NEXT*]->(b) RETURN max(b.i)").scalar() == 40


def test_concurrent_readers_and_a_writer(db):
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(20):
                assert db.execute("MATCH (p:Person) RETURN count(p)").scalar() >= 3
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(10):
        db.execute("CREATE (:Person {name: $n})", n=f"w{i}")
    for thread in threads:
        thread.join()
    assert not errors
    assert count(db) == 13


def test_explain_and_profile(db):
    plan = db.explain("MATCH (p:Person {name: $n})-[:KNOWS]->(f) RETURN f.name")
    text = str(plan)
    assert "LabelScan" in text
    assert "Expand" in text
    assert "est. rows" in text
    assert any("CREATE INDEX" in note for note in plan.notes)
    res = db.profile("MATCH (p:Person {name: $n})-[:KNOWS]->(f) RETURN f.name", n="Ada")
    assert sorted(res.rows()) == [("Alan",), ("Grace",)]
    assert res.plan is not None
    expand = next(line for line in res.plan.lines if line.operator == "Expand")
    assert expand.rows == 2
    # EXPLAIN / PROFILE prefixes return the plan as rows
    rows = db.execute("EXPLAIN MATCH (p:Person) RETURN p").rows()
    assert any("LabelScan" in row[0] for row in rows)
    profiled = db.execute("PROFILE MATCH (p:Person) RETURN p")
    assert profiled.columns[-3:] == ["rows", "reads", "time_ms"]


def test_plan_cache_ignores_parameters(db):
    engine = db.session.engine
    engine.clear()
    for name in ("Ada", "Alan", "Grace"):
        db.execute("MATCH (p:Person {name: $n}) RETURN p.age", n=name)
    assert len(engine._cache) == 1


def test_index_changes_the_plan_and_keeps_the_answer(db):
    query = "MATCH (p:Person) WHERE p.name = $n RETURN p.age"
    assert db.execute(query, n="Alan").scalar() == 41
    db.execute("CREATE INDEX person_name FOR (p:Person) ON (p.name)")
    assert "IndexSeek" in str(db.explain(query))
    assert db.execute(query, n="Alan").scalar() == 41
    rows = db.execute("SHOW INDEXES").dicts()
    assert rows[0]["name"] == "person_name"
    assert rows[0]["properties"] == ["name"]
    db.execute("DROP INDEX person_name")
    assert "IndexSeek" not in str(db.explain(query))


def test_unique_constraint(db):
    db.execute("CREATE CONSTRAINT person_name FOR (p:Person) REQUIRE p.name IS UNIQUE")
    with pytest.raises(QueryError) as raised:
        db.execute("CREATE (:Person {name: 'Ada'})")
    assert raised.value.kind == "ConstraintValidationFailed"
    assert count(db) == 3
    assert db.execute("SHOW CONSTRAINTS").dicts()[0]["name"] == "person_name"


def test_show_commands_filter_and_return(db):
    db.execute("CREATE INDEX person_age FOR (p:Person) ON (p.age)")
    db.execute("CREATE CONSTRAINT person_name FOR (p:Person) REQUIRE p.name IS UNIQUE")
    db.execute("CREATE VECTOR INDEX person_v FOR (p:Person) ON (p.v) OPTIONS {dimensions: 2}")
    found = db.execute(
        "SHOW INDEXES YIELD name, type, state WHERE type = 'VECTOR' RETURN name, state"
    )
    assert found.columns == ["name", "state"]
    assert found.rows() == [("person_v", "ONLINE")]
    everything = db.execute("SHOW INDEXES WHERE name STARTS WITH 'person_a'")
    assert everything.columns == list(db.execute("SHOW INDEXES").columns)
    assert [row[0] for row in everything.rows()] == ["person_age"]
    assert db.execute("SHOW INDEXES YIELD * RETURN count(*)").scalar() == 3
    names = db.execute("SHOW INDEXES YIELD name RETURN name ORDER BY name DESC LIMIT 1")
    assert names.scalar() == "person_v"
    owned = db.execute("SHOW CONSTRAINTS YIELD name, ownedIndex WHERE name = 'person_name'")
    assert owned.rows() == [("person_name", "person_name")]
    with pytest.raises(QueryError, match="no output 'nope'"):
        db.execute("SHOW INDEXES YIELD nope")


def test_user_procedures(db):
    db.register_procedure(
        "my.scale(x :: FLOAT, factor :: FLOAT) :: (y :: FLOAT)",
        lambda x, factor: [(x * factor,)],
    )
    assert db.execute("CALL my.scale(2.0, 3.0) YIELD y RETURN y").scalar() == 6.0
    assert db.execute("CALL db.labels() YIELD label RETURN collect(label)").scalar() == ["Person"]


def test_to_pandas_and_networkx(db):
    frame = db.execute("MATCH (p:Person) RETURN p.name AS name ORDER BY name").to_pandas()
    assert list(frame["name"]) == ["Ada", "Alan", "Grace"]
    graph = db.execute("MATCH (a)-[r]->(b) RETURN a, r, b").to_networkx()
    assert graph.number_of_nodes() == 3
    assert graph.number_of_edges() == 2


def test_syntax_error_has_a_caret(db):
    with pytest.raises(QueryError) as raised:
        db.execute("MATCH (p:Person) RETRUN p")
    assert raised.value.kind == "SyntaxError"
    text = str(raised.value)
    assert "1 | MATCH (p:Person) RETRUN p" in text
    assert "^^^^^^" in text
