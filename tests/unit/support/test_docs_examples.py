"""The examples in docs/testing.md are valid: `.test` blocks parse, list lines parse."""

from __future__ import annotations

import re

from tests.support.records import parse_logic_file
from tests.tck.expected_failures import parse_expected_failures
from tests.tck.locate import REPO_ROOT

TESTING = REPO_ROOT / "docs" / "testing.md"


def blocks(language):
    text = TESTING.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.DOTALL)


def test_test_format_examples_parse():
    examples = blocks("test")
    assert examples
    for example in examples:
        parsed = parse_logic_file(example, "docs/testing.md")
        assert parsed.records


def test_expected_failure_examples_parse():
    examples = blocks("text")
    assert examples
    for example in examples:
        assert parse_expected_failures(example)
