"""WITH / RETURN: aggregation, ORDER BY scopes and rewrites, SKIP and LIMIT."""

from __future__ import annotations

import pytest

from engram import types as t
from engram.binder.bound import (
    BAggregate,
    BBinary,
    BLiteral,
    BParameter,
    BProperty,
    BVariable,
)
from engram.errors import ErrorDetail
from tests.unit.binder.support import (
    clauses,
    compile_text,
    error_of,
    last_projection,
    projections,
)


def test_grouping_keys_and_aggregates():
    projection = last_projection("MATCH (n) RETURN n.city AS city, count(*) AS c, avg(n.age)")
    assert projection.is_aggregating
    city, count, avg = projection.items
    assert isinstance(city.expression, BProperty)
    assert isinstance(count.expression, BAggregate)
    assert count.expression.star
    assert isinstance(avg.expression, BAggregate)
    assert count.expression.type == t.INTEGER


def test_distinct_aggregate():
    projection = last_projection("MATCH (n) RETURN count(DISTINCT n.x) AS c")
    aggregate = projection.items[0].expression
    assert isinstance(aggregate, BAggregate)
    assert aggregate.distinct


def test_plain_projection_is_not_aggregating():
    assert not last_projection("MATCH (n) RETURN n.x AS x").is_aggregating


def test_order_by_projected_aggregate_is_rewritten():
    projection = last_projection("MATCH (n) RETURN n.x AS x, count(*) ORDER BY count(*) DESC")
    (sort,) = projection.order_by
    assert sort.descending
    assert isinstance(sort.expression, BVariable)
    assert sort.expression.symbol == projection.items[1].symbol


def test_order_by_expression_equal_to_an_item():
    projection = last_projection("MATCH (n) RETURN n.name ORDER BY n.name")
    (sort,) = projection.order_by
    assert isinstance(sort.expression, BVariable)
    assert sort.expression.symbol == projection.items[0].symbol


def test_order_by_sees_earlier_variables_without_distinct_or_aggregation():
    projection = last_projection("MATCH (a) RETURN a.name AS name ORDER BY a.age")
    (sort,) = projection.order_by
    assert isinstance(sort.expression, BProperty)


def test_order_by_alias_shadows_earlier_variable():
    projection = last_projection("MATCH (a) RETURN a.x AS a ORDER BY a.x")
    (sort,) = projection.order_by
    # `a` is the alias here, so this is a property of the alias, not the item itself
    assert isinstance(sort.expression, BProperty)
    subject = sort.expression.subject
    assert isinstance(subject, BVariable)
    assert subject.symbol == projection.items[0].symbol


def test_order_by_with_distinct_uses_projected_expressions():
    projection = last_projection("MATCH (a) RETURN DISTINCT a.name ORDER BY a.name")
    (sort,) = projection.order_by
    assert isinstance(sort.expression, BVariable)


@pytest.mark.parametrize(
    "query",
    [
        # the TCK's accepted forms of aggregating ORDER BY
        "MATCH (person) WITH avg(person.age) AS avgAge ORDER BY $age + avg(person.age) - 1000 "
        "RETURN avgAge",
        "MATCH (me)--(you) WITH me.age AS age, count(you.age) AS cnt "
        "ORDER BY age, age + count(you.age) RETURN age",
        "MATCH (me)--(you) WITH me.age AS age, count(you.age) AS cnt "
        "ORDER BY me.age + count(you.age) RETURN age",
        "MATCH (a)-[r]->(b:X) WITH a, r, b, count(*) AS c ORDER BY c MATCH (a)-[r]->(b) "
        "RETURN r AS rel ORDER BY rel.id",
        "MATCH (n) RETURN n, count(*) AS c ORDER BY n.name",
        "MATCH (n) RETURN n.a AS a, n.a + count(*) AS b ORDER BY a",
        "MATCH (n) RETURN n, n.x + count(*) AS c",
        "MATCH (n) RETURN count(*) * 2 + $p AS c",
        "MATCH (n) RETURN n.a + n.b AS k, count(*) AS c ORDER BY n.a + n.b",
    ],
)
def test_accepted_aggregating_projections(query):
    compile_text(query)


def test_aggregating_order_by_rewrites_grouping_properties():
    with_projection = next(
        projections(
            "MATCH (me)--(you) WITH me.age AS age, count(you.age) AS cnt "
            "ORDER BY me.age + count(you.age) RETURN age"
        )
    )
    (sort,) = with_projection.order_by
    assert isinstance(sort.expression, BBinary)
    left, right = sort.expression.left, sort.expression.right
    assert isinstance(left, BVariable)
    assert left.symbol == with_projection.items[0].symbol
    assert isinstance(right, BVariable)
    assert right.symbol == with_projection.items[1].symbol


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        # an aggregate that is not projected cannot be referenced through its arguments
        (
            "MATCH (a) WITH a.num2 % 3 AS mod, min(a.num) AS min ORDER BY sum(a.num) RETURN mod",
            ErrorDetail.UNDEFINED_VARIABLE,
        ),
        (
            "MATCH (a) WITH a, a.num AS s WITH a.x AS m, min(s) AS min ORDER BY sum(s) RETURN m",
            ErrorDetail.UNDEFINED_VARIABLE,
        ),
        (
            "MATCH (me)--(you) WITH me.age + you.age AS s, count(*) AS c ORDER BY me.name RETURN c",
            ErrorDetail.UNDEFINED_VARIABLE,
        ),
    ],
)
def test_rejected_aggregating_order_by(query, detail):
    assert error_of(query).detail == detail


def test_skip_and_limit_constants():
    projection = last_projection("MATCH (n) RETURN n SKIP $s LIMIT 2 + 3")
    assert isinstance(projection.skip, BParameter)
    assert isinstance(projection.limit, BBinary)
    projection = last_projection("MATCH (n) RETURN n LIMIT toInteger(ceil(1.7))")
    assert projection.limit is not None
    projection = last_projection("MATCH (n) RETURN n LIMIT size([x IN [1, 2] | x])")
    assert projection.limit is not None
    projection = last_projection("MATCH (n) RETURN n SKIP 0 LIMIT 0")
    assert isinstance(projection.skip, BLiteral)
    assert projection.skip.value == 0


def test_skip_literal_null_is_accepted_for_runtime():
    compile_text("MATCH (n) RETURN n LIMIT null")


def test_with_where_sees_items_and_earlier_variables():
    from engram.binder.bound import BWith

    _, with_, _ = clauses(
        "MATCH (a) WITH a.name2 AS name WHERE name = 'B' OR a.name2 = 'C' RETURN *"
    )
    assert isinstance(with_, BWith)
    assert with_.where is not None
    # with DISTINCT an earlier variable is reachable only through a projected expression
    _, with_, _ = clauses("MATCH (a) WITH DISTINCT a.name2 AS name WHERE a.name2 = 'B' RETURN *")
    assert isinstance(with_, BWith)
    where = with_.where
    assert isinstance(where, BBinary)
    assert isinstance(where.left, BVariable)
    assert where.left.symbol == with_.projection.items[0].symbol
    # with aggregation, an aggregate in WHERE must be projected (a HAVING)
    compile_text("MATCH (n) WITH n.x AS x, count(*) AS c WHERE count(*) > 1 RETURN x")
    assert error_of(
        "MATCH (n) WITH n.x AS x, count(*) AS c WHERE max(n.y) > 1 RETURN x"
    ).detail == (ErrorDetail.UNDEFINED_VARIABLE)


def test_return_star_with_explicit_items():
    projection = last_projection("MATCH (a)-->(b) RETURN *, a.name AS name")
    assert [item.name for item in projection.items] == ["a", "b", "name"]


def test_with_star_keeps_all_variables():
    compile_text("MATCH (a)-->(b) WITH * WHERE a.x = b.x RETURN a, b")


def test_dropped_variables_are_explained():
    error = error_of("MATCH (a) RETURN DISTINCT a.name ORDER BY a.age")
    assert error.detail == ErrorDetail.UNDEFINED_VARIABLE
    assert error.message == "variable 'a' is not available in ORDER BY of this RETURN"
    assert error.hint is not None
    assert "DISTINCT or aggregating" in error.hint
    error = error_of("MATCH (n) RETURN n.x AS x, count(*) AS c ORDER BY n.y")
    assert error.message == "variable 'n' is not available in ORDER BY of this RETURN"
    # a variable that never existed keeps the ordinary message and suggestion
    error = error_of("MATCH (node) RETURN DISTINCT node.x AS x ORDER BY nod")
    assert error.message == "variable 'nod' is not defined"
