"""Statement ends, open quotes and brackets, and script splitting (repl/scanner.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.repl.scanner import is_complete, scan, split_script


@pytest.mark.parametrize(
    ("text", "complete"),
    [
        ("", True),
        ("   \n  ", True),
        ("RETURN 1;", True),
        ("RETURN 1;  // trailing comment", True),
        ("RETURN 1; /* block */  ", True),
        ("MATCH (n)\nRETURN n", False),
        ("RETURN 'a;'", False),
        ("RETURN 'a;", False),
        ("RETURN [1, 2;", False),
        ("RETURN 1 // ;", False),
        ("RETURN `we;ird`", False),
        ("RETURN 1; RETURN 2", False),
        (":help", True),
        ("  :param x => 1", True),
        (":param x => [1,", False),
        (":param x => 'open", False),
    ],
)
def test_is_complete(text, complete):
    assert is_complete(text) is complete


def test_openings_are_reported_outermost_first_with_offsets():
    result = scan("MATCH (n {k: [1, 'x")
    assert [(o.offset, o.text) for o in result.openings] == [
        (6, "("),
        (9, "{"),
        (13, "["),
        (17, "'"),
    ]
    assert result.in_literal


def test_escaped_quotes_and_doubled_backticks_do_not_close():
    assert scan(r"RETURN 'it\'s'").openings == ()
    assert scan("RETURN `a``b`").openings == ()
    assert [o.text for o in scan('RETURN "say \\"hi').openings] == ['"']


def test_stray_and_mismatched_closers():
    assert scan("RETURN 1)").stray == (8,)
    result = scan("RETURN [1)")
    assert result.stray == (9,)
    assert [o.text for o in result.openings] == ["["]


def test_comments_hide_brackets_and_semicolons():
    result = scan("RETURN 1 // (;\n/* [ ; */ ;")
    assert result.openings == ()
    assert result.ends == (25,)
    assert [o.text for o in scan("RETURN /* (").openings] == ["/*"]


def test_split_script_pieces_and_lines():
    script = (
        "// setup\n"
        ":param n => {a: 1,\n"
        "  b: 2}\n"
        "CREATE (:T {v: ';'});\n"
        "\n"
        "MATCH (t:T)  // ;\n"
        "RETURN t;;\n"
        ":format csv;\n"
        "RETURN 1"
    )
    pieces = [(piece.text, piece.line, piece.is_command) for piece in split_script(script)]
    assert pieces == [
        (":param n => {a: 1,\n  b: 2}", 2, True),
        ("CREATE (:T {v: ';'})", 4, False),
        ("MATCH (t:T)  // ;\nRETURN t", 6, False),
        (":format csv", 8, True),
        ("RETURN 1", 9, False),
    ]


_NOISE = ("// c;\n", "/* ; */", " ")
_FRAGMENTS = st.sampled_from(["MATCH (n)", "RETURN n", "'a;b'", '"x;"', "`q;`", "[1, 2]", *_NOISE])


@settings(deadline=None)
@given(st.lists(st.lists(_FRAGMENTS, min_size=1, max_size=6), min_size=1, max_size=5))
def test_split_script_finds_every_statement(statements):
    script = ";\n".join(" ".join(fragments) for fragments in statements) + ";"
    expected = []
    for fragments in statements:
        # comments before a statement are dropped with the whitespace around it
        while fragments and fragments[0] in _NOISE:
            fragments = fragments[1:]
        if fragments:
            expected.append(" ".join(fragments).strip())
    assert [piece.text for piece in split_script(script)] == expected


@settings(deadline=None)
@given(st.text())
def test_scan_accepts_any_text(text):
    result = scan(text)
    assert len(result.code) == len(text)
    assert all(0 <= offset < len(text) for offset in result.stray + result.ends)
    assert isinstance(is_complete(text), bool)
    for piece in split_script(text):
        assert piece.text
        assert piece.line >= 1
