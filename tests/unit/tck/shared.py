"""Helpers shared by the TCK runner's unit tests: where the visible feature files are."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tck.gherkin import Scenario, expand, parse_feature_file
from tests.tck.locate import default_feature_dirs, feature_files


def shared_features() -> Path:
    """The visible TCK feature directory (not $ENGRAM_TCK_DIR); skips when it is absent."""
    for path in default_feature_dirs():
        if path.is_dir():
            return path
    pytest.skip(f"the openCypher TCK features are not at {default_feature_dirs()}")


def all_scenarios() -> list[Scenario]:
    """Every expanded scenario of the visible suite."""
    root = shared_features()
    return [
        scenario
        for path in feature_files(root)
        for scenario in expand(parse_feature_file(path, root))
    ]
