"""README's first quick-start command works in a fresh virtualenv (slow: it installs)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.repl.terminal import Terminal

ROOT = Path(__file__).resolve().parents[2]
NO_INDEX = re.compile(
    r"Could not find a version|NewConnectionError|Temporary failure in name resolution|"
    r"No matching distribution"
)


def _readme_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return block.strip().split("\n")[0]


@pytest.mark.slow
def test_readme_quick_start_in_a_fresh_virtualenv(tmp_path):
    command = _readme_command()
    assert command == "pip install -e . && engram shell --demo"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    terminal = Terminal(
        ["-c", f"cd {ROOT} && {command}"],
        home=tmp_path,
        program="bash",
        env={"PATH": path, "VIRTUAL_ENV": str(venv), "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        rows=50,
    )
    try:
        terminal.wait_for(
            lambda _: terminal.at_prompt("demo> ") or not terminal.child.isalive(), 1800
        )
        if not terminal.child.isalive() and NO_INDEX.search(terminal.text()):
            pytest.skip("no package index reachable to install the dependencies")
        terminal.wait_for_prompt()
        screen = terminal.run("MATCH (m:Movie) RETURN count(m) AS films;")
        assert re.search(r"│\s+14 │", screen)
    finally:
        status = terminal.close()
    assert status == 0
