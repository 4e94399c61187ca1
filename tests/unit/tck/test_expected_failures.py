from __future__ import annotations

import pytest

from tests.tck.expected_failures import (
    EXPECTED_FAILURES,
    format_expected_failures,
    parse_expected_failures,
    read_expected_failures,
    regenerate,
    scenario_sort_key,
)
from tests.tck.gherkin import Scenario
from tests.tck.plugin import scenario_marks


def test_the_committed_list_is_well_formed():
    entries = read_expected_failures(EXPECTED_FAILURES)
    assert all(reason.strip() for reason in entries.values())
    assert all(".feature::" in scenario for scenario in entries)


def test_round_trip_and_natural_order():
    entries = {
        "clauses/b/B1.feature::[10]": "ten",
        "clauses/b/B1.feature::[2]::row10": "two, row ten",
        "clauses/b/B1.feature::[2]::row9": "two, row nine",
        "clauses/a/A1.feature::[1]": "a | with a bar",
    }
    text = format_expected_failures(entries)
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body == [
        "clauses/a/A1.feature::[1] | a | with a bar",
        "clauses/b/B1.feature::[2]::row9 | two, row nine",
        "clauses/b/B1.feature::[2]::row10 | two, row ten",
        "clauses/b/B1.feature::[10] | ten",
    ]
    assert parse_expected_failures(text) == entries


def test_long_and_multi_line_reasons_become_one_line():
    text = format_expected_failures({"x/X.feature::[1]": "first\nsecond " + "y" * 300})
    line = text.splitlines()[-1]
    assert line.startswith("x/X.feature::[1] | first second y")
    assert line.endswith("...")
    assert len(line) < 200


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x/X.feature::[1]\n", "write '<scenario id> | <reason>'"),
        ("x/X.feature::[1] |   \n", "write '<scenario id> | <reason>'"),
        ("x/X.feature::[1] | a\nx/X.feature::[1] | b\n", "listed twice"),
    ],
)
def test_malformed_lists(text, message):
    with pytest.raises(ValueError, match=message):
        parse_expected_failures(text)


def test_regenerate_keeps_reasons_and_drops_fixed_scenarios():
    existing = {"a.feature::[1]": "hand-written reason", "a.feature::[2]": "now fixed"}
    failures = {"a.feature::[1]": "first line of the failure", "a.feature::[3]": "new failure"}
    assert regenerate(failures, existing) == {
        "a.feature::[1]": "hand-written reason",
        "a.feature::[3]": "new failure",
    }


def test_regenerate_after_a_partial_run_keeps_what_it_did_not_run():
    existing = {"a.feature::[1]": "kept, not run", "b.feature::[1]": "fixed"}
    result = regenerate({}, existing, selected=["b.feature::[1]"])
    assert result == {"a.feature::[1]": "kept, not run"}


def test_scenario_sort_key():
    ids = ["f::[10]", "f::[2]::row2", "f::[2]::row10", "f::[1]", "e::[3]"]
    assert sorted(ids, key=scenario_sort_key) == [
        "e::[3]",
        "f::[1]",
        "f::[2]::row2",
        "f::[2]::row10",
        "f::[10]",
    ]


def _scenario(tags=(), number="[1]"):
    return Scenario("clauses/match/Match1.feature", f"{number} x", number, None, 1, tags, ())


def _names(marks):
    return [(mark.name, mark.kwargs) for mark in marks]


def test_listed_scenarios_are_strict_xfails():
    marks = scenario_marks(
        _scenario(), {"clauses/match/Match1.feature::[1]": "no MATCH yet"}, engine=True
    )
    assert _names(marks) == [
        ("tck", {}),
        ("clauses_match", {}),
        ("xfail", {"strict": True, "reason": "no MATCH yet"}),
    ]


def test_ignore_tag_and_missing_engine_skip():
    listed = {"clauses/match/Match1.feature::[1]": "reason"}
    ignored = _names(scenario_marks(_scenario(tags=("@ignore",)), listed, engine=True))
    assert ignored[-1] == ("skip", {"reason": "tagged @ignore in the feature file"})
    no_engine = _names(scenario_marks(_scenario(), listed, engine=False))
    assert no_engine[-1][0] == "skip"
    assert "engine" in no_engine[-1][1]["reason"]
    plain = _names(scenario_marks(_scenario(), {}, engine=True))
    assert plain == [("tck", {}), ("clauses_match", {})]
