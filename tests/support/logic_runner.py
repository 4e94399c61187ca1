"""Execute `.test` records against one database per file and check their expected blocks.

A `LogicSession` owns a file's database, parameters and label results. Records run in file
order; when pytest runs a record whose predecessors did not run (a `-k` selection, or a
worker that got only part of the file), the session replays them first without checking,
so every record sees the state the file builds up to it. In update mode a mismatching or
missing expected block becomes a `BlockUpdate` instead of a failure; in verify mode every
`query` also runs with the optimizer off (inside a rolled-back transaction) and must agree.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.cypher_script import split_statements
from tests.support.engine import explain_plan, open_database, run_query
from tests.support.records import (
    Explain,
    Load,
    LogicFile,
    Param,
    Query,
    Record,
    SortMode,
    Statement,
)
from tests.support.render import render_row, render_value, type_matches
from tests.support.update import BlockUpdate

__all__ = [
    "LogicFailure",
    "LogicSession",
    "SessionOptions",
    "error_block",
    "expected_error_block_mismatch",
    "expected_error_kind_mismatch",
    "normalize_rows",
]


class LogicFailure(AssertionError):
    """A record's check failed; the message is the whole explanation."""


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """Run modes of the `.test` runner."""

    datasets: Path
    update: bool = False
    verify: bool = False


@dataclass(slots=True)
class LogicSession:
    """The state of one `.test` file while its records run."""

    logic_file: LogicFile
    options: SessionOptions
    updates: list[BlockUpdate] = field(default_factory=list)
    _db: Any = None
    _params: dict[str, Any] = field(default_factory=dict)
    _labels: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)
    _next: int = 0

    def run(self, index: int) -> None:
        """Run record `index` and check it (replaying earlier records when needed).

        Raises:
            LogicFailure: the record's expectation does not hold.
        """
        if index < self._next:
            self._reset()
        while self._next < index:
            self._replay(self.logic_file.records[self._next])
            self._next += 1
        self._next = index + 1
        self._check(self.logic_file.records[index])

    def close(self) -> None:
        """Close the database (if one was opened)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    # database lifecycle

    def _database(self) -> Any:
        if self._db is None:
            self._db = open_database()
            dataset = self.logic_file.header.get("dataset")
            if dataset:
                self._load(dataset)
        return self._db

    def _reset(self) -> None:
        self.close()
        self._params = {}
        self._labels = {}
        self._next = 0

    def _load(self, dataset: str) -> None:
        script = self.options.datasets / f"{dataset}.cypher"
        if not script.is_file():
            raise LogicFailure(f"no dataset {dataset!r}: {script} does not exist")
        for statement in split_statements(script.read_text(encoding="utf-8")):
            try:
                run_query(self._db, statement, None, optimize=True)
            except Exception as error:
                raise LogicFailure(
                    f"loading dataset {dataset!r} failed on:\n{statement}\n{error}"
                ) from error

    # replay: run without checking

    def _replay(self, record: Record) -> None:
        if record.skip is not None or isinstance(record, Explain):
            return
        if isinstance(record, Param | Load):
            self._check(record)
            return
        try:
            result = run_query(self._database(), record.query, self._params, optimize=True)
        except Exception:
            return
        if isinstance(record, Query) and record.label is not None:
            self._labels.setdefault(
                record.label, (record.line, self._normalize(record, result.rows))
            )

    # checking

    def _check(self, record: Record) -> None:
        match record:
            case Param():
                self._params[record.name] = record.value
            case Load():
                self.close()
                self._db = open_database()
                self._load(record.dataset)
            case Statement(expect_error=False):
                self._statement_ok(record)
            case Statement():
                self._statement_error(record)
            case Query():
                self._query(record)
            case Explain():
                self._explain(record)

    def _statement_ok(self, record: Statement) -> None:
        try:
            run_query(self._database(), record.query, self._params, optimize=True)
        except Exception as error:
            raise LogicFailure(f"statement failed:\n{error}") from error

    def _statement_error(self, record: Statement) -> None:
        try:
            result = run_query(self._database(), record.query, self._params, optimize=True)
        except Exception as error:
            wrong_error = expected_error_kind_mismatch(record, error)
            if wrong_error is not None:
                raise LogicFailure(wrong_error) from error
            problem = expected_error_block_mismatch(record, error)
            if self.options.update and (record.expected is None or problem is not None):
                self.updates.append(BlockUpdate(record.line, error_block(error)))
            elif problem is not None:
                raise LogicFailure(problem) from error
            return
        raise LogicFailure(f"statement succeeded with {len(result.rows)} row(s); expected an error")

    def _query(self, record: Query) -> None:
        db = self._database()
        # the differential run goes first and is rolled back, so a query that writes sees
        # the same graph both times
        unoptimized = self._unoptimized(record) if self.options.verify else None
        try:
            result = run_query(db, record.query, self._params, optimize=True)
        except Exception as error:
            raise LogicFailure(f"query failed:\n{error}") from error
        self._check_types(record, result.columns, result.rows)
        actual = self._normalize(record, result.rows)
        if unoptimized is not None and unoptimized != actual:
            raise LogicFailure(
                "differential mode: results differ with the optimizer's rules off\n"
                + _diff(unoptimized, actual, "rules off", "optimized")
            )
        self._compare(record, record.expected, actual, record.label, what="result")

    def _explain(self, record: Explain) -> None:
        try:
            text = explain_plan(
                self._database(), record.query, self._params, stage=record.stage, rules=record.rules
            )
        except Exception as error:
            raise LogicFailure(f"explain failed:\n{error}") from error
        actual = tuple(line for line in text.splitlines() if line.strip())
        self._compare(record, record.expected, actual, record.label, what="plan")

    def _check_types(
        self, record: Query, columns: tuple[str, ...], rows: tuple[tuple[Any, ...], ...]
    ) -> None:
        if len(columns) != len(record.types):
            raise LogicFailure(
                f"query returns {len(columns)} column(s) {list(columns)}, "
                f"but the type string {record.types!r} has {len(record.types)}"
            )
        for row_idx, row in enumerate(rows, start=1):
            for col_idx, (letter, value) in enumerate(zip(record.types, row, strict=True)):
                if not type_matches(letter, value):
                    raise LogicFailure(
                        f"row {row_idx}, column {columns[col_idx]!r}: {render_value(value)} "
                        f"({type(value).__name__}) does not match type letter {letter!r}"
                    )

    def _normalize(self, record: Query, rows: tuple[tuple[Any, ...], ...]) -> tuple[str, ...]:
        return normalize_rows([render_row(row) for row in rows], record.sort)

    def _unoptimized(self, record: Query) -> tuple[str, ...]:
        failure: Exception | None = None
        with self._database().transaction() as transaction:
            try:
                plain = run_query(transaction, record.query, self._params, optimize=False)
            except Exception as error:
                failure = error
            transaction.rollback()
        if failure is not None:
            raise LogicFailure(
                f"differential mode: the query failed with the optimizer's rules off:\n{failure}"
            ) from failure
        return self._normalize(record, plain.rows)

    def _compare(
        self,
        record: Query | Explain,
        expected: tuple[str, ...] | None,
        actual: tuple[str, ...],
        label: str | None,
        *,
        what: str,
    ) -> None:
        if label is not None:
            first_line, first = self._labels.setdefault(label, (record.line, actual))
            if first != actual:
                raise LogicFailure(
                    f"label {label!r}: this {what} differs from the record at line {first_line}\n"
                    + _diff(first, actual, f"line {first_line}", "this record")
                )
        if expected is None and label is not None:
            return
        normalized = None if expected is None else _normalize_expected(record, expected)
        if normalized == actual:
            return
        if self.options.update:
            self.updates.append(BlockUpdate(record.line, actual))
            return
        if expected is None:
            raise LogicFailure(
                f"no expected block; run pytest with --engram-update to write it. Actual {what}:\n"
                + "\n".join(actual)
            )
        raise LogicFailure(
            f"{what} differs from the expected block\n"
            + _diff(normalized or (), actual, "expected", "actual")
        )


def _normalize_expected(record: Query | Explain, expected: tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(record, Query):
        return normalize_rows(list(expected), record.sort)
    return expected


def normalize_rows(rows: list[str], sort: SortMode) -> tuple[str, ...]:
    """Rows in comparison form: as they are, sorted, or as sorted single values.

    >>> normalize_rows(["b\\t1", "a\\t2"], SortMode.VALUESORT)
    ('1', '2', 'a', 'b')
    """
    if sort is SortMode.ROWSORT:
        return tuple(sorted(rows))
    if sort is SortMode.VALUESORT:
        return tuple(sorted(value for row in rows for value in row.split("\t")))
    return tuple(rows)


def _is_query_error(error: BaseException) -> bool:
    return hasattr(error, "kind") and hasattr(error, "detail") and hasattr(error, "code")


def error_block(error: BaseException) -> tuple[str, ...]:
    """The expected block an error produces: its message, then its source and caret lines."""
    message = str(getattr(error, "message", error)).splitlines()[0]
    rendered = str(error).splitlines()
    excerpt = _excerpt(rendered)
    return (message, *excerpt[:2])


def _excerpt(rendered: list[str]) -> list[str]:
    """The diagnostic's lines from the quoted source line on (source, caret, hint)."""
    for index, line in enumerate(rendered):
        head, bar, _ = line.partition(" | ")
        if bar and head.strip().isdigit():
            return rendered[index:]
    return []


def expected_error_kind_mismatch(record: Statement, error: BaseException) -> str | None:
    """None when `error` is a query error with the record's code (if it names one)."""
    if not _is_query_error(error):
        return f"expected a query error, got {type(error).__qualname__}: {error}"
    if record.code is not None and record.code not in _error_names(error):
        return f"expected error {record.code}, got {_error_names(error)[0]}:\n{error}"
    return None


def expected_error_block_mismatch(record: Statement, error: BaseException) -> str | None:
    """None when the error's message and location satisfy the record's expected block.

    The first expected line must be a substring of the message; the further lines must
    equal the rendered diagnostic's source, caret (and hint) lines.
    """
    if not record.expected:
        return None
    message = str(getattr(error, "message", ""))
    if record.expected[0] not in message:
        return f"error message {message!r} does not contain {record.expected[0]!r}\n{error}"
    wanted = record.expected[1:]
    shown = tuple(_excerpt(str(error).splitlines())[: len(wanted)])
    if wanted != shown:
        return "error location differs\n" + _diff(wanted, shown, "expected", "actual")
    return None


def _error_names(error: BaseException) -> tuple[str, ...]:
    code = str(getattr(error, "code", ""))
    kind = str(getattr(error, "kind", ""))
    detail = str(getattr(error, "detail", ""))
    return code, detail, f"{kind}.{detail}"


def _diff(expected: tuple[str, ...], actual: tuple[str, ...], left: str, right: str) -> str:
    lines = difflib.unified_diff(list(expected), list(actual), left, right, lineterm="", n=3)
    return "\n".join(lines)
