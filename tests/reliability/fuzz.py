"""Fuzzing parse, bind and execute: every input is answered, or refused with an EngramError.

Inputs come from the binder's fuzz generator (`tests.unit.binder.fuzz.inputs`: random
queries of the language, mutated TCK queries, deep nesting) and from the metamorphic
query generator (valid queries that reach execution over real data). Each input runs
through `db.execute` with a timeout inside a transaction that is rolled back, on a small
graph in a real database, so writes, deletes and schema statements run too without
changing what the next input sees. An input must:

- return rows or raise `engram.EngramError` (any other exception is a bug, and so is
  `InternalError`, the EngramError that says "this is a bug in engram");
- finish within its timeout plus a margin (a hang is a bug);
- leave the process alive (a crash kills the chunk's process, which the driver reports).

``python -m tests.reliability.fuzz --inputs 1000000 --jobs 2`` runs the long version in
chunks, each in its own process.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import engram
from engram.errors import EngramError
from tests.reliability.querygen import QueryGen, load_statements, random_graph
from tests.unit.binder.fuzz import inputs as binder_inputs

TIMEOUT = 2.0
#: an input slower than its timeout by this much counts as a hang
HANG_MARGIN = 3.0
CHUNK = 20_000


@dataclass
class FuzzReport:
    """How a fuzz run's inputs were answered."""

    inputs: int = 0
    answered: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    other: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    slowest: float = 0.0

    def merge(self, other: FuzzReport) -> None:
        self.inputs += other.inputs
        self.answered += other.answered
        self.errors.update(other.errors)
        self.other += other.other
        self.hangs += other.hangs
        self.slowest = max(self.slowest, other.slowest)

    def summary(self) -> str:
        refused = sum(self.errors.values())
        top = ", ".join(f"{name} {count}" for name, count in self.errors.most_common(6))
        return (
            f"{self.inputs} inputs: {self.answered} answered, {refused} refused with "
            f"EngramError ({top}); {len(self.other)} other exceptions, {len(self.hangs)} "
            f"hangs; slowest {self.slowest * 1e3:.0f} ms"
        )


def fuzz_inputs(count: int, seed: int) -> Iterator[str]:
    """`count` inputs: 70% from the binder's fuzzer, 30% valid generated queries."""
    rng = random.Random(seed)
    generated = QueryGen(random.Random(seed + 1))
    mutated = binder_inputs(count, seed)
    for text in mutated:
        yield text if rng.random() < 0.7 else generated.query().text


def _database(seed: int) -> engram.Database:
    db = engram.open()
    graph = random_graph(random.Random(seed))
    with db.transaction() as tx:
        for text, params in load_statements(graph):
            tx.execute(text, params).rows()
    # the names the binder's generator uses, so its queries find data
    db.execute(
        "CREATE (:Person {name: 'Ada', age: 36, x: 1, num: 2})-[:KNOWS {since: 2001}]->"
        "(:Person:A {name: 'Alan', age: 41, x: 2})-[:T]->(:B {num: 3, name: 'b'})"
    )
    return db


class _Rollback(Exception):
    """Ends the transaction each input runs in."""


def _run_one(db: engram.Database, text: str) -> str | None:
    """The EngramError class name, or None when answered; other exceptions propagate."""
    try:
        with db.transaction() as tx:
            try:
                tx.execute(text, timeout=TIMEOUT).rows()
            except EngramError as error:
                raise _Rollback(type(error).__name__) from None
            raise _Rollback(None)
    except _Rollback as rollback:
        refused: str | None = rollback.args[0]
        return refused


def run_chunk(count: int, seed: int) -> FuzzReport:
    """Fuzz `count` inputs in this process."""
    report = FuzzReport()
    db = _database(seed)
    try:
        for text in fuzz_inputs(count, seed):
            report.inputs += 1
            started = time.perf_counter()
            try:
                refused = _run_one(db, text)
            except RecursionError:
                report.other.append(f"RecursionError: {text!r}")
                continue
            except Exception as error:
                report.other.append(f"{type(error).__name__}: {error} <- {text!r}")
                continue
            elapsed = time.perf_counter() - started
            report.slowest = max(report.slowest, elapsed)
            if elapsed > TIMEOUT + HANG_MARGIN:
                report.hangs.append(f"{elapsed:.1f} s: {text!r}")
            if refused is None:
                report.answered += 1
            else:
                report.errors[refused] += 1
            if refused == "InternalError":  # an EngramError, but one that says "a bug"
                report.other.append(f"InternalError <- {text[:300]!r}")
    finally:
        db.close()
    return report


def _encode(report: FuzzReport) -> str:
    import json

    return json.dumps(
        {
            "inputs": report.inputs,
            "answered": report.answered,
            "errors": dict(report.errors),
            "other": report.other,
            "hangs": report.hangs,
            "slowest": report.slowest,
        }
    )


def _decode(text: str) -> FuzzReport:
    import json

    data = json.loads(text)
    return FuzzReport(
        data["inputs"],
        data["answered"],
        Counter(data["errors"]),
        data["other"],
        data["hangs"],
        data["slowest"],
    )


def _chunk_process(count: int, seed: int) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.reliability.fuzz", "--chunk", str(count), str(seed)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run(total: int, seed: int = 0, jobs: int = 1, *, progress: bool = False) -> FuzzReport:
    """`total` inputs in chunks of `CHUNK`, each in a fresh process, `jobs` at a time.

    A chunk whose process dies (a crash) or outlives every input's timeout is reported
    as a crash with its seed, so it can be replayed with ``--chunk COUNT SEED``.
    """
    report = FuzzReport()
    chunks = [(min(CHUNK, total - start), seed + index) for index, start in
              enumerate(range(0, total, CHUNK))]  # fmt: skip
    running: list[tuple[subprocess.Popen[str], int, int]] = []
    while chunks or running:
        while chunks and len(running) < jobs:
            count, chunk_seed = chunks.pop(0)
            running.append((_chunk_process(count, chunk_seed), count, chunk_seed))
        process, count, chunk_seed = running.pop(0)
        out, err = process.communicate(timeout=count * (TIMEOUT + HANG_MARGIN))
        if process.returncode != 0 or not out.strip():
            report.other.append(
                f"chunk {count} {chunk_seed} died with status {process.returncode}: {err[-2000:]}"
            )
            continue
        report.merge(_decode(out.strip().splitlines()[-1]))
        if progress:
            print(report.summary(), flush=True)
    return report


def main(argv: list[str] | None = None) -> int:
    """Fuzz and print the figures; exit status 1 on any other exception, hang or crash."""
    parser = argparse.ArgumentParser(description="fuzz parse, bind and execute")
    parser.add_argument("--inputs", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--chunk", nargs=2, type=int, metavar=("COUNT", "SEED"))
    args = parser.parse_args(argv)
    if args.chunk is not None:
        print(_encode(run_chunk(*args.chunk)), flush=True)
        return 0
    started = time.perf_counter()
    report = run(args.inputs, args.seed, args.jobs, progress=True)
    for problem in (*report.other, *report.hangs)[:30]:
        print(problem)
    print(f"{report.summary()}; {time.perf_counter() - started:.0f} s")
    return 1 if report.other or report.hangs else 0


if __name__ == "__main__":
    raise SystemExit(main())
