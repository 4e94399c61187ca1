"""The `.test` plugin end to end, in a pytest subprocess: ids, skips, guards, usage errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.tck.locate import REPO_ROOT

CONFTEST = """\
from tests.support.plugin import pytest_addoption, pytest_collect_file, pytest_configure
"""

DEMO = """\
# name: demo
# requires: {requirement}

statement ok
CREATE ()

skip not written yet
query I
MATCH (n) RETURN count(n)
----
1

query I rowsort
UNWIND [2, 1] AS x RETURN x
----
1
2
"""


def run_pytest(root: Path, *args):
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "conftest.py").write_text(CONFTEST, encoding="utf-8")
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_one_item_per_record_named_by_its_line(tmp_path):
    root = project(
        tmp_path, {"logic/demo.test": DEMO.format(requirement="engine"), "other/x.test": "junk"}
    )
    result = run_pytest(root, "--collect-only", "-q")
    assert result.returncode == 0, result.stdout + result.stderr
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    # only .test files under a `logic` or `plans` directory are collected
    assert ids == ["logic/demo.test::4", "logic/demo.test::8", "logic/demo.test::13"]


def test_requires_engine_and_skip_directives(tmp_path):
    root = project(tmp_path, {"logic/demo.test": DEMO.format(requirement="engine")})
    result = run_pytest(root, "-q", "-rs")
    assert result.returncode == 0, result.stdout + result.stderr
    # the engine exists, so `requires: engine` runs the records; `skip` still skips
    assert "2 passed, 1 skipped" in result.stdout
    assert "not written yet" in result.stdout


def test_unknown_requirement_fails_collection(tmp_path):
    root = project(tmp_path, {"logic/demo.test": DEMO.format(requirement="time machine")})
    result = run_pytest(root, "-q")
    assert result.returncode != 0
    assert "unknown requirement 'time machine'" in result.stdout


def test_malformed_files_fail_collection_with_the_line(tmp_path):
    root = project(tmp_path, {"plans/bad.test": "statement ok\nRETURN 1\n\nquery Q\nRETURN 1\n"})
    result = run_pytest(root, "-q")
    assert result.returncode != 0
    assert "bad.test:4: unknown type letter in 'Q'" in result.stdout


def test_update_mode_refuses_parallel_workers(tmp_path):
    root = project(tmp_path, {"logic/demo.test": DEMO.format(requirement="engine")})
    result = run_pytest(root, "-q", "--engram-update", "-n", "2")
    assert result.returncode != 0
    assert "--engram-update rewrites files: run it without -n" in result.stderr


def test_the_projects_own_test_files_collect():
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/logic", "tests/plans", "--collect-only", "-q"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ids = [line for line in result.stdout.splitlines() if ".test::" in line]
    assert "tests/logic/match/expand.test::5" in ids
    assert len(ids) >= 40
