"""The timeout counts from `execute` and covers parsing, binding, planning and optimising.

A pattern of hundreds of relationships takes seconds to plan; with a timeout it stops
with `QueryTimeout` close to the timeout, changes nothing, and the database serves on.
"""

from __future__ import annotations

import threading
import time

import pytest

import engram
from engram import deadline
from engram.errors import QueryTimeout

#: a chain of 100 relationships (the longest the parser takes): over a second to plan
LONG = "MATCH " + "()-->" * 100 + "() RETURN count(*)"


def test_a_long_pattern_stops_at_its_timeout_while_planning():
    # the best of three tries: on a loaded machine the scheduler alone can hold a thread
    # back for tens of milliseconds, which says nothing about how often the planner checks
    with engram.open() as db:
        db.execute("CREATE (:A)-[:R]->(:A)")
        took = []
        for _ in range(3):
            started = time.perf_counter()
            with pytest.raises(QueryTimeout, match="while it was compiled"):
                db.execute(LONG, timeout=0.5)
            took.append(time.perf_counter() - started)
        assert 0.5 <= min(took) < 0.55, took
        assert db.execute("MATCH (a:A) RETURN count(a)").scalar() == 2


def test_a_writing_statement_stops_while_planning_and_writes_nothing():
    with engram.open() as db:
        query = "MATCH " + "()-->" * 100 + "() CREATE (:W)"
        with pytest.raises(QueryTimeout):
            db.execute(query, timeout=0.3)
        with db.transaction() as tx, pytest.raises(QueryTimeout):
            tx.execute(query, timeout=0.3)
        assert db.execute("MATCH (w:W) RETURN count(w)").scalar() == 0


def test_cancelling_stops_compilation():
    with engram.open() as db:
        cancel = threading.Event()
        cancel.set()
        with pytest.raises(QueryTimeout, match="cancelled"):
            db.execute(LONG, cancel=cancel)


def test_a_stopped_compilation_is_not_cached():
    with engram.open() as db:
        query = "MATCH " + "()-->" * 60 + "() RETURN count(*)"
        with pytest.raises(QueryTimeout):
            db.execute(query, timeout=0.0)
        assert db.execute(query).scalar() == 0


def test_check_outside_compilation_does_nothing():
    deadline.check()
    with deadline.compiling(time.monotonic() - 1.0), pytest.raises(QueryTimeout):
        deadline.check()
    deadline.check()


def test_a_chain_of_100_relationships_plans_and_matches():
    # planning indexes the n^2 / 2 uniqueness predicates by symbol: 100 hops plan in
    # about a second (they took 5 s, and 80 hops took 8 s on a loaded machine)
    hops = 100
    with engram.open() as db:
        db.execute("UNWIND range(0, $n) AS i CREATE (:P {id: i})", n=hops)
        db.execute("MATCH (a:P), (b:P) WHERE b.id = a.id + 1 CREATE (a)-[:NEXT]->(b)")
        chain = "MATCH (a:P)" + "-[:NEXT]->()" * (hops - 1) + "-[:NEXT]->(b:P) RETURN a.id, b.id"
        assert db.execute(chain).rows() == [(0, hops)]


def test_a_match_too_large_to_plan_is_refused_cleanly():
    # found by the execution fuzzer: four chains of 40 relationships planned into a plan
    # deeper than the optimizer's recursion allows, reported as an InternalError
    from engram.errors import ErrorDetail, SemanticError

    query = "MATCH " + ", ".join("()-->" * 40 + "()" for _ in range(4)) + " RETURN count(*)"
    with engram.open() as db:
        with pytest.raises(SemanticError) as caught:
            db.execute(query)
        assert caught.value.detail is ErrorDetail.RESOURCE_LIMIT
        assert caught.value.hint
        assert db.execute("RETURN 1").scalar() == 1
