"""The runners themselves (tests/tck, tests/support) pass mypy --strict, like engram does."""

from __future__ import annotations

import subprocess
import sys

from tests.tck.locate import REPO_ROOT


def test_runners_pass_mypy_strict(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(tmp_path / "cache"),
            "tests/tck",
            "tests/support",
            "tests/conftest.py",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
