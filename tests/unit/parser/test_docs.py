"""The examples in docs/language.md parse, and the error shown there is the real one."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

import engram.parser
import engram.parser.printer
from engram.errors import CypherSyntaxError
from engram.parser import parse
from engram.parser.printer import print_statement

DOC = Path(__file__).resolve().parents[3] / "docs" / "language.md"
_BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def _blocks(kind: str) -> list[str]:
    return [
        body for found, body in _BLOCK.findall(DOC.read_text(encoding="utf-8")) if found == kind
    ]


def _statements() -> list[str]:
    return [line for block in _blocks("cypher") for line in block.splitlines() if line.strip()]


def test_the_page_has_examples():
    assert len(_statements()) > 50


@pytest.mark.parametrize("statement", _statements())
def test_cypher_examples_parse(statement):
    parsed = parse(statement)
    assert parse(print_statement(parsed)) == parsed


def test_python_example_runs():
    (block,) = _blocks("python")
    namespace: dict[str, object] = {}
    exec(block, namespace)  # the documentation's own example
    claimed = re.search(r"# '(.*)'", block)
    assert claimed is not None
    assert print_statement(namespace["statement"]) == claimed.group(1)  # type: ignore[arg-type]


def test_error_example_is_the_real_message():
    (shown,) = _blocks("text")
    with pytest.raises(CypherSyntaxError) as info:
        parse("MATCH (p:Person) RETRUN p.name")
    assert str(info.value) == shown.rstrip("\n")


@pytest.mark.parametrize("module", [engram.parser, engram.parser.printer])
def test_docstring_examples_run(module):
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
