"""The public hooks the shell needs: `cancel=` on execute and profile, and the language lists."""

from __future__ import annotations

import threading
import time

import pytest

import engram

LONG_READ = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y RETURN count(*)"
LONG_WRITE = "UNWIND range(1, 200000) AS x CREATE (:Row {x: x})"


def _cancel_after(seconds: float) -> threading.Event:
    event = threading.Event()
    timer = threading.Timer(seconds, event.set)
    timer.daemon = True
    timer.start()
    return event


def test_cancel_stops_a_read_and_the_database_stays_usable():
    with engram.open() as db:
        started = time.monotonic()
        with pytest.raises(engram.QueryTimeout, match="cancelled"):
            db.execute(LONG_READ, cancel=_cancel_after(0.3)).rows()
        # a full run takes minutes; cancelling must not wait for it
        assert time.monotonic() - started < 30
        assert db.execute("RETURN 1").scalar() == 1


def test_cancel_stops_a_write_and_changes_nothing():
    with engram.open() as db:
        with pytest.raises(engram.QueryTimeout, match="cancelled"):
            db.execute(LONG_WRITE, cancel=_cancel_after(0.2))
        assert db.execute("MATCH (r:Row) RETURN count(r)").scalar() == 0
        db.execute("CREATE (:Row {x: 0})")
        assert db.execute("MATCH (r:Row) RETURN count(r)").scalar() == 1


def test_an_event_set_before_the_statement_stops_it_at_once():
    event = threading.Event()
    event.set()
    with engram.open() as db, pytest.raises(engram.QueryTimeout):
        db.execute("UNWIND range(1, 10) AS x RETURN x", cancel=event).rows()


def test_cancel_in_a_transaction_undoes_only_that_statement():
    with engram.open() as db:
        with db.transaction() as tx:
            tx.execute("CREATE (:Kept)")
            with pytest.raises(engram.QueryTimeout):
                tx.execute(LONG_WRITE, cancel=_cancel_after(0.2))
            assert tx.execute("MATCH (r:Row) RETURN count(r)").scalar() == 0
        assert db.execute("MATCH (k:Kept) RETURN count(k)").scalar() == 1


def test_cancel_stops_profile_in_the_database_and_in_a_transaction():
    with engram.open() as db:
        with pytest.raises(engram.QueryTimeout):
            db.profile(LONG_READ, cancel=_cancel_after(0.3)).rows()
        with db.transaction() as tx:
            with pytest.raises(engram.QueryTimeout):
                tx.profile(LONG_READ, cancel=_cancel_after(0.3))
            result = tx.profile("UNWIND range(1, 3) AS x RETURN x")
            assert result.rows() == [(1,), (2,), (3,)]
            assert result.plan is not None
            assert result.plan.profiled


def test_a_parameter_called_cancel_goes_in_the_dict():
    with engram.open() as db:
        assert db.execute("RETURN $cancel AS c", {"cancel": 5}).scalar() == 5


def test_keywords_functions_and_procedures():
    keywords = engram.keywords()
    assert {"MATCH", "RETURN", "OPTIONAL", "shortestPath"} <= set(keywords)
    assert list(keywords) == sorted(keywords, key=str.upper)
    functions = {info.name: info for info in engram.functions()}
    assert functions["toLower"].signature == "toLower(input :: STRING) :: STRING"
    assert functions["count"].is_aggregate
    assert not functions["toLower"].is_aggregate
    assert "date.truncate" in functions
    with engram.open() as db:
        db.register_procedure("my.double(x :: INTEGER) :: (y :: INTEGER)", lambda x: [(2 * x,)])
        procedures = {info.name: info for info in db.procedures()}
    assert procedures["db.labels"].signature == "db.labels() :: (label :: STRING)"
    assert procedures["my.double"].signature.startswith("my.double(x :: INTEGER")
