from __future__ import annotations

import pickle

from engram.errors import (
    ErrorDetail,
    ErrorKind,
    Phase,
    QueryRuntimeError,
    SemanticError,
    Span,
    render_diagnostic,
)


def test_caret_under_span():
    query = "MATCH (p:Person) RETURN nmae"
    error = SemanticError(
        "unknown variable 'nmae'",
        detail=ErrorDetail.UNDEFINED_VARIABLE,
        span=Span(24, 28),
        hint="did you mean 'p'?",
    ).with_source(query)
    assert error.line == 1
    assert error.column == 25
    assert error.kind == ErrorKind.SYNTAX_ERROR
    assert error.phase == Phase.COMPILE
    text = str(error)
    lines = text.splitlines()
    assert lines[0].startswith("SyntaxError (UndefinedVariable) [E2")
    assert "1 | MATCH (p:Person) RETURN nmae" in lines
    assert "  |                         ^^^^" in lines
    assert lines[-1] == "  = help: did you mean 'p'?"


def test_multiline_query_shows_offending_line():
    query = "MATCH (a)\nWHERE a.x = 1\nRETURN b"
    error = SemanticError(
        "unknown variable 'b'", detail=ErrorDetail.UNDEFINED_VARIABLE, span=Span(31, 32)
    ).with_source(query)
    assert (error.line, error.column) == (3, 8)
    assert "3 | RETURN b" in str(error)
    assert "  |        ^" in str(error)


def test_color_only_on_request():
    error = QueryRuntimeError(
        "division by zero",
        detail=ErrorDetail.DIVISION_BY_ZERO,
        kind=ErrorKind.ARITHMETIC_ERROR,
        span=Span(7, 12),
    ).with_source("RETURN 1 / 0")
    assert "\x1b[" not in render_diagnostic(error)
    assert "\x1b[" in render_diagnostic(error, color=True)
    assert error.phase == Phase.RUNTIME
    assert error.code.startswith("E4")


def test_long_line_is_windowed():
    query = "RETURN " + "1 + " * 100 + "x"
    error = SemanticError(
        "unknown variable 'x'",
        detail=ErrorDetail.UNDEFINED_VARIABLE,
        span=Span(len(query) - 1, len(query)),
    ).with_source(query)
    source_line = next(line for line in str(error).splitlines() if line.startswith("1 |"))
    assert len(source_line) < 120
    caret_line = str(error).splitlines()[-1]
    assert caret_line.index("^") == source_line.index("x")


def test_errors_pickle():
    error = SemanticError("x", detail=ErrorDetail.UNDEFINED_VARIABLE, span=Span(0, 1))
    copy = pickle.loads(pickle.dumps(error))
    assert copy.detail == error.detail
    assert copy.span == error.span
