"""Type inference: literals, operators, functions, comprehensions, CASE, property access."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram import types as t
from engram.binder import inference
from engram.binder.bound import BinaryOp, BLiteral
from tests.unit.binder.support import compile_text, last_projection

L = t.list_of


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1", t.INTEGER),
        ("-1", t.INTEGER),
        ("1.5", t.FLOAT),
        ("'a'", t.STRING),
        ("true", t.BOOLEAN),
        ("null", t.NULL),
        ("[1, 2]", L(t.INTEGER)),
        ("[1, 2.0]", L(t.NUMBER)),
        ("[1, 'a']", L(t.ANY)),
        ("[]", L(t.ANY)),
        ("[[1], [2]]", L(L(t.INTEGER))),
        ("[1, null]", L(t.INTEGER)),
        ("{a: 1}", t.MAP),
        ("1 + 2", t.INTEGER),
        ("1 + 2.0", t.FLOAT),
        ("2 ^ 2", t.FLOAT),
        ("7 % 2", t.INTEGER),
        ("'a' + 1", t.STRING),
        ("'a' + 'b'", t.STRING),
        ("[1] + 2", L(t.INTEGER)),
        ("[1] + [2.0]", L(t.NUMBER)),
        ("1 + null", t.NULL),
        ("[1] + null", L(t.INTEGER)),
        ("1 < 2", t.BOOLEAN),
        ("1 IN [1]", t.BOOLEAN),
        ("'a' STARTS WITH 'b'", t.BOOLEAN),
        ("1 IS NULL", t.BOOLEAN),
        ("NOT true", t.BOOLEAN),
        ("CASE WHEN true THEN 1 ELSE 2 END", t.INTEGER),
        ("CASE WHEN true THEN 1 END", t.INTEGER),
        ("CASE 1 WHEN 1 THEN 'a' ELSE 2 END", t.ANY),
        ("toUpper('a')", t.STRING),
        ("size([1])", t.INTEGER),
        ("[x IN [1, 2] | x > 1]", L(t.BOOLEAN)),
        ("[x IN [1, 2] WHERE x > 1]", L(t.INTEGER)),
        ("all(x IN [1] WHERE x > 0)", t.BOOLEAN),
        ("[1, 2, 3][0]", t.INTEGER),
        ("[1, 2, 3][0..2]", L(t.INTEGER)),
        ("{a: 1}.a", t.INTEGER),
        ("{a: 1}.b", t.NULL),
        ("$p", t.ANY),
        ("$p.x", t.ANY),
    ],
)
def test_expression_types(expression, expected):
    projection = last_projection(f"RETURN {expression} AS v")
    assert projection.items[0].expression.type == expected


def test_property_access_is_any():
    projection = last_projection("MATCH (n)-[r]->() RETURN n.x AS a, r.y AS b")
    assert [item.expression.type for item in projection.items] == [t.ANY, t.ANY]


def test_negative_integer_literals_fold():
    projection = last_projection("RETURN -9223372036854775808 AS v")
    literal = projection.items[0].expression
    assert isinstance(literal, BLiteral)
    assert literal.value == -(2**63)


def test_mixed_lists_defer_checks_to_runtime():
    # the TCK expects these to fail at runtime, so they must bind
    compile_text("MATCH p = (n)-[r:T]->() RETURN [x IN [r, 0] | toUpper(x)] AS list")
    compile_text("MATCH p = (n)-[r:T]->() RETURN [x IN [1, '', p] | toString(x)] AS list")
    compile_text("WITH $expr AS expr, $idx AS idx RETURN expr[idx]")


@pytest.mark.parametrize(
    "expression",
    [
        "date() + duration('P1D')",
        "duration('P1D') * 2",
        "datetime() - duration('PT1H')",
        "'a' + $p",
        "$p + true",
        "[1] + {a: 1}",
        "-duration('P1D')",
    ],
)
def test_valid_mixed_arithmetic(expression):
    if "date" in expression or "duration" in expression:
        from engram.execution.functions import registry

        if registry.lookup("date") is None or registry.lookup("duration") is None:
            pytest.skip("temporal functions are registered by the temporal work")
    compile_text(f"RETURN {expression} AS v")


_TYPES = st.sampled_from(
    [
        t.ANY,
        t.NULL,
        t.BOOLEAN,
        t.INTEGER,
        t.FLOAT,
        t.NUMBER,
        t.STRING,
        t.MAP,
        t.NODE,
        t.RELATIONSHIP,
        t.PATH,
        t.DATE,
        t.DURATION,
        L(t.INTEGER),
        L(t.ANY),
    ]
)


@given(_TYPES, _TYPES)
def test_join_is_commutative_and_covers_both(left, right):
    joined = inference.join(left, right)
    assert joined == inference.join(right, left)
    assert joined.accepts(left)
    assert joined.accepts(right)


@given(
    _TYPES,
    _TYPES,
    st.sampled_from(
        [BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.MOD, BinaryOp.POW]
    ),
)
def test_unknown_operands_are_never_rejected(left, right, op):
    if left.kind in (t.TypeKind.ANY, t.TypeKind.NULL) and right.kind in (
        t.TypeKind.ANY,
        t.TypeKind.NULL,
    ):
        assert inference.arithmetic(op, left, right) is not None
    lists = isinstance(left, t.ListType) or isinstance(right, t.ListType)
    if (left.kind is t.TypeKind.NULL or right.kind is t.TypeKind.NULL) and not lists:
        assert inference.arithmetic(op, left, right) == t.NULL


@given(_TYPES)
def test_anything_can_be_added_to_a_list(other):
    assert inference.arithmetic(BinaryOp.ADD, L(t.INTEGER), other) is not None
    assert inference.arithmetic(BinaryOp.ADD, other, L(t.INTEGER)) is not None
