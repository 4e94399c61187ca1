"""Syntax errors name the offending text and what was expected, with a caret and a hint."""

from __future__ import annotations

import pytest

from engram.errors import CypherSyntaxError, ErrorDetail, ErrorKind, Phase, Span
from engram.parser import parse, parse_expression


def error_of(text: str) -> CypherSyntaxError:
    with pytest.raises(CypherSyntaxError) as info:
        parse(text)
    error = info.value
    assert error.kind is ErrorKind.SYNTAX_ERROR
    assert error.phase is Phase.COMPILE
    assert error.source == text
    return error


def spanned(error: CypherSyntaxError) -> str:
    assert error.span is not None
    assert error.source is not None
    return error.source[error.span.start : error.span.end]


def test_misspelt_keyword():
    error = error_of("MATCH (p:Person) RETRUN p.name")
    assert error.detail is ErrorDetail.UNEXPECTED_SYNTAX
    assert error.message.startswith("unexpected 'RETRUN', expected one of: RETURN, ")
    assert error.hint == "did you mean RETURN?"
    assert spanned(error) == "RETRUN"
    assert (error.line, error.column) == (1, 18)
    assert str(error) == (
        "SyntaxError (UnexpectedSyntax) [E101]: " + error.message + "\n"
        " --> query:1:18\n"
        "  |\n"
        "1 | MATCH (p:Person) RETRUN p.name\n"
        "  |                  ^^^^^^\n"
        "  = help: did you mean RETURN?"
    )


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("MATHC (n) RETURN n", "MATCH"),
        ("CREAT (n)", "CREATE"),
        ("MATCH (n) RETURN n ORDR BY n", "ORDER"),
    ],
)
def test_keyword_suggestions(text, keyword):
    assert error_of(text).hint == f"did you mean {keyword}?"


def test_keyword_glued_to_a_name_is_one_word():
    # without word boundaries `a ORb` would lex as `a OR b`
    error = error_of("RETURN a ORb")
    assert spanned(error) == "ORb"
    assert error.hint == "did you mean OR?"
    assert error_of("MATCH (n) RETURNn").hint == "did you mean RETURN?"


@pytest.mark.parametrize(
    ("text", "operator", "replacement"),
    [
        ("MATCH (n) WHERE n.x != 1 RETURN n", "!=", "<>"),
        ("RETURN a == b", "==", "="),
        ("RETURN a && b", "&&", "AND"),
        ("RETURN a || b", "||", "OR"),
    ],
)
def test_operators_from_other_languages(text, operator, replacement):
    error = error_of(text)
    assert spanned(error) == operator
    assert error.hint == f"use {replacement} instead of {operator}"


def test_expected_items_are_in_words():
    error = error_of("MATCH (n RETURN n")
    assert error.message == "unexpected 'RETURN', expected one of: ')', ':', '{', a parameter"
    assert error.hint == "missing ')' to close '(' at line 1, column 7"
    assert "RPAR" not in error.message
    assert error_of("RETURN 1 +").message == "unexpected end of input, expected an expression"
    assert error_of("RETURN count(*").hint == "missing ')' to close '(' at line 1, column 13"
    assert error_of("RETURN [1, 2").message.startswith(
        "unexpected end of input, expected one of: ']', ','"
    )
    message = error_of("MATCH (n:Person {name: 'x'}) RETURN n ORDER n.name").message
    assert message == "unexpected 'n', expected BY"


def test_end_of_input_caret_is_after_the_text():
    error = error_of("RETURN 1 +")
    assert error.span == Span(10, 10)
    assert error.column == 11


def test_unclosed_string_comment_and_name():
    error = error_of("RETURN 'abc")
    assert error.message == "unclosed string literal"
    assert spanned(error) == "'abc"
    assert error_of('RETURN "abc').hint == 'end the string with "'
    error = error_of("RETURN 1 /* never closed")
    assert error.message == "unclosed comment"
    assert spanned(error) == "/*"
    assert error_of("RETURN `abc").message == "unclosed backquoted name"


def test_sql_style_quote_doubling():
    error = error_of("WITH 'it''s' AS x RETURN x")
    assert error.message.startswith("unexpected string 's'")
    assert "escape it with a backslash" in (error.hint or "")


def test_reserved_words_are_names_where_no_keyword_fits():
    # openCypher reserves END, but where END cannot follow, the word is a plain name
    statement = parse("MATCH (n) RETURN n.x AS x, end")
    assert statement.body.clauses[1].projection.items[1].expression.name == "end"  # type: ignore[union-attr]
    assert error_of("MATCH (n) RETURN n, case").message.startswith("unexpected end of input")


@pytest.mark.parametrize(
    ("text", "char", "replacement"),
    [
        ("RETURN 42 \u2014 41", "\u2014", "'-'"),
        ("RETURN 1 \u00d7 2", "\u00d7", "'*'"),
        ("RETURN \u2018a\u2019", "\u2018", "'''"),
        ("RETURN 1 \u2260 2", "\u2260", "'<>'"),
    ],
)
def test_typographic_characters(text, char, replacement):
    error = error_of(text)
    assert error.detail is ErrorDetail.INVALID_UNICODE_CHARACTER
    assert spanned(error) == char
    assert error.hint == f"use {replacement} instead"
    assert f"U+{ord(char):04X}" in error.message


def test_invisible_characters():
    error = error_of("RETURN 1 \u200b")
    assert error.detail is ErrorDetail.INVALID_UNICODE_CHARACTER
    assert error.message == "invalid character '\\u200b' (U+200B ZERO WIDTH SPACE)"
    assert error.hint == "delete this invisible character"
    assert "'\\u0000'" in error_of("RETURN 1 \x00").message


@pytest.mark.parametrize("text", ["RETURN '\ud800'", "RETURN `a\udc00`", "RETURN 1 // \ud83d"])
def test_lone_surrogates_are_refused(text):
    error = error_of(text)
    assert error.detail is ErrorDetail.INVALID_UNICODE_CHARACTER
    assert "lone UTF-16 surrogate" in error.message
    assert spanned(error) in ("\ud800", "\udc00", "\ud83d")


def test_other_unicode_characters():
    error = error_of("RETURN 1 \u2603 2")
    assert error.detail is ErrorDetail.INVALID_UNICODE_CHARACTER
    assert error.message == "invalid character '\u2603' (U+2603 SNOWMAN)"


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (a)-[:LIKES..]->(c) RETURN c",
        "MATCH (a)-[:LIKES*-2]->(c) RETURN c",
        "MATCH (a)-[r:T(c) RETURN a",
    ],
)
def test_invalid_relationship_patterns(text):
    error = error_of(text)
    assert error.detail is ErrorDetail.INVALID_RELATIONSHIP_PATTERN
    assert error.message.startswith("invalid relationship pattern: unexpected")


@pytest.mark.parametrize(
    ("text", "detail", "bad"),
    [
        ("RETURN 9223372036854775808", ErrorDetail.INTEGER_OVERFLOW, "9223372036854775808"),
        ("RETURN -9223372036854775809", ErrorDetail.INTEGER_OVERFLOW, "9223372036854775809"),
        ("RETURN -(9223372036854775808)", ErrorDetail.INTEGER_OVERFLOW, "9223372036854775808"),
        ("RETURN 0x8000000000000000", ErrorDetail.INTEGER_OVERFLOW, "0x8000000000000000"),
        ("RETURN 1.34E999", ErrorDetail.FLOATING_POINT_OVERFLOW, "1.34E999"),
        ("RETURN 9223372h54775808", ErrorDetail.INVALID_NUMBER_LITERAL, "9223372h54775808"),
        ("RETURN 0X1F", ErrorDetail.INVALID_NUMBER_LITERAL, "0X1F"),
        ("RETURN 0o9", ErrorDetail.INVALID_NUMBER_LITERAL, "0o9"),
        ("RETURN 012", ErrorDetail.INVALID_NUMBER_LITERAL, "012"),
        ("RETURN 1e", ErrorDetail.INVALID_NUMBER_LITERAL, "1e"),
        ("RETURN '\\uH'", ErrorDetail.INVALID_UNICODE_LITERAL, "\\uH"),
        ("RETURN '\\u12'", ErrorDetail.INVALID_UNICODE_LITERAL, "\\u12"),
        ("RETURN 'x\\U0011FFFF'", ErrorDetail.INVALID_UNICODE_LITERAL, "\\U0011FFFF"),
        ("RETURN '\\uD800'", ErrorDetail.INVALID_UNICODE_LITERAL, "'\\uD800'"),
        ("RETURN 'a\\qb'", ErrorDetail.UNEXPECTED_SYNTAX, "\\q"),
    ],
)
def test_literal_errors(text, detail, bad):
    error = error_of(text)
    assert error.detail is detail
    assert spanned(error) == bad


def test_numbers_in_the_wrong_place():
    error = error_of("RETURN {1B2c3e67: 1}")
    assert error.detail is ErrorDetail.UNEXPECTED_SYNTAX
    assert error.message == "unexpected '1B2c3e67', expected one of: '}', an identifier"


@pytest.mark.parametrize(
    "text",
    [
        "RETURN [, ] AS literal",
        "RETURN [[[]] AS literal",
        "RETURN {k1#k: 1}",
        "RETURN {k1.k: 1}",
        "RETURN {1}",
        "RETURN {{}}",
        "",
        ";",
        "   ",
        "RETURN",
        "MATCH (n) RETURN n; RETURN 1",
        "RETURN 1 AS",
        "MATCH (n)-[r]->() WHERE RETURN n",
        "\x00",
    ],
)
def test_unexpected_syntax(text):
    assert error_of(text).detail is ErrorDetail.UNEXPECTED_SYNTAX


def test_parse_expression_errors_carry_the_text():
    with pytest.raises(CypherSyntaxError) as info:
        parse_expression("1 +")
    assert info.value.source == "1 +"
    with pytest.raises(CypherSyntaxError):
        parse_expression("MATCH (n) RETURN n")


def test_multiline_caret():
    error = error_of("MATCH (n)\nWHERE n.x = 1\nRETRUN n")
    assert (error.line, error.column) == (3, 1)
    assert "3 | RETRUN n\n  | ^^^^^^" in str(error)
