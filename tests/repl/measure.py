"""Measure the shell as a user feels it: start-up, typing, rendering, cancelling.

Run from the repository root: ``python -m tests.repl.measure [--repeat N]``. Every figure
is the best (and the median) of N runs, taken through a real pseudo-terminal or a real
process, so it includes what a user waits for: Python start-up, imports, the demo load,
prompt-toolkit's drawing. Nothing here is asserted; the figures go into the report and
docs/shell.md.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import engram
from engram.repl.core import ShellCore
from engram.repl.output import Printer
from engram.repl.render import Display, OutputFormat, render_rows
from tests.repl.terminal import CTRL_C, ENTER, TAB, Terminal

#: how often the screen is looked at while timing (the figures include up to this much)
STEP = 0.005
LONG_QUERY = "UNWIND range(1, 5000) AS x UNWIND range(1, 5000) AS y RETURN count(*);"


def _figure(name: str, samples: list[float]) -> None:
    best, median = min(samples), statistics.median(samples)
    print(f"{name:<58} best {best * 1000:9.3f} ms   median {median * 1000:9.3f} ms")


def _timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _startup(home: Path, args: list[str], prompt: str) -> tuple[float, float]:
    """Seconds to the first prompt, and the CPU seconds the process used from start to quit."""
    cpu = _children_cpu()
    start = time.perf_counter()
    terminal = Terminal(args, home=home)
    try:
        terminal.wait_for(lambda _: terminal.at_prompt(prompt), step=STEP)
        elapsed = time.perf_counter() - start
    finally:
        terminal.close()
    return elapsed, _children_cpu() - cpu


def _startup_figures(name: str, runs: list[tuple[float, float]]) -> None:
    _figure(name, [wall for wall, _ in runs])
    _figure("  CPU (user + sys) of that process, start to quit", [cpu for _, cpu in runs])


def _interactive(home: Path, repeat: int) -> None:
    _startup_figures(
        "engram shell (empty temporary database) to its prompt",
        [_startup(home, ["shell"], "temp> ") for _ in range(repeat)],
    )
    _startup_figures(
        "engram shell --demo to its prompt (demo graph loaded)",
        [_startup(home, ["shell", "--demo"], "demo> ") for _ in range(repeat)],
    )
    terminal = Terminal(["shell", "--demo"], home=home)
    try:
        terminal.wait_for_prompt()
        _figure(
            "RETURN 1; typed, Enter to the next prompt",
            [_timed(lambda: terminal.run("RETURN 1 AS one;", step=STEP)) for _ in range(repeat)],
        )
        _figure("Tab completes a label from the catalog", [_tab(terminal) for _ in range(repeat)])
        _figure(
            "Ctrl-C during a long query to 'cancelled'", [_cancel(terminal) for _ in range(repeat)]
        )
    finally:
        terminal.close()


def _tab(terminal: Terminal) -> float:
    terminal.send("MATCH (p:Pers")
    terminal.wait_for("MATCH (p:Pers")
    start = time.perf_counter()
    terminal.send(TAB)
    terminal.wait_for("MATCH (p:Person", step=STEP)
    elapsed = time.perf_counter() - start
    terminal.send(CTRL_C)
    terminal.wait_for_prompt()
    return elapsed


def _cancel(terminal: Terminal) -> float:
    mark = terminal.text().count("cancelled: the statement changed nothing")
    terminal.send(LONG_QUERY + ENTER)
    terminal.wait_for("running")
    start = time.perf_counter()
    terminal.send(CTRL_C)
    terminal.wait_for(
        lambda s: s.count("cancelled: the statement changed nothing") > mark, step=STEP
    )
    elapsed = time.perf_counter() - start
    terminal.wait_for_prompt()
    return elapsed


def _one_shot(home: Path, repeat: int) -> None:
    database = home / "one-shot.db"
    engram = [sys.executable, "-m", "engram.cli"]
    subprocess.run([*engram, "query", str(database), "RETURN 1"], check=True, capture_output=True)

    def query(text: str, *extra: str) -> tuple[float, float]:
        cpu = _children_cpu()
        start = time.perf_counter()
        subprocess.run(
            [*engram, "query", str(database), text, *extra], check=True, capture_output=True
        )
        return time.perf_counter() - start, _children_cpu() - cpu

    _startup_figures(
        "engram query DB 'RETURN 1' (process start to exit)",
        [query("RETURN 1") for _ in range(repeat)],
    )
    rows = "UNWIND range(1, 100000) AS i RETURN i, 'name ' + toString(i) AS name, i * 0.5 AS half"
    for output in ("table", "csv", "jsonl"):
        _startup_figures(
            f"engram query, 100,000 rows x 3 columns, --format {output}",
            [query(rows, "--format", output) for _ in range(repeat)],
        )


def _in_process(home: Path, repeat: int) -> None:
    database = engram.open(home / "in-process.db")
    core = ShellCore(database, Printer(io.StringIO(), io.StringIO()), name="measure")
    try:
        core.execute("RETURN 1 AS one;")
        _figure(
            "shell statement RETURN 1 (in process, x1000, per statement)",
            [_timed(lambda: _repeat(core, 1000)) / 1000 for _ in range(repeat)],
        )
        _figure(
            "db.execute RETURN 1 alone (in process, x1000, per statement)",
            [_timed(lambda: _repeat_engine(database, 1000)) / 1000 for _ in range(repeat)],
        )
    finally:
        core.close()
        database.close()


def _repeat(core: ShellCore, times: int) -> None:
    for _ in range(times):
        core.execute("RETURN 1 AS one;")


def _repeat_engine(database: engram.Database, times: int) -> None:
    for _ in range(times):
        database.execute("RETURN 1 AS one").rows()


def _rendering(repeat: int) -> None:
    columns = ["id", "name", "tags", "score"]
    rows = [
        (i, f"person number {i}", [f"tag{i % 7}", f"tag{i % 11}"], i / 3) for i in range(10_000)
    ]
    display = Display(width=100)
    for output in OutputFormat:
        _figure(
            f"render 10,000 rows x 4 columns as {output.value} (in process)",
            [
                _timed(lambda output=output: render_rows(columns, rows, output, display))
                for _ in range(repeat)
            ],
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (default 5)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="engram-measure-") as home:
        _interactive(Path(home), args.repeat)
        _one_shot(Path(home), args.repeat)
        _in_process(Path(home), args.repeat)
    _rendering(args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
