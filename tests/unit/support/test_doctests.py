"""The examples in the runners' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "tests.support.cypher_script",
    "tests.support.logic_runner",
    "tests.support.render",
    "tests.support.temporal_text",
    "tests.support.update",
    "tests.tck.compare",
    "tests.tck.effects",
    "tests.tck.expected_errors",
    "tests.tck.expected_failures",
    "tests.tck.gherkin",
    "tests.tck.locate",
    "tests.tck.notation",
    "tests.tck.procedures",
    "tests.tck.report",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
    assert attempted > 0, f"{name} has no examples"
