"""List, map and general functions, and element access (List1, List2, List6, List11, Map1-2)."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.entities import NodeRef, RelRef
from engram.execution.functions import lists
from engram.execution.functions.access import OMITTED, index, list_slice, property_of
from engram.execution.functions.registry import lookup
from tests.unit.execution.expr import evaluate, same
from tests.unit.execution.temporal_values import Span


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("size([1, 2, 3])", 3),
        ("size([[], []] + [[]])", 3),
        ("size(null)", None),
        ("size('')", 0),
        ("head([1, 2])", 1),
        ("head([])", None),
        ("head([null, 2])", None),
        ("last([1, 2])", 2),
        ("last([])", None),
        ("tail([1, 2, 3])", [2, 3]),
        ("tail([1])", []),
        ("tail([])", []),
        ("reverse([1, 'a', null])", [None, "a", 1]),
        ("reverse([])", []),
        ("keys({b: 1, a: null})", ["b", "a"]),
        ("keys({})", []),
        ("properties({a: 1})", {"a": 1}),
        ("isEmpty([])", True),
        ("isEmpty([null])", False),
        ("isEmpty({})", True),
        ("isEmpty('')", True),
        ("isEmpty('a')", False),
        ("coalesce(null, null, 3, 4)", 3),
        ("coalesce(null)", None),
        ("coalesce(null, [])", []),
        ("nullIf(1, 1.0)", None),
        ("nullIf(1, 2)", 1),
        ("nullIf(null, 1)", None),
        ("nullIf(1, null)", 1),
        ("nullIf([null], [null])", [None]),
    ],
)
def test_list_and_general_functions(query, expected):
    assert same(evaluate(query), expected)


# List11
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (-1236, -1234, [-1236, -1235, -1234]),
        (-1234, -1234, [-1234]),
        (0, -123, []),
        (0, -1, []),
        (-1, 1, [-1, 0, 1]),
        (0, 0, [0]),
        (6, 10, [6, 7, 8, 9, 10]),
    ],
)
def test_range_default_step(start, end, expected):
    assert lists.cypher_range(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "step", "expected"),
    [
        (1381, -3412, -1298, [1381, 83, -1215, -2513]),
        (0, -2000, -1298, [0, -1298]),
        (10, -10, -3, [10, 7, 4, 1, -2, -5, -8]),
        (0, -1, -1, [0, -1]),
        (0, 1, -123, []),
        (0, -123, 1, []),
        (0, 0, -1, [0]),
        (0, 1, 2, [0]),
        (-10, 10, 3, [-10, -7, -4, -1, 2, 5, 8]),
        (-3412, 1381, 1298, [-3412, -2114, -816, 482]),
    ],
)
def test_range_with_step(start, end, step, expected):
    assert lists.cypher_range(start, end, step) == expected


@pytest.mark.parametrize("stop", [1, 2, 500, 1000, 1500])
@pytest.mark.parametrize("step", [-1000, -3, -2, -1, 1, 2, 3, 1000])
def test_range_is_empty_exactly_when_directions_disagree(stop, step):
    assert (lists.cypher_range(0, stop, step) == []) == ((stop > 0) != (step > 0))


@pytest.mark.parametrize(("start", "end"), [(0, 0), (2, 8), (-2, 8), (2, -8)])
def test_range_with_zero_step_is_out_of_range(start, end):
    with pytest.raises(QueryRuntimeError) as raised:
        lists.cypher_range(start, end, 0)
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize(
    "arguments",
    [
        (True, 1, 1),
        (0, True, 1),
        (0, 1, True),
        (-1.1, 1, 1),
        (-0.0, 1, 1),
        (0.0, 1, 1),
        (0, 1.1, 1),
        (0, 1, -1.1),
        ("xyz", 1, 1),
        (0, 1, "xyz"),
        ([0], 1, 1),
        (0, [1], 1),
        ({"start": 0}, 1, 1),
        (0, 1, {"step": 1}),
    ],
)
def test_range_rejects_non_integers(arguments):
    with pytest.raises(QueryRuntimeError) as raised:
        lists.cypher_range(*arguments)
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE


def test_range_refuses_to_exhaust_memory():
    with pytest.raises(QueryRuntimeError) as raised:
        lists.cypher_range(0, 10**12)
    assert raised.value.detail == ErrorDetail.RESOURCE_LIMIT
    assert raised.value.hint
    assert len(lists.cypher_range(1, lists.MAX_RANGE_LENGTH // 10)) == lists.MAX_RANGE_LENGTH // 10


@pytest.mark.parametrize(
    "query",
    [
        "size(1)",
        "size({})",
        "head('abc')",
        "last(1)",
        "tail({})",
        "reverse(1)",
        "keys(1)",
        "keys([])",
        "isEmpty(1)",
        "properties('a')",
    ],
)
def test_type_errors(query):
    with pytest.raises(QueryRuntimeError) as raised:
        evaluate(query)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE


def test_keys_of_entities_is_left_to_the_engine():
    # the library's map-only version refuses entities; the engine registers the
    # graph-aware `keys` (tests/logic and docs/functions.md cover that one)
    with pytest.raises(QueryRuntimeError, match="keys"):
        lists.map_keys(NodeRef(1))
    spec = lookup("keys")
    assert spec is not None
    assert spec.needs_context


# -- element access ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("[1, 2, 3][0]", 1),
        ("[[1]][0][0]", 1),
        ("[1, 2, 3][-1]", 3),
        ("[1, 2, 3][-3]", 1),
        ("[1, 2, 3][3]", None),
        ("[1, 2, 3][-4]", None),
        ("[1, 2, 3][null]", None),
        ("null[0]", None),
        ("{name: 'Mats', Name: 'Pontus'}['name']", "Mats"),
        ("{name: 'Mats', Name: 'Pontus'}['Name']", "Pontus"),
        ("{name: 'Mats', Name: 'Pontus'}['nAMe']", None),
        ("{null: 'Mats', NULL: 'Pontus'}['NULL']", "Pontus"),
        ("{name: 'Mats'}[null]", None),
        ("{existing: 42, notMissing: null}.missing", None),
        ("{existing: 42, notMissing: null}.notMissing", None),
        ("{existing: 42, notMissing: null}.existing", 42),
        ("[123, {existing: 42}][1].existing", 42),
        ("null.missing", None),
        ("{name: 'Mats', Name: 'Pontus'}.Name", "Pontus"),
        ("{name: 'Mats', nome: 'Pontus'}.`nome`", "Pontus"),
        # List2
        ("[1, 2, 3, 4, 5][1..3]", [2, 3]),
        ("[1, 2, 3][1..]", [2, 3]),
        ("[1, 2, 3][..2]", [1, 2]),
        ("[1, 2, 3][0..1]", [1]),
        ("[1, 2, 3][0..0]", []),
        ("[1, 2, 3][-3..-1]", [1, 2]),
        ("[1, 2, 3][3..1]", []),
        ("[1, 2, 3][-5..5]", [1, 2, 3]),
        ("[1, 2, 3][null..null]", None),
        ("[1, 2, 3][1..null]", None),
        ("[1, 2, 3][null..3]", None),
        ("[1, 2, 3][..null]", None),
        ("[1, 2, 3][null..]", None),
        ("null[1..2]", None),
    ],
)
def test_access(query, expected):
    assert same(evaluate(query), expected)


def test_dynamic_access_with_parameters():
    assert evaluate("$expr[$idx]", {"expr": {"name": "Apa"}, "idx": "name"}) == "Apa"
    assert evaluate("$expr[$idx]", {"expr": ["Apa"], "idx": 0}) == "Apa"
    assert evaluate("$l[$from..$to]", {"l": [1, 2, 3], "from": 3, "to": 1}) == []


@pytest.mark.parametrize(
    ("container", "key", "detail"),
    [
        ({"name": "Apa"}, 0, ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING),
        ({"name": "Apa"}, 12.3, ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING),
        ({"name": "Apa"}, True, ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING),
        ([1, 2], True, ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER),
        ([1, 2], 1.0, ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER),
        ([1, 2], "1", ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER),
        ([1, 2], [1], ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER),
        ([1, 2], {"x": 3}, ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER),
        (100, 0, ErrorDetail.INVALID_ARGUMENT_TYPE),
        (True, 0, ErrorDetail.INVALID_ARGUMENT_TYPE),
        (4.7, 0, ErrorDetail.INVALID_ARGUMENT_TYPE),
        ("1", 0, ErrorDetail.INVALID_ARGUMENT_TYPE),
        (NodeRef(1), "name", ErrorDetail.INVALID_ARGUMENT_TYPE),
    ],
)
def test_index_errors(container, key, detail):
    with pytest.raises(QueryRuntimeError) as raised:
        index(container, key)
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == detail


def test_entities_are_read_through_the_engine_callback():
    reads = []

    def read(entity, key):
        reads.append((entity, key))
        return f"{key} of {entity.id}"

    assert index(NodeRef(4), "name", read) == "name of 4"
    assert property_of(RelRef(5, 0, 1, 2), "since", read) == "since of 5"
    assert reads == [(NodeRef(4), "name"), (RelRef(5, 0, 1, 2), "since")]
    with pytest.raises(QueryRuntimeError) as raised:
        index(NodeRef(4), 1, read)
    assert raised.value.detail == ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING


@pytest.mark.parametrize("value", [123, 42.45, True, "string", [123, True]])
def test_property_access_on_a_non_map(value):
    with pytest.raises(QueryRuntimeError) as raised:
        property_of(value, "num")
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    assert raised.value.detail == ErrorDetail.PROPERTY_ACCESS_ON_NON_MAP


def test_temporal_components():
    assert property_of(Span(7), "seconds") == 7
    with pytest.raises(QueryRuntimeError) as raised:
        property_of(Span(7), "fortnights")
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE


@pytest.mark.parametrize(("start", "end"), [(1.0, 2), (0, "2"), (True, 1)])
def test_slice_bounds_must_be_integers(start, end):
    with pytest.raises(QueryRuntimeError) as raised:
        list_slice([1, 2, 3], start, end)
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_TYPE


def test_slicing_a_non_list_is_a_type_error():
    with pytest.raises(QueryRuntimeError, match="cannot slice a STRING"):
        list_slice("abc", 0, 1)
    assert list_slice((1, 2, 3), OMITTED, OMITTED) == [1, 2, 3]


@pytest.mark.parametrize(
    ("start", "end", "step"),
    [(-(2**63), 2**63 - 1, 1), (2**63 - 1, -(2**63), -1), (0, 2**63 - 1, 2**30)],
)
def test_huge_ranges_are_refused_not_crashed(start, end, step):
    with pytest.raises(QueryRuntimeError) as raised:
        lists.cypher_range(start, end, step)
    assert raised.value.detail == ErrorDetail.RESOURCE_LIMIT


def test_sparse_range_over_the_whole_integer_line():
    assert lists.cypher_range(-(2**63), 2**63 - 1, 2**62) == [-(2**63), -(2**62), 0, 2**62]
