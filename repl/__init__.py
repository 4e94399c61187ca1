"""The interactive engram shell (prompt-toolkit) and the one-shot `engram query`.

`run(database)` starts the interactive shell on an open database (the `engram shell`
command opens the database itself; see `engram.repl.cli`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import engram

__all__ = ["run"]


def run(database: engram.Database, *, name: str = "engram", welcome: str | None = None) -> int:
    """Run the interactive shell on `database` until the user quits; returns the exit code.

    The database stays open afterwards (the caller closes it); an open transaction is
    rolled back.

    Args:
        database: the database to work on.
        name: the name the prompt shows.
        welcome: the text printed before the first prompt (a short default when None).
    """
    from engram.repl.core import ShellCore
    from engram.repl.output import Printer
    from engram.repl.shell import run_interactive

    core = ShellCore(database, Printer.standard(), name=name)
    core.refresh_vocabulary()
    text = welcome if welcome is not None else "Statements end with ';'. :help lists the commands."
    try:
        return run_interactive(core, welcome=text)
    finally:
        core.close()
