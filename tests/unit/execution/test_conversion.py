"""Type conversion functions (TypeConversion1-4) and Java-style number rendering."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.functions.conversion import (
    parse_float,
    parse_integer,
    to_boolean,
    to_float,
    to_integer,
    to_string,
)
from engram.execution.functions.registry import lookup
from engram.execution.text import format_float, scalar_to_string
from tests.unit.execution.expr import evaluate, same
from tests.unit.execution.temporal_values import Span

NAN = float("nan")
INF = float("inf")
NODE = NodeRef(1)
REL = RelRef(2, 0, 1, 3)
PATH = PathValue((NodeRef(1), NodeRef(3)), (REL,))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("toBoolean(true)", True),
        ("toBoolean(false)", False),
        ("toBoolean('true')", True),
        ("toBoolean('false')", False),
        ("toBoolean('TRUE')", True),
        ("toBoolean(' false ')", False),
        ("toBoolean('')", None),
        ("toBoolean(' tru ')", None),
        ("toBoolean('f alse')", None),
        ("toBoolean(null)", None),
        ("toBoolean(0)", False),
        ("toBoolean(-3)", True),
        ("toInteger(82.9)", 82),
        ("toInteger(-82.9)", -82),
        ("toInteger('foo')", None),
        ("toInteger('')", None),
        ("toInteger(2)", 2),
        ("toInteger('1.7')", 1),
        ("toInteger('2')", 2),
        ("toInteger('2.9')", 2),
        ("toInteger(' 42 ')", 42),
        ("toInteger('-12')", -12),
        ("toInteger('+12')", 12),
        ("toInteger('1e3')", 1000),
        ("toInteger('1_000')", None),
        ("toInteger('9223372036854775807')", 9223372036854775807),
        ("toInteger('9223372036854775808')", None),
        ("toInteger('1e30')", None),
        ("toInteger('NaN')", None),
        ("toInteger(true)", 1),
        ("toInteger(false)", 0),
        ("toInteger(1 - 1)", 0),
        ("toFloat(3.4)", 3.4),
        ("toFloat(3)", 3.0),
        ("toFloat('5')", 5.0),
        ("toFloat('foo')", None),
        ("toFloat('')", None),
        ("toFloat('1.5e3')", 1500.0),
        ("toFloat('.5')", 0.5),
        ("toFloat('5.')", 5.0),
        ("toFloat('2.5f')", 2.5),
        ("toFloat('NaN')", NAN),
        ("toFloat('-Infinity')", -INF),
        ("toFloat('inf')", None),
        ("toFloat('infinity')", None),
        ("toString(42)", "42"),
        ("toString(true)", "true"),
        ("toString(1 < 0)", "false"),
        ("toString('apa')", "apa"),
        ("toString(2.3)", "2.3"),
        ("toString(1.0)", "1.0"),
        ("toString(1.0E10)", "1.0E10"),
        ("toString(0.0001)", "1.0E-4"),
        ("toString(0.0 / 0.0)", "NaN"),
        ("toString(-1.0 / 0)", "-Infinity"),
        ("toString(null)", None),
        ("toIntegerOrNull('12')", 12),
        ("toIntegerOrNull([])", None),
        ("toIntegerOrNull(1.0E30)", None),
        ("toIntegerOrNull(0.0 / 0.0)", None),
        ("toFloatOrNull(true)", None),
        ("toFloatOrNull({})", None),
        ("toFloatOrNull('3')", 3.0),
        ("toBooleanOrNull(1.0)", None),
        ("toBooleanOrNull('true')", True),
        ("toStringOrNull([1])", None),
        ("toStringOrNull(1)", "1"),
        ("toIntegerList([1, '2', 2.9, 'x', null, [1], true])", [1, 2, 2, None, None, None, 1]),
        ("toFloatList([1, '2.5', 'x', true])", [1.0, 2.5, None, None]),
        ("toBooleanList(['true', 0, 1.0, null])", [True, False, None, None]),
        ("toStringList([1, 2.5, true, [1], {}, 'a'])", ["1", "2.5", "true", None, None, "a"]),
        ("toStringList(null)", None),
    ],
)
def test_conversions(query, expected):
    assert same(evaluate(query), expected)


@pytest.mark.parametrize(
    ("function", "value"),
    [
        # TypeConversion1 [5], TypeConversion2 [8], TypeConversion3, TypeConversion4 [10]
        (to_boolean, []),
        (to_boolean, {}),
        (to_boolean, 1.0),
        (to_boolean, NODE),
        (to_boolean, REL),
        (to_boolean, PATH),
        (to_integer, []),
        (to_integer, {}),
        (to_integer, NODE),
        (to_integer, REL),
        (to_integer, PATH),
        (to_float, True),
        (to_float, []),
        (to_float, {}),
        (to_float, NODE),
        (to_float, REL),
        (to_float, PATH),
        (to_string, []),
        (to_string, {}),
        (to_string, NODE),
        (to_string, REL),
        (to_string, PATH),
    ],
)
def test_invalid_types_raise_invalid_argument_value(function, value):
    with pytest.raises(QueryRuntimeError) as raised:
        function(value)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE


@pytest.mark.parametrize("value", [NAN, INF, -INF, 1e19, -1e19])
def test_to_integer_of_an_unrepresentable_float_is_an_error(value):
    with pytest.raises(QueryRuntimeError) as raised:
        to_integer(value)
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize("name", ["toIntegerList", "toFloatList", "toBooleanList", "toStringList"])
def test_list_conversions_need_a_list(name):
    spec = lookup(name)
    assert spec is not None
    with pytest.raises(QueryRuntimeError) as raised:
        spec.invoke("not a list")
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE


def test_temporal_values_convert_to_their_text():
    assert to_string(Span(5)) == "PT5S"
    assert scalar_to_string(Span(5)) == "PT5S"
    assert evaluate("toStringList($values)", {"values": [Span(1), None]}) == ["PT1S", None]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        (" 12\t", 12),
        ("-0", 0),
        ("1.99", 1),
        ("-1.99", -1),
        ("abc", None),
        ("0x10", None),
        ("12abc", None),
        ("\u0661", None),
        ("9" * 100_000, None),
        ("0" * 100_000 + "42", 42),
        ("-9223372036854775808", -9223372036854775808),
        ("-9223372036854775809", None),
    ],
)
def test_parse_integer(text, expected):
    assert parse_integer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1.0),
        ("-1.5e-3", -0.0015),
        ("1e400", INF),
        ("+Infinity", INF),
        ("-NaN", NAN),
        ("1d", 1.0),
        ("e5", None),
        ("1.2.3", None),
        ("", None),
        ("1 000", None),
        ("9" * 100_000, INF),
    ],
)
def test_parse_float(text, expected):
    assert same(parse_float(text), expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1.0"),
        (-2.5, "-2.5"),
        (100.0, "100.0"),
        (0.001, "0.001"),
        (0.00099, "9.9E-4"),
        (9999999.0, "9999999.0"),
        (1e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1e-10, "1.0E-10"),
        (5e-324, "4.9E-324"),
        (1.7976931348623157e308, "1.7976931348623157E308"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (NAN, "NaN"),
        (INF, "Infinity"),
        (-INF, "-Infinity"),
    ],
)
def test_floats_render_like_java(value, expected):
    assert format_float(value) == expected
