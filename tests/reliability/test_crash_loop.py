"""Crash safety through the public API: SIGKILL a writer at random moments, reopen, compare.

The workload runs Cypher (CREATE, MERGE, SET, REMOVE, DELETE, schema changes, vector
upserts when vector indexes exist) in explicit and auto-commit transactions; see
`tests.reliability.crash_loop` for what each cycle checks. 20 cycles run in the normal
suite; ``pytest -m slow tests/reliability/test_crash_loop.py -s`` runs 1,000 (or
``python -m tests.reliability.crash_loop --cycles 1000``).
"""

from __future__ import annotations

import pytest

from tests.reliability.crash_loop import run_cycles


def test_crash_cycles(tmp_path):
    report = run_cycles(tmp_path / "db", cycles=20, seed=1)
    assert report.cycles == 20
    assert report.acknowledged > 0
    assert report.committed >= report.acknowledged
    assert report.violations == 0, report.summary()


@pytest.mark.slow
def test_crash_cycles_long(tmp_path):
    report = run_cycles(tmp_path / "db", cycles=1000, seed=2, progress=True)
    print(f"\npublic-API crash loop: {report.summary()}")
    assert report.cycles == 1000
    assert report.violations == 0
