"""docs/errors.md shows what engram raises today (regenerate with error_docs --write)."""

from __future__ import annotations

from tests.unit.binder.error_docs import PAGE, render


def test_errors_page_is_current():
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/errors.md is stale: run python -m tests.unit.binder.error_docs --write"
    )
