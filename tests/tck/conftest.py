"""Collect `test_tck.py` as the openCypher TCK suite (see tests/tck/plugin.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tck.plugin import TckSuite

_ANCHOR = Path(__file__).with_name("test_tck.py")


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.File | None:
    if module_path == _ANCHOR:
        return TckSuite.from_parent(parent, path=module_path)
    return None
