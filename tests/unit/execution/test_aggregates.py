"""Aggregate accumulators (Aggregation1-8), with and without DISTINCT."""

from __future__ import annotations

import math
import statistics

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.functions.registry import lookup
from tests.unit.execution.expr import same
from tests.unit.execution.temporal_values import Instant, Span

NAN = float("nan")


def aggregate(name, values, *, distinct=False, extra=()):
    spec = lookup(name)
    assert spec is not None
    assert spec.is_aggregate
    accumulator = spec.bind(1 + len(extra))(distinct)
    for value in values:
        accumulator.add(value, *extra)
    return accumulator.result()


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("count", [33, None, 42], 2),
        ("count", [], 0),
        ("count", [None, None], 0),
        ("sum", [33, None, 42], 75),
        ("sum", [], 0),
        ("sum", [1, 2.5], 3.5),
        ("sum", [0.1, 0.2, 0.3], 0.1 + 0.2 + 0.3),
        ("sum", list(range(1000000, 1003000)), 3004498500),
        ("avg", [1, 2], 1.5),
        ("avg", [1, 2, 4], 7 / 3),
        ("avg", [], None),
        ("avg", [None], None),
        ("avg", [2.5, None], 2.5),
        ("max", [1, 2, 0, None, -1], 2),
        ("min", [1, 2, 0, None, -1], -1),
        ("max", [1.0, 2.0, 0.5, None], 2.0),
        ("min", [1.0, 2.0, 0.5, None], 0.5),
        ("max", [1, 2.0, 5, None, 3.2, 0.1], 5),
        ("min", [1, 2.0, 5, None, 3.2, 0.1], 0.1),
        ("max", ["a", "b", "B", None, "abc", "abc1"], "b"),
        ("min", ["a", "b", "B", None, "abc", "abc1"], "B"),
        ("max", [[1], [2], [2, 1]], [2, 1]),
        ("min", [[1], [2], [2, 1]], [1]),
        ("max", [1, "a", None, [1, 2], 0.2, "b"], 1),
        ("min", [1, "a", None, [1, 2], 0.2, "b"], [1, 2]),
        ("max", [], None),
        ("min", [None], None),
        ("max", [1, NAN, 2], NAN),
        ("min", [False, True], False),
        ("max", [1, 1.0], 1),
        ("collect", [None, 1, None, 2], [1, 2]),
        ("collect", [], []),
        ("stDev", [], 0.0),
        ("stDev", [5], 0.0),
        ("stDevP", [5], 0.0),
        ("stDev", [1, 2, 3, 4], statistics.stdev([1, 2, 3, 4])),
        ("stDevP", [1, 2, 3, 4], statistics.pstdev([1, 2, 3, 4])),
        ("stDev", [2.5, None, 2.5, 2.5], 0.0),
    ],
)
def test_aggregates(name, values, expected):
    result = aggregate(name, values)
    if isinstance(expected, float) and not math.isnan(expected) and name.startswith("stDev"):
        assert math.isclose(result, expected, rel_tol=1e-12)
    else:
        assert same(result, expected)


@pytest.mark.parametrize(
    ("name", "values", "expected"),
    [
        ("count", [None, None], 0),
        ("count", [1, 1.0, 2, None, 2], 2),
        ("collect", [None, None], []),
        ("collect", [None, 1, None], [1]),
        ("collect", [1, 1.0, [1], [1.0], "1"], [1, [1], "1"]),
        ("sum", [1, 1, 2], 3),
        ("avg", [1, 1, 4], 2.5),
        ("stDevP", [1, 1, 3, 3], 1.0),
        ("max", [3, 3], 3),
        ("collect", [NAN, NAN], [NAN]),
    ],
)
def test_distinct_aggregates(name, values, expected):
    assert same(aggregate(name, values, distinct=True), expected)


@pytest.mark.parametrize(
    ("percentile", "disc", "cont"),
    [
        (0.0, 10.0, 10.0),
        (0.5, 20.0, 20.0),
        (1.0, 30.0, 30.0),
        (0.25, 10.0, 15.0),
        (0.9, 30.0, 28.0),
    ],
)
def test_percentiles(percentile, disc, cont):
    values = [30.0, None, 10.0, 20.0]
    assert same(aggregate("percentileDisc", values, extra=(percentile,)), disc)
    assert math.isclose(aggregate("percentileCont", values, extra=(percentile,)), cont)


def test_percentile_disc_keeps_the_value_type():
    assert same(aggregate("percentileDisc", [3, 1, 2], extra=(0.5,)), 2)
    assert same(aggregate("percentileCont", [3, 1, 2], extra=(0.5,)), 2.0)
    assert same(aggregate("percentileDisc", [1, 2, 3, 4], extra=(0.5,)), 2)
    assert aggregate("percentileDisc", [], extra=(0.5,)) is None
    assert aggregate("percentileCont", [None], extra=(0.5,)) is None


@pytest.mark.parametrize("name", ["percentileDisc", "percentileCont"])
@pytest.mark.parametrize("percentile", [1000, -1, 1.1])
def test_percentile_out_of_range(name, percentile):
    with pytest.raises(QueryRuntimeError) as raised:
        aggregate(name, [10.0], extra=(percentile,))
    assert raised.value.kind == ErrorKind.ARGUMENT_ERROR
    assert raised.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


def test_percentile_is_checked_on_every_row_even_for_null_values():
    spec = lookup("percentileDisc")
    assert spec is not None
    accumulator = spec.impl(False)
    accumulator.add(3, 0.9)
    with pytest.raises(QueryRuntimeError):
        accumulator.add(None, 4)


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("sum", [1, "a"]),
        ("sum", [True]),
        ("avg", [[1]]),
        ("stDev", ["1"]),
        ("stDevP", [{}]),
        ("sum", [1, Span(2)]),
        ("sum", [Span(2), 1]),
        ("sum", [Instant(1), Instant(2)]),
    ],
)
def test_numeric_aggregates_reject_other_types(name, values):
    with pytest.raises(QueryRuntimeError) as raised:
        aggregate(name, values)
    assert raised.value.kind == ErrorKind.TYPE_ERROR


def test_percentile_rejects_non_numbers():
    with pytest.raises(QueryRuntimeError) as raised:
        aggregate("percentileCont", ["a"], extra=(0.5,))
    assert raised.value.kind == ErrorKind.TYPE_ERROR
    with pytest.raises(QueryRuntimeError) as raised:
        aggregate("percentileCont", [1], extra=("half",))
    assert raised.value.kind == ErrorKind.TYPE_ERROR


def test_sum_overflow_is_detected_on_the_result():
    with pytest.raises(QueryRuntimeError) as raised:
        aggregate("sum", [2**62, 2**62])
    assert raised.value.detail == ErrorDetail.INTEGER_OVERFLOW
    # an intermediate total beyond 64 bits that comes back into range is exact
    assert aggregate("sum", [2**62, 2**62, -(2**62)]) == 2**62


def test_durations_sum_and_average_through_the_protocol():
    assert aggregate("sum", [Span(1), None, Span(2)]) == Span(3)
    assert aggregate("avg", [Span(1), Span(2), Span(6)]) == Span(3)
    assert aggregate("min", [Span(2), Span(1)]) == Span(1)
    assert aggregate("max", [Instant(2), Span(1)]) == Span(1)


def test_every_aggregate_spec_is_flagged_and_typed():
    for name in (
        "count",
        "sum",
        "avg",
        "min",
        "max",
        "collect",
        "stDev",
        "stDevP",
        "percentileCont",
        "percentileDisc",
    ):
        spec = lookup(name)
        assert spec is not None
        assert spec.is_aggregate
        assert not spec.propagates_null
        assert spec.signature.startswith(spec.display_name + "(")
