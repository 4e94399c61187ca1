"""Values, tables and output formats (repl/values.py, repl/table.py, repl/render.py)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

import engram
from engram import Node, Path, Relationship, ResultStats
from engram.repl.render import (
    Display,
    OutputFormat,
    ShellError,
    render_error,
    render_rows,
    render_summary,
    time_text,
)
from engram.repl.table import fit_widths
from engram.repl.values import to_json, value_text

ADA = Node(1, frozenset({"Person", "Admin"}), {"name": "Ada", "age": 36})
BOB = Node(2, frozenset({"Person"}), {"name": "Bob"})
KNOWS = Relationship(7, "KNOWS", 1, 2, {"since": 2020})
BACK = Relationship(8, "KNOWS", 2, 1, {})


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (-3, "-3"),
        (1.5, "1.5"),
        (float("nan"), "NaN"),
        (float("-inf"), "-Infinity"),
        ("it's", "'it\\'s'"),
        ("two\nlines\ttab", "'two\\nlines\\ttab'"),
        ("red\x1b[31m bell\x07 csi\x9b", "'red\\u001b[31m bell\\u0007 csi\\u009b'"),
        ("back\\slash", "'back\\\\slash'"),
        ([1, "a", None], "[1, 'a', null]"),
        ({"b": 1, "a": [True]}, "{a: [true], b: 1}"),
        (ADA, "(:Admin:Person {age: 36, name: 'Ada'})"),
        (Node(3), "()"),
        (KNOWS, "[:KNOWS {since: 2020}]"),
        (
            Path((ADA, BOB), (KNOWS,)),
            "<(:Admin:Person {age: 36, name: 'Ada'})-[:KNOWS {since: 2020}]->"
            "(:Person {name: 'Bob'})>",
        ),
        (
            Path((ADA, BOB), (BACK,)),
            "<(:Admin:Person {age: 36, name: 'Ada'})<-[:KNOWS]-(:Person {name: 'Bob'})>",
        ),
        (datetime.date(2024, 2, 29), "2024-02-29"),
        (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), "2024-01-02T03:04:05Z"),
    ],
)
def test_value_text_is_tck_style(value, text):
    assert value_text(value) == text


def test_temporal_values_from_the_engine_print_as_cypher_text():
    with engram.open() as db:
        row = db.execute(
            "RETURN datetime('2015-07-21T21:40:32.142+01:00') AS dt, duration('P1Y2DT3H') AS d,"
            " localtime('12:30') AS t"
        ).single()
    assert [value_text(value) for value in row] == [
        "2015-07-21T21:40:32.142+01:00",
        "P1Y2DT3H",
        "12:30",
    ]


def test_to_json_shapes():
    assert to_json(Path((ADA, BOB), (KNOWS,))) == {
        "nodes": [
            {"id": 1, "labels": ["Admin", "Person"], "properties": {"age": 36, "name": "Ada"}},
            {"id": 2, "labels": ["Person"], "properties": {"name": "Bob"}},
        ],
        "relationships": [
            {"id": 7, "type": "KNOWS", "start": 1, "end": 2, "properties": {"since": 2020}}
        ],
    }
    assert to_json([float("inf"), datetime.date(2020, 1, 1)]) == ["Infinity", "2020-01-01"]


COLUMNS = ["name", "age", "node"]
ROWS = [("Ada", 36, ADA), ("Bob|x", None, BOB)]


def test_csv():
    assert render_rows(COLUMNS, ROWS, OutputFormat.CSV, Display()) == (
        "name,age,node\n"
        "Ada,36,\"(:Admin:Person {age: 36, name: 'Ada'})\"\n"
        "Bob|x,,(:Person {name: 'Bob'})"
    )


def test_bare_strings_escape_control_characters_only():
    assert value_text("it's\x1b[2J", quote_strings=False) == "it's\\u001b[2J"


def test_csv_keeps_strings_as_they_are():
    rows = [('two\nlines, and "quotes"', "\x1b")]
    parsed = list(
        csv.reader(io.StringIO(render_rows(["a", "b"], rows, OutputFormat.CSV, Display())))
    )
    assert parsed == [["a", "b"], ['two\nlines, and "quotes"', "\x1b"]]


def test_json_and_jsonl_parse_back():
    parsed = json.loads(render_rows(COLUMNS, ROWS, OutputFormat.JSON, Display()))
    assert parsed[1] == {
        "name": "Bob|x",
        "age": None,
        "node": {"id": 2, "labels": ["Person"], "properties": {"name": "Bob"}},
    }
    lines = render_rows(COLUMNS, ROWS, OutputFormat.JSONL, Display()).split("\n")
    assert [json.loads(line)["name"] for line in lines] == ["Ada", "Bob|x"]
    assert render_rows(COLUMNS, [], OutputFormat.JSONL, Display()) == ""
    assert render_rows(COLUMNS, [], OutputFormat.JSON, Display()) == "[]"


def test_markdown_escapes_pipes_and_aligns_numbers():
    assert render_rows(COLUMNS, ROWS, OutputFormat.MARKDOWN, Display()) == (
        "| name | age | node |\n"
        "|---|---:|---|\n"
        "| 'Ada' | 36 | (:Admin:Person {age: 36, name: 'Ada'}) |\n"
        "| 'Bob\\|x' | null | (:Person {name: 'Bob'}) |"
    )


def test_table_at_natural_width_in_ascii():
    text = render_rows(
        ["name", "age"], [("Ada", 36), ("Bob", None)], OutputFormat.TABLE, Display(unicode=False)
    )
    assert text == (
        "+-------+------+\n"
        "| name  | age  |\n"
        "+-------+------+\n"
        "| 'Ada' |   36 |\n"
        "| 'Bob' | null |\n"
        "+-------+------+"
    )


def test_long_values_are_cut_with_a_marker():
    rows = [("x" * 200, 1)]
    text = render_rows(["text", "n"], rows, OutputFormat.TABLE, Display(width=40))
    lines = text.split("\n")
    assert all(cell_len(line) <= 40 for line in lines)
    assert "…" in lines[3]
    assert lines[3].endswith("│ 1 │")


def test_too_many_columns_hide_the_middle_ones():
    columns = [f"column_{index}" for index in range(12)]
    text = render_rows(columns, [tuple(range(12))], OutputFormat.TABLE, Display(width=60))
    header = text.split("\n")[1]
    cells = [cell.strip() for cell in header.strip("│").split("│")]
    assert cells[0].startswith("colum")
    assert "…" in cells
    assert len(cells) < 12
    assert all(cell_len(line) <= 60 for line in text.split("\n"))


def test_colour_dims_null_and_bolds_the_header():
    text = render_rows(["a"], [(None,)], OutputFormat.TABLE, Display(width=80, color=True))
    assert "\x1b[1ma" in text
    assert "\x1b[2mnull" in text


_CELLS = st.one_of(st.none(), st.integers(), st.text(max_size=60), st.floats(allow_nan=False))


@settings(deadline=None)
@given(
    st.integers(min_value=1, max_value=8).flatmap(
        lambda width: st.tuples(
            st.lists(st.text(min_size=1, max_size=12), min_size=width, max_size=width),
            st.lists(st.lists(_CELLS, min_size=width, max_size=width).map(tuple), max_size=5),
        )
    ),
    st.integers(min_value=30, max_value=160),
)
def test_tables_always_fit_the_width(table, width):
    columns, rows = table
    text = render_rows(columns, rows, OutputFormat.TABLE, Display(width=width))
    assert all(cell_len(line) <= width for line in text.split("\n")), text
    # no value can write a control character to the terminal
    assert not re.search("[\x00-\x09\x0b-\x1f\x7f-\x9f]", text), text


@settings(deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=300), min_size=1, max_size=10),
    st.integers(min_value=0, max_value=400),
)
def test_fit_widths_stays_within_the_space(natural, available):
    widths = fit_widths(natural, available)
    if widths is None:
        assert sum(min(width, 6) for width in natural) > available
        return
    assert sum(widths) <= available
    assert all(
        width <= max(natural_width, 6) for width, natural_width in zip(widths, natural, strict=True)
    )


def test_summary_and_time():
    assert render_summary(0, None) == "0 rows"
    assert render_summary(1, 0.5) == "1 row · 500.0 ms"
    stats = ResultStats(nodes_created=1, relationships_deleted=2, properties_set=1)
    assert render_summary(3, None, stats) == (
        "3 rows · 1 node created, 2 relationships deleted, 1 property set"
    )
    assert time_text(3725.0) == "62 min 5 s"
    assert math.isclose(float(time_text(0.0042).split()[0]), 4.2)


def test_errors_render_with_their_caret_or_hint():
    with engram.open() as db, pytest.raises(engram.QueryError) as caught:
        db.execute("MATCH (n) RETURN m")
    text = render_error(caught.value, color=False)
    assert text.split("\n")[-2:] == ["1 | MATCH (n) RETURN m", "  |                  ^"]
    shell_error = render_error(ShellError("unknown command ':x'", hint=":help lists"), color=False)
    assert shell_error == "error: unknown command ':x'\n  = help: :help lists"
    other = render_error(engram.TransactionError("no transaction"), color=True)
    assert other.startswith("\x1b[1;31mTransactionError")
