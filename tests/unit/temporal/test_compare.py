"""Equality, comparability and ordering of temporal values."""

from __future__ import annotations

import pytest
from hypothesis import given

from engram.temporal.base import TemporalValue
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.times import LocalTime, Time
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import date, datetime, duration, localdatetime, localtime, time
from tests.unit.temporal.strategies import no_deadline


def test_order_ranks_follow_cypher_orderability():
    ranks = [cls.order_rank for cls in (DateTime, LocalDateTime, Date, Time, LocalTime, Duration)]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 6


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        (date("1980-12-24"), date("1984-10-11")),
        (localtime("10:35"), localtime("12:31:14.645876123")),
        (time("10:00+01:00"), time("09:35:14.645876123Z")),
        (localdatetime("1980-12-11T12:31:14"), localdatetime("1984-10-11T12:31:14.645876123")),
        (datetime("1980-12-11T12:31:14Z"), datetime("1984-10-11T12:31:14+05:00")),
        (datetime("2015-07-21T21:40:32.142+01:00"), datetime("2015-07-21T21:40:32.142+00:00")),
        (date("-0001-12-31"), date("0000-01-01")),
    ],
)
def test_same_type_values_compare(smaller, larger):
    assert smaller.cypher_compare(larger) == -1
    assert larger.cypher_compare(smaller) == 1
    assert smaller.cypher_compare(smaller) == 0
    assert smaller.cypher_equals(larger) is False


def test_same_instant_in_other_zones_is_not_equal_but_ordered_by_zone():
    plus_one = datetime("2015-07-21T21:40+01:00")
    utc = datetime("2015-07-21T20:40Z")
    named = datetime("2015-07-21T21:40[Europe/London]")
    assert plus_one.epoch_second == utc.epoch_second == named.epoch_second
    assert not plus_one.cypher_equals(utc)
    assert not plus_one.cypher_equals(named)
    # same instant: the larger offset (later wall clock) sorts later; offsets before names
    assert utc.cypher_compare(plus_one) == -1
    assert plus_one.cypher_compare(named) == -1


def test_times_with_the_same_utc_time_order_by_offset():
    assert time("12:00+01:00").cypher_equals(time("11:00Z")) is False
    assert time("11:00Z").cypher_compare(time("12:00+01:00")) == -1


def test_durations_are_equal_by_groups_and_not_comparable():
    assert duration("PT70S").cypher_equals(duration("PT1M10S"))
    assert not duration("P1D").cypher_equals(duration("PT24H"))
    assert not duration("P1M").cypher_equals(duration("P30D"))
    assert duration("P1D").cypher_compare(duration("P2D")) is None
    assert duration("P1D").cypher_equals(None) is None


@no_deadline
@given(ts.any_temporal, ts.any_temporal)
def test_different_types_are_unequal_and_incomparable(first: TemporalValue, second: TemporalValue):
    if type(first) is type(second):
        return
    assert first.cypher_equals(second) is False
    assert first.cypher_compare(second) is None


@no_deadline
@given(ts.instants, ts.instants)
def test_comparison_is_antisymmetric_and_consistent_with_equality(first, second):
    forward, backward = first.cypher_compare(second), second.cypher_compare(first)
    if forward is None:
        assert backward is None
        return
    assert forward == -backward
    assert (forward == 0) == first.cypher_equals(second)
    if forward == 0:
        assert hash(first) == hash(second)


@no_deadline
@given(ts.any_temporal)
def test_values_equal_themselves_and_are_hashable(value):
    assert value.cypher_equals(value) is True
    assert value.cypher_equals(None) is None
    assert value.cypher_equals(str(value)) is False
    assert value.cypher_equals(1) is False
    assert {value: 1}[value] == 1


def test_order_keys_sort_durations_by_approximate_length():
    values = [duration(text) for text in ("P1M", "P29D", "PT720H", "P31D", "P1Y", "PT-1S", "PT0S")]
    ordered = sorted(values, key=lambda value: value.order_key())
    assert [str(value) for value in ordered] == [
        "PT-1S",
        "PT0S",
        "P29D",
        "PT720H",
        "P1M",
        "P31D",
        "P1Y",
    ]
