"""The Python examples in docs/reliability.md run, and its crash-point table is complete."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engram.faults import POINTS

DOC = Path(__file__).resolve().parents[2] / "docs" / "reliability.md"
TEXT = DOC.read_text()
BLOCKS = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"example-{i}" for i in range(len(BLOCKS))])
def test_example_runs(code):
    exec(compile(code, str(DOC), "exec"), {})


def test_every_crash_point_is_documented():
    documented = set(re.findall(r"^\| `([a-z_.]+)` \|", TEXT, flags=re.M))
    assert set(POINTS) <= documented
