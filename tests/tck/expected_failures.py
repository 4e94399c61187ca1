"""The list of TCK scenarios known to fail, each with a reason; read, check and regenerate it.

`tests/tck/expected_failures.txt` holds one `<scenario id> | <reason>` per line (`#` starts a
comment line). Listed scenarios run as `xfail(strict=True)`: the suite stays green while
every failure is written down, and a listed scenario that starts passing fails the run
until it is removed. The policy (docs/testing.md): fix the semantics a failing scenario
reveals; never special-case a scenario.

Regenerate the list from a fresh run (existing reasons are kept for scenarios that still
fail; new failures get the first line of their failure message)::

    python -m tests.tck.expected_failures [-n WORKERS] [-k EXPR]
    python -m tests.tck.expected_failures --from-json tck-report.json
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

__all__ = [
    "EXPECTED_FAILURES",
    "format_expected_failures",
    "main",
    "parse_expected_failures",
    "read_expected_failures",
    "regenerate",
    "scenario_sort_key",
]

EXPECTED_FAILURES: Final = Path(__file__).resolve().with_name("expected_failures.txt")
_SEPARATOR: Final = " | "
_HEADER: Final = """\
# openCypher TCK scenarios that currently fail, one per line: <scenario id> | <reason>
# Listed scenarios run as xfail(strict=True); one that starts passing fails the run until it
# is removed here. Fix the semantics a failure reveals; never special-case a scenario.
# Regenerate: python -m tests.tck.expected_failures  (keeps the reasons written here)
"""


def parse_expected_failures(text: str) -> dict[str, str]:
    """Scenario id -> reason from the list's text.

    >>> parse_expected_failures("# comment\\nclauses/a/A1.feature::[2] | no MERGE yet\\n")
    {'clauses/a/A1.feature::[2]': 'no MERGE yet'}

    Raises:
        ValueError: a line without a reason, or an id listed twice.
    """
    entries: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        scenario, separator, reason = line.partition(_SEPARATOR.strip())
        scenario, reason = scenario.strip(), reason.strip()
        if not separator or not scenario or not reason:
            raise ValueError(f"expected_failures.txt:{number}: write '<scenario id> | <reason>'")
        if scenario in entries:
            raise ValueError(f"expected_failures.txt:{number}: {scenario} is listed twice")
        entries[scenario] = reason
    return entries


def read_expected_failures(path: Path = EXPECTED_FAILURES) -> dict[str, str]:
    """The list at `path` (empty when the file does not exist)."""
    if not path.exists():
        return {}
    return parse_expected_failures(path.read_text(encoding="utf-8"))


def format_expected_failures(entries: Mapping[str, str]) -> str:
    """The file text for `entries`, sorted by scenario id (feature path, then number)."""
    lines = [f"{scenario}{_SEPARATOR}{_one_line(reason)}" for scenario, reason in entries.items()]
    ordered = sorted(lines, key=lambda line: scenario_sort_key(line.partition(_SEPARATOR)[0]))
    return _HEADER + "".join(line + "\n" for line in ordered)


def scenario_sort_key(scenario: str) -> tuple[str, int, int, str]:
    """Sort key putting `X.feature::[2]` before `X.feature::[10]` and rows in number order."""
    feature, _, rest = scenario.partition("::")
    number_text, _, row_text = rest.partition("::row")
    number = int(number_text.strip("[]")) if number_text.strip("[]").isdigit() else 0
    row = int(row_text) if row_text.isdigit() else 0
    return feature, number, row, scenario


def _one_line(reason: str) -> str:
    text = " ".join(reason.split())
    return text if len(text) <= 160 else text[:157] + "..."


def regenerate(
    failures: Mapping[str, str], existing: Mapping[str, str], selected: Iterable[str] | None = None
) -> dict[str, str]:
    """The new list: every failing scenario, keeping the reasons already written.

    Args:
        failures: scenario id -> failure summary, from a run without the list.
        existing: the current list.
        selected: the scenario ids the run covered; entries for scenarios outside it are
            kept as they are (a `-k` run only updates what it ran). None means everything.
    """
    covered = None if selected is None else set(selected)
    result = {
        scenario: reason
        for scenario, reason in existing.items()
        if covered is not None and scenario not in covered
    }
    for scenario, summary in failures.items():
        result[scenario] = existing.get(scenario, summary)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: rerun the TCK (or read a report's JSON) and rewrite the list."""
    parser = argparse.ArgumentParser(prog="python -m tests.tck.expected_failures")
    parser.add_argument("--from-json", type=Path, help="use a report written by tests.tck.report")
    parser.add_argument("-k", dest="keyword", help="only run scenarios matching this expression")
    parser.add_argument("-n", dest="workers", help="pytest-xdist workers (e.g. auto)")
    parser.add_argument("--output", type=Path, default=EXPECTED_FAILURES)
    args = parser.parse_args(argv)
    # imported here: the report module imports this one for the list's location
    from tests.tck.report import ScenarioOutcome, collect_outcomes

    if args.from_json:
        data = json.loads(args.from_json.read_text(encoding="utf-8"))
        outcomes = [ScenarioOutcome(**entry) for entry in data["scenarios"]]
    else:
        outcomes = collect_outcomes(keyword=args.keyword, workers=args.workers)
    failures = {o.scenario: o.message for o in outcomes if o.outcome == "failed"}
    selected = (
        None if args.keyword is None and not args.from_json else [o.scenario for o in outcomes]
    )
    existing = read_expected_failures(args.output)
    entries = regenerate(failures, existing, selected)
    args.output.write_text(format_expected_failures(entries), encoding="utf-8")
    kept = sum(1 for scenario in failures if scenario in existing)
    print(
        f"{args.output}: {len(entries)} expected failure(s) "
        f"({kept} reason(s) kept, {len(failures) - kept} new, "
        f"{sum(1 for s in existing if s not in entries)} removed)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
