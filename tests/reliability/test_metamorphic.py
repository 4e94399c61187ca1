"""Metamorphic testing: a short run in the suite (the long run is by hand).

``python -m tests.reliability.metamorphic --checks 100000`` runs the long version; see
docs/reliability.md for its figures.
"""

from __future__ import annotations

from tests.reliability.metamorphic import Checker, run


def test_short_metamorphic_run():
    report = run(400, seed=30_000)
    assert sum(report.checks.values()) >= 400
    kinds = {kind.split("-")[0] for kind in report.checks}
    assert kinds == {"tlp", "rewrite", "index", "optimizer"}
    assert report.violations == [], "\n".join(report.violations[:10])


def test_a_violation_is_reported():
    checker = Checker(1)
    try:
        checker.expect("tlp-node", False, "MATCH (a:N) RETURN a.id")
        assert len(checker.report.violations) == 1
        assert "graph seed 1" in checker.report.violations[0]
    finally:
        checker.close()
