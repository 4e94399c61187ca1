"""The printer's canonical text parses back to the same tree (and is stable)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from engram.parser import parse, parse_expression
from engram.parser.ast import (
    Binary,
    BinaryOp,
    CreateIndex,
    FunctionCall,
    ListLiteral,
    Literal,
    MapEntry,
    MapLiteral,
    Parameter,
    PropertyAccess,
    Statement,
    Unary,
    UnaryOp,
    Variable,
)
from engram.parser.printer import print_expression, print_statement
from tests.unit.parser.strategies import expressions

IDENTITY = Path(__file__).with_name("identity.cypher")
QUERIES = [line for line in IDENTITY.read_text(encoding="utf-8").splitlines() if line]


def test_identity_corpus_is_large():
    assert len(QUERIES) >= 300
    assert len(set(QUERIES)) == len(QUERIES)


@pytest.mark.parametrize("query", QUERIES)
def test_identity(query):
    """`print(parse(q)) == q` for every canonical query."""
    assert print_statement(parse(query)) == query


def test_identity_trees_round_trip_strictly():
    for query in QUERIES:
        statement = parse(query)
        again = parse(print_statement(statement))
        assert repr(again) == repr(statement)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expressions)
def test_random_trees_round_trip(expr):
    text = print_expression(expr)
    again = parse_expression(text)
    # repr also tells 1 from 1.0 from true, which dataclass equality does not
    assert repr(again) == repr(expr), text
    assert print_expression(again) == text


def roundtrip(expr):
    text = print_expression(expr)
    assert repr(parse_expression(text)) == repr(expr), text
    return text


def test_builder_trees_that_need_parentheses():
    five = Literal(value=5)
    assert roundtrip(Unary(op=UnaryOp.NEGATE, operand=five)) == "-(5)"
    assert roundtrip(Unary(op=UnaryOp.NEGATE, operand=Literal(value=-5))) == "-(-5)"
    assert roundtrip(Unary(op=UnaryOp.PLUS, operand=Literal(value=-5))) == "+(-5)"
    x = Variable(name="x")
    chain = Binary(op=BinaryOp.LT, left=Binary(op=BinaryOp.LT, left=x, right=x), right=x)
    assert roundtrip(chain) == "(x < x) < x"
    listed = ListLiteral(items=(Binary(op=BinaryOp.IN, left=x, right=x),))
    assert roundtrip(listed) == "[(x IN x)]"
    grouped = Binary(op=BinaryOp.OR, left=x, right=x)
    minus_list = Binary(op=BinaryOp.SUB, left=grouped, right=ListLiteral(items=()))
    assert roundtrip(minus_list) == "(x OR x) - ([])"


def test_names_are_quoted_when_needed():
    assert roundtrip(Variable(name="match")) == "`match`"
    assert roundtrip(Variable(name="index")) == "index"
    assert roundtrip(Variable(name="")) == "``"
    assert roundtrip(Variable(name="a`b")) == "`a``b`"
    assert roundtrip(PropertyAccess(subject=Variable(name="n"), key="end")) == "n.end"
    assert roundtrip(PropertyAccess(subject=Variable(name="n"), key="1st")) == "n.`1st`"
    assert roundtrip(Parameter(name="a b")) == "$`a b`"
    assert roundtrip(Parameter(name="7")) == "$7"
    assert roundtrip(MapLiteral(entries=(MapEntry(key="with space", value=Literal(value=1)),)))
    call = FunctionCall(name="all.things", args=())
    assert roundtrip(call) == "`all`.things()"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1, "0.1"),
        (1e16, "1e+16"),
        (-0.0, "-0.0"),
        (5e-324, "5e-324"),
        (2.0**63, "9.223372036854776e+18"),
        ("line\nbreak", "'line\\nbreak'"),
        ("\x01", "'\\u0001'"),
        ("😀", "'😀'"),
        (True, "true"),
        (None, "null"),
    ],
)
def test_literals_print_to_their_exact_value(value, text):
    assert roundtrip(Literal(value=value)) == text


def test_values_without_a_literal_form():
    assert print_expression(Literal(value=float("inf"))) == "toFloat('Infinity')"
    assert print_expression(Literal(value=float("-inf"))) == "-toFloat('Infinity')"
    assert print_expression(Literal(value=float("nan"))) == "toFloat('NaN')"


def test_statements_without_spans_print():
    index = CreateIndex(
        name="for", if_not_exists=False, variable=Variable(name="n"), label="L", properties=("k",)
    )
    text = print_statement(Statement(body=index))
    assert text == "CREATE INDEX `for` FOR (n:L) ON (n.k)"
    assert parse(text).body == index
