"""Builder behaviour: immutability, parameters, misuse errors, property-based values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engram
from engram.builder import (
    case,
    count_star,
    create,
    fn,
    match,
    node,
    param,
    return_,
    unwind,
    var,
    vector_similarity,
)
from engram.parser import parse

p = var("p")


def test_every_method_returns_a_new_query():
    base = match(node(p, "Person"))
    filtered = base.where(p.age > 30)
    returned = filtered.return_(p.name)
    limited = returned.limit(3)
    assert str(base) == "MATCH (p:Person)"
    assert str(filtered) == "MATCH (p:Person) WHERE p.age > $v0"
    assert str(returned) == "MATCH (p:Person) WHERE p.age > $v0 RETURN p.name"
    assert str(limited).endswith("LIMIT $v1")
    assert limited.parameters == {"v0": 30, "v1": 3}
    # the same part reused twice keeps one parameter per occurrence of a value
    older = p.age > 40
    both = match(node(p)).where(older | older).return_(p)
    assert both.parameters == {"v0": 40}
    assert str(both) == "MATCH (p) WHERE p.age > $v0 OR p.age > $v0 RETURN p"


def test_named_parameters_are_kept_and_generated_names_avoid_them():
    q = match(node(p)).where((p.age > param("v0")) & (p.name == "Ada")).return_(p)
    assert str(q) == "MATCH (p) WHERE p.age > $v0 AND p.name = $v1 RETURN p"
    assert q.parameters == {"v1": "Ada"}


def test_execute_merges_given_parameters():
    with engram.open() as db:
        db.execute(create(node("a", "Person", name="Ada", age=36)))
        q = match(node(p, "Person")).where(p.age > param("min")).return_(p.name)
        assert db.execute(q, {"min": 30}).rows() == [("Ada",)]
        assert db.execute(q, min=40).rows() == []
        with db.transaction() as tx:
            assert tx.execute(q, {"min": 1}).scalar() == "Ada"


def test_misuse_is_reported_clearly():
    with pytest.raises(TypeError, match="no truth value"):
        bool(p.age > 3)
    with pytest.raises(TypeError, match="no truth value"):
        _ = (p.age > 1) and (p.age < 3)
    with pytest.raises(ValueError, match="where\\(\\) follows"):
        return_(x=1).where(p.age > 1)
    with pytest.raises(ValueError, match="follow return_"):
        match(node(p)).limit(3)
    with pytest.raises(ValueError, match="empty query"):
        str(match(node(p)).clauses and type(match(node(p)))())
    with pytest.raises(ValueError, match="at least one"):
        match(node(p)).return_()
    with pytest.raises(ValueError, match="at least one when"):
        case().end()
    with pytest.raises(ValueError, match="remove_labels"):
        match(node(p)).remove(p)
    with pytest.raises(TypeError, match="name the function"):
        fn()
    with pytest.raises(ValueError, match="unknown similarity metric"):
        vector_similarity(p.v, [1.0], "manhattan")  # type: ignore[arg-type]


def test_properties_that_clash_with_methods_use_prop_or_brackets():
    assert str(return_(p.prop("desc"), p["in_"])) == "RETURN p.desc, p.in_"


def test_vector_similarity_and_union_print_canonically():
    q = (
        match(node("d", "Doc"))
        .return_(score=vector_similarity(var("d").embedding, [0.1, 0.2]))
        .order_by(var("score").desc())
        .limit(5)
    )
    assert str(q) == (
        "MATCH (d:Doc) RETURN vector.similarity.cosine(d.embedding, $v0) AS score "
        "ORDER BY score DESC LIMIT $v1"
    )
    assert q.parameters == {"v0": [0.1, 0.2], "v1": 5}
    assert parse(str(q)) == q.statement


def test_deep_conditions_print_and_run():
    condition = p.age > 0
    for bound in range(1, 150):
        condition = condition & (p.age > -bound)
    q = unwind([{"age": 5}], "p").with_(p).where(condition).return_(n=count_star())
    with engram.open() as db:
        assert db.execute(q).scalar() == 1
    assert len(q.parameters) == 151


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(value=values)
def test_any_python_value_is_a_parameter_and_comes_back_unchanged(value):
    q = return_(v=value)
    assert str(q) == "RETURN $v0 AS v"
    with engram.open() as db:
        got = db.execute(q).scalar()
    assert repr(got) == repr(value) or (
        isinstance(value, float) and math.isclose(got, value) and got == value
    )


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=2, max_size=30))
def test_no_string_ever_reaches_the_query_text(text):
    q = match(node(p, "Person", name=text)).where(p.email.starts_with(text)).return_(p)
    # the text never depends on the value
    assert str(q) == "MATCH (p:Person {name: $v0}) WHERE p.email STARTS WITH $v1 RETURN p"
    assert list(q.parameters.values()) == [text, text]
