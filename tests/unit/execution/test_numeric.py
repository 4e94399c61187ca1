"""Numeric functions: Java's special values, rounding modes, integer preservation."""

from __future__ import annotations

import math

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.functions.numeric import java_round, round_to
from engram.execution.functions.registry import lookup
from tests.unit.execution.expr import evaluate, same

NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("abs(-3)", 3),
        ("abs(-3.5)", 3.5),
        ("abs(0)", 0),
        ("abs(-0.0)", 0.0),
        ("abs(null)", None),
        ("ceil(1.2)", 2.0),
        ("ceil(-1.2)", -1.0),
        ("ceil(3)", 3.0),
        ("floor(1.8)", 1.0),
        ("floor(-1.2)", -2.0),
        ("floor(1.0 / 0)", INF),
        ("round(3.5)", 4.0),
        ("round(2.5)", 3.0),
        ("round(-1.5)", -1.0),
        ("round(-2.5)", -2.0),
        ("round(-0.4)", 0.0),
        ("round(0.49999999999999994)", 0.0),
        ("round(7)", 7.0),
        ("round(3.14159, 2)", 3.14),
        ("round(-1.55, 1)", -1.6),
        ("round(1.005, 2)", 1.01),
        ("round(1234.5, -2)", 1200.0),
        ("round(2.5, 0, 'HALF_EVEN')", 2.0),
        ("round(2.5, 0, 'half_down')", 2.0),
        ("round(2.1, 0, 'UP')", 3.0),
        ("round(-2.1, 0, 'UP')", -3.0),
        ("round(2.9, 0, 'DOWN')", 2.0),
        ("round(-2.1, 0, 'CEILING')", -2.0),
        ("round(-2.1, 0, 'FLOOR')", -3.0),
        ("round(2.5, 1, 'UNNECESSARY')", 2.5),
        ("round(1.0E308, 2)", 1e308),
        ("round(0.1, 1000)", 0.1),
        ("round(5, -1000, 'UP')", INF),
        ("round(0.0 / 0.0, 2)", NAN),
        ("round(7, 2)", 7.0),
        ("sign(-3)", -1),
        ("sign(0)", 0),
        ("sign(0.5)", 1),
        ("sign(0.0 / 0.0)", 0),
        ("isNaN(0.0 / 0.0)", True),
        ("isNaN(1)", False),
        ("sqrt(12.96)", 3.6),
        ("sqrt(-1)", NAN),
        ("sqrt(4)", 2.0),
        ("exp(0)", 1.0),
        ("exp(1000)", INF),
        ("log(e())", 1.0),
        ("log(0)", -INF),
        ("log(-1)", NAN),
        ("log10(1000)", 3.0),
        ("log10(0.0)", -INF),
        ("sin(0)", 0.0),
        ("cos(0)", 1.0),
        ("tan(0)", 0.0),
        ("cot(0)", INF),
        ("cot(-0.0)", -INF),
        ("asin(2)", NAN),
        ("acos(1)", 0.0),
        ("atan(0)", 0.0),
        ("atan2(1, 1)", math.pi / 4),
        ("sin(1.0 / 0)", NAN),
        ("sinh(0)", 0.0),
        ("cosh(1000)", INF),
        ("tanh(0)", 0.0),
        ("coth(0)", INF),
        ("haversin(0)", 0.0),
        ("haversin(pi())", 1.0),
        ("degrees(pi())", 180.0),
        ("radians(180)", math.pi),
        ("pi()", math.pi),
        ("e()", math.e),
    ],
)
def test_numeric_functions(query, expected):
    assert same(evaluate(query), expected)


def test_rand_is_in_the_unit_interval_and_not_deterministic():
    spec = lookup("rand")
    assert spec is not None
    assert not spec.deterministic
    values = {spec.invoke() for _ in range(50)}
    assert all(0.0 <= value < 1.0 for value in values)
    assert len(values) > 1


def test_abs_of_the_smallest_integer_overflows():
    with pytest.raises(QueryRuntimeError) as raised:
        evaluate("abs(-9223372036854775807 - 1)")
    assert raised.value.kind == ErrorKind.ARITHMETIC_ERROR
    assert raised.value.detail == ErrorDetail.INTEGER_OVERFLOW


@pytest.mark.parametrize(
    "query",
    [
        "sqrt('4')",
        "abs(true)",
        "round('1')",
        "round(1.5, 1.0)",
        "round(1.5, 1, 2)",
        "atan2(1, 'x')",
        "sign([])",
    ],
)
def test_type_errors(query):
    with pytest.raises(QueryRuntimeError) as raised:
        evaluate(query)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE


def test_rounding_mode_errors():
    with pytest.raises(QueryRuntimeError) as raised:
        round_to(1.5, 0, "SIDEWAYS")
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE
    assert "HALF_EVEN" in raised.value.message
    with pytest.raises(QueryRuntimeError) as raised:
        round_to(1.25, 1, "UNNECESSARY")
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1.0),
        (1.5, 2.0),
        (-0.5, 0.0),
        (-1.5, -1.0),
        (2.4999, 2.0),
        (1e16, 1e16),
        (-1e16, -1e16),
        (4503599627370497.0, 4503599627370497.0),
        (INF, INF),
    ],
)
def test_java_round_rounds_halves_up(value, expected):
    assert java_round(value) == expected
    assert math.copysign(1.0, java_round(value)) == math.copysign(1.0, expected)
