"""Crash points inside engram (`engram.faults`): each one crashes the writer, nothing is lost.

`ENGRAM_CRASH_POINT=name:count` makes the process leave through `os._exit` on the
count-th hit of a named point: after a commit's batch is built, after it is written,
after it is durable (before the acknowledgement), while an index is built, after
statistics are rewritten, inside backups and restores. One crash per point runs in the
normal suite; ``pytest -m slow tests/reliability/test_crash_points.py -s`` crashes every
point 20 times (``python -m tests.reliability.crash_loop --points all --cycles 20``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from engram import faults
from engram.faults import CRASH_EXIT_CODE, POINTS, parse_spec
from tests.reliability.crash_loop import REACHABLE, ROOT, VECTOR_POINTS, run_cycles
from tests.reliability.crash_workload import has_vector_indexes


def test_spec_parsing():
    assert parse_spec("commit.after_sync") == {"commit.after_sync": 1}
    assert parse_spec("index.build:3, backup.checkpoint:2") == {
        "index.build": 3,
        "backup.checkpoint": 2,
    }
    for bad in ("nowhere", "index.build:0", "index.build:x"):
        with pytest.raises(ValueError, match="crash point"):
            parse_spec(bad)


def test_unarmed_points_do_nothing():
    faults.disarm()
    for name in POINTS:
        faults.crash_point(name)
    assert faults.armed() == {}


def test_an_armed_point_exits_on_its_count():
    script = (
        "from engram import faults\n"
        "for i in range(5):\n"
        "    faults.crash_point('index.build')\n"
        "    print(i, flush=True)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"ENGRAM_CRASH_POINT": "index.build:3", "PATH": ""},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == CRASH_EXIT_CODE
    assert result.stdout.split() == ["0", "1"]
    assert "crash point index.build reached" in result.stderr


def test_every_point_is_reached_by_the_loop():
    assert set(REACHABLE) | set(VECTOR_POINTS) == set(POINTS)


def _points() -> tuple[str, ...]:
    return tuple(REACHABLE) + (tuple(VECTOR_POINTS) if has_vector_indexes() else ())


def test_one_crash_at_each_point(tmp_path):
    points = _points()
    report = run_cycles(tmp_path / "db", cycles=len(points), seed=3, points=points)
    assert dict(report.hits) == dict.fromkeys(points, 1)
    assert report.violations == 0, report.summary()


@pytest.mark.slow
def test_twenty_crashes_at_each_point(tmp_path):
    points = _points()
    report = run_cycles(tmp_path / "db", cycles=20 * len(points), seed=4, points=points)
    print(f"\ncrash points: {report.summary()}")
    assert min(report.hits[point] for point in points) >= 20
    assert report.violations == 0
