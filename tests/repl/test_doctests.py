"""The examples in the shell's docstrings (and the API's language lists) run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "engram.api",
    "engram.repl.completer",
    "engram.repl.hints",
    "engram.repl.plans",
    "engram.repl.render",
    "engram.repl.scanner",
    "engram.repl.table",
    "engram.repl.values",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
    assert attempted > 0, f"{name} has no examples"
