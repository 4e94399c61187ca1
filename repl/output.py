"""Where the shell writes: results to stdout, messages and errors to stderr, progress live.

`Printer` knows whether each stream is a terminal (colour, width, box characters) and
honours ``--no-color`` and the ``NO_COLOR`` convention. `Progress` draws the one-line
indicator for statements that run longer than a second and erases it when they end.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from typing import Final, TextIO

from engram.repl.render import Display
from engram.repl.worker import Control

__all__ = ["Printer", "Progress"]

_SPINNER: Final = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
#: seconds a statement runs before the progress line appears
PROGRESS_DELAY: Final = 1.0


def _is_tty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _supports_unicode(stream: TextIO) -> bool:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    return encoding in ("utf8", "utf16", "utf32")


@dataclass
class Printer:
    """The shell's output streams and how to draw on them."""

    out: TextIO
    err: TextIO
    color_allowed: bool = True
    #: a fixed width for tables on a terminal (None: the terminal's own width)
    width: int | None = None

    @classmethod
    def standard(cls, *, no_color: bool = False) -> Printer:
        """The standard streams, coloured when they are terminals (unless told not to)."""
        allowed = not no_color and "NO_COLOR" not in os.environ
        return cls(sys.stdout, sys.stderr, allowed)

    @property
    def interactive(self) -> bool:
        """Whether results go to a terminal."""
        return _is_tty(self.out)

    @property
    def color(self) -> bool:
        """Whether to colour results."""
        return self.color_allowed and self.interactive

    @property
    def err_color(self) -> bool:
        """Whether to colour errors and messages."""
        return self.color_allowed and _is_tty(self.err)

    def display(self) -> Display:
        """Width, colour and box characters for results now (the terminal may resize)."""
        if not self.interactive:
            return Display(width=None, color=False, unicode=_supports_unicode(self.out))
        width = self.width or shutil.get_terminal_size((100, 24)).columns
        return Display(width=width, color=self.color, unicode=_supports_unicode(self.out))

    def print(self, text: str) -> None:
        """Write a result (a newline is added)."""
        self.out.write(text + "\n")
        self.out.flush()

    def note(self, text: str, *, style: str = "2") -> None:
        """Write a message to stderr (dim on a terminal, or another ANSI `style`)."""
        if self.err_color and style:
            text = f"\x1b[{style}m{text}\x1b[0m"
        self.err.write(text + "\n")
        self.err.flush()

    def info(self, text: str, *, style: str = "2") -> None:
        """Write a confirmation (``$x = 1``, ``committed``) to stderr, on a terminal only.

        Scripts stay quiet: their output is their results and their errors.
        """
        if self.interactive:
            self.note(text, style=style)

    def error(self, text: str) -> None:
        """Write an error (already rendered, colour included when wanted) to stderr."""
        self.err.write(text + "\n")
        self.err.flush()


class Progress:
    """The ``⠹ 2.4 s · 12,000 rows · Ctrl-C cancels`` line under a long statement."""

    def __init__(self, printer: Printer, *, delay: float = PROGRESS_DELAY) -> None:
        self._printer = printer
        self._delay = delay
        self._shown = False
        self._frame = 0

    @property
    def enabled(self) -> bool:
        """Progress is drawn only on a terminal."""
        return _is_tty(self._printer.err)

    def tick(self, elapsed: float, control: Control) -> None:
        """Redraw the line (once `delay` seconds have passed)."""
        if elapsed < self._delay or not self.enabled:
            return
        self._frame = (self._frame + 1) % len(_SPINNER)
        state = "cancelling" if control.cancelled else "Ctrl-C cancels"
        rows = f" · {control.rows:,} rows" if control.rows else ""
        line = f"{_SPINNER[self._frame]} running {elapsed:.1f} s{rows} · {state}"
        if self._printer.err_color:
            line = f"\x1b[2m{line}\x1b[0m"
        self._printer.err.write(f"\r\x1b[2K{line}")
        self._printer.err.flush()
        self._shown = True

    def clear(self, *, force: bool = False) -> None:
        """Erase the line if it was drawn (or, with `force`, whatever is on it)."""
        if self._shown or (force and self.enabled):
            self._printer.err.write("\r\x1b[2K")
            self._printer.err.flush()
            self._shown = False
