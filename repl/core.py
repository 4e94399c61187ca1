"""The shell without its terminal: runs what the user typed against the open database.

`ShellCore` holds the session (database, open transaction, parameters, output settings),
runs statements on the database thread with cancellation and progress, shows results,
plans and errors through a `Printer`, and keeps the completion `Vocabulary` current. The
interactive shell, script mode and `engram query` all drive it; so do the tests.
"""

from __future__ import annotations

import difflib
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, TypeVar

import engram
from engram import EngramError, Plan, QueryTimeout, ResultStats
from engram.errors import ErrorDetail, QueryError
from engram.repl.commands import command_vocabulary, run_command
from engram.repl.completer import Vocabulary
from engram.repl.hints import unknown_names
from engram.repl.output import Printer, Progress
from engram.repl.plans import render_plan
from engram.repl.render import (
    OutputFormat,
    ShellError,
    render_error,
    render_rows,
    render_summary,
)
from engram.repl.scanner import Piece, split_script
from engram.repl.worker import Control, Worker

__all__ = ["Abandon", "Cancelled", "Outcome", "Settings", "ShellCore"]

T = TypeVar("T")

#: rows a table shows on a terminal unless :maxrows says otherwise
DEFAULT_MAX_ROWS: Final = 1000
#: how deep :source may nest (a file that sources itself stops here)
MAX_SOURCE_DEPTH: Final = 16
_MISSING: Final = re.compile(r"parameter '\$([^']+)'")


class Abandon(BaseException):
    """The user pressed Ctrl-C three times: leave a statement that does not stop.

    A BaseException, like KeyboardInterrupt, so that no error handling swallows it.
    """


class Cancelled(QueryTimeout):
    """Ctrl-C stopped the statement; it changed nothing."""


@dataclass
class Settings:
    """Output settings the meta-commands change."""

    format: OutputFormat = OutputFormat.TABLE
    timing: bool = True
    max_rows: int | None = DEFAULT_MAX_ROWS


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one statement gave: the rows kept for display, the total, stats, plan, time."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    total: int
    stats: ResultStats
    plan: Plan | None
    seconds: float

    @property
    def is_plan(self) -> bool:
        """Whether the rows are a plan (the statement started with EXPLAIN or PROFILE)."""
        return self.plan is not None and list(self.columns) == self.plan.columns


@dataclass
class ShellCore:
    """One shell session over an open database."""

    database: engram.Database
    printer: Printer
    name: str = "engram"
    settings: Settings = field(default_factory=Settings)
    transaction: engram.Transaction | None = None
    params: dict[str, Any] = field(default_factory=dict)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    quit_requested: bool = False
    #: the interactive shell's history, newest last (for :history)
    history: Callable[[], Sequence[str]] | None = None
    #: how to give a missing parameter here (``{name}`` is replaced)
    parameter_hint: str = "set it with :param {name} => value"
    worker: Worker = field(default_factory=Worker)
    _source_depth: int = 0

    def __post_init__(self) -> None:
        self.progress = Progress(self.printer)

    # -- running what was typed -----------------------------------------------------------

    def execute(self, text: str, *, origin: str | None = None) -> bool:
        """Run every statement and meta-command in `text`; stop at the first failure.

        Args:
            text: what was typed (or a file's contents).
            origin: the file the text came from, named in error messages.

        Returns:
            Whether everything succeeded.
        """
        for piece in split_script(text):
            if self.quit_requested:
                break
            if not self.execute_piece(piece, origin=origin):
                return False
        return True

    def execute_piece(self, piece: Piece, *, origin: str | None = None) -> bool:
        """Run one statement or meta-command; returns whether it succeeded."""
        if piece.is_command:
            ok = run_command(self, piece.text)
        else:
            ok = self.run_statement(piece.text)
        if not ok and origin is not None:
            self.printer.note(f"  in {origin}, line {piece.line}", style="")
        return ok

    def run_statement(self, text: str) -> bool:
        """Run one statement and show its result; returns whether it succeeded."""
        limit = self._row_limit()
        try:
            outcome = self.call(lambda control: self._run(text, control, limit))
        except Cancelled:
            self.printer.note("cancelled: the statement changed nothing", style="33")
            return False
        except EngramError as error:
            self.show_error(error)
            return False
        self.show_outcome(outcome)
        if outcome.stats.contains_updates:
            self.refresh_vocabulary()
        elif outcome.total == 0 and outcome.columns and not outcome.is_plan:
            for note in unknown_names(text, self.vocabulary):
                self.printer.info(f"note: {note}", style="33")
        return True

    def _row_limit(self) -> int | None:
        if self.settings.format is OutputFormat.TABLE and self.printer.interactive:
            return self.settings.max_rows
        return None

    def _run(self, text: str, control: Control, limit: int | None) -> Outcome:
        started = time.perf_counter()
        runner = self.transaction if self.transaction is not None else self.database
        result = runner.execute(text, self.params, cancel=control.cancel)
        kept: list[tuple[Any, ...]] = []
        with result:
            for row in result:
                if limit is None or len(kept) < limit:
                    kept.append(row)
                control.rows += 1
            stats, plan = result.stats, result.plan
        seconds = time.perf_counter() - started
        return Outcome(tuple(result.columns), tuple(kept), control.rows, stats, plan, seconds)

    def call(self, task: Callable[[Control], T]) -> T:
        """Run `task` on the database thread with progress and Ctrl-C cancellation.

        Raises:
            EngramError: what the task raised; a statement stopped by Ctrl-C raises
                `Cancelled` (a `QueryTimeout`).
            Abandon: the user pressed Ctrl-C three times.
        """
        try:
            return self.worker.run(task, on_wait=self.progress.tick, on_interrupt=self._interrupt)
        except QueryTimeout as error:
            if "cancelled" in str(error):
                raise Cancelled("cancelled: the statement changed nothing") from None
            raise
        except EngramError:
            raise
        except Exception as error:  # a bug in engram must not end the session
            raise engram.InternalError(f"{type(error).__name__}: {error}") from error
        finally:
            self.progress.clear()

    def _interrupt(self, count: int, control: Control) -> None:
        # the terminal echoed ^C where the cursor was: start the message on a clean line
        self.progress.clear(force=True)
        if count == 1:
            self.printer.note("cancelling the statement…")
        elif count == 2:
            self.printer.note(
                "the statement is finishing its current step; press Ctrl-C once more to "
                "quit engram (an open transaction is then lost)",
                style="33",
            )
        else:
            raise Abandon

    # -- showing ------------------------------------------------------------------------------

    def show_outcome(self, outcome: Outcome) -> None:
        """Print a statement's rows (or plan) and, on a terminal, the summary line."""
        display = self.printer.display()
        if outcome.is_plan and outcome.plan is not None:
            self.printer.print(render_plan(outcome.plan, display))
        elif outcome.columns:
            text = render_rows(outcome.columns, outcome.rows, self.settings.format, display)
            if text:
                self.printer.print(text)
        if self.printer.interactive:
            seconds = outcome.seconds if self.settings.timing else None
            shown = len(outcome.rows) if len(outcome.rows) < outcome.total else None
            rows = 0 if outcome.is_plan else outcome.total
            summary = render_summary(rows, seconds, outcome.stats, shown=shown)
            if outcome.is_plan or not outcome.columns:
                summary = summary.removeprefix("0 rows · ").removeprefix("0 rows")
            if summary:
                self.printer.note(summary)

    def show_error(self, error: BaseException) -> None:
        """Print an error (with its caret when it comes from the query text)."""
        if isinstance(error, QueryError) and error.detail is ErrorDetail.MISSING_PARAMETER:
            _hint_missing_parameter(error, self.parameter_hint, self.params)
        self.printer.error(render_error(error, color=self.printer.err_color))
        if self.transaction is not None and self.transaction.is_open:
            self.printer.note("the transaction is still open (:commit or :rollback)")

    # -- transactions ---------------------------------------------------------------------

    def begin(self) -> None:
        """Open a transaction (`:begin`)."""
        if self.transaction is not None:
            raise engram.TransactionError("a transaction is already open: :commit or :rollback")
        self.transaction = self.call(lambda _: self.database.transaction())

    def finish(self, *, commit: bool) -> None:
        """Commit or roll back the open transaction (`:commit`, `:rollback`)."""
        transaction = self.transaction
        if transaction is None:
            raise engram.TransactionError("no transaction is open: :begin starts one")
        try:
            self.call(lambda _: transaction.commit() if commit else transaction.rollback())
        finally:
            self.transaction = None
            self.refresh_vocabulary()

    def close(self) -> None:
        """End the session: roll back an open transaction and stop the database thread."""
        if self.transaction is not None:
            try:
                self.finish(commit=False)
                self.printer.note("rolled back the open transaction")
            except EngramError as error:
                self.show_error(error)
        self.worker.close()

    # -- the catalog ----------------------------------------------------------------------

    def query(self, text: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of a helper query, in the open transaction if there is one."""

        def task(control: Control) -> list[tuple[Any, ...]]:
            runner = self.transaction if self.transaction is not None else self.database
            return runner.execute(text, params or {}, cancel=control.cancel).rows()

        return self.call(task)

    def refresh_vocabulary(self) -> None:
        """Reload labels, types, keys and procedures for completion (errors are ignored)."""
        try:
            labels = tuple(row[0] for row in self.query("CALL db.labels()"))
            types = tuple(row[0] for row in self.query("CALL db.relationshipTypes()"))
            keys = tuple(row[0] for row in self.query("CALL db.propertyKeys()"))
        except EngramError:
            return
        commands, values = command_vocabulary()
        self.vocabulary = Vocabulary(
            keywords=engram.keywords(),
            functions={info.name: info.signature for info in engram.functions()},
            procedures={info.name: info.signature for info in self.database.procedures()},
            labels=labels,
            relationship_types=types,
            property_keys=keys,
            parameters=tuple(sorted(self.params)),
            commands=commands,
            command_values=values,
        )

    def set_parameter(self, name: str, value: Any) -> None:
        """Set `$name` for the statements that follow."""
        self.params[name] = value
        self.vocabulary = _with_parameters(self.vocabulary, self.params)

    def clear_parameters(self) -> None:
        """Forget every parameter."""
        self.params.clear()
        self.vocabulary = _with_parameters(self.vocabulary, self.params)

    def source(self, path: str) -> bool:
        """Run a script file's statements (`:source`); stops at its first failure."""
        if self._source_depth >= MAX_SOURCE_DEPTH:
            raise ShellError(f":source is nested more than {MAX_SOURCE_DEPTH} deep")
        expanded = os.path.expanduser(path)
        try:
            with open(expanded, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            raise ShellError(f"cannot read '{path}': {_reason(error)}") from None
        self._source_depth += 1
        try:
            return self.execute(text, origin=path)
        finally:
            self._source_depth -= 1


def _hint_missing_parameter(error: QueryError, how: str, params: Iterable[str]) -> None:
    """Say how to give the parameter in the shell (or which one was meant), not the API."""
    named = _MISSING.search(str(error))
    if named is None or (error.hint and not error.hint.startswith("pass it with the query")):
        return
    name = named.group(1)
    close = difflib.get_close_matches(name, list(params), n=1, cutoff=0.75)
    error.hint = f"did you mean ${close[0]}?" if close else how.format(name=name)


def _with_parameters(vocabulary: Vocabulary, params: dict[str, Any]) -> Vocabulary:
    return replace(vocabulary, parameters=tuple(sorted(params)))


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror.lower()
    return str(error)
