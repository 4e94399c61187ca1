"""A shell session over a real database with its output captured, for in-process tests."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

import engram
from engram.repl.core import ShellCore
from engram.repl.output import Printer


class TerminalBuffer(io.StringIO):
    """A text buffer that says it is a terminal, so the shell writes what a user sees."""

    @property
    def encoding(self) -> str:
        return "utf-8"

    def isatty(self) -> bool:
        return True


class Session:
    """A `ShellCore` whose stdout and stderr are buffers."""

    def __init__(self, database: engram.Database, *, terminal: bool = True) -> None:
        stream = TerminalBuffer if terminal else io.StringIO
        self.out, self.err = stream(), stream()
        printer = Printer(self.out, self.err, color_allowed=False, width=100)
        self.core = ShellCore(database, printer, name="test")
        self.core.refresh_vocabulary()

    def run(self, text: str) -> bool:
        """Run an entry; returns whether it all succeeded."""
        return self.core.execute(text)

    def take(self) -> tuple[str, str]:
        """What was written to stdout and stderr since the last call."""
        out, err = self.out.getvalue(), self.err.getvalue()
        for stream in (self.out, self.err):
            stream.seek(0)
            stream.truncate()
        return out, err


@contextmanager
def session(*, terminal: bool = True) -> Iterator[Session]:
    """A session over a fresh temporary database."""
    with engram.open() as database:
        shell = Session(database, terminal=terminal)
        try:
            yield shell
        finally:
            shell.core.close()
