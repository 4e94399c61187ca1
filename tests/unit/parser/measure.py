"""Measure the parser on the openCypher TCK: coverage, compile-time errors, parse time.

Run from the repository root: ``python -m tests.unit.parser.measure [--repeat N]``.
It prints how many TCK queries parse, which compile-time error scenarios the parser
already rejects with the expected detail (the others are the binder's), and the
parse time per query (best of N runs each, so other processes on the machine
disturb it little).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import time
from collections import Counter

from engram.errors import CypherSyntaxError
from engram.parser import parse
from engram.parser.grammar import build_parser
from tests.unit.parser.tck_corpus import TckQuery, features_dir, tck_queries
from tests.unit.parser.test_tck_corpus import GRAMMAR_DETAILS


def _coverage(queries: tuple[TckQuery, ...]) -> None:
    should_parse = [
        q for q in queries if not (q.expects_compile_error and q.error_detail in GRAMMAR_DETAILS)
    ]
    parsed = 0
    for query in should_parse:
        try:
            parse(query.text)
            parsed += 1
        except CypherSyntaxError as error:
            print(f"  does not parse: {query.id}: {error.message}")
    scenarios = sum(1 for q in queries if q.role == "query")
    print(f"TCK queries (executing query + having executed, Outlines expanded): {len(queries)}")
    grammar_level = len(queries) - len(should_parse)
    print(f"  of {scenarios} scenarios; {grammar_level} expect a grammar-level SyntaxError")
    share = 100 * parsed / len(should_parse)
    print(f"  queries that should parse: {len(should_parse)}; parsed: {parsed} ({share:.1f}%)")


def _compile_errors(queries: tuple[TckQuery, ...]) -> None:
    expected = [q for q in queries if q.expects_compile_error]
    caught: Counter[str] = Counter()
    left: Counter[str] = Counter()
    wrong: list[str] = []
    for query in expected:
        detail = query.error_detail or "?"
        try:
            parse(query.text)
        except CypherSyntaxError as error:
            if error.detail == detail:
                caught[detail] += 1
            else:
                wrong.append(f"{query.id}: {error.detail} instead of {detail}")
        else:
            left[f"{query.error_kind}/{detail}"] += 1
    print(f"scenarios expecting a compile-time error: {len(expected)}")
    share = 100 * sum(caught.values()) / len(expected)
    print(
        f"  rejected by the parser with the expected detail: {sum(caught.values())} ({share:.1f}%)"
    )
    for detail, count in sorted(caught.items()):
        print(f"    {detail}: {count}")
    print(f"  parsed, left to the binder: {sum(left.values())}")
    for detail, count in sorted(left.items(), key=lambda item: (-item[1], item[0])):
        print(f"    {detail}: {count}")
    print(f"  rejected with another detail: {len(wrong)}")
    for line in wrong:
        print(f"    {line}")


def _timing(queries: tuple[TckQuery, ...], repeat: int) -> None:
    parse("RETURN 1")
    times = []
    for query in queries:
        best = float("inf")
        for _ in range(repeat):
            started = time.perf_counter()
            with contextlib.suppress(CypherSyntaxError):
                parse(query.text)
            best = min(best, time.perf_counter() - started)
        times.append(best)
    times.sort()
    median = statistics.median(times) * 1000
    p90 = times[int(len(times) * 0.9)] * 1000
    print(f"parse time per TCK query, best of {repeat} (all {len(times)} queries):")
    print(f"  median {median:.3f} ms, p90 {p90:.3f} ms, max {times[-1] * 1000:.1f} ms")
    print(f"  total {sum(times) * 1000:.0f} ms; load average {os.getloadavg()[0]:.1f}")
    largest = max((query.text for query in queries), key=len)
    cpu = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        parse(largest)
        cpu = min(cpu, time.process_time() - started)
    size = len(largest.encode()) / 1024
    print(f"  largest query ({size:.0f} KB): {cpu * 1000:.0f} ms of CPU time, best of {repeat}")


def _startup() -> None:
    started = time.perf_counter()
    build_parser(cache=False)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    build_parser(cache=True)
    warm = time.perf_counter() - started
    print(
        f"grammar analysis: {cold * 1000:.0f} ms without Lark's cache, {warm * 1000:.0f} ms with it"
    )


def main() -> None:
    """Print the measurements."""
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--repeat", type=int, default=5, help="runs per query for timing")
    arguments = options.parse_args()
    queries = tck_queries()
    if not queries:
        raise SystemExit("openCypher TCK features not found: set ENGRAM_TCK_DIR")
    print(f"features: {features_dir()}")
    _coverage(queries)
    _compile_errors(queries)
    _timing(queries, arguments.repeat)
    _startup()


if __name__ == "__main__":
    main()
