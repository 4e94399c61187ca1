"""The real `engram shell --demo` in a pseudo-terminal: what a user types and sees."""

from __future__ import annotations

import re
import sys

import pexpect
import pytest

from tests.repl.terminal import CTRL_D, CTRL_R, ENTER, TAB, UP, Terminal

LONG_QUERY = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y RETURN count(*) AS n;"


@pytest.fixture
def shell(tmp_path):
    terminal = Terminal(["shell", "--demo"], home=tmp_path)
    terminal.wait_for_prompt()
    yield terminal
    terminal.close()


def _rows_after(screen: str, marker: str) -> list[str]:
    """The screen lines after the last line containing `marker`."""
    lines = screen.split("\n")
    last = max(index for index, line in enumerate(lines) if marker in line)
    return lines[last + 1 :]


def test_multiline_statement_runs_when_ended_with_semicolon(shell):
    shell.send("MATCH (p:Person)-[:ACTED_IN]->(m:Movie)" + ENTER)
    screen = shell.wait_for(" ...>")
    assert "│ n" not in screen
    screen = shell.run("WHERE m.released < 2000 RETURN count(*) AS n;")
    after = _rows_after(screen, "WHERE m.released < 2000")
    assert any(re.fullmatch(r"│\s+28 │", line) for line in after), screen
    assert any(line.startswith("1 row · ") for line in after), screen


def test_tab_completes_a_label_from_the_catalog(shell):
    shell.send("MATCH (p:Pe" + TAB)
    shell.wait_for("MATCH (p:Person")
    screen = shell.run(") RETURN count(p) AS people;")
    after = _rows_after(screen, "RETURN count(p) AS people")
    assert any(re.fullmatch(r"│\s+33 │", line) for line in after), screen


def test_syntax_error_shows_a_caret_under_the_mistake(shell):
    screen = shell.run("MATCH (n:Person) RETRUN n.name;")
    lines = screen.split("\n")
    source = next(index for index, line in enumerate(lines) if line.endswith("RETRUN n.name"))
    assert lines[source].startswith("1 | ")
    caret_line = lines[source + 1]
    column = lines[source].index("RETRUN")
    assert caret_line[column : column + 6] == "^^^^^^"
    assert caret_line[:column].strip() == "|"
    assert "SyntaxError" in screen
    # the caret is drawn in colour on a terminal
    assert "\x1b[1;31m^^^^^^" in shell.raw
    # and the shell carries on
    screen = shell.run("RETURN 40 + 2 AS answer;")
    assert any(re.fullmatch(r"│\s+42 │", line) for line in _rows_after(screen, "40 + 2"))


def test_param_then_a_query_using_it(shell):
    screen = shell.run(":param name => 'Tom' + ' Hanks'")
    assert "$name = 'Tom Hanks'" in screen
    screen = shell.run("MATCH (p:Person {name: $name}) RETURN p.born AS born;")
    assert any(re.fullmatch(r"│\s+1956 │", line) for line in _rows_after(screen, "p.born AS"))
    screen = shell.run(":params")
    assert any("$name" in line and "'Tom Hanks'" in line for line in screen.split("\n"))


def test_explain_draws_the_plan_as_a_tree(shell):
    screen = shell.run(":explain MATCH (p:Person {name: 'Tom Hanks'})-[:ACTED_IN]->(m) RETURN m")
    after = _rows_after(screen, ":explain")
    header = next(line for line in after if "Operator" in line)
    assert "Est. rows" in header
    assert any("ProduceResults" in line for line in after)
    assert any("└─ " in line and "Expand" in line for line in after)
    assert any("IndexSeek" in line and "person_name" in line for line in after)


def test_ctrl_c_cancels_a_long_query_and_the_shell_stays_usable(shell):
    shell.send(LONG_QUERY + ENTER)
    # the progress line appears once the statement has run for a second
    shell.wait_for(lambda screen: "running" in screen and "Ctrl-C cancels" in screen)
    shell.interrupt()
    screen = shell.wait_for("cancelled: the statement changed nothing")
    assert "Traceback" not in screen
    shell.wait_for_prompt()
    screen = shell.run("MATCH (m:Movie) RETURN count(m) AS films;")
    assert any(re.fullmatch(r"│\s+14 │", line) for line in _rows_after(screen, "AS films"))


def test_three_ctrl_c_abandon_a_statement_that_does_not_stop(shell):
    # one expression that runs for many seconds (tens under load) without reaching a
    # batch boundary, in little memory
    shell.send(
        "RETURN reduce(s = 0, x IN range(1, 4000) | "
        "s + reduce(t = 0, y IN range(1, 4000) | t + y)) AS total;" + ENTER
    )
    shell.wait_for("running")
    shell.interrupt()
    shell.wait_for("cancelling the statement…")
    shell.interrupt()
    shell.wait_for("press Ctrl-C once more to quit engram")
    shell.interrupt()
    shell.wait_for("abandoned the statement; quitting")
    shell.child.expect(pexpect.EOF, timeout=30)
    shell.child.close()
    assert shell.child.exitstatus == 130


def test_begin_then_rollback_leaves_nothing(shell):
    screen = shell.run(":begin", prompt="demo[tx]> ")
    assert "transaction open" in screen
    screen = shell.run("CREATE (:Scratch {n: 1}), (:Scratch {n: 2});", prompt="demo[tx]> ")
    assert "2 nodes created" in screen
    screen = shell.run("MATCH (s:Scratch) RETURN count(s) AS inside;", prompt="demo[tx]> ")
    assert any(re.fullmatch(r"│\s+2 │", line) for line in _rows_after(screen, "AS inside"))
    screen = shell.run(":rollback")
    assert "rolled back" in screen
    screen = shell.run("MATCH (s:Scratch) RETURN count(s) AS after;")
    assert any(re.fullmatch(r"│\s+0 │", line) for line in _rows_after(screen, "AS after"))


def test_unclosed_bracket_is_marked_while_typing(shell):
    shell.send("RETURN [1, (2")
    screen = shell.wait_for("unclosed bracket '(' at line 1, column 12")
    assert screen.split("\n")[-1].strip().startswith("unclosed bracket")
    # the bracket itself is drawn on red
    assert re.search(r"\x1b\[[0-9;]*41[0-9;]*m\(", shell.raw)
    shell.send(")]" + ENTER)
    # not complete without ';': Enter continued the statement instead of running it
    shell.wait_for(" ...>")
    screen = shell.run(";")
    assert any("[1, 2]" in line for line in _rows_after(screen, "RETURN [1, (2"))


def test_unknown_command_suggests_the_nearest(shell):
    screen = shell.run(":shema")
    assert "unknown command ':shema'" in screen
    assert "did you mean :schema?" in screen


def test_ctrl_d_quits(tmp_path):
    terminal = Terminal(["shell"], home=tmp_path)
    terminal.wait_for_prompt("temp> ")
    terminal.send(CTRL_D)
    terminal.child.expect(pexpect.EOF, timeout=30)
    terminal.child.close()
    assert terminal.child.exitstatus == 0


def test_history_persists_and_up_recalls(tmp_path):
    first = Terminal(["shell", "--demo"], home=tmp_path)
    first.wait_for_prompt()
    first.run("RETURN 'remember me' AS note;")
    assert first.close() == 0
    assert "RETURN 'remember me' AS note;" in (tmp_path / "history").read_text()
    second = Terminal(["shell", "--demo"], home=tmp_path)
    second.wait_for_prompt()
    second.send(UP)
    second.wait_for("demo> RETURN 'remember me' AS note;")
    assert second.close() == 0


def test_ctrl_r_searches_the_history_and_enter_takes_the_entry(shell):
    shell.run("RETURN 'remember me' AS note;")
    shell.run("RETURN 'something else' AS other;")
    shell.send(CTRL_R)
    shell.pump(0.3)
    shell.send("remem")
    screen = shell.wait_for("I-search backward: remem")
    lines = screen.split("\n")
    search = next(i for i, line in enumerate(lines) if line.startswith("I-search backward"))
    prompt = [line for line in lines[:search] if line.startswith("demo>")][-1]
    assert prompt == "demo> RETURN 'remember me' AS note;"
    shell.send(ENTER)
    # the entry found is in the buffer, ready to edit or run
    shell.wait_for(lambda _: shell.at_prompt("demo> RETURN 'remember me' AS note;"))
    screen = shell.run("")
    assert len(re.findall(r"│ 'remember me' │", screen)) == 2


def test_engram_repl_run_starts_the_shell_on_an_open_database(tmp_path):
    script = (
        "import sys, engram, engram.repl\n"
        "with engram.open() as db:\n"
        "    db.execute(\"CREATE (:Note {text: 'from python'})\")\n"
        "    code = engram.repl.run(db, name='mine', welcome='hello from python')\n"
        "    print('database still open:', db.execute('MATCH (n) RETURN count(n)').scalar())\n"
        "sys.exit(code)\n"
    )
    terminal = Terminal(["-c", script], home=tmp_path, program=sys.executable)
    terminal.wait_for_prompt("mine> ")
    assert "hello from python" in terminal.text()
    screen = terminal.run("MATCH (n:Note) RETURN n.text AS text;", prompt="mine> ")
    assert "│ 'from python' │" in screen
    terminal.send(CTRL_D)
    terminal.wait_for("database still open: 1")
    terminal.child.expect(pexpect.EOF, timeout=30)
    terminal.child.close()
    assert terminal.child.exitstatus == 0
