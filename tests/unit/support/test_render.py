from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.values import Node, Path, Relationship
from tests.support.records import parse_logic_file
from tests.support.render import render_row, render_value, type_matches


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "NULL"),
        ("", "(empty)"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        (-12, "-12"),
        (2**63 - 1, "9223372036854775807"),
        (1.0, "1.0"),
        (2.5, "2.5"),
        (1 / 3, "0.333333"),
        (2 / 3, "0.666667"),
        (-0.1, "-0.1"),
        (1e-9, "0.0"),
        (-1e-9, "0.0"),
        (-0.0, "-0.0"),
        (123456.0000001, "123456.0"),
        (1e20, "1e+20"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        ("Ada", "Ada"),
        ("it's", "it's"),
        ("tab\there", "tab\\there"),
        ("two\nlines", "two\\nlines"),
        ("   ", "'   '"),
        ([], "[]"),
        ([1, "a", None, 2.0, [True]], "[1, 'a', null, 2.0, [true]]"),
        (["it's", "back\\slash"], "['it\\'s', 'back\\\\slash']"),
        ({"b": 1, "a": "x"}, "{a: 'x', b: 1}"),
        ({"odd key": 1}, "{`odd key`: 1}"),
        ({}, "{}"),
        (dt.date(2020, 1, 2), "2020-01-02"),
        ([dt.date(2020, 1, 2)], "['2020-01-02']"),
        (dt.timedelta(seconds=90), "PT1M30S"),
    ],
)
def test_canonical_rendering(value, text):
    assert render_value(value) == text


def test_graph_elements():
    ada = Node(1, frozenset({"Person", "Admin"}), {"name": "Ada", "age": 36})
    grace = Node(2, frozenset({"Person"}), {"name": "Grace"})
    knows = Relationship(10, "KNOWS", 1, 2, {"since": 2020})
    assert render_value(ada) == "(:Admin:Person {age: 36, name: 'Ada'})"
    assert render_value(Node(3)) == "()"
    assert render_value(knows) == "[:KNOWS {since: 2020}]"
    assert render_value(Relationship(11, "T", 2, 1)) == "[:T]"
    path = Path((ada, grace, ada), (knows, Relationship(12, "LIKES", 1, 2)))
    assert render_value(path) == (
        "<(:Admin:Person {age: 36, name: 'Ada'})-[:KNOWS {since: 2020}]->(:Person {name: 'Grace'})"
        "<-[:LIKES]-(:Admin:Person {age: 36, name: 'Ada'})>"
    )


def test_rows_are_tab_separated():
    assert render_row([1, None, "", "x y"]) == "1\tNULL\t(empty)\tx y"


def test_values_outside_the_api_are_refused():
    with pytest.raises(TypeError, match="not a value of the public API"):
        render_value(np.float64(1.0))
    with pytest.raises(TypeError, match="not a value of the public API"):
        render_value(object())


@pytest.mark.parametrize(
    ("letter", "value", "fits"),
    [
        ("I", 1, True),
        ("I", True, False),
        ("I", 1.0, False),
        ("R", 1.0, True),
        ("R", 1, False),
        ("T", "x", True),
        ("B", False, True),
        ("B", 0, False),
        ("N", Node(1), True),
        ("E", Relationship(1, "T", 1, 2), True),
        ("P", Path((Node(1),)), True),
        ("L", [1], True),
        ("M", {"a": 1}, True),
        ("M", Node(1), False),
        ("?", object(), True),
        ("T", None, True),
    ],
)
def test_type_letters(letter, value, fits):
    assert type_matches(letter, value) is fits


@given(st.floats())
def test_floats_never_show_more_than_six_decimals(value):
    text = render_value(value)
    if "." in text and "e" not in text:
        assert len(text.split(".")[1]) <= 6


@given(
    st.lists(st.one_of(st.none(), st.text(), st.integers(), st.floats()), min_size=1, max_size=5)
)
def test_a_row_is_always_one_line_with_one_cell_per_value(values):
    row = render_row(values)
    assert "\n" not in row
    assert "\r" not in row
    assert row.count("\t") == len(values) - 1
    assert row.strip()
    # a rendered row survives the trip through a .test file's expected block
    text = f"query {'?' * len(values)}\nRETURN 1\n----\n{row}\n"
    (record,) = parse_logic_file(text).records
    assert record.expected == (row,)


@pytest.mark.parametrize(
    "text", ["\n", " \n", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "a\u2029b"]
)
def test_line_breaks_of_every_kind_stay_on_one_line(text):
    row = render_row([text])
    assert len(f"{row}x".splitlines()) == 1
