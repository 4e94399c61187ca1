"""pytest collection of the openCypher TCK: one item per expanded scenario.

`tests/tck/test_tck.py` is the anchor: `tests/tck/conftest.py` collects it with `TckSuite`,
which yields one collector per feature file (named by its path under the feature
directory), one item per Scenario and one collector per Outline with an item per Examples
row. Node ids read `tests/tck/test_tck.py::clauses/match/Match1.feature::[1]` and
`…::[3]::row2`; every item carries the `tck` marker and its directory's marker
(`clauses_match`), scenarios tagged `@ignore` are skipped, and scenarios listed in
`expected_failures.txt` are `xfail(strict=True)` with the listed reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from tests.support.engine import engine_available, engine_missing_reason
from tests.tck.expected_failures import EXPECTED_FAILURES, read_expected_failures
from tests.tck.gherkin import FeatureSyntaxError, Scenario, expand, parse_feature_file
from tests.tck.locate import TckLocation, directory_marker, feature_files, locate
from tests.tck.steps import ScenarioRunner, TckFailure, UnknownStep, validate_steps

__all__ = [
    "EXPECTED_FAILURES_OPTION",
    "IGNORE_PHASE_OPTION",
    "NO_XFAIL_OPTION",
    "PHASE_MISMATCH_PROPERTY",
    "SCENARIO_PROPERTY",
    "FeatureCollector",
    "OutlineCollector",
    "ScenarioItem",
    "TckSuite",
    "add_options",
    "register_markers",
    "scenario_marks",
]

IGNORE_PHASE_OPTION: Final = "--tck-ignore-phase"
NO_XFAIL_OPTION: Final = "--tck-no-xfail"
EXPECTED_FAILURES_OPTION: Final = "--tck-expected-failures"
#: user properties each item reports, read by tests.tck.report
SCENARIO_PROPERTY: Final = "tck_scenario"
PHASE_MISMATCH_PROPERTY: Final = "tck_phase_mismatch"
_IGNORE_TAG: Final = "@ignore"

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle


def add_options(parser: pytest.Parser) -> None:
    """Register the TCK command-line options (called from tests/conftest.py)."""
    group = parser.getgroup("engram-tck", "openCypher TCK runner")
    group.addoption(
        IGNORE_PHASE_OPTION,
        action="store_true",
        help="accept errors whose type and detail match but whose phase differs "
        "(they are still counted as phase mismatches)",
    )
    group.addoption(
        NO_XFAIL_OPTION,
        action="store_true",
        help="ignore the expected-failures list (report real pass/fail)",
    )
    group.addoption(
        EXPECTED_FAILURES_OPTION,
        type=Path,
        default=EXPECTED_FAILURES,
        metavar="PATH",
        help="the expected-failures list (default: tests/tck/expected_failures.txt)",
    )


def register_markers(config: pytest.Config) -> None:
    """One marker per feature directory, so `-m clauses_match` selects a directory."""
    location = locate()
    if location.features is None:
        return
    directories = {
        path.parent.relative_to(location.features).as_posix()
        for path in feature_files(location.features)
    }
    for directory in sorted(directories):
        config.addinivalue_line(
            "markers", f"{directory_marker(directory)}: TCK scenarios in {directory}"
        )


def scenario_marks(
    scenario: Scenario, expected: dict[str, str], *, engine: bool
) -> list[pytest.MarkDecorator]:
    """The markers of a scenario's item: `tck`, its directory's, and skip or xfail.

    `@ignore` skips; without the engine everything skips; a listed scenario is
    `xfail(strict=True)` with the listed reason.
    """
    marks = [pytest.mark.tck, getattr(pytest.mark, directory_marker(scenario.directory))]
    if _IGNORE_TAG in scenario.tags:
        marks.append(pytest.mark.skip(reason="tagged @ignore in the feature file"))
    elif not engine:
        marks.append(pytest.mark.skip(reason=engine_missing_reason()))
    elif scenario.id in expected:
        marks.append(pytest.mark.xfail(strict=True, reason=expected[scenario.id]))
    return marks


class TckSuite(pytest.File):
    """The anchor file: yields one `FeatureCollector` per feature file."""

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        location = locate()
        if location.features is None:
            pytest.skip(location.description)
        self.location: TckLocation = location
        config = self.config
        self.ignore_phase = bool(config.getoption(IGNORE_PHASE_OPTION))
        use_list = not config.getoption(NO_XFAIL_OPTION)
        self.expected_path: Path = config.getoption(EXPECTED_FAILURES_OPTION)
        self.expected = read_expected_failures(self.expected_path) if use_list else {}
        self.collected_ids: set[str] = set()
        for path in feature_files(location.features):
            relative = path.relative_to(location.features).as_posix()
            yield FeatureCollector.from_parent(self, name=relative, feature_path=path)
        if self.expected:
            yield ExpectedFailuresCheck.from_parent(self, name=self.expected_path.name)


class FeatureCollector(pytest.Collector):
    """One feature file: items for Scenarios, `OutlineCollector`s for Outlines."""

    def __init__(self, *, feature_path: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.feature_path = feature_path

    @property
    def suite(self) -> TckSuite:
        assert isinstance(self.parent, TckSuite)
        return self.parent

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        assert self.suite.location.features is not None
        try:
            feature = parse_feature_file(self.feature_path, self.suite.location.features)
        except FeatureSyntaxError as error:
            raise self.CollectError(str(error)) from error
        groups: dict[tuple[str, bool], list[Scenario]] = {}
        for scenario in expand(feature):
            try:
                validate_steps(scenario)
            except UnknownStep as error:
                raise self.CollectError(f"{feature.path}: {error}") from error
            groups.setdefault((scenario.number, scenario.row is not None), []).append(scenario)
        for (number, is_outline), scenarios in groups.items():
            if is_outline:
                yield OutlineCollector.from_parent(self, name=number, rows=scenarios)
            else:
                yield from (
                    ScenarioItem.from_parent(self, name=number, scenario=scenario)
                    for scenario in scenarios
                )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.feature_path, None, self.name


class OutlineCollector(pytest.Collector):
    """One Scenario Outline: an item per Examples row (`row1`, `row2`, …)."""

    def __init__(self, *, rows: list[Scenario], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rows = rows

    def collect(self) -> Iterator[pytest.Item]:
        for scenario in self.rows:
            yield ScenarioItem.from_parent(self, name=f"row{scenario.row}", scenario=scenario)


class ScenarioItem(pytest.Item):
    """One expanded scenario, run by `ScenarioRunner` on a fresh database."""

    def __init__(self, *, scenario: Scenario, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scenario = scenario
        suite = self._suite()
        suite.collected_ids.add(scenario.id)
        self.user_properties.append((SCENARIO_PROPERTY, scenario.id))
        for mark in scenario_marks(scenario, suite.expected, engine=engine_available()):
            self.add_marker(mark)

    def _suite(self) -> TckSuite:
        node = self.parent
        while node is not None and not isinstance(node, TckSuite):
            node = node.parent
        assert isinstance(node, TckSuite)
        return node

    def runtest(self) -> None:
        suite = self._suite()
        runner = ScenarioRunner(
            self.scenario, graphs=suite.location.graphs, ignore_phase=suite.ignore_phase
        )
        try:
            runner.run()
        finally:
            if runner.phase_mismatch is not None:
                self.user_properties.append((PHASE_MISMATCH_PROPERTY, runner.phase_mismatch))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, TckFailure):
            return f"{excinfo.value}\n  scenario: {self.scenario.id} {self.scenario.name}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        path = self._suite().location.features
        assert path is not None
        return path / self.scenario.feature, self.scenario.line - 1, self.scenario.id


class ExpectedFailuresCheck(pytest.Item):
    """Fails when expected_failures.txt lists scenarios of collected files that do not exist."""

    def runtest(self) -> None:
        suite = self.parent
        assert isinstance(suite, TckSuite)
        assert suite.location.features is not None
        features = suite.location.features
        stale = sorted(
            scenario
            for scenario in suite.expected
            if scenario not in suite.collected_ids
            and (features / scenario.partition("::")[0]).is_file()
        )
        if stale:
            raise TckFailure(
                f"{suite.expected_path.name} lists {len(stale)} scenario(s) that do not exist:\n"
                + "\n".join(f"  {scenario}" for scenario in stale)
            )

    def reportinfo(self) -> tuple[Path, int | None, str]:
        suite = self.parent
        assert isinstance(suite, TckSuite)
        return suite.expected_path, None, "the expected-failures list names existing scenarios"
