"""The examples in the query builder's docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "engram.builder",
    "engram.builder.expressions",
    "engram.builder.functions",
    "engram.builder.patterns",
    "engram.builder.query",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
    assert attempted > 0, f"{name} has no examples"
