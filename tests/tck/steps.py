"""Run one TCK scenario: the step vocabulary of `shared/TCK.md` section 2 over a fresh database.

Each step text is matched against a fixed table of patterns (`STEP_PATTERNS`); a step that
matches none, or lacks the doc string or table its pattern needs, is an `UnknownStep` at
collection time, so a new sentence in the suite fails loudly instead of being skipped.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from engram.values import Node, Relationship
from tests.support.cypher_script import split_statements
from tests.support.engine import QueryResult, open_database, register_procedure, run_query
from tests.tck.compare import (
    UnsupportedValue,
    compare_result,
    expectation_from_table,
    render_value,
)
from tests.tck.effects import (
    GraphSnapshot,
    compare_side_effects,
    expected_side_effects,
    side_effects,
    snapshot_of,
)
from tests.tck.expected_errors import ERROR_STEP, check_error, describe_error, parse_error_step
from tests.tck.gherkin import DocString, Scenario, Step, Table
from tests.tck.notation import NotationError, parse_value
from tests.tck.procedures import parse_signature, table_procedure

__all__ = [
    "STEP_PATTERNS",
    "BrokenScenario",
    "ScenarioRunner",
    "StepPattern",
    "TckFailure",
    "UnknownStep",
    "match_step",
    "validate_steps",
]

_NODES_QUERY: Final = "MATCH (n) RETURN n"
_RELATIONSHIPS_QUERY: Final = "MATCH ()-[r]->() RETURN r"


class UnknownStep(Exception):
    """A step the runner does not know, or a known step with the wrong kind of argument."""


class TckFailure(AssertionError):
    """A scenario's expectation did not hold; the first line says what, briefly."""

    def __init__(self, message: str, *, step: Step | None = None, query: str | None = None) -> None:
        first, _, rest = message.partition("\n")
        lines = [first]
        if step is not None:
            lines.append(f"  step (line {step.line}): {step.keyword} {step.text}")
        if query is not None:
            lines.append("  query:")
            lines.extend("    " + line for line in query.splitlines())
        if rest:
            lines.append(rest)
        super().__init__("\n".join(lines))
        self.summary = first


class BrokenScenario(TckFailure):
    """The scenario cannot run as written (a missing named graph, steps out of order)."""


@dataclass(frozen=True, slots=True)
class StepPattern:
    """A step sentence: its regex, the runner method and the argument it needs."""

    regex: re.Pattern[str]
    handler: str
    argument: type[DocString] | type[Table] | None


STEP_PATTERNS: Final = (
    StepPattern(re.compile(r"an empty graph"), "empty_graph", None),
    StepPattern(re.compile(r"any graph"), "empty_graph", None),
    StepPattern(re.compile(r"the (?P<name>[\w.-]+) graph"), "named_graph", None),
    StepPattern(re.compile(r"having executed:"), "having_executed", DocString),
    StepPattern(re.compile(r"parameters are:"), "parameters", Table),
    StepPattern(re.compile(r"there exists a procedure (?P<signature>.+)"), "procedure", Table),
    StepPattern(
        re.compile(r"there exists a CSV file with URL as \$(?P<name>\w+), with rows:"),
        "csv_file",
        Table,
    ),
    StepPattern(re.compile(r"executing query:"), "executing_query", DocString),
    StepPattern(re.compile(r"executing control query:"), "executing_control_query", DocString),
    StepPattern(re.compile(r"the result should be, in any order:"), "result_any_order", Table),
    StepPattern(re.compile(r"the result should be, in order:"), "result_in_order", Table),
    StepPattern(
        re.compile(r"the result should be \(ignoring element order for lists\):"),
        "result_any_order_lists_unordered",
        Table,
    ),
    StepPattern(
        re.compile(r"the result should be, in order \(ignoring element order for lists\):"),
        "result_in_order_lists_unordered",
        Table,
    ),
    StepPattern(re.compile(r"the result should be empty"), "result_empty", None),
    StepPattern(re.compile(r"no side effects"), "no_side_effects", None),
    StepPattern(re.compile(r"the side effects should be:"), "side_effects", Table),
    StepPattern(ERROR_STEP, "error_raised", None),
)


def match_step(step: Step) -> tuple[StepPattern, re.Match[str]]:
    """The pattern a step matches, checked for the right argument.

    Raises:
        UnknownStep: no pattern matches, or the argument is missing or of the wrong kind.
    """
    for pattern in STEP_PATTERNS:
        match = pattern.regex.fullmatch(step.text)
        if match is None:
            continue
        wanted = pattern.argument
        if wanted is None and step.argument is not None:
            raise UnknownStep(f"line {step.line}: step {step.text!r} takes no doc string or table")
        if wanted is not None and not isinstance(step.argument, wanted):
            raise UnknownStep(f"line {step.line}: step {step.text!r} needs a {wanted.__name__}")
        return pattern, match
    raise UnknownStep(f"line {step.line}: unknown step {step.keyword} {step.text!r}")


def validate_steps(scenario: Scenario) -> None:
    """Raise `UnknownStep` for the first step of `scenario` the runner cannot execute."""
    for step in scenario.steps:
        match_step(step)


@dataclass(slots=True)
class _Outcome:
    """The latest query's outcome; `checked` once an error step has examined its error."""

    query: str
    result: QueryResult | None
    error: Exception | None
    checked: bool = False


class ScenarioRunner:
    """Executes one scenario's steps in order against a fresh database.

    Attributes:
        phase_mismatch: set when an error matched in type and detail but not in phase.
    """

    def __init__(self, scenario: Scenario, *, graphs: Path, ignore_phase: bool = False) -> None:
        self.scenario = scenario
        self.graphs = graphs
        self.ignore_phase = ignore_phase
        self.phase_mismatch: str | None = None
        self._db: Any = None
        self._used = False
        self._params: dict[str, Any] = {}
        self._procedures: list[tuple[str, Callable[..., Any]]] = []
        self._outcome: _Outcome | None = None
        self._main: _Outcome | None = None
        self._before: GraphSnapshot | None = None
        self._after: GraphSnapshot | None = None
        self._step: Step | None = None
        self._files: tempfile.TemporaryDirectory[str] | None = None

    def run(self) -> None:
        """Run every step; raise `TckFailure` at the first expectation that does not hold."""
        self._db = open_database()
        try:
            for step in self.scenario.steps:
                self._step = step
                pattern, match = match_step(step)
                handler: Callable[[Step, re.Match[str]], None] = getattr(self, pattern.handler)
                try:
                    handler(step, match)
                except NotationError as error:
                    raise BrokenScenario(str(error), step=step) from error
            self._step = None
            self._require_errors_checked()
        finally:
            self._db.close()
            if self._files is not None:
                self._files.cleanup()

    # graph setup

    def empty_graph(self, step: Step, match: re.Match[str]) -> None:
        """`an empty graph` / `any graph`: the database is fresh unless something ran already."""
        if self._used:
            self._db.close()
            self._db = open_database()
            self._used = False
            for signature, implementation in self._procedures:
                register_procedure(self._db, signature, implementation)

    def named_graph(self, step: Step, match: re.Match[str]) -> None:
        """`the binary-tree-1 graph`: run `graphs/<name>/<name>.cypher` on an empty graph."""
        name = match.group("name")
        script = self.graphs / name / f"{name}.cypher"
        if not script.is_file():
            raise BrokenScenario(f"no named graph {name!r}: {script} does not exist", step=step)
        self.empty_graph(step, match)
        for statement in split_statements(script.read_text(encoding="utf-8")):
            self._setup(statement, step, what=f"loading named graph {name!r}")

    def having_executed(self, step: Step, match: re.Match[str]) -> None:
        """`having executed:` a setup query; its result is ignored, an error fails the test."""
        self._setup(_doc(step), step, what="setup query")

    def _setup(self, query: str, step: Step, *, what: str) -> None:
        self._used = True
        try:
            run_query(self._db, query, None, optimize=True)
        except Exception as error:
            raise TckFailure(
                f"{what} failed: {describe_error(error)}", step=step, query=query
            ) from error

    def parameters(self, step: Step, match: re.Match[str]) -> None:
        """`parameters are:` a two-column table of names and values (no header)."""
        for row in _table(step).rows:
            if len(row) != 2:
                raise BrokenScenario(f"a parameter row has two cells, not {len(row)}", step=step)
            self._params[row[0]] = parse_value(row[1])

    def procedure(self, step: Step, match: re.Match[str]) -> None:
        """`there exists a procedure NAME(INPUTS) :: (OUTPUTS):` backed by the step's table."""
        try:
            signature = parse_signature(match.group("signature"))
            implementation = table_procedure(signature, _table(step))
        except ValueError as error:
            raise BrokenScenario(str(error), step=step) from error
        self._procedures.append((str(signature), implementation))
        register_procedure(self._db, str(signature), implementation)

    def csv_file(self, step: Step, match: re.Match[str]) -> None:
        """`there exists a CSV file with URL as $name, with rows:`: write it, bind its URL."""
        if self._files is None:
            self._files = tempfile.TemporaryDirectory(prefix="engram-tck-csv-")
        name = match.group("name")
        path = Path(self._files.name) / f"{name}.csv"
        header, *rows = _table(step).rows
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([_csv_text(parse_value(cell)) for cell in row] for row in rows)
        self._params[name] = path.as_uri()

    # the query under test

    def executing_query(self, step: Step, match: re.Match[str]) -> None:
        """`executing query:` snapshot, run with the parameters, snapshot again."""
        self._require_errors_checked()
        query = _doc(step)
        self._before = self._snapshot(step)
        self._used = True
        self._main = self._outcome = self._execute(query)
        self._after = self._snapshot(step)

    def executing_control_query(self, step: Step, match: re.Match[str]) -> None:
        """`executing control query:` a read-only query whose result the next step checks."""
        self._require_errors_checked()
        self._outcome = self._execute(_doc(step))

    def _execute(self, query: str) -> _Outcome:
        try:
            result = run_query(self._db, query, self._params, optimize=True)
        except Exception as error:
            return _Outcome(query, None, error)
        return _Outcome(query, result, None)

    def _snapshot(self, step: Step) -> GraphSnapshot:
        try:
            nodes = run_query(self._db, _NODES_QUERY, None, optimize=True).rows
            rels = run_query(self._db, _RELATIONSHIPS_QUERY, None, optimize=True).rows
        except Exception as error:
            raise TckFailure(
                f"could not snapshot the graph for side effects: {describe_error(error)}", step=step
            ) from error
        node_values = [row[0] for row in nodes]
        rel_values = [row[0] for row in rels]
        if not all(isinstance(value, Node) for value in node_values) or not all(
            isinstance(value, Relationship) for value in rel_values
        ):
            raise TckFailure(
                "snapshot queries returned values that are not nodes/relationships", step=step
            )
        try:
            return snapshot_of(node_values, rel_values)
        except UnsupportedValue as error:
            raise TckFailure(f"snapshot for side effects: {error}", step=step) from error

    # expectations

    def result_any_order(self, step: Step, match: re.Match[str]) -> None:
        """`the result should be, in any order:` rows as a multiset."""
        self._check_result(step, ordered=False, unordered_lists=False)

    def result_in_order(self, step: Step, match: re.Match[str]) -> None:
        """`the result should be, in order:` rows as a sequence."""
        self._check_result(step, ordered=True, unordered_lists=False)

    def result_any_order_lists_unordered(self, step: Step, match: re.Match[str]) -> None:
        """`the result should be (ignoring element order for lists):`."""
        self._check_result(step, ordered=False, unordered_lists=True)

    def result_in_order_lists_unordered(self, step: Step, match: re.Match[str]) -> None:
        """`the result should be, in order (ignoring element order for lists):`."""
        self._check_result(step, ordered=True, unordered_lists=True)

    def result_empty(self, step: Step, match: re.Match[str]) -> None:
        """`the result should be empty`: zero rows, columns not checked."""
        self._check_result(step, ordered=False, unordered_lists=False)

    def _check_result(self, step: Step, *, ordered: bool, unordered_lists: bool) -> None:
        outcome = self._latest(step)
        if outcome.error is not None:
            raise TckFailure(
                f"expected a result, but the query raised {describe_error(outcome.error)}",
                step=step,
                query=outcome.query,
            ) from outcome.error
        assert outcome.result is not None
        table = step.argument if isinstance(step.argument, Table) else None
        expected = expectation_from_table(table, ordered=ordered, unordered_lists=unordered_lists)
        try:
            difference = compare_result(expected, outcome.result)
        except UnsupportedValue as error:
            raise TckFailure(str(error), step=step, query=outcome.query) from error
        if difference is not None:
            raise TckFailure(difference, step=step, query=outcome.query)

    def no_side_effects(self, step: Step, match: re.Match[str]) -> None:
        """`no side effects`: all eight counters are 0."""
        self._check_side_effects(step, None)

    def side_effects(self, step: Step, match: re.Match[str]) -> None:
        """`the side effects should be:` the listed counters, the others 0."""
        self._check_side_effects(step, _table(step))

    def _check_side_effects(self, step: Step, table: Table | None) -> None:
        main = self._main
        if main is None or self._before is None or self._after is None:
            raise BrokenScenario("a side-effects step before 'executing query'", step=step)
        if main.error is not None and not main.checked:
            raise TckFailure(
                f"expected side effects, but the query raised {describe_error(main.error)}",
                step=step,
                query=main.query,
            ) from main.error
        try:
            expected = expected_side_effects(table)
        except ValueError as error:
            raise BrokenScenario(str(error), step=step) from error
        difference = compare_side_effects(expected, side_effects(self._before, self._after))
        if difference is not None:
            raise TckFailure(difference, step=step, query=main.query)

    def error_raised(self, step: Step, match: re.Match[str]) -> None:
        """`a TYPE should be raised at PHASE: DETAIL`; the failing query must change nothing."""
        outcome = self._latest(step)
        expected = parse_error_step(step.text, self.scenario.tags)
        if outcome.error is None:
            assert outcome.result is not None
            raise TckFailure(
                f"expected {expected}, but the query succeeded with "
                f"{len(outcome.result.rows)} row(s)",
                step=step,
                query=outcome.query,
            )
        outcome.checked = True
        verdict = check_error(expected, outcome.error)
        if not verdict.ok and not verdict.phase_only:
            raise TckFailure(verdict.message, step=step, query=outcome.query) from outcome.error
        if outcome is self._main:
            self._require_unchanged(step, outcome)
        if verdict.phase_only:
            self.phase_mismatch = verdict.message
            if not self.ignore_phase:
                raise TckFailure(verdict.message, step=step, query=outcome.query)

    def _require_unchanged(self, step: Step, outcome: _Outcome) -> None:
        assert self._before is not None
        assert self._after is not None
        changes = {
            name: count for name, count in side_effects(self._before, self._after).items() if count
        }
        if changes:
            listed = ", ".join(f"{name} {count}" for name, count in changes.items())
            raise TckFailure(
                f"the failing query changed the graph ({listed}); a failing query must be atomic",
                step=step,
                query=outcome.query,
            )

    def _latest(self, step: Step) -> _Outcome:
        if self._outcome is None:
            raise BrokenScenario("a result or error step before any query", step=step)
        return self._outcome

    def _require_errors_checked(self) -> None:
        for outcome in (self._main, self._outcome):
            if outcome is not None and outcome.error is not None and not outcome.checked:
                raise TckFailure(
                    f"the query raised {describe_error(outcome.error)} "
                    "and no step expected an error",
                    query=outcome.query,
                ) from outcome.error


def _doc(step: Step) -> str:
    if not isinstance(step.argument, DocString):
        raise UnknownStep(f"line {step.line}: step {step.text!r} needs a doc string")
    return step.argument.text


def _table(step: Step) -> Table:
    if not isinstance(step.argument, Table):
        raise UnknownStep(f"line {step.line}: step {step.text!r} needs a table")
    return step.argument


def _csv_text(value: Any) -> str:
    """A CSV field for a notation value: strings as they are, null empty, others in notation."""
    if value is None:
        return ""
    return value if isinstance(value, str) else render_value(value)
