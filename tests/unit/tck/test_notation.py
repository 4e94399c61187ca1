from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.tck.compare import render_value, value_key
from tests.tck.gherkin import Table
from tests.tck.notation import (
    ExpectedNode,
    ExpectedPath,
    ExpectedRelationship,
    NotationError,
    PathStep,
    parse_value,
)
from tests.unit.tck.shared import all_scenarios


def _value_cells():
    """Every value cell of the visible suite: result rows, parameter values, procedure rows."""
    cells = []
    for scenario in all_scenarios():
        for step in scenario.steps:
            if not isinstance(step.argument, Table):
                continue
            rows = step.argument.rows
            if step.text.startswith("the result should be"):
                cells.extend(cell for row in rows[1:] for cell in row)
            elif step.text == "parameters are:":
                cells.extend(row[1] for row in rows)
            elif step.text.startswith("there exists a procedure"):
                cells.extend(cell for row in rows[1:] for cell in row)
    return cells


def test_every_value_cell_of_the_suite_parses():
    cells = _value_cells()
    # 4,706 result cells, 60 parameter values and 182 procedure cells after expansion
    assert len(cells) == 4948
    failures = []
    for cell in cells:
        try:
            parse_value(cell)
        except NotationError as error:
            failures.append(str(error))
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("null", None),
        ("true", True),
        ("false", False),
        ("0", 0),
        ("-42", -42),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("1.0", 1.0),
        ("-0.5", -0.5),
        ("3985764.3405892686", 3985764.3405892686),
        ("1.23456789e308", 1.23456789e308),
        ("1e3", 1000.0),
        ("2.5E-3", 0.0025),
        ("Inf", math.inf),
        ("-Inf", -math.inf),
        ("''", ""),
        ("'a b'", "a b"),
        (r"'it\'s'", "it's"),
        (r"'back\\slash'", "back\\slash"),
        (r"'\u00e9 stays'", r"\u00e9 stays"),
        ("'line\nbreak'", "line\nbreak"),
        ("'emoji 😀'", "emoji 😀"),
        ("[]", []),
        ("[ ]", []),
        ("[[]]", [[]]),
        ("[null]", [None]),
        ("[null, null]", [None, None]),
        ("{k: null}", {"k": None}),
        ("[1, 'a', [true, null]]", [1, "a", [True, None]]),
        ("{}", {}),
        ("{a: 1, `weird key`: [2]}", {"a": 1, "weird key": [2]}),
        ("{ nested : { x : 1.5 } }", {"nested": {"x": 1.5}}),
    ],
)
def test_scalars_lists_and_maps(text, value):
    parsed = parse_value(text)
    assert value_key(parsed) == value_key(value)
    assert type(parsed) is type(value)


def test_nan():
    assert math.isnan(parse_value("NaN"))


def test_integer_and_float_stay_distinct():
    assert type(parse_value("1")) is int
    assert type(parse_value("1.0")) is float


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("()", ExpectedNode()),
        ("(:A)", ExpectedNode(frozenset({"A"}))),
        ("(:B:A)", ExpectedNode(frozenset({"A", "B"}))),
        ("({num: 1})", ExpectedNode(frozenset(), {"num": 1})),
        (
            "(:A:B {name: 'x', num: 1})",
            ExpectedNode(frozenset({"A", "B"}), {"name": "x", "num": 1}),
        ),
        ("( :`odd label` )", ExpectedNode(frozenset({"odd label"}))),
    ],
)
def test_nodes(text, node):
    assert parse_value(text) == node


def test_relationship_needs_a_colon_right_after_the_bracket():
    assert parse_value("[:T]") == ExpectedRelationship("T")
    assert parse_value("[ :KNOWS {year: 1988}]") == ExpectedRelationship("KNOWS", {"year": 1988})
    assert parse_value("[1]") == [1]


def test_paths_keep_direction():
    assert parse_value("<()>") == ExpectedPath(ExpectedNode())
    path = parse_value("<(:A)-[:T]->(:B)<-[:S {w: 2}]-()>")
    assert path == ExpectedPath(
        ExpectedNode(frozenset({"A"})),
        (
            PathStep(ExpectedRelationship("T"), True, ExpectedNode(frozenset({"B"}))),
            PathStep(ExpectedRelationship("S", {"w": 2}), False, ExpectedNode()),
        ),
    )


def test_list_of_graph_elements():
    value = parse_value("[(:A), [:T], <(:A)-[:T]->(:B)>]")
    assert isinstance(value[0], ExpectedNode)
    assert isinstance(value[1], ExpectedRelationship)
    assert isinstance(value[2], ExpectedPath)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "'unterminated",
        "1 2",
        "[1,]",
        "{a 1}",
        "{a: 1, a: 2}",
        "[:A:B]",
        "(:A)-[:T]->(:B)",
        "9223372036854775808",
        "<(:A)-[:T]-(:B)>",
        "nul",
        "'a' 'b'",
    ],
)
def test_malformed_cells_are_rejected(text):
    with pytest.raises(NotationError):
        parse_value(text)


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()
)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True), children, max_size=4
        )
    ),
    max_leaves=12,
)


@given(_values)
def test_rendering_then_parsing_keeps_the_value(value):
    assert value_key(parse_value(render_value(value))) == value_key(value)


@given(
    st.frozensets(st.from_regex(r"[A-Z][a-z]{0,4}", fullmatch=True), max_size=3),
    st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), _scalars, max_size=3),
)
def test_rendering_then_parsing_keeps_nodes(labels, properties):
    node = ExpectedNode(labels, properties)
    assert value_key(parse_value(render_value(node))) == value_key(node)
