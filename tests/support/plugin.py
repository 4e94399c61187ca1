"""pytest hooks of engram's test runners: `.test` collection, run modes and TCK options.

`tests/conftest.py` re-exports the hooks below. `.test` files under `tests/logic` and
`tests/plans` become `LogicTestFile` collectors with one `RecordItem` per record (node id
`path::line`); each file gets its own fresh database, opened when its first record runs and
closed after its last. `--engram-update` rewrites expected blocks in place when the file's
records have run; `--engram-verify` runs every query a second time with the optimizer off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pytest

from tests.support.engine import engine_available, engine_missing_reason
from tests.support.logic_runner import LogicFailure, LogicSession, SessionOptions
from tests.support.records import (
    Explain,
    Load,
    LogicFile,
    Param,
    Query,
    Record,
    RecordSyntaxError,
    Statement,
    parse_logic_file,
)
from tests.support.update import apply_updates
from tests.tck.plugin import add_options as add_tck_options
from tests.tck.plugin import register_markers as register_tck_markers

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

__all__ = [
    "UPDATE_OPTION",
    "VERIFY_OPTION",
    "LogicTestFile",
    "RecordItem",
    "pytest_addoption",
    "pytest_collect_file",
    "pytest_configure",
]

UPDATE_OPTION: Final = "--engram-update"
VERIFY_OPTION: Final = "--engram-verify"
TESTS_DIR: Final = Path(__file__).resolve().parents[1]
DATASETS: Final = TESTS_DIR / "datasets"
_COLLECTED_ROOTS: Final = ("logic", "plans")
#: `# requires: <name>` header values and the check that must pass to run the file
REQUIREMENTS: Final[dict[str, tuple[Callable[[], bool], Callable[[], str]]]] = {
    "engine": (engine_available, engine_missing_reason),
}


def pytest_addoption(parser: pytest.Parser) -> None:
    """The run-mode options of both runners."""
    group = parser.getgroup("engram", "engram .test runner")
    group.addoption(
        UPDATE_OPTION,
        action="store_true",
        help="rewrite the expected blocks of .test files in place with the actual output",
    )
    group.addoption(
        VERIFY_OPTION,
        action="store_true",
        help="differential mode: also run every .test query with the optimizer's rules off",
    )
    add_tck_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register per-directory TCK markers; refuse update mode under pytest-xdist."""
    register_tck_markers(config)
    if config.getoption(UPDATE_OPTION) and _xdist_workers(config):
        raise pytest.UsageError(f"{UPDATE_OPTION} rewrites files: run it without -n")


def _xdist_workers(config: pytest.Config) -> bool:
    numprocesses = getattr(config.option, "numprocesses", None)
    return bool(numprocesses) or hasattr(config, "workerinput")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """`.test` files in a `logic` or `plans` directory are record collections."""
    if file_path.suffix != ".test" or not _in_collected_root(file_path):
        return None
    collector: LogicTestFile = LogicTestFile.from_parent(parent, path=file_path)
    return collector


def _in_collected_root(file_path: Path) -> bool:
    """Inside tests/: under tests/logic or tests/plans; elsewhere: under such a directory."""
    resolved = file_path.resolve()
    if resolved.is_relative_to(TESTS_DIR):
        return resolved.relative_to(TESTS_DIR).parts[0] in _COLLECTED_ROOTS
    return any(part in _COLLECTED_ROOTS for part in resolved.parent.parts)


class LogicTestFile(pytest.File):
    """One `.test` file: one item per record, one database for the whole file."""

    logic_file: LogicFile
    session_state: LogicSession | None = None

    def collect(self) -> Iterator[RecordItem]:
        text = self.path.read_text(encoding="utf-8")
        try:
            self.logic_file = parse_logic_file(text, str(self.path))
        except RecordSyntaxError as error:
            raise self.CollectError(str(error)) from error
        requirement = self.logic_file.header.get("requires")
        missing = _missing_requirement(requirement, self.path)
        for index, record in enumerate(self.logic_file.records):
            item = RecordItem.from_parent(self, name=str(record.line), index=index, record=record)
            if record.skip is not None:
                item.add_marker(pytest.mark.skip(reason=record.skip))
            elif missing is not None:
                item.add_marker(pytest.mark.skip(reason=missing))
            yield item

    def logic_session(self) -> LogicSession:
        """The file's session, created when its first record runs."""
        if self.session_state is None:
            options = SessionOptions(
                datasets=DATASETS,
                update=bool(self.config.getoption(UPDATE_OPTION)),
                verify=bool(self.config.getoption(VERIFY_OPTION)),
            )
            self.session_state = LogicSession(self.logic_file, options)
        return self.session_state

    def teardown(self) -> None:
        state, self.session_state = self.session_state, None
        if state is None:
            return
        state.close()
        if state.updates:
            text = self.path.read_text(encoding="utf-8")
            self.path.write_text(apply_updates(text, state.updates), encoding="utf-8")
            reporter = self.config.pluginmanager.get_plugin("terminalreporter")
            if reporter is not None:
                count = len(state.updates)
                reporter.write_line(f"{UPDATE_OPTION}: {count} block(s) rewritten in {self.path}")


def _missing_requirement(requirement: str | None, path: Path) -> str | None:
    if requirement is None:
        return None
    if requirement not in REQUIREMENTS:
        raise pytest.Collector.CollectError(
            f"{path}: unknown requirement {requirement!r} (known: {', '.join(REQUIREMENTS)})"
        )
    available, reason = REQUIREMENTS[requirement]
    return None if available() else f"requires: {requirement}: {reason()}"


class RecordItem(pytest.Item):
    """One record of a `.test` file."""

    def __init__(self, *, index: int, record: Record, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.record = record

    def runtest(self) -> None:
        parent = self.parent
        assert isinstance(parent, LogicTestFile)
        parent.logic_session().run(self.index)

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, LogicFailure):
            query = getattr(self.record, "query", None)
            shown = (
                ""
                if query is None
                else "\n" + "\n".join("  " + line for line in query.splitlines())
            )
            return (
                f"{self.path}:{self.record.line}: {_directive(self.record)}{shown}\n{excinfo.value}"
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return (
            self.path,
            self.record.line - 1,
            f"{self.path.name}:{self.record.line} {_directive(self.record)}",
        )


def _directive(record: Record) -> str:
    match record:
        case Statement(expect_error=False):
            return "statement ok"
        case Statement():
            return "statement error" + (f" {record.code}" if record.code else "")
        case Query():
            return f"query {record.types} {record.sort}"
        case Explain():
            return f"explain {record.stage}"
        case Param():
            return f"param {record.name}"
        case Load():
            return f"load {record.dataset}"
