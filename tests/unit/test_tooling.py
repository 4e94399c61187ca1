"""ruff and mypy run as part of the test suite, so CI's one command enforces them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["engram", "server", "repl", "grammar", "tests", "benchmarks"]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_ruff_lint():
    result = _run("ruff", "check", *SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = _run("ruff", "format", "--check", *SOURCES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict(tmp_path):
    overlay = tmp_path / "typing" / "engram"
    overlay.mkdir(parents=True)
    for entry in (ROOT / "engram").iterdir():
        (overlay / entry.name).symlink_to(entry)
    for name in ("server", "repl", "grammar"):
        (overlay / name).symlink_to(ROOT / name)
    if shutil.which("mypy") is None and _run("mypy", "--version").returncode != 0:
        pytest.skip("mypy is not installed (it comes with the test extra)")
    env = dict(os.environ, MYPYPATH=str(overlay.parent))
    result = _run("mypy", "--cache-dir", str(tmp_path / "cache"), "-p", "engram", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
