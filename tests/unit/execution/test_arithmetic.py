"""Arithmetic operators: typing, overflow, division, concatenation, temporal dispatch."""

from __future__ import annotations

import enum
import math

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.arithmetic import (
    INT64_MAX,
    INT64_MIN,
    add,
    divide,
    java_pow,
    modulo,
    multiply,
    negate,
    plus,
    power,
    subtract,
)
from engram.execution.entities import NodeRef
from tests.unit.execution.expr import evaluate, same
from tests.unit.execution.temporal_values import Instant, Span

NAN = float("nan")
INF = float("inf")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Precedence2 [1]-[5] and Mathematical8
        ("4 * 2 + 3 * 2", 14),
        ("4 * 2 + 3 / 2", 9),
        ("4 * 2 + 3 % 2", 9),
        ("4 * (2 + 3) / 2", 10),
        ("4 / 2 - 3 / 2", 1),
        ("4 / (2 - 3) / 2", -2),
        ("4 % 2 - 3 * 2", -6),
        ("4 % 2 - 3 / 2", -1),
        ("4 ^ 3 * 2 ^ 3", 512.0),
        ("4 ^ 3 / 2 ^ 3", 8.0),
        ("4 ^ 3 % 2 ^ 3", 0.0),
        ("4 ^ (3 * 2) ^ 3", 68719476736.0),
        ("4 ^ 3 + 2 ^ 3", 72.0),
        ("4 ^ (3 - 2) ^ 3", 64.0),
        ("-3 ^ 2", 9.0),
        ("-(3 ^ 2)", -9.0),
        ("-3 + 2", -1),
        ("-(3 - 2)", -1),
        ("12 / 4 * 3 - 2 * 4", 1),
        ("12 / 4 * (3 - 2 * 4)", -15),
        # typing
        ("1 + 1.0", 2.0),
        ("1.5 * 2", 3.0),
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("7 / -2", -3),
        ("-7 / -2", 3),
        ("7.0 / 2", 3.5),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("7 % -3", 1),
        ("-7 % -3", -1),
        ("7.5 % 2", 1.5),
        ("-7.5 % 2", -1.5),
        ("2 ^ 0.5", math.sqrt(2)),
        ("2 ^ -1", 0.5),
        ("0 ^ 0", 1.0),
        ("+5", 5),
        ("+5.5", 5.5),
        ("--5", 5),
        # IEEE 754 for floats
        ("1.0 / 0", INF),
        ("-1.0 / 0", -INF),
        ("1 / 0.0", INF),
        ("1.0 / -0.0", -INF),
        ("0.0 / 0.0", NAN),
        ("0 / 0.0", NAN),
        ("1.0 % 0", NAN),
        ("1 % 0.0", NAN),
        ("1.0E308 * 10", INF),
        ("10.0 ^ 400", INF),
        ("(-10.0) ^ 401", -INF),
        ("(-8.0) ^ (1.0 / 3)", NAN),
        ("0.0 ^ -1", INF),
        ("(-0.0) ^ -1", -INF),
        ("1.0 ^ (0.0 / 0.0)", NAN),
        ("(0.0 / 0.0) ^ 0", 1.0),
        # concatenation
        ("[1, 10, 100] + [4, 5]", [1, 10, 100, 4, 5]),
        ("[false, true] + false", [False, True, False]),
        ("1 + [2]", [1, 2]),
        ("[1] + [[2]]", [1, [2]]),
        ("[] + []", []),
        ("'a' + [1]", ["a", 1]),
        ("'ab' + 'cd'", "abcd"),
        ("'n' + 1", "n1"),
        ("1 + 'n'", "1n"),
        ("'n' + 1.0", "n1.0"),
        ("'n' + 1.0E10", "n1.0E10"),
        ("'n' + true", "ntrue"),
        ("false + 'n'", "falsen"),
        # nulls
        ("null + 1", None),
        ("1 - null", None),
        ("null * null", None),
        ("null / 0", None),
        ("1 % null", None),
        ("null ^ 2", None),
        ("-null", None),
        ("[1] + null", None),
        ("'a' + null", None),
    ],
)
def test_operators(query, expected):
    assert same(evaluate(query), expected)


@pytest.mark.parametrize(
    ("operation", "arguments"),
    [
        (add, (INT64_MAX, 1)),
        (add, (INT64_MIN, -1)),
        (subtract, (INT64_MIN, 1)),
        (subtract, (0, INT64_MIN)),
        (multiply, (2**32, 2**32)),
        (multiply, (INT64_MIN, -1)),
        (divide, (INT64_MIN, -1)),
        (negate, (INT64_MIN,)),
    ],
)
def test_integer_overflow_is_an_error(operation, arguments):
    with pytest.raises(QueryRuntimeError) as raised:
        operation(*arguments)
    assert raised.value.kind == ErrorKind.ARITHMETIC_ERROR
    assert raised.value.detail == ErrorDetail.INTEGER_OVERFLOW
    assert raised.value.span is None


def test_extremes_that_fit_are_fine():
    assert add(INT64_MAX - 1, 1) == INT64_MAX
    assert subtract(INT64_MIN + 1, 1) == INT64_MIN
    assert modulo(INT64_MIN, -1) == 0
    assert divide(INT64_MIN, 1) == INT64_MIN
    assert negate(INT64_MAX) == -INT64_MAX


@pytest.mark.parametrize("operation", [divide, modulo])
def test_integer_division_by_zero_is_an_error(operation):
    with pytest.raises(QueryRuntimeError) as raised:
        operation(1, 0)
    assert raised.value.kind == ErrorKind.ARITHMETIC_ERROR
    assert raised.value.detail == ErrorDetail.DIVISION_BY_ZERO


@pytest.mark.parametrize(
    ("operation", "left", "right"),
    [
        (add, 1, True),
        (add, {}, 1),
        (add, {"a": 1}, "s"),
        (add, NodeRef(1), 1),
        (add, "s", {"a": 1}),
        (subtract, "a", 1),
        (subtract, [1], [1]),
        (multiply, "ab", 2),
        (multiply, True, 2),
        (divide, "a", 1),
        (divide, 1, Span(2)),
        (modulo, "Clara", 2),
        (modulo, False, 2),
        (power, "2", 2),
        (power, 2, True),
    ],
)
def test_type_errors(operation, left, right):
    with pytest.raises(QueryRuntimeError) as raised:
        operation(left, right)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE
    assert "cannot apply" in raised.value.message


@pytest.mark.parametrize("value", ["a", True, [1], {}, NodeRef(1)])
def test_unary_operators_need_numbers(value):
    with pytest.raises(QueryRuntimeError, match="unary"):
        negate(value)
    with pytest.raises(QueryRuntimeError, match="unary"):
        plus(value)


def test_temporal_values_dispatch_through_the_protocol():
    assert add(Instant(10), Span(5)) == Instant(15)
    assert add(Span(5), Instant(10)) == Instant(15)
    assert add(Span(5), Span(6)) == Span(11)
    assert subtract(Instant(10), Span(5)) == Instant(5)
    assert multiply(Span(5), 2) == Span(10)
    assert multiply(2, Span(5)) == Span(10)
    assert divide(Span(10), 4) == Span(2)
    assert negate(Span(3)) == Span(-3)
    assert plus(Span(3)) == Span(3)
    assert add("at ", Instant(3)) == "at @3"
    assert add([Span(1)], Span(2)) == [Span(1), Span(2)]


@pytest.mark.parametrize(
    ("operation", "left", "right"),
    [
        (add, Instant(1), Instant(2)),
        (add, Instant(1), 5),
        (subtract, Span(1), Instant(2)),
        (multiply, Instant(1), 2),
        (multiply, Span(1), Span(2)),
        (divide, Span(1), 0),
        (modulo, Span(5), 2),
        (power, Span(5), 2),
    ],
)
def test_undefined_temporal_arithmetic_is_a_type_error(operation, left, right):
    with pytest.raises(QueryRuntimeError) as raised:
        operation(left, right)
    assert raised.value.kind == ErrorKind.TYPE_ERROR


def test_unary_minus_on_an_instant_is_a_type_error():
    with pytest.raises(QueryRuntimeError):
        negate(Instant(1))


@pytest.mark.parametrize(
    ("base", "exponent", "expected"),
    [
        (2.0, 10.0, 1024.0),
        (-2.0, 3.0, -8.0),
        (0.0, -2.0, INF),
        (-0.0, -3.0, -INF),
        (-0.0, -2.0, INF),
        (1.0, INF, NAN),
        (-1.0, -INF, NAN),
        (NAN, 0.0, 1.0),
        (2.0, NAN, NAN),
        (-8.0, 1 / 3, NAN),
        (10.0, 400.0, INF),
        (-10.0, 401.0, -INF),
        (-10.0, 400.0, INF),
        (0.5, -2000.0, INF),
    ],
)
def test_java_pow(base, exponent, expected):
    assert same(java_pow(base, exponent), expected)


def test_integer_subclasses_are_integers():
    class Level(enum.IntEnum):
        HIGH = 9223372036854775807

    assert add(Level.HIGH, -1) == INT64_MAX - 1
    assert type(add(Level.HIGH, -1)) is int
    assert divide(Level.HIGH, 2) == INT64_MAX // 2
    assert negate(Level.HIGH) == -INT64_MAX
    with pytest.raises(QueryRuntimeError):
        multiply(Level.HIGH, 2)
