"""The examples in docs/temporal.md run and give the results the page shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engram.temporal.clock import TemporalContext
from tests.unit.temporal.mini_cypher import run
from tests.unit.temporal.tck_reader import parse_value
from tests.unit.temporal.test_tck_temporal import assert_matches

PAGE = Path(__file__).resolve().parents[3] / "docs" / "temporal.md"
_BLOCK = re.compile(r"```(?P<language>cypher|python)\n(?P<body>.*?)```", re.S)
_RESULT = re.compile(r"(?P<name>[\w.]+) = (?P<value>'(?:[^'\\]|\\.)*'|[^,]+)")


def _blocks(language: str) -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [match["body"] for match in _BLOCK.finditer(text) if match["language"] == language]


def test_the_page_has_examples():
    assert len(_blocks("cypher")) >= 10
    assert len(_blocks("python")) >= 3


@pytest.mark.parametrize("block", _blocks("cypher"), ids=lambda block: block.split("\n")[0][:50])
def test_cypher_examples(block: str):
    lines = block.strip().split("\n")
    query = "\n".join(line for line in lines if not line.startswith("//"))
    (result,) = [line[2:].strip() for line in lines if line.startswith("//")]
    expected = [(match["name"], match["value"].strip()) for match in _RESULT.finditer(result)]
    columns, values = run(query, TemporalContext.fixed(0))
    assert columns == [name for name, _ in expected]
    for value, (_, cell) in zip(values, expected, strict=True):
        assert_matches(value, parse_value(cell))


@pytest.mark.parametrize("block", _blocks("python"), ids=lambda block: block.split("\n")[-2][:50])
def test_python_examples(block: str):
    exec(compile(block, str(PAGE), "exec"), {})
