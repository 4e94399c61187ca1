"""The examples in the algorithm modules' docstrings run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "engram.algorithms.projection",
    "engram.algorithms.ranking",
    "engram.algorithms.structure",
    "engram.algorithms.community",
    "engram.algorithms.paths",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, attempted = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0
    assert attempted > 0, f"{name} has no examples"
