"""`python -m benchmarks.semantics [--rows N]`: per-row cost of the value-semantics layer.

Every figure is the best of five runs over N generated rows (seed 42), in nanoseconds
per row, next to the plain-Python operation it stands in for where there is one, so the
price of Cypher semantics (nulls, NaN, cross-type order, overflow checks) is visible.
"""

from __future__ import annotations

import argparse
import itertools
import random
import time
from collections.abc import Callable
from typing import Any

from engram.execution.arithmetic import add
from engram.execution.functions.registry import lookup
from engram.execution.functions.spec import FunctionSpec
from engram.execution.ordering import group_key, order_key, sort_permutation
from engram.execution.ternary import equals, in_list, in_list_matcher, less_than

Case = tuple[str, Callable[[], Any], Callable[[], Any] | None]


def _best(run: Callable[[], Any], rows: int) -> float:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings) / rows * 1e9


def _data(rows: int) -> dict[str, list[Any]]:
    rng = random.Random(42)
    ints = [rng.randrange(-(10**9), 10**9) for _ in range(rows)]
    strings = [f"name-{rng.randrange(10**6):06d}" for _ in range(rows)]
    with_nulls = [None if rng.random() < 0.1 else value for value in ints]
    mixed: list[Any] = [
        rng.choice([ints[i], ints[i] / 7, strings[i], None, [ints[i], strings[i]], True])
        for i in range(rows)
    ]
    return {"ints": ints, "strings": strings, "with_nulls": with_nulls, "mixed": mixed}


def _spec(name: str) -> FunctionSpec:
    spec = lookup(name)
    if spec is None:
        raise SystemExit(f"function {name!r} is not registered")
    return spec


def _sorting(data: dict[str, list[Any]]) -> list[Case]:
    ints, strings, mixed, with_nulls = (
        data["ints"],
        data["strings"],
        data["mixed"],
        data["with_nulls"],
    )
    return [
        ("sort ints, order_key", lambda: sorted(ints, key=order_key), lambda: sorted(ints)),
        ("sort ints, sort_permutation", lambda: sort_permutation(ints), lambda: sorted(ints)),
        ("sort ints+nulls, sort_permutation", lambda: sort_permutation(with_nulls), None),
        ("sort strings, sort_permutation", lambda: sort_permutation(strings), None),
        ("sort mixed types, sort_permutation", lambda: sort_permutation(mixed), None),
        ("distinct ints, group_key", lambda: {group_key(v) for v in ints}, lambda: set(ints)),
        ("distinct mixed types, group_key", lambda: {group_key(v) for v in mixed}, None),
    ]


def _operators(data: dict[str, list[Any]]) -> list[Case]:
    ints, strings = data["ints"], data["strings"]
    pairs = list(itertools.pairwise(ints))
    text_pairs = list(itertools.pairwise(strings))
    small = ints[:50]
    matcher = in_list_matcher(small)
    return [
        ("equals(int, int)", lambda: [equals(a, b) for a, b in pairs], None),
        ("equals(str, str)", lambda: [equals(a, b) for a, b in text_pairs], None),
        ("less_than(int, int)", lambda: [less_than(a, b) for a, b in pairs], None),
        ("add(int, int)", lambda: [add(a, b) for a, b in pairs], None),
        ("in_list(int, 50 ints)", lambda: [in_list(v, small) for v in ints], None),
        ("in_list_matcher(50 ints)", lambda: [matcher(v) for v in ints], None),
    ]


def _functions(data: dict[str, list[Any]]) -> list[Case]:
    ints, strings = data["ints"], data["strings"]
    lower = _spec("toLower").bind(1)
    total, count = _spec("sum"), _spec("count")

    def fold(spec: FunctionSpec) -> Callable[[], Any]:
        def run() -> Any:
            accumulator = spec.impl(False)
            for value in ints:
                accumulator.add(value)
            return accumulator.result()

        return run

    return [
        ("toLower(str)", lambda: [lower(v) for v in strings], None),
        ("sum() per row", fold(total), None),
        ("count() per row", fold(count), None),
    ]


def main() -> int:
    """Run the benchmarks and print one line per case."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=200_000)
    rows = parser.parse_args().rows
    data = _data(rows)
    print(f"rows={rows}; ns per row, best of 5")
    for name, run, baseline in [*_sorting(data), *_operators(data), *_functions(data)]:
        line = f"{name:36} {_best(run, rows):7.0f}"
        if baseline is not None:
            line += f"   (plain Python {_best(baseline, rows):.0f})"
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
