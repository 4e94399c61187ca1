"""Every scenario of the TCK's expressions/temporal features, evaluated on the library.

The queries there are pure expressions over temporal function calls, so a tiny evaluator
(`mini_cypher`, a test aid) runs them directly against `engram.temporal`; stored values
(Temporal4) go through the storage codec and back. When the query engine exists, the
real TCK runner in tests/tck covers the same scenarios end to end.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from engram.temporal.base import TemporalValue
from engram.temporal.clock import TemporalContext
from engram.temporal.codec import decode, encode, kind_code
from tests.unit.temporal.mini_cypher import create_property, run
from tests.unit.temporal.tck_reader import Scenario, parse_value, temporal_scenarios

SCENARIOS = temporal_scenarios()
_MISSING = "openCypher TCK feature files not found (set ENGRAM_TCK_DIR or add ../shared/tck)"


def _params() -> list[Any]:
    if not SCENARIOS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=_MISSING), id="no-tck")]
    return [pytest.param(scenario, id=scenario.test_id) for scenario in SCENARIOS]


def assert_matches(actual: Any, expected: Any) -> None:
    """TCK comparison: temporal values by their canonical text, the rest by type."""
    if isinstance(actual, TemporalValue):
        assert isinstance(expected, str), f"expected {expected!r}, got temporal {actual}"
        assert str(actual) == expected
    elif isinstance(actual, list):
        assert isinstance(expected, list)
        assert len(actual) == len(expected), f"{actual} vs {expected}"
        for item, wanted in zip(actual, expected, strict=True):
            assert_matches(item, wanted)
    elif isinstance(expected, float) and math.isnan(expected):
        assert isinstance(actual, float)
        assert math.isnan(actual)
    else:
        assert type(actual) is type(expected), f"{actual!r} vs {expected!r}"
        assert actual == expected


def _stored(value: Any) -> Any:
    """A property value after a trip through the storage codec."""
    if isinstance(value, list):
        return [_stored(item) for item in value]
    if isinstance(value, TemporalValue):
        return decode(kind_code(value), encode(value))
    return value


def _query(scenario: Scenario, text: str) -> str:
    return next(step.doc or "" for step in scenario.steps if step.text == text)


def _tables(scenario: Scenario) -> list[list[list[str]]]:
    return [
        step.table
        for step in scenario.steps
        if step.text.startswith("the result should be") and step.table is not None
    ]


@pytest.mark.parametrize("scenario", _params())
def test_tck_temporal_scenario(scenario: Scenario) -> None:
    context = TemporalContext.fixed()
    query = _query(scenario, "executing query:")
    (table,) = _tables(scenario)
    header, *rows = table
    assert len(rows) == 1, "every temporal scenario returns one row"
    if query.lstrip().upper().startswith("CREATE"):
        columns, values = header, [_stored(create_property(query, context))]
    else:
        columns, values = run(query, context)
    assert columns == header
    for actual, cell in zip(values, rows[0], strict=True):
        assert_matches(actual, parse_value(cell))


def test_all_temporal_feature_files_were_read() -> None:
    if not SCENARIOS:
        pytest.skip(_MISSING)
    features = {scenario.feature for scenario in SCENARIOS}
    assert len(features) >= 7
    assert all(scenario.steps for scenario in SCENARIOS)
