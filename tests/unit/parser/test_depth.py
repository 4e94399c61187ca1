"""Deeply nested input gets a clear error, never a RecursionError; deep trees still print."""

from __future__ import annotations

import pytest

from engram.errors import CypherSyntaxError, ErrorDetail
from engram.parser import MAX_DEPTH, parse, parse_expression
from engram.parser.ast import Binary, BinaryOp, Literal, Unary, UnaryOp, Variable
from engram.parser.printer import print_expression

DEEP = 10_000


@pytest.mark.parametrize(
    "text",
    [
        "RETURN " + "(" * DEEP + "1" + ")" * DEEP,
        "RETURN " + "[" * DEEP + "]" * DEEP,
        "RETURN " + "{a: " * DEEP + "1" + "}" * DEEP,
        "RETURN " + "(" * DEEP,
        "RETURN " + " + ".join(["1"] * DEEP),
        "RETURN " + " AND ".join(["true"] * DEEP),
        "RETURN " + "NOT " * DEEP + "true",
        "RETURN " + "- " * DEEP + "1",
        "RETURN " + " < ".join(["1"] * DEEP),
        "RETURN x" + ".a" * DEEP,
        "RETURN x" + "[0]" * DEEP,
        "RETURN " + "f(" * DEEP + ")" * DEEP,
        "RETURN " + "CASE WHEN true THEN " * DEEP + "1" + " END" * DEEP,
        "MATCH (n) WHERE " + "EXISTS { " * DEEP + "(n)" + " }" * DEEP + " RETURN n",
    ],
    ids=[
        "parens",
        "lists",
        "maps",
        "unclosed",
        "sum",
        "and",
        "not",
        "minus",
        "chain",
        "properties",
        "subscripts",
        "calls",
        "case",
        "exists",
    ],
)
def test_deep_input_is_refused_clearly(text):
    with pytest.raises(CypherSyntaxError) as info:
        parse(text)
    error = info.value
    assert error.detail is ErrorDetail.RESOURCE_LIMIT
    assert error.message == f"query is nested too deeply (more than {MAX_DEPTH} levels)"
    assert error.span is not None
    assert "RecursionError" not in str(error)


def test_long_flat_input_is_fine():
    items = ", ".join(str(number) for number in range(20_000))
    statement = parse(f"RETURN [{items}] AS l")
    assert len(statement.body.clauses[0].projection.items[0].expression.items) == 20_000  # type: ignore[union-attr]
    creates = " ".join(f"CREATE (:N {{id: {number}}})" for number in range(2_000))
    assert len(parse(creates).body.clauses) == 2_000  # type: ignore[union-attr]


def test_nesting_just_below_the_limit_parses():
    depth = MAX_DEPTH // 4
    expr = parse_expression("(" * depth + "[" * depth + "1" + "]" * depth + ")" * depth)
    assert expr is not None


def test_printer_handles_trees_of_any_depth():
    tree = Variable(name="x")
    for number in range(50_000):
        tree = Binary(op=BinaryOp.ADD, left=tree, right=Literal(value=number))
    text = print_expression(tree)
    assert text.startswith("x + 0 + 1 + 2")
    nested = Literal(value=1)
    for _ in range(50_000):
        nested = Unary(op=UnaryOp.NOT, operand=nested)
    assert print_expression(nested) == "NOT " * 50_000 + "1"


@pytest.mark.parametrize(
    "text",
    [
        "MATCH " + "()-->" * 101 + "() RETURN 1",
        "MATCH (a) WHERE (a)" + "-->()" * 101 + " RETURN a",
    ],
    ids=["path", "pattern-predicate"],
)
def test_overlong_patterns_are_a_resource_limit(text):
    with pytest.raises(CypherSyntaxError) as caught:
        parse(text)
    assert caught.value.detail == ErrorDetail.RESOURCE_LIMIT
    assert "at most 100 relationships" in str(caught.value)


def test_a_pattern_of_a_hundred_relationships_parses():
    statement = parse("MATCH " + "()-->" * 100 + "() RETURN 1")
    assert statement is not None


def test_a_chain_of_thousands_of_relationships_is_refused_before_parsing():
    text = "MATCH " + "(a:A {k: 1})<-[:T]-" * 5000 + "() RETURN 1"
    with pytest.raises(CypherSyntaxError) as caught:
        parse(text)
    assert caught.value.detail == ErrorDetail.RESOURCE_LIMIT
    assert "at most 100 relationships" in str(caught.value)
    assert caught.value.span is not None
    assert caught.value.span.start < 2500  # found by the scan, near the 101st joint


def test_many_short_patterns_are_not_a_long_chain():
    assert parse("CREATE " + ", ".join(["(:A)-[:T]->(:B)"] * 2000)) is not None


def test_parenthesised_subtractions_are_not_mistaken_for_relationships():
    assert parse("RETURN " + " + ".join(["(1)-(2)"] * 50)) is not None


@pytest.mark.parametrize(
    ("text", "operand"),
    [
        ("RETURN " + " + ".join(["1"] * DEEP), 4),
        ("RETURN " + " AND ".join(["true"] * DEEP), 9),
        ("RETURN " + " < ".join(["1"] * DEEP), 4),
    ],
    ids=["sum", "and", "chain"],
)
def test_a_long_operator_chain_is_refused_where_it_gets_too_deep(text, operand):
    # sums and conjunctions are refused as soon as the tree gets too deep, before the
    # rest of the chain is parsed; either way the error points near the operand at
    # which the depth passes MAX_DEPTH, not at the end of the chain
    with pytest.raises(CypherSyntaxError) as caught:
        parse(text)
    span = caught.value.span
    assert span is not None
    assert span.end <= len("RETURN ") + operand * (MAX_DEPTH + 2)
