"""Meta-commands: ``:help``, ``:schema``, ``:param``, ``:explain``, ``:begin`` and the rest.

A meta-command starts with ``:`` (so it never collides with the language) and takes the
rest of its line as its argument. Each one is a `Command` in `COMMANDS`, whose handler
works on a `ShellCore`; `run_command` parses a line, suggests the nearest name for a
typo and reports mistakes as `ShellError`s.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from engram import EngramError, Plan, QueryError, ResultStats
from engram.errors import ErrorDetail, Span
from engram.repl.plans import render_plan
from engram.repl.render import OutputFormat, ShellError, render_summary, render_table
from engram.repl.schema import show_schema
from engram.repl.values import value_text
from engram.repl.worker import Control

if TYPE_CHECKING:
    from engram.repl.core import ShellCore

__all__ = [
    "COMMANDS",
    "Command",
    "command_vocabulary",
    "evaluate_parameter",
    "find_command",
    "run_command",
]

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PARAM: Final = re.compile(r"^(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*)\s*=>\s*(.*)$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Command:
    """One meta-command: its name (with the colon), usage, help text and handler."""

    name: str
    usage: str
    summary: str
    handler: Callable[[ShellCore, str], None]
    values: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    details: str = ""


def run_command(core: ShellCore, line: str) -> bool:
    """Run one meta-command line; returns whether it succeeded (errors are shown)."""
    name, _, argument = line.strip().partition(" ")
    try:
        command = find_command(name)
        if command is None:
            raise ShellError(f"unknown command '{name}'", hint=_suggestion(name))
        command.handler(core, argument.strip())
    except EngramError as error:
        core.show_error(error)
        return False
    return True


def find_command(name: str) -> Command | None:
    """The command called `name` (with its colon, any case, aliases included)."""
    wanted = name.lower()
    for command in COMMANDS:
        if wanted == command.name or wanted in command.aliases:
            return command
    return None


def _suggestion(name: str) -> str:
    names = [command.name for command in COMMANDS]
    close = difflib.get_close_matches(name.lower(), names, n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]}? (:help lists every command)"
    return ":help lists every command"


def command_vocabulary() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Command names with their summaries, and the values each command's argument takes."""
    names = {command.name: command.summary for command in COMMANDS}
    values = {command.name: command.values for command in COMMANDS if command.values}
    return names, values


# -- handlers ---------------------------------------------------------------------------------


def _help(core: ShellCore, argument: str) -> None:
    if argument:
        command = find_command(argument if argument.startswith(":") else f":{argument}")
        if command is None:
            raise ShellError(f"unknown command '{argument}'", hint=_suggestion(argument))
        text = f"{command.usage}\n  {command.summary}"
        if command.details:
            text += "\n\n" + command.details
        core.printer.print(text)
        return
    width = max(len(command.usage) for command in COMMANDS)
    lines = ["Statements end with ';' and may span lines. Meta-commands:", ""]
    lines += [f"  {command.usage.ljust(width)}  {command.summary}" for command in COMMANDS]
    lines += ["", *_KEYS]
    core.printer.print("\n".join(lines))


_KEYS: Final = (
    "Keys: Enter runs a complete statement (else starts a new line), Alt-Enter always",
    "starts a new line, Tab completes, Up/Down and Ctrl-R search the history, Ctrl-C",
    "clears the line or cancels a running statement, Ctrl-D quits.",
)


def _schema(core: ShellCore, argument: str) -> None:
    _no_argument(":schema", argument)
    show_schema(core)


def _param(core: ShellCore, argument: str) -> None:
    if not argument:
        _params(core, "")
        return
    if argument.startswith("{"):
        value = evaluate_parameter(core, argument, name="{...}")
        if not isinstance(value, dict):
            raise ShellError("':param {...}' takes a map of parameters")
        for name, item in value.items():
            core.set_parameter(name, item)
            core.printer.info(f"${name} = {value_text(item)}", style="")
        return
    found = _PARAM.match(argument)
    if found is None:
        raise ShellError(
            f"cannot read ':param {argument}'",
            hint="write ':param name => expression' or ':param {name: value, ...}'",
        )
    name = found.group(1)
    if name.startswith("`"):
        name = name[1:-1].replace("``", "`")
    value = evaluate_parameter(core, found.group(2).strip(), name=name)
    core.set_parameter(name, value)
    core.printer.info(f"${name} = {value_text(value)}", style="")


def evaluate_parameter(core: ShellCore, expression: str, *, name: str) -> Any:
    """The value of a parameter's expression (it may use the parameters already set).

    Raises:
        QueryError: the expression is not valid, located in the expression as typed.
        ShellError: there is no expression.
    """
    if not expression:
        raise ShellError(f"the parameter '{name}' needs a value")
    prefix = "RETURN "
    try:
        rows = core.query(f"{prefix}{expression} AS value", core.params)
    except QueryError as error:
        if error.detail is ErrorDetail.UNDEFINED_VARIABLE and _IDENTIFIER.fullmatch(expression):
            error.hint = f"a string is quoted: '{expression}'"
        raise _relocated(error, expression, len(prefix)) from None
    return rows[0][0]


def _relocated(error: QueryError, expression: str, shift: int) -> QueryError:
    """The error pointed at the expression as typed, not at the query wrapped around it."""
    if error.span is not None:
        start = min(max(0, error.span.start - shift), len(expression))
        end = min(max(start, error.span.end - shift), len(expression))
        error.span = Span(start, max(end, start + 1))
    error.source = expression
    return error


def _params(core: ShellCore, argument: str) -> None:
    if argument.lower() == "clear":
        core.clear_parameters()
        core.printer.info("cleared every parameter", style="")
        return
    if argument:
        raise ShellError(f"unexpected ':params {argument}'", hint="':params' or ':params clear'")
    if not core.params:
        core.printer.note("no parameters are set (:param name => value sets one)", style="")
        return
    rows = [(f"${name}", value_text(core.params[name])) for name in sorted(core.params)]
    text = render_table(["parameter", "value"], rows, core.printer.display(), quote_strings=False)
    core.printer.print(text)


def _explain(core: ShellCore, argument: str) -> None:
    query = _query_argument(":explain", argument)
    plan = core.call(lambda _: core.database.explain(query))
    core.printer.print(render_plan(plan, core.printer.display()))


def _profile(core: ShellCore, argument: str) -> None:
    query = _query_argument(":profile", argument)

    def task(control: Control) -> tuple[Plan | None, ResultStats, int, float]:
        started = time.perf_counter()
        runner = core.transaction if core.transaction is not None else core.database
        result = runner.profile(query, core.params, cancel=control.cancel)
        with result:
            for _ in result:
                control.rows += 1
            plan, stats = result.plan, result.stats
        return plan, stats, control.rows, time.perf_counter() - started

    plan, stats, rows, seconds = core.call(task)
    if plan is not None:
        core.printer.print(render_plan(plan, core.printer.display()))
    timing = seconds if core.settings.timing else None
    core.printer.note(render_summary(rows, timing, stats))


def _query_argument(name: str, argument: str) -> str:
    query = argument.strip().rstrip(";").rstrip()
    if not query:
        raise ShellError(f"{name} needs a query", hint=f"{name} MATCH (n) RETURN count(n)")
    return query


def _begin(core: ShellCore, argument: str) -> None:
    _no_argument(":begin", argument)
    core.begin()
    core.printer.info("transaction open: statements run in it until :commit or :rollback")


def _commit(core: ShellCore, argument: str) -> None:
    _no_argument(":commit", argument)
    core.finish(commit=True)
    core.printer.info("committed")


def _rollback(core: ShellCore, argument: str) -> None:
    _no_argument(":rollback", argument)
    core.finish(commit=False)
    core.printer.info("rolled back: the transaction's changes are gone")


def _format(core: ShellCore, argument: str) -> None:
    if not argument:
        core.printer.note(f"format: {core.settings.format}", style="")
        return
    try:
        core.settings.format = OutputFormat(argument.lower())
    except ValueError:
        choices = ", ".join(fmt.value for fmt in OutputFormat)
        raise ShellError(f"unknown format '{argument}'", hint=f"choose one of {choices}") from None
    core.printer.info(f"format: {core.settings.format}", style="")


def _timing(core: ShellCore, argument: str) -> None:
    choice = argument.lower()
    if choice not in ("", "on", "off"):
        raise ShellError(f"unexpected ':timing {argument}'", hint="':timing on' or ':timing off'")
    core.settings.timing = (not core.settings.timing) if not choice else choice == "on"
    core.printer.info(f"timing is {'on' if core.settings.timing else 'off'}", style="")


def _maxrows(core: ShellCore, argument: str) -> None:
    if argument:
        if argument.lower() in ("all", "0"):
            core.settings.max_rows = None
        elif argument.isdigit():
            core.settings.max_rows = int(argument)
        else:
            raise ShellError(
                f"unexpected ':maxrows {argument}'", hint="':maxrows 50' or ':maxrows all'"
            )
    limit = core.settings.max_rows
    core.printer.info(
        f"tables show {'every row' if limit is None else f'up to {limit} rows'}", style=""
    )


def _source(core: ShellCore, argument: str) -> None:
    if not argument:
        raise ShellError(":source needs a file name", hint=":source queries.cypher")
    path = argument.strip().strip("'\"")
    if not core.source(path):
        raise ShellError(f"stopped: a statement in '{path}' failed")


def _history(core: ShellCore, argument: str) -> None:
    count = int(argument) if argument.isdigit() else 20
    entries = list(core.history())[-count:] if core.history is not None else []
    if not entries:
        core.printer.note("the history is empty", style="")
        return
    core.printer.print("\n".join(entry.replace("\n", "\n    ") for entry in entries))


def _quit(core: ShellCore, argument: str) -> None:
    core.quit_requested = True


def _no_argument(name: str, argument: str) -> None:
    if argument:
        raise ShellError(f"{name} takes no argument", hint=f"write just {name}")


COMMANDS: Final[tuple[Command, ...]] = (
    Command(":help", ":help [command]", "this help, or one command's", _help),
    Command(
        ":schema", ":schema", "labels, relationship types, properties, indexes, counts", _schema
    ),
    Command(
        ":param",
        ":param name => expression",
        "set a parameter ($name) for the statements that follow",
        _param,
        details="The expression may use the language and other parameters, e.g.\n"
        "  :param since => date('2020-01-01')\n  :param {limit: 10, names: ['Ada', 'Alan']}",
    ),
    Command(
        ":params",
        ":params [clear]",
        "list the parameters (or forget them all)",
        _params,
        values=("clear",),
    ),
    Command(":explain", ":explain query", "the plan, with estimated rows (nothing runs)", _explain),
    Command(
        ":profile", ":profile query", "run the query; the plan with actual rows and time", _profile
    ),
    Command(":begin", ":begin", "open a transaction", _begin),
    Command(":commit", ":commit", "commit the open transaction", _commit),
    Command(":rollback", ":rollback", "roll back the open transaction", _rollback),
    Command(
        ":format",
        ":format [table|csv|json|jsonl|markdown]",
        "how results are written",
        _format,
        values=tuple(fmt.value for fmt in OutputFormat),
    ),
    Command(
        ":timing",
        ":timing [on|off]",
        "show how long statements take",
        _timing,
        values=("on", "off"),
    ),
    Command(
        ":maxrows",
        ":maxrows [n|all]",
        "rows a table shows (the count is always exact)",
        _maxrows,
        values=("all",),
    ),
    Command(":source", ":source file", "run the statements in a file", _source),
    Command(":history", ":history [n]", "the last n entries of the history", _history),
    Command(":quit", ":quit", "leave the shell (also :exit and Ctrl-D)", _quit, aliases=(":exit",)),
)
