"""Crash safety: SIGKILL a committing writer at random moments, reopen, compare with an oracle.

Each cycle starts `tests.storage.crash_writer` on the same database, kills it with SIGKILL
after a random delay, reopens the database and checks, against the pure-Python oracle of
`tests.storage.crash_model`:

- every acknowledged transaction is present (0 lost), and at most the one transaction in
  flight at the kill beyond them (committed but not yet acknowledged);
- the database equals the oracle after exactly that many transactions, markers included
  (0 partially applied transactions);
- every key family is consistent: no dangling relationships, adjacency or index entries,
  and the statistics equal a recount (`check_integrity`).

A short run is part of the normal suite; ``pytest -m slow tests/storage/test_crash.py -s``
runs 200 cycles and prints the figures.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import engram
from engram.storage.verify import check_integrity
from tests.storage.crash_model import (
    Model,
    adjacency_matches,
    apply,
    markers,
    plan,
    read_model,
    same,
)

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CrashReport:
    cycles: int = 0
    acknowledged: int = 0
    committed: int = 0
    in_flight_committed: int = 0
    lost: int = 0
    partial: int = 0
    integrity_problems: int = 0
    reopen_seconds: list[float] = field(default_factory=list)

    def summary(self) -> str:
        reopen = sorted(self.reopen_seconds)
        return (
            f"{self.cycles} cycles, {self.acknowledged} acknowledged and {self.committed} "
            f"committed transactions ({self.in_flight_committed} committed while in flight), "
            f"{self.lost} lost, {self.partial} partial, {self.integrity_problems} integrity "
            f"problems; reopen median {statistics.median(reopen) * 1e3:.1f} ms, "
            f"max {reopen[-1] * 1e3:.1f} ms"
        )


def run_writer(path: Path, first: int, rng: random.Random) -> list[int]:
    """Start a writer, kill it after a random delay, return the acknowledged numbers."""
    with subprocess.Popen(
        [sys.executable, "-m", "tests.storage.crash_writer", str(path), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as writer:
        assert writer.stdout is not None
        ready = writer.stdout.readline().strip()
        assert ready == "ready", ready + (writer.stderr.read() if writer.stderr else "")
        time.sleep(rng.uniform(0.02, 0.6))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=60)
        # read through the same buffered stream as `readline`: `communicate` would read
        # the raw pipe and miss lines that readline already buffered
        out = writer.stdout.read()
        err = writer.stderr.read() if writer.stderr else ""
    assert writer.returncode == -signal.SIGKILL, f"the writer failed:\n{err}"
    return [int(line) for line in out.split()]


def verify(path: Path, oracle: Model, acknowledged: int, report: CrashReport) -> int:
    """Check the reopened database; returns how many transactions it holds."""
    started = time.perf_counter()
    db = engram.open(path)
    report.reopen_seconds.append(time.perf_counter() - started)
    try:
        with db.begin_read() as tx:
            found = read_model(tx)
            committed = acknowledged
            if not same(found, oracle):
                # the transaction in flight at the kill may have committed: allowed once
                ahead = oracle.copy()
                apply(plan(acknowledged + 1, ahead), ahead)
                if same(found, ahead):
                    committed = acknowledged + 1
                    oracle.__dict__.update(ahead.__dict__)
                    report.in_flight_committed += 1
                elif markers(found) >= set(range(1, acknowledged + 1)):
                    report.partial += 1
                else:
                    report.lost += 1
            assert markers(found) == set(range(1, committed + 1))
            problems = check_integrity(tx)
            report.integrity_problems += len(problems)
            assert problems == []
            assert adjacency_matches(tx, oracle)
            counters = db._store.counters
            assert (counters.next_node, counters.next_rel) == (oracle.next_node, oracle.next_rel)
    finally:
        db.close()
    return committed


def run_cycles(path: Path, cycles: int, seed: int, progress: bool = False) -> CrashReport:
    rng = random.Random(seed)
    report = CrashReport()
    oracle = Model()
    committed = 0
    for _ in range(cycles):
        acknowledged = run_writer(path, committed + 1, rng)
        if acknowledged:
            assert acknowledged == list(range(committed + 1, acknowledged[-1] + 1))
        for number in acknowledged:
            apply(plan(number, oracle), oracle)
        last = acknowledged[-1] if acknowledged else committed
        report.acknowledged += len(acknowledged)
        committed = verify(path, oracle, last, report)
        report.cycles += 1
        assert report.lost == 0
        assert report.partial == 0
        if progress and report.cycles % 10 == 0:
            print(f"cycle {report.cycles}: {committed} committed", flush=True)
    report.committed = committed
    return report


def test_crash_cycles(tmp_path):
    report = run_cycles(tmp_path / "db", cycles=10, seed=1)
    assert report.cycles == 10
    assert report.committed >= report.acknowledged
    assert (report.lost, report.partial, report.integrity_problems) == (0, 0, 0)


@pytest.mark.slow
def test_crash_cycles_long(tmp_path):
    report = run_cycles(tmp_path / "db", cycles=200, seed=2, progress=True)
    print(f"\ncrash test: {report.summary()}")
    assert report.cycles == 200
    assert (report.lost, report.partial, report.integrity_problems) == (0, 0, 0)
