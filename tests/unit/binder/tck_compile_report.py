"""Compile-time conformance figures over the openCypher TCK: parse + bind every query.

Run ``python -m tests.unit.binder.tck_compile_report`` for the figures issue 3 asks for:

(a) every query the TCK does not expect to fail at compile time (setup queries, control
    queries, and queries under test that expect a result or a runtime error) parses and
    binds;
(b) every query under test that expects a compile-time error raises one of that kind and
    detail while compiling (parse, bind, or the parameter check made before execution);

plus the median parse + bind time per query. ``--failures`` lists what does not pass.
`tests/unit/binder/test_tck_compile.py` asserts both figures are 100%.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass

from engram.binder import bind, check_parameters
from engram.binder.bound import BStatement
from engram.errors import EngramError, QueryError
from engram.execution.procedures import ProcedureRegistry
from engram.parser import parse
from tests.unit.binder.tck_cases import TckCase, tck_cases


@dataclass(frozen=True, slots=True)
class Outcome:
    """The verdict on one query of one scenario."""

    case: TckCase
    role: str  # "setup", "query", "control"
    text: str
    group: str  # "a" (must compile), "b" (must fail at compile time), "any" (either)
    passed: bool
    problem: str = ""


def compile_query(
    text: str, procedures: ProcedureRegistry, supplied: Iterable[str] | None = None
) -> BStatement:
    """Parse and bind `text`; with `supplied`, also check the parameters it uses."""
    bound = bind(parse(text), procedures=procedures)
    if supplied is not None:
        check_parameters(bound, frozenset(supplied))
    return bound


def check_case(case: TckCase) -> list[Outcome]:
    """Compile every query of a scenario and judge each against the TCK's expectation."""
    registry = case.registry()
    outcomes = [
        _must_compile(case, role, text, registry)
        for role, texts in (("setup", case.setup), ("control", case.controls))
        for text in texts
    ]
    outcomes.append(_main_query(case, registry))
    return outcomes


def _must_compile(case: TckCase, role: str, text: str, registry: ProcedureRegistry) -> Outcome:
    try:
        compile_query(text, registry)
    except EngramError as error:
        return Outcome(case, role, text, "a", False, _describe(error))
    return Outcome(case, role, text, "a", True)


def _main_query(case: TckCase, registry: ProcedureRegistry) -> Outcome:
    expected = case.error
    group = "a"
    if expected is not None and expected.phase == "compile time":
        group = "b"
    elif expected is not None and expected.phase == "any time":
        group = "any"
    try:
        compile_query(case.query, registry, case.parameters)
    except EngramError as error:
        if group == "a":
            return Outcome(case, "query", case.query, group, False, _describe(error))
        matches = _matches(error, expected.kind, expected.detail) if expected else False
        problem = "" if matches else f"expected {_expected(case)}, got {_describe(error)}"
        return Outcome(case, "query", case.query, group, matches, problem)
    if group == "b":
        return Outcome(case, "query", case.query, group, False, f"expected {_expected(case)}")
    return Outcome(case, "query", case.query, group, True)


def _matches(error: EngramError, kind: str, detail: str) -> bool:
    if not isinstance(error, QueryError) or error.phase != "compile":
        return False
    return error.kind == kind and (detail == "*" or error.detail == detail)


def _describe(error: EngramError) -> str:
    if isinstance(error, QueryError):
        return f"{error.kind}/{error.detail}: {error.message}"
    return f"{type(error).__name__}: {error}"


def _expected(case: TckCase) -> str:
    assert case.error is not None
    return f"{case.error.kind}/{case.error.detail}"


def all_outcomes() -> list[Outcome]:
    """Outcomes for every query of every scenario."""
    return [outcome for case in tck_cases() for outcome in check_case(case)]


def figures(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """(passed, total) per group."""
    result: dict[str, tuple[int, int]] = {}
    for group in ("a", "b", "any"):
        selected = [o for o in outcomes if o.group == group]
        result[group] = (sum(o.passed for o in selected), len(selected))
    return result


@dataclass(frozen=True, slots=True)
class Timing:
    """Per-query compile times in microseconds over the queries that compile."""

    queries: int
    median: float
    p90: float
    bind_median: float
    bind_p90: float


def compile_times(outcomes: list[Outcome], repeats: int = 5) -> Timing:
    """Parse + bind time per query (each query's fastest of `repeats` runs), and bind alone."""
    totals: list[float] = []
    binds: list[float] = []
    for outcome in outcomes:
        if outcome.group != "a" or not outcome.passed:
            continue
        registry = outcome.case.registry()
        best_total = best_bind = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            statement = parse(outcome.text)
            middle = time.perf_counter()
            bind(statement, procedures=registry)
            end = time.perf_counter()
            best_total = min(best_total, end - start)
            best_bind = min(best_bind, end - middle)
        totals.append(best_total * 1e6)
        binds.append(best_bind * 1e6)
    if not totals:
        return Timing(0, 0.0, 0.0, 0.0, 0.0)
    return Timing(
        len(totals),
        statistics.median(totals),
        _percentile(totals, 0.9),
        statistics.median(binds),
        _percentile(binds, 0.9),
    )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _percent(passed: int, total: int) -> str:
    return f"{passed}/{total} ({100.0 * passed / total:.1f}%)" if total else "0/0"


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit status 1 when a figure is below 100%."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list every failing query")
    parser.add_argument("--timing", action="store_true", help="measure parse + bind time")
    parser.add_argument(
        "--stub-pending",
        action="store_true",
        help="register stand-in signatures for graph / temporal functions not merged yet",
    )
    args = parser.parse_args(argv)
    if args.stub_pending:
        from tests.unit.binder.pending_functions import register_pending

        stubbed = register_pending()
        print(f"stand-in signatures for {len(stubbed)} functions not registered yet")
    outcomes = all_outcomes()
    if not outcomes:
        print("no TCK feature files found (set ENGRAM_TCK_DIR)")
        return 1
    counts = figures(outcomes)
    print(f"scenarios: {len(tck_cases())}, queries: {len(outcomes)}")
    print(f"(a) queries that must compile, compile:          {_percent(*counts['a'])}")
    print(f"(b) compile-time errors raised with kind+detail: {_percent(*counts['b'])}")
    print(f"    'any time' errors: compile or raise as told: {_percent(*counts['any'])}")
    if args.timing:
        timing = compile_times(outcomes)
        print(
            f"parse + bind per query over {timing.queries} queries: "
            f"median {timing.median:.0f} us, p90 {timing.p90:.0f} us "
            f"(bind alone: median {timing.bind_median:.0f} us, p90 {timing.bind_p90:.0f} us)"
        )
    if args.failures:
        for outcome in outcomes:
            if not outcome.passed:
                print(f"\n--- {outcome.case.id} [{outcome.role}] {outcome.problem}\n{outcome.text}")
    return 0 if all(passed == total for passed, total in counts.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
