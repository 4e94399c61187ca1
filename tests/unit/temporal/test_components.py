"""Component access: `d.year`, `t.offsetMinutes`, `dt.epochMillis`, `dur.minutesOfHour`."""

from __future__ import annotations

import pytest
from hypothesis import given

from engram.temporal.components import DATE_COMPONENTS, TIME_COMPONENTS, ZONE_COMPONENTS
from engram.temporal.duration import DURATION_COMPONENTS
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import date, datetime, duration, localdatetime, localtime, time
from tests.unit.temporal.strategies import no_deadline

DATE_1984_10_11 = {
    "year": 1984,
    "quarter": 4,
    "month": 10,
    "week": 41,
    "weekYear": 1984,
    "day": 11,
    "ordinalDay": 285,
    "dayOfWeek": 4,
    "weekDay": 4,
    "dayOfQuarter": 11,
    "quarterDay": 11,
}
TIME_12_31_14 = {
    "hour": 12,
    "minute": 31,
    "second": 14,
    "millisecond": 645,
    "microsecond": 645876,
    "nanosecond": 645876123,
}


@pytest.mark.parametrize(("name", "expected"), DATE_1984_10_11.items())
def test_date_components(name, expected):
    assert date("1984-10-11").property(name) == expected
    assert localdatetime("1984-10-11T12:31:14.645876123").property(name) == expected
    assert datetime("1984-10-11T12:31:14.645876123+01:00").property(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "1984-11-11",
            {"week": 45, "weekYear": 1984, "dayOfWeek": 7, "ordinalDay": 316, "dayOfQuarter": 42},
        ),
        ("1984-01-01", {"week": 52, "weekYear": 1983, "dayOfWeek": 7, "ordinalDay": 1}),
        ("2020-12-31", {"week": 53, "weekYear": 2020, "ordinalDay": 366, "dayOfQuarter": 92}),
        ("2021-01-03", {"week": 53, "weekYear": 2020, "quarter": 1}),
        ("2018-12-31", {"week": 1, "weekYear": 2019}),
        ("-0001-12-31", {"year": -1, "month": 12, "day": 31, "ordinalDay": 365}),
        ("0000-12-31", {"year": 0, "ordinalDay": 366}),
    ],
)
def test_week_based_and_ordinal_components(text, expected):
    value = date(text)
    assert {name: value.property(name) for name in expected} == expected


@pytest.mark.parametrize(("name", "expected"), TIME_12_31_14.items())
def test_time_components(name, expected):
    for value in (
        localtime("12:31:14.645876123"),
        time("12:31:14.645876123+01:00"),
        localdatetime("1984-10-11T12:31:14.645876123"),
        datetime("1984-10-11T12:31:14.645876123[Europe/Stockholm]"),
    ):
        assert value.property(name) == expected


def test_zone_components():
    offset_time = time("12:00-02:05:07")
    assert offset_time.property("timezone") == "-02:05:07"
    assert offset_time.property("offset") == "-02:05:07"
    assert offset_time.property("offsetMinutes") == -125
    assert offset_time.property("offsetSeconds") == -7507
    utc = datetime("2015-01-01T00:00Z")
    assert (utc.property("timezone"), utc.property("offset")) == ("Z", "Z")
    named = datetime("1984-11-11T12:31:14.645876123[Europe/Stockholm]")
    assert named.property("timezone") == "Europe/Stockholm"
    assert named.property("offset") == "+01:00"
    assert named.property("offsetMinutes") == 60
    assert named.property("offsetSeconds") == 3600
    assert named.property("epochSeconds") == 469020674
    assert named.property("epochMillis") == 469020674645


def test_epoch_components_before_1970_round_down():
    value = datetime("1969-12-31T23:59:59.999Z")
    assert value.property("epochSeconds") == -1
    assert value.property("epochMillis") == -1
    assert value.property("nanosecond") == 999_000_000


DURATION_EXPECTED = {
    "years": 1,
    "quarters": 5,
    "months": 16,
    "weeks": 1,
    "days": 10,
    "hours": 1,
    "minutes": 61,
    "seconds": 3661,
    "milliseconds": 3661111,
    "microseconds": 3661111111,
    "nanoseconds": 3661111111111,
    "quartersOfYear": 1,
    "monthsOfQuarter": 1,
    "monthsOfYear": 4,
    "daysOfWeek": 3,
    "minutesOfHour": 1,
    "secondsOfMinute": 1,
    "millisecondsOfSecond": 111,
    "microsecondsOfSecond": 111111,
    "nanosecondsOfSecond": 111111111,
}


@pytest.mark.parametrize(("name", "expected"), DURATION_EXPECTED.items())
def test_duration_components(name, expected):
    value = duration(
        {
            "years": 1,
            "months": 4,
            "days": 10,
            "hours": 1,
            "minutes": 1,
            "seconds": 1,
            "nanoseconds": 111111111,
        }
    )
    assert value.property(name) == expected


def test_negative_duration_components_truncate_toward_zero():
    value = duration("P-1Y-5M-10DT-1H-1M-1.5S")
    assert value.property("years") == -1
    assert value.property("months") == -17
    assert value.property("monthsOfYear") == -5
    assert value.property("quartersOfYear") == -1
    assert value.property("weeks") == -1
    assert value.property("daysOfWeek") == -3
    assert value.property("hours") == -1
    assert value.property("minutesOfHour") == -1
    # the seconds group is stored as -3662 s + 0.5 s: components add up to -3661.5 s
    assert value.property("seconds") == -3662
    assert value.property("nanosecondsOfSecond") == 500_000_000
    assert value.property("milliseconds") == -3661500


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (date("2015-01-01"), "hour"),
        (date("2015-01-01"), "timezone"),
        (localtime("12:00"), "year"),
        (localtime("12:00"), "offset"),
        (time("12:00Z"), "epochMillis"),
        (localdatetime("2015-01-01T12:00"), "timezone"),
        (localdatetime("2015-01-01T12:00"), "epochSeconds"),
        (datetime("2015-01-01T12:00Z"), "years"),
        (duration("P1D"), "year"),
        (duration("P1D"), "day"),
        (date("2015-01-01"), ""),
    ],
)
def test_unknown_components_raise_key_error(value, name):
    with pytest.raises(KeyError):
        value.property(name)


def test_component_names_are_case_insensitive():
    value = datetime("1984-10-11T12:31:14.645Z")
    assert value.property("YEAR") == 1984
    assert value.property("dayofweek") == 4
    assert value.property("EpochMillis") == value.property("epochMillis")
    assert duration("PT90M").property("MINUTESOFHOUR") == 30


@no_deadline
@given(ts.datetimes())
def test_every_documented_component_exists_on_datetimes(value):
    for name in (
        *DATE_COMPONENTS,
        *TIME_COMPONENTS,
        *ZONE_COMPONENTS,
        "epochSeconds",
        "epochMillis",
    ):
        assert value.property(name) is not None


@no_deadline
@given(ts.durations)
def test_every_duration_component_exists_and_is_an_integer(value):
    for name in DURATION_COMPONENTS:
        assert isinstance(value.property(name), int)
    assert value.property("nanoseconds") == value.seconds * 1_000_000_000 + value.nanos


@no_deadline
@given(ts.dates)
def test_date_components_rebuild_the_date(value):
    rebuilt = date(
        {
            "year": value.property("year"),
            "month": value.property("month"),
            "day": value.property("day"),
        }
    )
    assert rebuilt == value
    by_week = date(
        {
            "year": value.property("weekYear"),
            "week": value.property("week"),
            "dayOfWeek": value.property("dayOfWeek"),
        }
    )
    assert by_week == value
    by_quarter = date(
        {
            "year": value.property("year"),
            "quarter": value.property("quarter"),
            "dayOfQuarter": value.property("dayOfQuarter"),
        }
    )
    assert by_quarter == value
    assert (
        date({"year": value.property("year"), "ordinalDay": value.property("ordinalDay")}) == value
    )
