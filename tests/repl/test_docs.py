"""docs/shell.md shows the session the shell really gives today."""

from __future__ import annotations

from tests.repl.record_session import DOC, capture, normalise, page_capture


def test_the_recorded_session_is_current():
    recorded = page_capture(DOC.read_text(encoding="utf-8"))
    assert recorded, "run: python -m tests.repl.record_session --write"
    assert normalise(capture()) == normalise(recorded), (
        "docs/shell.md is out of date: python -m tests.repl.record_session --write"
    )


def test_normalise_hides_times_and_widths():
    assert normalise("3 rows · 11.3 ms\n╭────╮") == normalise("3 rows · 2.04 s\n╭──╮")
    assert normalise("1 row") != normalise("2 rows")
