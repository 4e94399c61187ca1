"""The TCK plugin end to end, in a pytest subprocess: ids, markers, skips, the report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.tck.locate import ENV_FEATURES, REPO_ROOT
from tests.unit.tck.shared import shared_features

ANCHOR = "tests/tck/test_tck.py"

DEMO = '''\
Feature: Demo

  Scenario: [1] Plain
    Given an empty graph
    When executing query:
      """
      RETURN 1 AS x
      """
    Then the result should be, in any order:
      | x |
      | 1 |
    And no side effects

  @ignore
  Scenario: [2] Ignored
    Given any graph
    When executing query:
      """
      RETURN 2 AS x
      """
    Then the result should be empty

  Scenario Outline: [3] Outline
    Given any graph
    When executing query:
      """
      RETURN <v> AS x
      """
    Then a SyntaxError should be raised at compile time: UnexpectedSyntax

    Examples:
      | v |
      | ( |
      | ) |
'''


def run_pytest(*args, features=None, cwd=REPO_ROOT, module="pytest"):
    env = dict(os.environ)
    env.pop(ENV_FEATURES, None)
    if features is not None:
        env[ENV_FEATURES] = str(features)
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def collected_ids(result):
    return [line for line in result.stdout.splitlines() if "::" in line]


def write_demo(root: Path) -> Path:
    features = root / "features"
    (features / "clauses" / "demo").mkdir(parents=True)
    (features / "clauses" / "demo" / "Demo1.feature").write_text(DEMO, encoding="utf-8")
    return features


def test_the_whole_visible_suite_is_collected():
    features = shared_features()
    result = run_pytest(ANCHOR, "--collect-only", "-q", features=features)
    assert result.returncode == 0, result.stdout + result.stderr
    ids = collected_ids(result)
    assert len(ids) == 2978
    assert f"{ANCHOR}::clauses/match/Match1.feature::[1]" in ids
    # Pattern1 has a Scenario [10] and a Scenario Outline [10]: both keep the TCK id form
    assert f"{ANCHOR}::expressions/pattern/Pattern1.feature::[10]" in ids
    assert f"{ANCHOR}::expressions/pattern/Pattern1.feature::[10]::row1" in ids


def test_directory_markers_select_a_directory():
    result = run_pytest(
        ANCHOR, "--collect-only", "-q", "-m", "clauses_call", features=shared_features()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    ids = collected_ids(result)
    assert len(ids) == 43
    assert all("::clauses/call/" in item for item in ids)


def test_any_feature_directory_in_the_same_layout(tmp_path):
    features = write_demo(tmp_path)
    result = run_pytest(ANCHOR, "--collect-only", "-q", features=features)
    assert result.returncode == 0, result.stdout + result.stderr
    assert collected_ids(result) == [
        f"{ANCHOR}::clauses/demo/Demo1.feature::[1]",
        f"{ANCHOR}::clauses/demo/Demo1.feature::[2]",
        f"{ANCHOR}::clauses/demo/Demo1.feature::[3]::row1",
        f"{ANCHOR}::clauses/demo/Demo1.feature::[3]::row2",
    ]
    run = run_pytest(ANCHOR, "-q", "-rs", features=features)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "tagged @ignore in the feature file" in run.stdout
    assert "3 passed, 1 skipped" in run.stdout


def test_missing_feature_directory_skips_with_a_clear_message(tmp_path):
    result = run_pytest(ANCHOR, "-q", "-rs", features=tmp_path / "nowhere")
    assert result.returncode in (0, 5), result.stdout + result.stderr
    assert "no openCypher TCK feature directory" in result.stdout
    assert ENV_FEATURES in result.stdout


def test_unknown_steps_fail_collection(tmp_path):
    features = tmp_path / "features"
    (features / "x").mkdir(parents=True)
    (features / "x" / "Bad1.feature").write_text(
        "Feature: Bad\n  Scenario: [1] s\n    Given a graph of wonders\n", encoding="utf-8"
    )
    result = run_pytest(ANCHOR, "-q", features=features)
    assert result.returncode != 0
    assert "unknown step Given 'a graph of wonders'" in result.stdout


def test_stale_expected_failures_fail_the_run(tmp_path):
    features = write_demo(tmp_path)
    listed = tmp_path / "expected.txt"
    listed.write_text(
        "clauses/demo/Demo1.feature::[9] | renamed long ago\n"
        "clauses/other/Other1.feature::[1] | a file this directory does not have\n",
        encoding="utf-8",
    )
    result = run_pytest(ANCHOR, "-q", "--tck-expected-failures", str(listed), features=features)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "lists 1 scenario(s) that do not exist" in result.stdout
    assert "clauses/demo/Demo1.feature::[9]" in result.stdout


def test_report_command(tmp_path):
    features = write_demo(tmp_path)
    report = tmp_path / "report.json"
    result = run_pytest("--json", str(report), features=features, module="tests.tck.report")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| clauses/demo | 3 | 0 | 1 | 4 | 100.0 % | 0 |" in result.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["total"]["skipped"] == 1
    assert [entry["scenario"] for entry in data["scenarios"]] == [
        "clauses/demo/Demo1.feature::[1]",
        "clauses/demo/Demo1.feature::[2]",
        "clauses/demo/Demo1.feature::[3]::row1",
        "clauses/demo/Demo1.feature::[3]::row2",
    ]
    assert data["scenarios"][1]["message"] == "tagged @ignore in the feature file"
