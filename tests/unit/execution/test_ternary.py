"""Three-valued logic, equality, comparison, IN and the quantifiers (openCypher semantics)."""

from __future__ import annotations

import itertools

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.ternary import (
    COMPARATORS,
    UNORDERED,
    all3,
    and3,
    any3,
    compare,
    equals,
    in_list,
    in_list_matcher,
    none3,
    not3,
    not_equals,
    or3,
    single3,
    truth,
    xor3,
)
from tests.unit.execution.expr import evaluate

T, F, N = True, False, None
TRUTH = (T, F, N)


@pytest.mark.parametrize(
    ("left", "right", "conjunction", "disjunction", "exclusive"),
    [
        (T, T, T, T, F),
        (T, F, F, T, T),
        (T, N, N, T, N),
        (F, T, F, T, T),
        (F, F, F, F, F),
        (F, N, F, N, N),
        (N, T, N, T, N),
        (N, F, F, N, N),
        (N, N, N, N, N),
    ],
)
def test_truth_tables(left, right, conjunction, disjunction, exclusive):
    assert and3(left, right) is conjunction
    assert or3(left, right) is disjunction
    assert xor3(left, right) is exclusive


def test_negation():
    assert not3(T) is F
    assert not3(F) is T
    assert not3(N) is N


@pytest.mark.parametrize(("a", "b", "c"), list(itertools.product(TRUTH, repeat=3)))
def test_boolean_laws_hold_with_null(a, b, c):
    assert and3(a, and3(b, c)) is and3(and3(a, b), c)
    assert or3(a, or3(b, c)) is or3(or3(a, b), c)
    assert or3(a, and3(b, c)) is and3(or3(a, b), or3(a, c))
    assert and3(a, or3(b, c)) is or3(and3(a, b), and3(a, c))
    assert not3(or3(a, b)) is and3(not3(a), not3(b))
    assert not3(and3(a, b)) is or3(not3(a), not3(b))


@pytest.mark.parametrize("value", [123, 123.4, "foo", [], [True], {}, {"x": []}])
def test_boolean_operators_reject_non_booleans(value):
    for operation in (lambda: and3(value, True), lambda: or3(False, value), lambda: xor3(value, N)):
        with pytest.raises(QueryRuntimeError) as raised:
            operation()
        assert raised.value.kind == ErrorKind.TYPE_ERROR
        assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE
    with pytest.raises(QueryRuntimeError):
        not3(value)
    with pytest.raises(QueryRuntimeError, match="expects a BOOLEAN"):
        truth(value)


# -- equality (Comparison1, List3) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("[1, 2] = [1]", F),
        ("[null] = [1]", N),
        ("['a'] = [1]", F),
        ("[[1]] = [[1], [null]]", F),
        ("[[1], [2]] = [[1], [null]]", N),
        ("[[1], [2, 3]] = [[1], [null]]", F),
        ("[1, 2] = 'foo'", F),
        ("[1] = [1, null]", F),
        ("[1, 2] = [null, 'foo']", F),
        ("[1, 2] = [null, 2]", N),
        ("[[1, 2], [1, 3]] = [[1, 2], [null, 'foo']]", F),
        ("[[1, 2], ['foo', 'bar']] = [[1, 2], [null, 'bar']]", N),
        ("{} = {}", T),
        ("{k: true} = {k: true}", T),
        ("{k: 1} = {k: 1}", T),
        ("{k: 1.0} = {k: 1.0}", T),
        ("{k: 'abc'} = {k: 'abc'}", T),
        ("{k: 'a', l: 2} = {k: 'a', l: 2}", T),
        ("{} = {k: null}", F),
        ("{k: null} = {}", F),
        ("{k: 1} = {k: 1, l: null}", F),
        ("{k: null, l: 1} = {l: 1}", F),
        ("{k: null} = {k: null, l: null}", F),
        ("{k: null} = {k: null}", N),
        ("{k: 1} = {k: null}", N),
        ("{k: 1, l: null} = {k: null, l: null}", N),
        ("{k: 1, l: null} = {k: null, l: 1}", N),
        ("{k: 1, l: null} = {k: 1, l: 1}", N),
        ("1.0 = 1.0", T),
        ("1 = 1.0", T),
        ("'1.0' = 1.0", F),
        ("'1' = 1", F),
        ("null = null", N),
        ("null <> null", N),
        ("true = 1", F),
        ("false = 0", F),
        ("[true] = [1]", F),
        ("4611686018427387905 = 4611686018427387900", F),
        ("4611686018427387905 = 4611686018427387905", T),
    ],
)
def test_equality(query, expected):
    assert evaluate(query) is expected


@pytest.mark.parametrize("other", ["0.0 / 0.0", "1", "1.0", "'a'"])
def test_nan_is_never_equal(other):
    assert evaluate(f"0.0 / 0.0 = {other}") is F
    assert evaluate(f"0.0 / 0.0 <> {other}") is T


def test_entities_compare_by_id():
    assert equals(NodeRef(1), NodeRef(1)) is T
    assert equals(NodeRef(1), NodeRef(2)) is F
    assert equals(NodeRef(1), RelRef(1, 0, 1, 1)) is F
    assert equals(RelRef(7, 0, 1, 2), RelRef(7, 3, 4, 5)) is T
    # a loop traversed either way is the same path (Comparison1 [14])
    loop = RelRef(5, 0, 1, 1)
    assert equals(
        PathValue((NodeRef(1), NodeRef(1)), (loop,)), PathValue((NodeRef(1), NodeRef(1)), (loop,))
    )
    assert equals(PathValue((NodeRef(1),)), PathValue((NodeRef(2),))) is F
    assert equals(NodeRef(1), {"id": 1}) is F


def test_not_equals_negates():
    assert not_equals(1, 2) is T
    assert not_equals(1, 1.0) is F
    assert not_equals([None], [1]) is N


# -- comparison (Comparison2, WithOrderBy1 [45]) -----------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("[1, 0] >= [1]", T),
        ("[1, null] >= [1]", T),
        ("[1, 2] >= [1, null]", N),
        ("[1, 'a'] >= [1, null]", N),
        ("[1, 2] >= [3, null]", F),
        ("1.0 < 1.0", F),
        ("1 < 1.0", F),
        ("'1.0' < 1.0", N),
        ("'1' < 1", N),
        ("1 < 3.14", T),
        ("3.14 >= 1", T),
        ("false < true", T),
        ("'a' < 'b'", T),
        ("'B' < 'a'", T),
        ("'' < ' '", T),
        ("[] < [1]", T),
        ("[1] < ['a']", N),
        ("{a: 1} < {a: 2}", N),
        ("true < 1", N),
        ("null < 1", N),
        ("9223372036854775807 > 9223372036854775806.0", F),
        ("9223372036854775807 > 9223372036854775807.0", F),
        ("1 < 2 = true", F),
        ("1 < 2 < 3", T),
        ("3 > 2 > 1", T),
        ("1 < 3 < 2", F),
    ],
)
def test_comparison(query, expected):
    assert evaluate(query) is expected


@pytest.mark.parametrize("other", ["1", "1.0", "0.0 / 0.0"])
def test_nan_is_unordered(other):
    for operator in ("<", "<=", ">", ">="):
        assert evaluate(f"0.0 / 0.0 {operator} {other}") is F
        assert evaluate(f"{other} {operator} 0.0 / 0.0") is F
    assert compare(float("nan"), 1) == UNORDERED


def test_nan_compared_with_a_string_is_null():
    for operator in ("<", "<=", ">", ">="):
        assert evaluate(f"0.0 / 0.0 {operator} 'a'") is N


def test_only_numbers_compare_across_types():
    node, rel = NodeRef(1), RelRef(2, 0, 1, 3)
    path = PathValue((NodeRef(1), NodeRef(3)), (rel,))
    values = [node, rel, path, "", 1, 3.14, True, None, [], {}]
    results = []
    for left, right in itertools.permutations(values, 2):
        if COMPARATORS["<"](left, right) is True:
            results.append((left, right))
    assert results == [(1, 3.14)]


def test_entities_and_maps_are_incomparable():
    assert compare(NodeRef(1), NodeRef(2)) is None
    assert compare({"a": 1}, {"a": 1}) is None
    assert compare(PathValue((NodeRef(1),)), PathValue((NodeRef(1),))) is None


# -- IN (List5) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("3 IN [[1, 2, 3]][0]", T),
        ("3 IN [1, 2, 3][0..1]", F),
        ("1 IN ['1', 2]", F),
        ("[1, 2] IN [1, [1, '2']]", F),
        ("[1] IN [1, 2]", F),
        ("[1, 2] IN [1, 2]", F),
        ("[1] IN [1, 2, [1]]", T),
        ("[1, 2] IN [1, [1, 2]]", T),
        ("[1, 2] IN [1, [2, 1]]", F),
        ("[1, 2] IN [1, [1, 2, 3]]", F),
        ("[1, 2] IN [1, [[1, 2]]]", F),
        ("[[1, 2], [3, 4]] IN [5, [[1, 2], [3, 4]]]", T),
        ("[[1, 2], 3] IN [1, [[1, 2], 3]]", T),
        ("[[1]] IN [2, [[1]]]", T),
        ("[[1, 3]] IN [2, [[1, 3]]]", T),
        ("[[1]] IN [2, [1]]", F),
        ("[[1, 3]] IN [2, [1, 3]]", F),
        ("null IN [null]", N),
        ("[null] IN [[null]]", N),
        ("[null] IN [null]", N),
        ("[1] IN [[1, null]]", F),
        ("3 IN [1, null, 3]", T),
        ("4 IN [1, null, 3]", N),
        ("[1, 2] IN [[null, 'foo'], [1, 2]]", T),
        ("[1, 2] IN [1, [1, 2], null]", T),
        ("[1, 2] IN [[null, 'foo']]", F),
        ("[1, 2] IN [[null, 2]]", N),
        ("[1, 2] IN [1, [1, 2, null]]", F),
        ("[1, 2, null] IN [1, [1, 2, null]]", N),
        ("[1, 2] IN [[null, 2], [1, 2]]", T),
        ("[[1, 2], [3, 4]] IN [5, [[1, 2], [3, 4], null]]", F),
        ("[1, 2] IN [[null, 2], [1, 3]]", N),
        ("[] IN [[]]", T),
        ("[] IN []", F),
        ("[] IN [1, []]", T),
        ("[] IN [1, 2]", F),
        ("[[]] IN [1, [[]]]", T),
        ("[] IN [1, 2, null]", N),
        ("[[], []] IN [1, [[], []]]", T),
        ("null IN []", F),
        ("1 IN null", N),
        ("'a' IN ['b', null]", N),
        ("'a' IN ['b', 'a']", T),
        ("'a' IN ['b', ['a']]", F),
        ("1 IN [1.0]", T),
        ("true IN [1]", F),
        ("1 IN [true]", F),
        ("0.0 / 0.0 IN [0.0 / 0.0]", F),
    ],
)
def test_in(query, expected):
    assert evaluate(query) is expected


@pytest.mark.parametrize("container", [True, 123, 123.4, "foo", {"x": []}])
def test_in_requires_a_list(container):
    with pytest.raises(QueryRuntimeError) as raised:
        in_list(1, container)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE
    assert raised.value.span is None


# -- quantifiers (Quantifier1-12) ---------------------------------------------------------


def _predicates(values, predicate):
    return [None if value is None else predicate(value) for value in values]


@pytest.mark.parametrize(
    ("values", "threshold", "none", "single", "any_", "all_"),
    [
        ([], 2, T, F, F, T),
        ([None], 2, N, N, N, N),
        ([None, None], 2, N, N, N, N),
        ([0, None], 2, N, N, N, F),
        ([2, None], 2, F, N, T, N),
        ([None, 2], 2, F, N, T, N),
        ([2, 2], 2, F, F, T, T),
        ([1, 2, 3], 2, F, T, T, F),
    ],
)
def test_quantifiers_over_equality(values, threshold, none, single, any_, all_):
    results = _predicates(values, lambda value: value == threshold)
    assert none3(results) is none
    assert single3(results) is single
    assert any3(results) is any_
    assert all3(results) is all_


@pytest.mark.parametrize(
    ("values", "none", "single"),
    [
        ([34, 0, None, 5, 900], F, F),
        ([34, 10, None, 15, 900], N, N),
        ([4, 0, None, -15, 9], F, F),
    ],
)
def test_quantifiers_over_less_than(values, none, single):
    results = _predicates(values, lambda value: value < 10)
    assert none3(results) is none
    assert single3(results) is single


def test_quantifiers_stop_early():
    consumed = []

    def results():
        for value in (True, True, "not a boolean"):
            consumed.append(value)
            yield value

    assert any3(results()) is True
    assert consumed == [True]
    consumed.clear()
    assert single3(results()) is False
    assert consumed == [True, True]


def test_quantifiers_reject_non_boolean_predicates():
    with pytest.raises(QueryRuntimeError, match=r"all\(\) expects a BOOLEAN, got INTEGER"):
        all3([True, 1])


@pytest.mark.parametrize(
    "container",
    [
        [1, 2, 3],
        [1, None, "a"],
        [1.0, 2.5, float("nan")],
        [],
        [None],
        ["a", "b"],
        [0, 1],
        [True, 1],
        [[1], 2],
        (4, 5),
    ],
)
def test_in_list_matcher_agrees_with_in_list(container):
    matcher = in_list_matcher(container)
    probes = [1, 1.0, 2, 2.5, 0, True, False, "a", "c", None, float("nan"), [1], 2**53 + 1, 5]
    for probe in probes:
        assert matcher(probe) is in_list(probe, container), probe


def test_in_list_matcher_of_a_non_list_raises_on_use():
    matcher = in_list_matcher("abc")
    with pytest.raises(QueryRuntimeError):
        matcher(1)
