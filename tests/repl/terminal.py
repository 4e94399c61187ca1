"""A real `engram shell` process in a pseudo-terminal, read through a terminal emulator.

`Terminal` spawns the shell with pexpect, feeds everything it writes into a pyte screen
(so tests see exactly what a user would see, cursor movements and all), answers the
cursor-position requests prompt-toolkit sends as a real terminal would, and keeps the raw
output too (to check colours). Also used by `tests/repl/record_session.py`.
"""

from __future__ import annotations

import os
import re
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pexpect
import pyte

_CPR_REQUEST = "\x1b[6n"
_PASTE_ON = "\x1b[?2004h"
_PASTE_OFF = "\x1b[?2004l"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")

ENTER = "\r"
TAB = "\t"
CTRL_C = "\x03"
CTRL_D = "\x04"
CTRL_R = "\x12"
UP = "\x1b[A"
ALT_ENTER = "\x1b\r"


def strip_ansi(text: str) -> str:
    """Text without ANSI escape sequences."""
    return _ANSI.sub("", text)


class Terminal:
    """One shell process on a `rows` x `columns` terminal."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        home: Path,
        rows: int = 60,
        columns: int = 100,
        env: dict[str, str] | None = None,
        program: str | None = None,
    ) -> None:
        """Start `engram <args>` (or `program <args>`) in a `rows` x `columns` terminal."""
        self.rows, self.columns = rows, columns
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.Stream(self.screen)
        self.raw = ""
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in ("COLUMNS", "LINES", "NO_COLOR", "PROMPT_TOOLKIT_NO_CPR")
        }
        environment.update(
            TERM="xterm-256color",
            HOME=str(home),
            ENGRAM_HISTORY=str(home / "history"),
            PYTHONUNBUFFERED="1",
        )
        environment.update(env or {})
        command = [program, *args] if program else [sys.executable, "-m", "engram.cli", *args]
        self.child = pexpect.spawn(
            command[0],
            command[1:],
            env=environment,
            cwd=str(home),
            dimensions=(rows, columns),
            encoding="utf-8",
            codec_errors="replace",
            timeout=60,
        )

    # -- reading ----------------------------------------------------------------------------

    def pump(self, seconds: float = 0.2) -> None:
        """Read what the shell wrote for up to `seconds`, answering cursor requests."""
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            try:
                data = self.child.read_nonblocking(65536, timeout=max(0.01, remaining))
            except pexpect.TIMEOUT:
                data = ""
            except pexpect.EOF:
                return
            self._feed(data)
            if time.monotonic() >= deadline:
                return

    def _feed(self, data: str) -> None:
        self.raw += data
        while _CPR_REQUEST in data:
            before, _, data = data.partition(_CPR_REQUEST)
            self.stream.feed(before)
            cursor = self.screen.cursor
            self.child.send(f"\x1b[{cursor.y + 1};{cursor.x + 1}R")
        self.stream.feed(data)

    def text(self) -> str:
        """The screen as text, trailing blanks removed."""
        lines = [line.rstrip() for line in self.screen.display]
        while lines and not lines[-1]:
            lines.pop()
        return "\n".join(lines)

    def wait_for(
        self, wanted: str | Callable[[str], bool], timeout: float = 60.0, *, step: float = 0.1
    ) -> str:
        """Wait until the screen shows `wanted` (text, or a test on the screen text).

        The screen is looked at every `step` seconds (measurements use a small step).
        """
        check = wanted if callable(wanted) else (lambda screen: wanted in screen)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(step)
            screen = self.text()
            if check(screen):
                return screen
            if not self.child.isalive():
                self.pump(0.1)
                break
        raise AssertionError(f"the screen never showed {wanted!r}; it shows:\n{self.text()}")

    def at_prompt(self, prompt: str) -> bool:
        """Whether the cursor sits on an empty prompt."""
        return self.screen.display[self.screen.cursor.y].rstrip() == prompt.rstrip()

    def wait_for_prompt(self, prompt: str = "demo> ", timeout: float = 60.0) -> str:
        """Wait until the cursor sits on an empty prompt."""
        return self.wait_for(lambda _: self.at_prompt(prompt), timeout)

    # -- typing -----------------------------------------------------------------------------

    def send(self, keys: str) -> None:
        """Type `keys` (use ENTER, TAB, CTRL_C ... for special keys)."""
        self.child.send(keys)

    def interrupt(self, timeout: float = 30.0) -> None:
        """Press Ctrl-C while a statement runs, once the terminal turns it into SIGINT.

        Between reading a statement and running it, the line editor hands the terminal
        back from raw mode; a Ctrl-C typed before that (a busy machine makes the window
        long) would be read as a key, not delivered as a signal.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if termios.tcgetattr(self.child.child_fd)[3] & termios.ISIG:
                break
            self.pump(0.05)
        self.child.send(CTRL_C)

    def run(
        self, entry: str, *, prompt: str = "demo> ", timeout: float = 60.0, step: float = 0.1
    ) -> str:
        """Type an entry, press Enter, wait for the next prompt; the screen afterwards.

        prompt-toolkit turns bracketed paste off when it accepts an entry and on again
        when it shows the next prompt: that is how the end of the entry's output is found.
        """
        mark = len(self.raw)
        self.send(entry + ENTER)

        def finished(_: str) -> bool:
            tail = self.raw[mark:]
            accepted = tail.find(_PASTE_OFF)
            return accepted >= 0 and _PASTE_ON in tail[accepted:] and self.at_prompt(prompt)

        return self.wait_for(finished, timeout, step=step)

    def close(self) -> int | None:
        """Clear the line, press Ctrl-D and wait for the shell to exit; its exit status."""
        if self.child.isalive():
            self.send(CTRL_C)
            self.pump(0.2)
            self.send(CTRL_D)
            deadline = time.monotonic() + 30
            while self.child.isalive() and time.monotonic() < deadline:
                self.pump(0.1)
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close()
        return self.child.exitstatus
