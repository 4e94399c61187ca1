from __future__ import annotations

from engram.errors import ErrorDetail, InternalError, SemanticError, Span
from tests.support.logic_runner import (
    error_block,
    expected_error_block_mismatch,
    expected_error_kind_mismatch,
    normalize_rows,
)
from tests.support.records import SortMode, Statement, parse_logic_file

QUERY = "MATCH (p:Person) RETURN nmae"


def undefined():
    return SemanticError(
        "unknown variable 'nmae'",
        detail=ErrorDetail.UNDEFINED_VARIABLE,
        span=Span(24, 28),
        hint="did you mean 'name'?",
    ).with_source(QUERY)


def statement(text):
    (record,) = parse_logic_file(text).records
    assert isinstance(record, Statement)
    return record


def test_error_block_is_message_source_and_caret():
    assert error_block(undefined()) == (
        "unknown variable 'nmae'",
        "1 | MATCH (p:Person) RETURN nmae",
        "  |                         ^^^^",
    )


def test_error_without_a_span_is_just_its_message():
    error = SemanticError("no variables in scope", detail=ErrorDetail.NO_VARIABLES_IN_SCOPE)
    assert error_block(error) == ("no variables in scope",)


def test_a_written_error_block_matches():
    record = statement(
        f"statement error {undefined().code}\n{QUERY}\n----\n"
        + "\n".join(error_block(undefined()))
        + "\n"
    )
    assert expected_error_kind_mismatch(record, undefined()) is None
    assert expected_error_block_mismatch(record, undefined()) is None


def test_the_hint_line_can_be_checked_too():
    record = statement(
        f"statement error\n{QUERY}\n----\nunknown variable\n1 | MATCH (p:Person) RETURN nmae\n"
        "  |                         ^^^^\n  = help: did you mean 'name'?\n"
    )
    assert expected_error_block_mismatch(record, undefined()) is None


def test_message_is_a_substring_match():
    assert (
        expected_error_block_mismatch(
            statement(f"statement error\n{QUERY}\n----\nunknown variable\n"), undefined()
        )
        is None
    )
    problem = expected_error_block_mismatch(
        statement(f"statement error\n{QUERY}\n----\nunknown label\n"), undefined()
    )
    assert problem is not None
    assert "does not contain 'unknown label'" in problem


def test_caret_position_is_exact():
    record = statement(
        f"statement error\n{QUERY}\n----\nunknown variable\n1 | MATCH (p:Person) RETURN nmae\n"
        "  |                        ^^^^\n"
    )
    problem = expected_error_block_mismatch(record, undefined())
    assert problem is not None
    assert problem.startswith("error location differs")


def test_codes_details_and_kinds_name_the_error():
    error = undefined()
    for name in (error.code, "UndefinedVariable", "SyntaxError.UndefinedVariable"):
        assert (
            expected_error_kind_mismatch(statement(f"statement error {name}\n{QUERY}\n"), error)
            is None
        )
    wrong = expected_error_kind_mismatch(statement(f"statement error E999\n{QUERY}\n"), error)
    assert wrong is not None
    assert wrong.startswith(f"expected error E999, got {error.code}")


def test_only_query_errors_satisfy_statement_error():
    problem = expected_error_kind_mismatch(
        statement(f"statement error\n{QUERY}\n"), InternalError("binder broke")
    )
    assert problem is not None
    assert problem.startswith("expected a query error, got InternalError")
    assert (
        expected_error_kind_mismatch(statement(f"statement error\n{QUERY}\n"), ValueError("x"))
        is not None
    )


def test_sort_modes():
    rows = ["b\t2", "a\t10", "a\t1"]
    assert normalize_rows(rows, SortMode.NOSORT) == ("b\t2", "a\t10", "a\t1")
    assert normalize_rows(rows, SortMode.ROWSORT) == ("a\t1", "a\t10", "b\t2")
    assert normalize_rows(rows, SortMode.VALUESORT) == ("1", "10", "2", "a", "a", "b")
