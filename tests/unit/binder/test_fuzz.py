"""Fuzzing parse + bind: only EngramErrors, never a RecursionError or another exception.

A short run belongs to the normal suite; the long run (100,000 inputs, marked slow) is
``pytest -m slow tests/unit/binder/test_fuzz.py``. Timings are reported by
``python -m tests.unit.binder.fuzz``, not asserted here.
"""

from __future__ import annotations

import contextlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engram.binder import bind
from engram.errors import EngramError
from engram.execution.procedures import ProcedureRegistry
from engram.parser import parse
from tests.unit.binder.fuzz import FuzzReport, QueryGenerator, compile_one, run
from tests.unit.binder.support import registry

_PIECES = st.sampled_from(
    [
        "MATCH", "(", ")", "n", "m", ":", "A", "-[", "]->", "<-[", "]-", "r", "*", "WHERE",
        "RETURN", "WITH", "AS", ",", "count(*)", "n.x", "1", "'s'", "[", "]", "{", "}",
        "x IN", "|", "UNWIND", "CREATE", "SET", "=", "DELETE", "ORDER BY", "SKIP", "LIMIT",
        "DISTINCT", "EXISTS", "NOT", "AND", "+", "$p", "CALL", "YIELD", "UNION", "*",
    ]
)  # fmt: skip


def _assert_clean(report: FuzzReport) -> None:
    assert report.recursion_errors == []
    assert report.other_errors == []
    assert report.inputs == report.bound + report.engram_errors


def test_short_fuzz_run():
    report = run(2_000, seed=1)
    _assert_clean(report)
    assert report.bound > 0
    assert report.engram_errors > 0


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=30).map(" ".join))
def test_token_soup_never_escapes(text):
    with contextlib.suppress(EngramError):
        compile_one(text, registry())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_escapes(text):
    with contextlib.suppress(EngramError):
        compile_one(text, registry())


@pytest.mark.slow
def test_long_fuzz_run():
    report = run(100_000, seed=0)
    _assert_clean(report)


def _outcome(text: str, procedures: ProcedureRegistry) -> object:
    try:
        return bind(parse(text), procedures=procedures)
    except EngramError as error:
        return (type(error).__name__, getattr(error, "detail", None), str(error))


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=0, max_value=2**32))
def test_binding_is_deterministic(seed):
    text = QueryGenerator(random.Random(seed)).query()
    procedures = registry()
    assert _outcome(text, procedures) == _outcome(text, procedures)
