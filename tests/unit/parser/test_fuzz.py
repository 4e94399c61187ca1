"""Fuzzing: any text is parsed or refused with an EngramError, quickly, without recursion.

A short run belongs to the normal suite and checks behaviour only; the long run
(`-m slow`) is the measurement: it feeds 120,000 inputs, reports the slowest answer and
holds it to 100 ms of CPU time:
`python -m pytest -m slow -s tests/unit/parser/test_fuzz.py`.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from engram.errors import CypherSyntaxError
from engram.parser import parse
from engram.parser.grammar import build_parser
from engram.parser.lalr import ParseFailure
from engram.parser.transformer import build_statement
from tests.unit.parser.fuzzing import (
    FuzzStats,
    check,
    mutation_batches,
    mutations,
    queries,
    query_batches,
)

#: the most CPU time any single input may take (measured, not a benchmark)
DEADLINE = 0.1

_SHORT = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_LONG = settings(
    max_examples=10_000,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _run(strategy, configuration, stats: FuzzStats) -> None:
    parse("RETURN 1")  # the one-time grammar load is not an input's answer time

    @configuration
    @given(strategy)
    def run(text: str) -> None:
        check(text, stats)

    run()


def test_random_queries():
    stats = FuzzStats()
    _run(queries, _SHORT, stats)
    assert stats.parsed > 0
    assert stats.rejected > 0


def test_mutated_tck_queries():
    stats = FuzzStats()
    _run(mutations(), _SHORT, stats)
    assert stats.rejected > 0


def _run_batches(strategy, configuration, stats: FuzzStats) -> None:
    parse("RETURN 1")

    @configuration
    @given(strategy)
    def run(batch: list[str]) -> None:
        for text in batch:
            check(text, stats)

    run()


@pytest.mark.slow
def test_long_fuzz_run():
    """120,000 inputs: 10,000 generated queries with 5 edits each, 60,000 TCK edits."""
    generated, mutated = FuzzStats(), FuzzStats()
    _run_batches(query_batches(6), _LONG, generated)
    _run_batches(mutation_batches(6), _LONG, mutated)
    total = generated.inputs + mutated.inputs
    print(f"\ngrammar-based: {generated.summary()}")
    print(f"mutated TCK:   {mutated.summary()}")
    details = Counter(generated.details) + Counter(mutated.details)
    print(f"error details: {dict(sorted(details.items()))}")
    assert total >= 100_000
    slowest = max(generated.slowest, mutated.slowest)
    assert slowest < DEADLINE, (generated.slowest_input, mutated.slowest_input)


@pytest.fixture(scope="module")
def lark_parser():
    return build_parser()


def _driver_accepts(text: str) -> bool | None:
    """Whether the LALR driver accepts `text`; None if a later check decided."""
    try:
        build_statement(text)
    except ParseFailure:
        return False
    except CypherSyntaxError:
        return None  # grammar accepted it; a literal or restriction check refused it
    return True


def _lark_accepts(lark_parser, text: str) -> bool:
    try:
        lark_parser.parse(text, start="statement")
    except UnexpectedInput:
        return False
    return True


@_SHORT
@given(st.one_of(queries, mutations()))
def test_driver_accepts_what_lark_accepts(lark_parser, text):
    """engram's LALR loop and lexer against Lark's own, on the same tables."""
    accepted = _driver_accepts(text)
    if accepted is not None:
        assert accepted == _lark_accepts(lark_parser, text), text
