from __future__ import annotations

import pytest

from tests.tck.locate import REPO_ROOT
from tests.tck.report import (
    DOC_END,
    DOC_START,
    ScenarioOutcome,
    render_table,
    report_json,
    summarize,
    update_document,
)

OUTCOMES = [
    ScenarioOutcome("clauses/match/Match1.feature::[1]", "passed"),
    ScenarioOutcome("clauses/match/Match1.feature::[2]", "failed", "rows differ"),
    ScenarioOutcome("clauses/match/Match2.feature::[1]", "passed"),
    ScenarioOutcome("clauses/match/Match2.feature::[2]", "skipped", "tagged @ignore"),
    ScenarioOutcome(
        "expressions/temporal/Temporal1.feature::[1]::row1",
        "failed",
        "phase mismatch: …",
        phase_mismatch="phase mismatch: …",
    ),
    ScenarioOutcome("expressions/temporal/Temporal1.feature::[1]::row2", "passed"),
]


def test_summary_per_directory():
    counts = summarize(OUTCOMES)
    assert list(counts) == ["clauses/match", "expressions/temporal"]
    match = counts["clauses/match"]
    assert (match.passed, match.failed, match.skipped, match.total) == (2, 1, 1, 4)
    assert match.percent == pytest.approx(200 / 3)
    assert match.failures == ["clauses/match/Match1.feature::[2]"]
    assert counts["expressions/temporal"].phase_mismatches == 1


def test_table_has_totals_and_the_headline_without_temporal():
    lines = render_table(summarize(OUTCOMES)).splitlines()
    assert (
        lines[0]
        == "| directory | passed | failed | skipped | scenarios | pass % | phase mismatches |"
    )
    assert lines[2] == "| clauses/match | 2 | 1 | 1 | 4 | 66.7 % | 0 |"
    assert lines[3] == "| expressions/temporal | 1 | 1 | 0 | 2 | 50.0 % | 1 |"
    assert lines[4] == "| **total** | 3 | 2 | 1 | 6 | 60.0 % | 1 |"
    assert lines[5] == "| **total without expressions/temporal** | 2 | 1 | 1 | 4 | 66.7 % | 0 |"


def test_json_document():
    data = report_json(OUTCOMES)
    assert data["total"] == {
        "passed": 3,
        "failed": 2,
        "skipped": 1,
        "scenarios": 6,
        "pass_percent": 60.0,
        "phase_mismatches": 1,
    }
    assert data["total_without_temporal"]["pass_percent"] == 66.67
    assert data["directories"]["clauses/match"]["failed"] == 1
    assert data["scenarios"][4]["phase_mismatch"] == "phase mismatch: …"


def test_update_document_replaces_only_the_generated_block():
    text = f"# Title\n\nintro\n\n{DOC_START}\nold table\n{DOC_END}\n\nafter\n"
    updated = update_document(text, "| new |", "Generated now.")
    assert (
        updated
        == f"# Title\n\nintro\n\n{DOC_START}\nGenerated now.\n\n| new |\n{DOC_END}\n\nafter\n"
    )
    with pytest.raises(ValueError, match="no"):
        update_document("no markers", "| t |", "note")


def test_conformance_page_has_the_markers():
    text = (REPO_ROOT / "docs" / "conformance.md").read_text(encoding="utf-8")
    assert text.index(DOC_START) < text.index(DOC_END)
