"""Memory budget: a query that would hold too much fails cleanly; the database serves on.

Each failing query runs under a small `memory_limit` on the real engine; the error names
the limit and the operator that went over it, nothing the query wrote stays, and the
same database answers the next query. Queries under their limit answer as without one.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engram
from engram.errors import EngramError, MemoryLimitExceeded, Phase, format_bytes
from engram.execution.memory import MemoryBudget, default_memory_limit, value_size

MiB = 1024 * 1024
PEOPLE = 300


@pytest.fixture
def db():
    with engram.open() as database:
        database.execute(
            "UNWIND range(1, $n) AS i CREATE (:P {i: i, name: 'person ' + toString(i)})",
            n=PEOPLE,
        )
        yield database


def _fails(db: engram.Database, query: str, limit: int) -> MemoryLimitExceeded:
    with pytest.raises(MemoryLimitExceeded) as caught:
        db.execute(query, memory_limit=limit).rows()
    error = caught.value
    assert isinstance(error, EngramError)
    assert error.phase is Phase.RUNTIME
    assert error.limit == limit
    assert error.used > limit
    assert format_bytes(limit) in str(error)
    assert error.operator in str(error)
    # the database serves on
    assert db.execute("MATCH (p:P) RETURN count(p)").scalar() == PEOPLE
    return error


def test_collect_of_a_huge_range_fails_before_building_it(db):
    error = _fails(db, "UNWIND range(1, 100000000) AS x RETURN collect(x)", 16 * MiB)
    assert error.operator == "range()"


def test_a_range_of_ten_billion_integers_fails_cleanly(db):
    error = _fails(db, "RETURN size(range(1, 10000000000))", 16 * MiB)
    assert error.operator == "range()"


def test_collect_over_many_rows_fails_in_collect(db):
    query = "MATCH (a:P), (b:P) WITH a.i * 1000 + b.i AS s RETURN collect(s)"
    assert _fails(db, query, 2 * MiB).operator == "collect()"


def test_grouped_collect_fails_in_collect(db):
    query = "MATCH (a:P), (b:P) RETURN a.i % 100 AS k, collect(b.name) AS names"
    assert _fails(db, query, 2 * MiB).operator == "collect()"


def test_a_huge_order_by_fails_in_the_sort(db):
    query = "MATCH (a:P), (b:P) RETURN a.name, b.name ORDER BY a.name, b.name"
    assert _fails(db, query, 4 * MiB).operator == "Sort (ORDER BY)"


def test_a_cartesian_product_with_distinct_fails_in_distinct(db):
    query = "MATCH (a:P), (b:P) RETURN DISTINCT a.i * 1000 + b.i AS s"
    assert _fails(db, query, 4 * MiB).operator == "Distinct"


def test_many_groups_fail_in_the_aggregate(db):
    query = "MATCH (a:P), (b:P) RETURN a.i * 1000 + b.i AS s, count(*)"
    assert _fails(db, query, 4 * MiB).operator == "Aggregate"


def test_union_fails_in_the_union(db):
    query = (
        "MATCH (a:P), (b:P) RETURN a.i * 1000 + b.i AS s "
        "UNION MATCH (a:P), (b:P) RETURN a.i * 1000 - b.i AS s"
    )
    assert _fails(db, query, 4 * MiB).operator == "Union"


def test_a_list_comprehension_building_huge_values_fails(db):
    query = "RETURN size([x IN range(1, 20000) | range(1, 500)]) AS n"
    assert _fails(db, query, 32 * MiB).operator in ("list comprehension", "range()")


def test_a_failing_write_leaves_nothing(db):
    query = (
        "MATCH (a:P), (b:P) CREATE (:W {s: a.i * 1000 + b.i}) "
        "WITH a, b ORDER BY a.name, b.name RETURN count(*)"
    )
    _fails(db, query, 4 * MiB)
    assert db.execute("MATCH (w:W) RETURN count(w)").scalar() == 0


def test_a_failing_statement_in_a_transaction_undoes_only_itself(db):
    with db.transaction() as tx:
        tx.execute("CREATE (:Kept)")
        with pytest.raises(MemoryLimitExceeded):
            tx.execute(
                "MATCH (a:P), (b:P) CREATE (:W) WITH a, b RETURN DISTINCT a.i * 1000 + b.i",
                memory_limit=2 * MiB,
            ).rows()
        assert tx.is_open
    assert db.execute("MATCH (k:Kept) RETURN count(k)").scalar() == 1
    assert db.execute("MATCH (w:W) RETURN count(w)").scalar() == 0


def test_the_buffered_result_in_a_transaction_is_charged(db):
    # statements in a transaction (and writes) return buffered rows
    with db.transaction() as tx:
        with pytest.raises(MemoryLimitExceeded) as caught:
            tx.execute("MATCH (a:P), (b:P) RETURN a.name, b.name", memory_limit=4 * MiB)
        assert caught.value.operator == "the result buffer"
        assert tx.execute("MATCH (p:P) RETURN count(p)").scalar() == PEOPLE


def test_a_failing_write_with_eager_changes_nothing(db):
    query = "MATCH (a:P), (b:P) SET a.seen = true RETURN a.name, b.name"
    assert _fails(db, query, 4 * MiB).operator in ("Eager", "the result buffer")
    assert db.execute("MATCH (p:P) WHERE p.seen RETURN count(p)").scalar() == 0


def test_queries_under_the_limit_answer_as_without_one(db):
    queries = [
        "MATCH (a:P) RETURN a.i ORDER BY a.i DESC LIMIT 3",
        "MATCH (a:P) RETURN a.i % 7 AS k, count(*), collect(a.i)[0] ORDER BY k",
        "MATCH (a:P), (b:P) WHERE a.i < 20 AND b.i < 20 RETURN DISTINCT a.i + b.i AS s ORDER BY s",
        "UNWIND range(1, 1000) AS x RETURN sum(x), percentileDisc(x, 0.5), count(DISTINCT x % 10)",
    ]
    for query in queries:
        expected = db.execute(query).rows()
        assert db.execute(query, memory_limit=8 * MiB).rows() == expected


def test_profile_takes_a_memory_limit(db):
    with pytest.raises(MemoryLimitExceeded):
        db.profile("MATCH (a:P), (b:P) RETURN DISTINCT a.i, b.i", memory_limit=MiB).rows()
    assert db.profile("MATCH (a:P) RETURN count(a)", memory_limit=MiB).scalar() == PEOPLE


def test_the_database_default_applies_and_execute_overrides_it():
    with engram.open(memory_limit=2 * MiB) as db:
        db.execute("UNWIND range(1, 300) AS i CREATE (:P {i: i})")
        query = "MATCH (a:P), (b:P) RETURN DISTINCT a.i * 1000 + b.i AS s"
        with pytest.raises(MemoryLimitExceeded) as caught:
            db.execute(query).rows()
        assert caught.value.limit == 2 * MiB
        assert len(db.execute(query, memory_limit=256 * MiB).rows()) == 300 * 300


def test_the_machine_default_is_a_share_of_its_memory():
    limit = default_memory_limit()
    assert limit >= 64 * MiB
    with engram.open() as db:
        assert db.session.memory_limit == limit


@pytest.mark.parametrize("bad", [0, -5, "lots", True, float("inf")])
def test_a_memory_limit_must_be_a_positive_number_of_bytes(bad):
    with engram.open() as db, pytest.raises(TypeError, match="memory_limit"):
        db.execute("RETURN 1", memory_limit=bad)


def test_the_error_pickles_with_its_fields():
    import pickle

    error = pickle.loads(pickle.dumps(MemoryLimitExceeded(1024, 4096, "Sort (ORDER BY)")))
    assert (error.limit, error.used, error.operator) == (1024, 4096, "Sort (ORDER BY)")
    assert "1.0 KiB" in str(error)
    assert error.hint


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(), st.text(max_size=40), st.none(), st.floats(allow_nan=False)),
        max_size=50,
    ),
    st.integers(min_value=0, max_value=200),
)
def test_size_estimates_grow_with_the_value(items, extra):
    base = value_size(items)
    assert base >= 56
    assert value_size(items + [0] * extra) >= base + 8 * extra
    assert value_size([items, items]) > base


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10_000), max_size=30))
def test_holdings_give_back_everything(sizes):
    budget = MemoryBudget(None)
    held = budget.holding("test")
    for size in sizes:
        held.add(size)
    held.resize(sum(sizes) // 2)
    assert budget.used == sum(sizes) // 2
    held.close()
    assert budget.used == 0
    assert budget.peak >= sum(sizes) // 2


def test_all_shortest_paths_over_exponentially_many_paths_fails_cleanly():
    # a chain of 20 diamonds has 2^20 shortest paths from end to end
    with engram.open() as db:
        db.execute(
            "CREATE (s:D {i: 0}) WITH s UNWIND range(1, 20) AS i "
            "CREATE (:D {i: i}), (:Side {i: i}), (:Side {i: -i})"
        )
        db.execute(
            "MATCH (a:D), (b:D), (l:Side), (r:Side) WHERE b.i = a.i + 1 AND l.i = b.i "
            "AND r.i = -b.i CREATE (a)-[:E]->(l)-[:E]->(b), (a)-[:E]->(r)-[:E]->(b)"
        )
        query = (
            "MATCH (a:D {i: 0}), (b:D {i: 20}) "
            "MATCH p = allShortestPaths((a)-[:E*]->(b)) RETURN count(p)"
        )
        with pytest.raises(MemoryLimitExceeded) as caught:
            db.execute(query, memory_limit=8 * MiB).rows()
        assert caught.value.operator == "shortestPath (search frontier)"
        small = query.replace("{i: 20}", "{i: 3}")
        assert db.execute(small, memory_limit=8 * MiB).scalar() == 8


def test_range_to_a_float_bound_is_refused_before_it_runs(db):
    # `10^10` is a FLOAT: range() refuses it at compile time, before any memory is used
    with pytest.raises(engram.SemanticError) as caught:
        db.execute("RETURN size(range(1, 10^10))", memory_limit=MiB)
    assert caught.value.detail == "InvalidArgumentType"
    assert db.execute("RETURN size(range(1, 10))", memory_limit=MiB).scalar() == 10


ROWS = "UNWIND range(1, 150000) AS x RETURN x, x * 2.0, toString(x) AS s"


def test_rows_a_result_keeps_count_against_the_limit(db):
    error = _fails(db, ROWS, 8 * MiB)
    assert error.operator == "the result buffer"
    assert "Result.stream()" in error.hint
    # iterating keeps the rows too (a result can be read again), so it is charged alike
    with pytest.raises(MemoryLimitExceeded):
        for _ in db.execute(ROWS, memory_limit=8 * MiB):
            pass
    # streaming keeps none of them: the same query fits
    assert sum(1 for _ in db.execute(ROWS, memory_limit=8 * MiB).stream()) == 150000
    assert len(db.execute(ROWS, memory_limit=64 * MiB).rows()) == 150000
    # the failed results released their snapshots: a write still commits, and a read sees it
    db.execute("CREATE (:After)")
    assert db.execute("MATCH (a:After) RETURN count(a)").scalar() == 1
