"""String functions and the string predicates."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.functions import javaregex
from engram.execution.functions.strings import (
    contains,
    ends_with,
    regex_match,
    starts_with,
)
from tests.unit.execution.expr import evaluate, same

NAMES = ["ABCDEF", "AB", "abcdef", "ab", "", None]


@pytest.mark.parametrize(
    ("predicate", "operand", "expected"),
    [
        # String8, String9, String10
        (starts_with, "ABCDEF", ["ABCDEF"]),
        (starts_with, "ABC", ["ABCDEF"]),
        (starts_with, "", ["ABCDEF", "AB", "abcdef", "ab", ""]),
        (starts_with, None, []),
        (ends_with, "DEF", ["ABCDEF"]),
        (ends_with, "", ["ABCDEF", "AB", "abcdef", "ab", ""]),
        (contains, "CD", ["ABCDEF"]),
        (contains, "", ["ABCDEF", "AB", "abcdef", "ab", ""]),
        (contains, None, []),
    ],
)
def test_string_search(predicate, operand, expected):
    assert [name for name in NAMES if predicate(name, operand) is True] == expected


def test_negated_search_keeps_only_known_false():
    kept = [name for name in NAMES if starts_with(name, "ab") is False]
    assert kept == ["ABCDEF", "AB", ""]
    assert [name for name in NAMES if starts_with(name, None) is False] == []


def test_whitespace_is_significant():
    names = [" Foo ", "\nFoo\n", "\tFoo\t", "Foo Foo"]
    assert [name for name in names if starts_with(name, " ")] == [" Foo "]
    assert [name for name in names if ends_with(name, "\n")] == ["\nFoo\n"]
    assert [name for name in names if contains(name, " ")] == [" Foo ", "Foo Foo"]


@pytest.mark.parametrize("predicate", [starts_with, ends_with, contains, regex_match])
def test_non_string_operands_give_null(predicate):
    operands = [1, 3.14, True, [], {}, None]
    assert {predicate(left, right) for left in operands for right in operands} == {None}
    assert predicate("abc", 1) is None
    assert predicate(1, "abc") is None


@pytest.mark.parametrize(
    ("text", "pattern", "expected"),
    [
        ("ABCDEF", "AB.*", True),
        ("ABCDEF", "BC", False),
        ("ABCDEF", ".*BC.*", True),
        ("abc", "(?i)ABC", True),
        ("a\nb", "a.b", False),
        ("a\nb", "(?s)a.b", True),
        ("abc", "abc\\z", True),
        ("abc", "abc\\Z", True),
        ("abc\n", "abc\\Z", False),
        ("", "", True),
        ("aaa", "a{2}+a", True),
        ("aab", "(?>a+)b", True),
        ("héllo", "\\p{L}+", True),
        ("abc", "\\p{Alpha}+", True),
        ("ab1", "\\p{Alpha}+", False),
        ("Ab", "\\p{Lu}\\p{Ll}", True),
    ],
)
def test_regex_matches_the_whole_string(text, pattern, expected):
    assert regex_match(text, pattern) is expected


@pytest.mark.parametrize("pattern", ["[", "(", "a{2,1}", "\\p{NoSuchClass}", "*"])
def test_invalid_regex_is_an_argument_error(pattern):
    javaregex.compile_java_regex.cache_clear()
    with pytest.raises(QueryRuntimeError) as raised:
        regex_match("x", pattern)
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE
    assert raised.value.hint is not None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("substring('0123456789', 1)", "123456789"),
        ("substring('0123456789', 1, 3)", "123"),
        ("substring('0123456789', 0, 0)", ""),
        ("substring('0123456789', 20)", ""),
        ("substring('0123456789', 8, 20)", "89"),
        ("substring('héllo😀x', 5, 1)", "😀"),
        ("substring(null, 1)", None),
        ("substring('abc', null)", None),
        ("reverse('raksO')", "Oskar"),
        ("reverse('a😀b')", "b😀a"),
        ("reverse('')", ""),
        ("toUpper('abc äß')", "ABC ÄSS"),
        ("toLower('ABC Ä')", "abc ä"),
        ("upper('x')", "X"),
        ("lower('X')", "x"),
        ("trim('  hello \t\n')", "hello"),
        ("lTrim('  hello  ')", "hello  "),
        ("rTrim('  hello  ')", "  hello"),
        ("trim('\u00a0x\u00a0')", "\u00a0x\u00a0"),
        ("trim('\u2003x\u3000')", "x"),
        ("btrim('xxhixx', 'x')", "hi"),
        ("btrim('  hi  ')", "hi"),
        ("lTrim('xxhixx', 'x')", "hixx"),
        ("rTrim('xyhixy', 'yx')", "xyhi"),
        ("replace('hello', 'l', 'w')", "hewwo"),
        ("replace('abc', '', '-')", "-a-b-c-"),
        ("replace('aaa', 'aa', 'b')", "ba"),
        ("left('hello', 3)", "hel"),
        ("left('hello', 0)", ""),
        ("left('hello', 10)", "hello"),
        ("right('hello', 3)", "llo"),
        ("right('hello', 0)", ""),
        ("right('hello', 10)", "hello"),
        ("split('one1two', '1')", ["one", "two"]),
        ("split('a,b,,c,', ',')", ["a", "b", "", "c", ""]),
        ("split('', ',')", [""]),
        ("split('abc', '')", ["a", "b", "c"]),
        ("split('a-b_c', ['-', '_'])", ["a", "b", "c"]),
        ("split('a--b-c', ['-', '--'])", ["a", "b", "c"]),
        ("split('abc', [])", ["abc"]),
        ("split('ab', [''])", ["a", "b"]),
        ("split(null, ',')", None),
        ("normalize('e\u0301')", "é"),
        ("normalize('é', 'NFD')", "e\u0301"),
        ("normalize('ﬁ', 'nfkc')", "fi"),
        ("char_length('a😀')", 2),
        ("character_length('')", 0),
        ("size('a😀')", 2),
    ],
)
def test_string_functions(query, expected):
    assert same(evaluate(query), expected)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("substring('abc', -1)", ErrorDetail.NUMBER_OUT_OF_RANGE),
        ("substring('abc', 0, -1)", ErrorDetail.NUMBER_OUT_OF_RANGE),
        ("left('abc', -1)", ErrorDetail.NUMBER_OUT_OF_RANGE),
        ("right('abc', -1)", ErrorDetail.NUMBER_OUT_OF_RANGE),
        ("normalize('abc', 'NFX')", ErrorDetail.INVALID_ARGUMENT_VALUE),
    ],
)
def test_argument_errors(query, detail):
    with pytest.raises(QueryRuntimeError) as raised:
        evaluate(query)
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == detail


@pytest.mark.parametrize(
    "query",
    [
        "toUpper(1)",
        "toLower([])",
        "trim(true)",
        "btrim('a', 1)",
        "replace('a', 1, 'b')",
        "substring('abc', 1.5)",
        "substring('abc', true)",
        "left(1, 1)",
        "right('a', '1')",
        "split('a', 1)",
        "split('a', [1])",
        "split(1, ',')",
        "char_length(1)",
    ],
)
def test_type_errors(query):
    with pytest.raises(QueryRuntimeError) as raised:
        evaluate(query)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE
    assert "argument" in raised.value.message
