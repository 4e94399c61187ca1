"""The prompt's keys and the interactive loop in-process: pipe input, a real VT100 output."""

from __future__ import annotations

import io

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from engram.repl.shell import Prompt, run_interactive
from tests.repl.support import session
from tests.repl.terminal import strip_ansi


def _output() -> tuple[Vt100_Output, io.StringIO]:
    screen = io.StringIO()
    output = Vt100_Output(
        screen, lambda: Size(rows=40, columns=100), term="xterm", enable_cpr=False
    )
    return output, screen


@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGRAM_HISTORY", str(tmp_path / "history"))
    with session() as shell:
        yield shell


@pytest.mark.parametrize(
    ("keys", "entry"),
    [
        ("MATCH (n)\rRETURN n;\r", "MATCH (n)\nRETURN n;"),
        ("RETURN 'a;\rb';\r", "RETURN 'a;\nb';"),
        ("RETURN 1;\x1b\rRETURN 2;\r", "RETURN 1;\nRETURN 2;"),
        (":help\r", ":help"),
        (":param m => {a: 1,\rb: 2}\r", ":param m => {a: 1,\nb: 2}"),
        ("  \r", "  "),
    ],
)
def test_enter_runs_complete_entries_and_continues_the_rest(shell, keys, entry):
    output, _ = _output()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        prompt = Prompt(shell.core, history=InMemoryHistory(), input=pipe, output=output)
        assert prompt.read() == entry


def test_the_prompt_shows_the_open_transaction(shell):
    output, screen = _output()
    shell.core.begin()
    with create_pipe_input() as pipe:
        pipe.send_text("RETURN 1;\r")
        Prompt(shell.core, history=InMemoryHistory(), input=pipe, output=output).read()
    assert "test[tx]> " in strip_ansi(screen.getvalue())
    # the transaction marker is yellow
    assert "\x1b[0;33;1m[tx]" in screen.getvalue()


def test_interactive_loop_until_ctrl_d(shell, tmp_path):
    output, _ = _output()
    keys = ":param x => 2\rRETURN $x * 21 AS answer;\rRETURN oops;\r\x03:quit\r"
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        code = run_interactive(shell.core, welcome="hello", input=pipe, output=output)
    assert code == 0
    out, err = shell.take()
    assert out.startswith("hello\n")
    assert "│     42 │" in out
    assert "variable 'oops' is not defined" in err
    history = (tmp_path / "history").read_text()
    assert "+RETURN $x * 21 AS answer;" in history
    assert shell.core.history is not None
    assert list(shell.core.history())[-1] == ":quit"


def test_ctrl_d_ends_the_loop(shell):
    output, _ = _output()
    with create_pipe_input() as pipe:
        pipe.send_text("\x04")
        assert run_interactive(shell.core, welcome="", input=pipe, output=output) == 0
