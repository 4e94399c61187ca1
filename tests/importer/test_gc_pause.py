"""Bulk writes pause the cyclic garbage collector and always restore it."""

from __future__ import annotations

import doctest
import gc

import pytest

import engram
import engram.execution.gc_pause
from engram.execution.gc_pause import gc_paused


def test_the_module_examples_run():
    failures, attempted = doctest.testmod(engram.execution.gc_pause)
    assert failures == 0
    assert attempted > 0


def test_the_collector_is_restored_after_errors_and_nesting():
    assert gc.isenabled()

    def fail_inside():
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_inside()
    assert gc.isenabled()
    with gc_paused():
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not disable it, so leaves it
    assert gc.isenabled()


def test_a_user_who_disabled_the_collector_keeps_it_disabled():
    gc.disable()
    try:
        with engram.open() as db:
            db.execute("UNWIND range(1, 10) AS i CREATE (:N {i: i})")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_write_statements_and_failed_writes_restore_the_collector():
    with engram.open() as db:
        db.execute("UNWIND range(1, 1000) AS i CREATE (:N {i: i})")
        assert gc.isenabled()
        with pytest.raises(engram.errors.QueryError):
            db.execute("UNWIND [1, 0] AS i CREATE (:N {i: 1 / i})")
        assert gc.isenabled()
        assert db.execute("MATCH (n:N) RETURN count(*)").scalar() == 1000
