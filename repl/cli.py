"""`engram shell` and `engram query`: open the database, pick the mode, return the exit code.

`run_shell` is interactive when both standard input and output are terminals; otherwise
it runs the statements read from standard input as a script (exit code 1 at the first
failing statement, or at the end with ``--continue``). `run_query` runs the statements
given on the command line with ``--param`` values. Both open the database themselves and
report problems opening it as one line on stderr (exit code 2).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import engram
from engram import EngramError
from engram.repl.commands import evaluate_parameter
from engram.repl.core import Abandon, ShellCore
from engram.repl.demo import load_demo, welcome_text
from engram.repl.output import Printer
from engram.repl.render import OutputFormat, ShellError, render_error
from engram.repl.scanner import split_script

__all__ = ["run_query", "run_script", "run_shell"]

#: exit codes: a statement failed; the shell could not start (bad arguments, locked database)
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
#: the shell convention for a process ended by Ctrl-C (128 + SIGINT)
EXIT_INTERRUPTED: Final = 130


@dataclass(frozen=True, slots=True)
class Opened:
    """An open database and how the shell names it."""

    database: engram.Database
    name: str
    is_demo: bool = False
    is_temporary: bool = False


def _open(
    path: str | None, *, demo: bool, read_only: bool, memory_limit: int | None = None
) -> Opened:
    if demo and read_only:
        raise ShellError("--demo loads data and cannot be combined with --read-only")
    if path is None:
        if read_only:
            raise ShellError("--read-only needs a database PATH")
        database = engram.open(memory_limit=memory_limit)
        if demo:
            load_demo(database)
            return Opened(database, "demo", is_demo=True, is_temporary=True)
        return Opened(database, "temp", is_temporary=True)
    database = engram.open(path, read_only=read_only, memory_limit=memory_limit)
    name = Path(path).name or path
    if demo:
        try:
            if database.execute("MATCH (n) RETURN count(n)").scalar():
                raise ShellError(
                    f"'{path}' is not empty; --demo loads into an empty database only",
                    hint="leave out PATH to use a temporary database",
                )
            load_demo(database)
        except BaseException:
            database.close()
            raise
    return Opened(database, name, is_demo=demo)


def _welcome(opened: Opened, printer: Printer) -> str:
    if opened.is_demo:
        return welcome_text(opened.name, color=printer.color)
    version = _version()
    where = (
        "a temporary database (removed when you quit; pass a PATH to keep your data)"
        if opened.is_temporary
        else f"'{opened.database.path}'" + (" (read-only)" if opened.database.read_only else "")
    )
    return (
        f"engram {version} on {where}\n"
        "Statements end with ';'. :help lists the commands, Tab completes, Ctrl-D quits."
    )


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("engram")
    except PackageNotFoundError:
        return "(development)"


def _listen_for_ctrl_c() -> None:
    """Make Ctrl-C reach the shell even if the parent process ignored or blocked SIGINT.

    A process inherits an ignored SIGINT and a blocked signal mask from whatever started
    it (a job runner, a test worker, `nohup`); the interactive shell needs Ctrl-C to cancel
    statements, so it restores Python's own handler and unblocks the signal.
    """
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def run_shell(args: argparse.Namespace) -> int:
    """`engram shell [PATH] [--demo] [--read-only] [--format F] [--continue] [--no-color]`."""
    printer = Printer.standard(no_color=args.no_color)
    try:
        opened = _open(
            args.path, demo=args.demo, read_only=args.read_only, memory_limit=args.memory_limit
        )
    except EngramError as error:
        printer.error(render_error(error, color=printer.err_color))
        return EXIT_USAGE
    core = ShellCore(opened.database, printer, name=opened.name)
    if args.format:
        core.settings.format = OutputFormat(args.format)
    try:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from engram.repl.shell import run_interactive

            _listen_for_ctrl_c()
            core.refresh_vocabulary()
            return run_interactive(core, welcome=_welcome(opened, printer))
        script = _read_stdin(printer)
        if script is None:
            return EXIT_USAGE
        return _guarded(lambda: run_script(core, script, keep_going=args.keep_going), printer)
    finally:
        core.close()
        opened.database.close()


def _guarded(run: Callable[[], int], printer: Printer) -> int:
    """Run a script; Ctrl-C outside a statement stops it, a third one abandons a statement."""
    try:
        return run()
    except KeyboardInterrupt:
        printer.note("interrupted", style="33")
        return EXIT_INTERRUPTED
    except Abandon:
        printer.note("abandoned the statement; quitting", style="33")
        # the database thread is stuck in the statement: leave without waiting for it
        os._exit(EXIT_INTERRUPTED)


def _read_stdin(printer: Printer) -> str | None:
    try:
        return sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        printer.error(f"error: standard input is not UTF-8 text ({error.reason})")
        return None


def run_script(core: ShellCore, text: str, *, keep_going: bool, origin: str = "stdin") -> int:
    """Run a script's statements and meta-commands in order; returns the exit code.

    Args:
        core: the session.
        text: the script.
        keep_going: run the rest after a failing statement (the exit code is still 1).
        origin: how errors name the script.
    """
    failures = 0
    for piece in split_script(text):
        if core.quit_requested:
            break
        if not core.execute_piece(piece, origin=origin):
            failures += 1
            if not keep_going:
                return EXIT_FAILED
    return EXIT_FAILED if failures else 0


def run_query(args: argparse.Namespace) -> int:
    """`engram query PATH "QUERY" [--param NAME=VALUE ...] [--format F] [--read-only]`."""
    printer = Printer.standard(no_color="NO_COLOR" in os.environ)
    try:
        opened = _open(
            args.path, demo=False, read_only=args.read_only, memory_limit=args.memory_limit
        )
    except EngramError as error:
        printer.error(render_error(error, color=printer.err_color))
        return EXIT_USAGE
    core = ShellCore(opened.database, printer, name=opened.name)
    core.settings.format = OutputFormat(args.format)
    core.parameter_hint = "give it with --param {name}=VALUE"
    try:
        for item in args.param:
            if not _set_parameter(core, item):
                return EXIT_USAGE
        return _guarded(
            lambda: run_script(core, args.query, keep_going=False, origin="the query"), printer
        )
    finally:
        core.close()
        opened.database.close()


def _set_parameter(core: ShellCore, item: str) -> bool:
    name, equals, value = item.partition("=")
    name = name.strip()
    try:
        if not equals or not name:
            raise ShellError(
                f"--param '{item}' is not NAME=VALUE",
                hint="VALUE is a literal of the language: --param name=\"'Ada'\" --param age=36",
            )
        core.set_parameter(name, evaluate_parameter(core, value.strip(), name=name))
    except EngramError as error:
        core.show_error(error)
        return False
    return True
