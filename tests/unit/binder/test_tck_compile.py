"""Every TCK query compiles unless the TCK expects a compile-time error, which must be exact.

Queries that call graph, temporal or vector functions need those functions registered;
until the work that registers them is merged, such queries are reported in a skip
message (every other query is still checked).
"""

from __future__ import annotations

import re

import pytest

from tests.unit.binder.tck_cases import tck_cases
from tests.unit.binder.tck_compile_report import Outcome, all_outcomes, figures
from tests.unit.binder.test_function_names import registered_later

_UNKNOWN = re.compile(r"unknown function '([^']+)'")


@pytest.fixture(scope="module")
def outcomes():
    if not tck_cases():
        pytest.skip("the TCK feature files are not available (set ENGRAM_TCK_DIR)")
    return all_outcomes()


def _pending(outcome: Outcome) -> str | None:
    """The not-yet-registered function an outcome failed on, if that is why it failed."""
    found = _UNKNOWN.search(outcome.problem)
    if found and registered_later(found[1]):
        return found[1].lower()
    return None


def _check(outcomes: list[Outcome], group: str) -> None:
    failed = [o for o in outcomes if o.group == group and not o.passed]
    real = [o for o in failed if _pending(o) is None]
    report = "\n".join(f"{o.case.id} [{o.role}]: {o.problem}\n  {o.text!r}" for o in real[:25])
    assert not real, f"{len(real)} failing:\n{report}"
    if failed:
        names = sorted({name for o in failed if (name := _pending(o))})
        pytest.skip(
            f"{len(failed)} queries call functions registered by work not merged yet: "
            + ", ".join(names)
        )


def test_queries_that_must_compile_do(outcomes):
    passed, total = figures(outcomes)["a"]
    assert total > 3000
    _check(outcomes, "a")
    assert passed == total


def test_compile_time_errors_have_the_tck_kind_and_detail(outcomes):
    passed, total = figures(outcomes)["b"]
    assert total > 400
    _check(outcomes, "b")
    assert passed == total


def test_any_time_errors_compile_or_match(outcomes):
    passed, total = figures(outcomes)["any"]
    _check(outcomes, "any")
    assert passed == total
