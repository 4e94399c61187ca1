"""Run the openCypher TCK and report pass / fail / skip per feature directory.

    python -m tests.tck.report [--json PATH] [-k EXPR] [-n WORKERS] [--ignore-phase]
    python -m tests.tck.report --from-json PATH --update-doc docs/conformance.md

The run ignores `expected_failures.txt` (it reports what really passes). The table goes to
standard output in the format of `shared/TCK.md`; `--json` writes the same figures plus
one entry per scenario (outcome, first line of the failure, phase mismatch);
`--update-doc` replaces the generated table in docs/conformance.md. The pass percentage
is passed / (passed + failed): skipped scenarios (`@ignore`) do not count either way.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import pytest

from tests.tck.expected_failures import scenario_sort_key
from tests.tck.locate import REPO_ROOT
from tests.tck.plugin import NO_XFAIL_OPTION, PHASE_MISMATCH_PROPERTY, SCENARIO_PROPERTY

__all__ = [
    "DirectoryCounts",
    "ScenarioOutcome",
    "collect_outcomes",
    "main",
    "render_table",
    "summarize",
    "update_document",
]

EXCLUDED_FROM_HEADLINE: Final = "expressions/temporal"
DOC_START: Final = "<!-- tck-table:start -->"
DOC_END: Final = "<!-- tck-table:end -->"
_ANCHOR: Final = REPO_ROOT / "tests" / "tck" / "test_tck.py"


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """One scenario's outcome: `passed`, `failed` or `skipped`."""

    scenario: str
    outcome: str
    message: str = ""
    phase_mismatch: str | None = None

    @property
    def directory(self) -> str:
        """The feature directory, e.g. `clauses/match`."""
        feature = self.scenario.partition("::")[0]
        return feature.rpartition("/")[0] or "."


@dataclass(slots=True)
class DirectoryCounts:
    """Counts for one directory (or the total)."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    phase_mismatches: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """All scenarios, skipped included."""
        return self.passed + self.failed + self.skipped

    @property
    def percent(self) -> float | None:
        """passed / (passed + failed) in percent, None when nothing ran."""
        ran = self.passed + self.failed
        return None if ran == 0 else 100.0 * self.passed / ran

    def add(self, outcome: ScenarioOutcome) -> None:
        """Count one scenario."""
        if outcome.outcome == "passed":
            self.passed += 1
        elif outcome.outcome == "failed":
            self.failed += 1
            self.failures.append(outcome.scenario)
        else:
            self.skipped += 1
        if outcome.phase_mismatch:
            self.phase_mismatches += 1


class _Recorder:
    """pytest plugin that turns TCK item reports into `ScenarioOutcome`s."""

    def __init__(self) -> None:
        self.outcomes: dict[str, ScenarioOutcome] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        properties = dict(report.user_properties)
        scenario = properties.get(SCENARIO_PROPERTY)
        if not isinstance(scenario, str):
            return
        previous = self.outcomes.get(scenario)
        if previous is not None and previous.outcome == "failed":
            return  # a teardown report must not hide the call's failure
        if report.when != "call" and not (report.failed or report.skipped):
            return
        outcome = "passed" if report.passed else "failed" if report.failed else "skipped"
        message = _first_line(report) if outcome != "passed" else ""
        mismatch = properties.get(PHASE_MISMATCH_PROPERTY)
        self.outcomes[scenario] = ScenarioOutcome(
            scenario, outcome, message, str(mismatch) if mismatch else None
        )


def _first_line(report: pytest.TestReport) -> str:
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and crash.message:
        # an exception outside the runner's own failures: its message, not the traceback
        return str(crash.message).splitlines()[0]
    text = report.longreprtext.strip()
    return text.splitlines()[0] if text else ""


def collect_outcomes(
    *, keyword: str | None = None, workers: str | None = None, ignore_phase: bool = False
) -> list[ScenarioOutcome]:
    """Run the TCK in this process (without the expected-failures list) and record outcomes."""
    args = [str(_ANCHOR), "-q", "-p", "no:cacheprovider", NO_XFAIL_OPTION, "--tb=no", "-rN"]
    args += ["-o", "addopts="]
    if keyword:
        args += ["-k", keyword]
    if workers:
        args += ["-n", workers]
    if ignore_phase:
        args.append("--tck-ignore-phase")
    recorder = _Recorder()
    code = pytest.main(args, plugins=[recorder])
    if code not in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
        pytest.ExitCode.NO_TESTS_COLLECTED,
    ):
        raise SystemExit(f"the TCK run did not complete (pytest exit code {int(code)})")
    return sorted(
        recorder.outcomes.values(), key=lambda outcome: scenario_sort_key(outcome.scenario)
    )


def summarize(outcomes: Iterable[ScenarioOutcome]) -> dict[str, DirectoryCounts]:
    """Counts per directory, in directory order."""
    counts: dict[str, DirectoryCounts] = {}
    for outcome in outcomes:
        counts.setdefault(outcome.directory, DirectoryCounts()).add(outcome)
    return dict(sorted(counts.items()))


def _total(counts: Iterable[DirectoryCounts]) -> DirectoryCounts:
    total = DirectoryCounts()
    for entry in counts:
        total.passed += entry.passed
        total.failed += entry.failed
        total.skipped += entry.skipped
        total.phase_mismatches += entry.phase_mismatches
    return total


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} %"


def render_table(counts: dict[str, DirectoryCounts]) -> str:
    """The per-directory table (markdown, the layout of shared/TCK.md) with totals.

    >>> print(render_table({"clauses/x": DirectoryCounts(passed=3, failed=1)}))
    | directory | passed | failed | skipped | scenarios | pass % | phase mismatches |
    |---|---:|---:|---:|---:|---:|---:|
    | clauses/x | 3 | 1 | 0 | 4 | 75.0 % | 0 |
    | **total** | 3 | 1 | 0 | 4 | 75.0 % | 0 |
    | **total without expressions/temporal** | 3 | 1 | 0 | 4 | 75.0 % | 0 |
    """
    lines = [
        "| directory | passed | failed | skipped | scenarios | pass % | phase mismatches |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rows = list(counts.items())
    rows.append(("**total**", _total(counts.values())))
    headline = _total(entry for name, entry in counts.items() if not _excluded(name))
    rows.append((f"**total without {EXCLUDED_FROM_HEADLINE}**", headline))
    for name, entry in rows:
        lines.append(
            f"| {name} | {entry.passed} | {entry.failed} | {entry.skipped} | {entry.total} "
            f"| {_percent(entry.percent)} | {entry.phase_mismatches} |"
        )
    return "\n".join(lines)


def _excluded(directory: str) -> bool:
    return directory == EXCLUDED_FROM_HEADLINE or directory.startswith(EXCLUDED_FROM_HEADLINE + "/")


def report_json(outcomes: Sequence[ScenarioOutcome]) -> dict[str, Any]:
    """The JSON document: totals, per-directory counts and every scenario."""
    counts = summarize(outcomes)
    total = _total(counts.values())
    headline = _total(entry for name, entry in counts.items() if not _excluded(name))

    def figures(entry: DirectoryCounts) -> dict[str, Any]:
        return {
            "passed": entry.passed,
            "failed": entry.failed,
            "skipped": entry.skipped,
            "scenarios": entry.total,
            "pass_percent": None if entry.percent is None else round(entry.percent, 2),
            "phase_mismatches": entry.phase_mismatches,
        }

    return {
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "total": figures(total),
        "total_without_temporal": figures(headline),
        "directories": {name: figures(entry) for name, entry in counts.items()},
        "scenarios": [asdict(outcome) for outcome in outcomes],
    }


def update_document(text: str, table: str, note: str) -> str:
    """Replace the generated block of docs/conformance.md between its two markers.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    pattern = re.compile(re.escape(DOC_START) + r".*?" + re.escape(DOC_END), re.DOTALL)
    if not pattern.search(text):
        raise ValueError(f"the document has no {DOC_START} … {DOC_END} block")
    block = f"{DOC_START}\n{note}\n\n{table}\n{DOC_END}"
    return pattern.sub(lambda _: block, text, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tests.tck.report")
    parser.add_argument("--json", type=Path, help="write the report as JSON to this path")
    parser.add_argument("-k", dest="keyword", help="only run scenarios matching this expression")
    parser.add_argument("-n", dest="workers", help="pytest-xdist workers (e.g. auto)")
    parser.add_argument("--ignore-phase", action="store_true", help="accept phase mismatches")
    parser.add_argument(
        "--from-json", type=Path, help="report from a saved JSON instead of running"
    )
    parser.add_argument("--update-doc", type=Path, help="rewrite the table in this markdown file")
    args = parser.parse_args(argv)
    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        outcomes = [ScenarioOutcome(**entry) for entry in data["scenarios"]]
        generated = str(data.get("generated", ""))
    else:
        outcomes = collect_outcomes(
            keyword=args.keyword, workers=args.workers, ignore_phase=args.ignore_phase
        )
        generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    table = render_table(summarize(outcomes))
    print(table)
    if args.json:
        args.json.write_text(json.dumps(report_json(outcomes), indent=2) + "\n", encoding="utf-8")
    if args.update_doc:
        note = f"Generated {generated} by `python -m tests.tck.report` ({len(outcomes)} scenarios)."
        text = args.update_doc.read_text(encoding="utf-8")
        args.update_doc.write_text(update_document(text, table, note), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
