"""Building values from maps, other values, text and the clock, and the errors for bad input."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.temporal.clock import TemporalContext
from engram.temporal.zones import ZoneOffset, ZoneRegion
from tests.unit.temporal.helpers import (
    CONTEXT,
    call,
    date,
    datetime,
    duration,
    localdatetime,
    localtime,
    time,
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"year": 1984, "month": 10, "day": 11}, "1984-10-11"),
        ({"year": 1984, "month": 10}, "1984-10-01"),
        ({"year": 1984}, "1984-01-01"),
        ({"year": 1984, "week": 10, "dayOfWeek": 3}, "1984-03-07"),
        ({"year": 1984, "week": 10}, "1984-03-05"),
        ({"year": 1984, "ordinalDay": 202}, "1984-07-20"),
        ({"year": 1984, "quarter": 3, "dayOfQuarter": 45}, "1984-08-14"),
        ({"year": 1984, "quarter": 3}, "1984-07-01"),
        ({"Year": 1984, "MONTH": 2, "day": 29}, "1984-02-29"),
        ({"year": -44, "month": 3, "day": 15}, "-0044-03-15"),
        ({"date": date("1984-01-31"), "month": 2}, "1984-02-29"),
        ({"date": date("1984-06-30"), "quarter": 1}, "1984-03-31"),
        ({"date": date("1984-03-31"), "quarter": 2}, "1984-06-30"),
        ({"date": date("1984-12-31"), "quarter": 1}, "1984-03-31"),
        ({"date": date("2020-12-31"), "year": 2021, "week": 2}, "2021-01-14"),
        ({"date": date("2020-12-31"), "year": 2021}, "2021-12-31"),
        ({"date": date("2020-12-31"), "ordinalDay": 1}, "2020-01-01"),
        ({"date": date("2021-01-03"), "week": 53}, "2021-01-03"),
        ({"date": date("2020-02-29"), "year": 2021}, "2021-02-28"),
        ({"date": datetime("1984-10-11T23:30-05:00")}, "1984-10-11"),
    ],
)
def test_dates_from_maps(fields, expected):
    assert str(date(fields)) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"hour": 12}, "12:00"),
        ({"hour": 12, "minute": 31, "second": 14, "millisecond": 645}, "12:31:14.645"),
        ({"hour": 12, "minute": 31, "second": 14, "microsecond": 645876}, "12:31:14.645876"),
        ({"hour": 12, "minute": 31, "second": 14, "nanosecond": 645876123}, "12:31:14.645876123"),
        (
            {
                "hour": 12,
                "minute": 31,
                "second": 14,
                "millisecond": 1,
                "microsecond": 2,
                "nanosecond": 3,
            },
            "12:31:14.001002003",
        ),
        ({"time": localtime("12:31:14.645876123"), "millisecond": 7}, "12:31:14.007"),
        ({"time": localtime("12:31:14.645876123"), "hour": 1}, "01:31:14.645876123"),
        ({"time": datetime("1984-10-11T12:31-10:00[Pacific/Honolulu]")}, "12:31"),
    ],
)
def test_local_times_from_maps(fields, expected):
    assert str(localtime(fields)) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"hour": 12}, "12:00Z"),
        ({"hour": 12, "timezone": "+01:00"}, "12:00+01:00"),
        ({"hour": 12, "timezone": "-02:05:07"}, "12:00-02:05:07"),
        ({"hour": 12, "timezone": "Europe/Stockholm"}, "12:00+02:00"),
        ({"time": time("23:30+01:00"), "timezone": "-01:00"}, "21:30-01:00"),
        ({"time": time("23:30+01:00"), "timezone": "+03:00"}, "01:30+03:00"),
        ({"time": localtime("23:30"), "timezone": "+03:00"}, "23:30+03:00"),
        ({"time": datetime("1984-10-11T12:00[Europe/Stockholm]"), "timezone": "Z"}, "11:00Z"),
    ],
)
def test_times_from_maps(fields, expected):
    # the named zone gets its offset at the context's statement time (May: summer time)
    assert str(time(fields)) == expected


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"year": 1984, "month": 10, "day": 11, "hour": 12}, "1984-10-11T12:00Z"),
        (
            {"year": 1984, "timezone": "Europe/Stockholm"},
            "1984-01-01T00:00+01:00[Europe/Stockholm]",
        ),
        ({"epochSeconds": 416779, "nanosecond": 999999999}, "1970-01-05T19:46:19.999999999Z"),
        ({"epochSeconds": -1, "millisecond": 5}, "1969-12-31T23:59:59.005Z"),
        ({"epochMillis": 237821673987}, "1977-07-15T13:34:33.987Z"),
        ({"epochMillis": 0, "timezone": "Asia/Kolkata"}, "1970-01-01T05:30+05:30[Asia/Kolkata]"),
        (
            {"datetime": datetime("2017-10-29T02:30+01:00[Europe/Stockholm]")},
            "2017-10-29T02:30+01:00[Europe/Stockholm]",
        ),
        (
            {"datetime": datetime("2017-10-29T02:30+02:00[Europe/Stockholm]"), "minute": 45},
            "2017-10-29T02:45+02:00[Europe/Stockholm]",
        ),
        (
            {"date": date("2017-03-26"), "hour": 2, "minute": 30, "timezone": "Europe/Stockholm"},
            "2017-03-26T03:30+02:00[Europe/Stockholm]",
        ),
        (
            {"datetime": localdatetime("2015-07-21T21:40"), "timezone": "+05:00"},
            "2015-07-21T21:40+05:00",
        ),
    ],
)
def test_datetimes_from_maps(fields, expected):
    assert str(datetime(fields)) == expected


def test_local_datetimes_from_maps_and_values():
    assert str(localdatetime({"year": 1984, "ordinalDay": 202, "hour": 12})) == "1984-07-20T12:00"
    assert str(localdatetime(date("1984-10-11"))) == "1984-10-11T00:00"
    assert str(localdatetime(datetime("1984-10-11T12:00+05:00"))) == "1984-10-11T12:00"
    assert (
        str(localdatetime({"date": date("1984-10-11"), "time": time("12:00+05:00")}))
        == "1984-10-11T12:00"
    )


def test_conversions_between_types():
    value = datetime("1984-10-11T12:31:14.645+05:00")
    assert str(date(value)) == "1984-10-11"
    assert str(localtime(value)) == "12:31:14.645"
    assert str(time(value)) == "12:31:14.645+05:00"
    assert str(time(localtime("12:00"))) == "12:00Z"
    assert str(time(localdatetime("1984-10-11T12:00"))) == "12:00Z"
    assert str(datetime(localdatetime("1984-10-11T12:00"))) == "1984-10-11T12:00Z"
    assert str(datetime(date("1984-10-11"))) == "1984-10-11T00:00Z"
    assert localtime(time("12:00+05:00")) == localtime("12:00")
    assert date(date("1984-10-11")) == date("1984-10-11")


def test_default_zone_applies_to_values_without_one():
    context = TemporalContext.fixed(0, ZoneRegion("America/New_York"))
    assert str(call("datetime", "2015-07-21T21:40", context=context)) == (
        "2015-07-21T21:40-04:00[America/New_York]"
    )
    assert str(call("datetime", {"year": 2015}, context=context)) == (
        "2015-01-01T00:00-05:00[America/New_York]"
    )
    # a time without an offset takes the default zone's offset at the statement time
    assert str(call("time", "12:00", context=context)) == "12:00-05:00"


def test_current_time_functions_read_the_right_clock():
    context = TemporalContext(
        statement_time=1_000_000_000_000_000_000,
        transaction_time=2_000_000_000_000_000_000,
        default_zone=ZoneOffset(3600),
        realtime=lambda: 3_000_000_000_000_000_000,
    )
    assert str(call("datetime", context=context)) == "2001-09-09T02:46:40+01:00"
    assert str(call("datetime.statement", context=context)) == "2001-09-09T02:46:40+01:00"
    assert str(call("datetime.transaction", context=context)) == "2033-05-18T04:33:20+01:00"
    assert str(call("datetime.realtime", context=context)) == "2065-01-24T06:20+01:00"
    assert str(call("date.transaction", "Pacific/Honolulu", context=context)) == "2033-05-17"
    assert str(call("localtime.realtime", {"timezone": "Z"}, context=context)) == "05:20"
    assert str(call("time.statement", "-02:00", context=context)) == "23:46:40-02:00"
    assert (
        str(call("localdatetime", {"timezone": "+00:00"}, context=context)) == "2001-09-09T01:46:40"
    )
    assert str(call("date", {"timezone": "Asia/Tokyo"}, context=context)) == "2001-09-09"


def test_now_is_fixed_within_a_statement():
    assert call("datetime") == call("datetime")
    assert call("localtime") == localtime(call("datetime"))
    assert str(call("date")) == "2024-05-01"
    assert str(call("time")) == "10:00:00.123456789Z"


def test_fractional_durations_from_maps():
    assert str(duration({"days": 14, "hours": 16, "minutes": 12})) == "P14DT16H12M"
    assert str(duration({"months": 5, "days": 1.5})) == "P5M1DT12H"
    assert str(duration({"months": 0.75})) == "P22DT19H51M49.5S"
    assert str(duration({"weeks": 2.5})) == "P17DT12H"
    assert str(duration({"minutes": 1.5, "seconds": 1})) == "PT1M31S"
    assert str(duration({"seconds": -2, "milliseconds": 1})) == "PT-1.999S"
    assert str(duration({"years": -0.5})) == "P-6M"
    assert str(duration({})) == "PT0S"
    assert str(duration({"Hours": 1})) == "PT1H"
    assert duration(duration("P1D")) == duration("P1D")


ARGUMENT, TYPE = ErrorKind.ARGUMENT_ERROR, ErrorKind.TYPE_ERROR
VALUE, RANGE = ErrorDetail.INVALID_ARGUMENT_VALUE, ErrorDetail.NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("function", "argument", "kind", "detail", "words"),
    [
        ("date", {"year": 1984, "month": 13}, ARGUMENT, RANGE, "'month': 13"),
        ("date", {"year": 1984, "month": 2, "day": 30}, ARGUMENT, RANGE, "'day': 30"),
        (
            "date",
            {"year": 1984, "day": 5},
            ARGUMENT,
            VALUE,
            "'day' cannot be given without 'month'",
        ),
        ("date", {"year": 1984, "dayOfWeek": 5}, ARGUMENT, VALUE, "without 'week'"),
        ("date", {"year": 1984, "dayOfQuarter": 5}, ARGUMENT, VALUE, "without 'quarter'"),
        ("date", {"month": 5}, ARGUMENT, VALUE, "'year' is required"),
        ("date", {"year": 1984, "month": 1, "week": 1}, ARGUMENT, VALUE, "cannot mix"),
        ("date", {"year": 1984, "ordinalDay": 1, "quarter": 1}, ARGUMENT, VALUE, "cannot mix"),
        ("date", {"year": 1984, "hour": 1}, ARGUMENT, VALUE, "'hour' is not a valid key"),
        ("date", {"yeer": 1984}, ARGUMENT, VALUE, "'yeer'"),
        ("date", {"year": 1984, "YEAR": 1985}, ARGUMENT, VALUE, "given twice"),
        ("date", {"year": "1984"}, TYPE, VALUE, "'year' must be an integer, got a string"),
        ("date", {"year": 1984.0}, TYPE, VALUE, "got a float"),
        ("date", {"year": True}, TYPE, VALUE, "got a boolean"),
        ("date", {"year": None}, TYPE, VALUE, "got null"),
        ("date", {"year": 10**9}, ARGUMENT, RANGE, "'year'"),
        (
            "date",
            {"year": 1984, "timezone": "Z"},
            ARGUMENT,
            VALUE,
            "'timezone' can only be given alone",
        ),
        ("date", {}, ARGUMENT, VALUE, "at least one field"),
        ("date", {"date": localtime("12:00")}, TYPE, VALUE, "'date' must be"),
        ("date", {"date": None, "day": 1}, TYPE, VALUE, "got null"),
        ("localdatetime", {"date": date("2015-01-01"), "time": None}, TYPE, VALUE, "got null"),
        ("date", 42, TYPE, VALUE, "date() cannot take an integer"),
        ("date", [2015], TYPE, VALUE, "a list"),
        ("date", localtime("12:00"), TYPE, VALUE, "cannot build a date from a localtime"),
        ("date", duration("P1D"), TYPE, VALUE, "cannot take a duration"),
        ("localtime", {"minute": 5}, ARGUMENT, VALUE, "'minute' cannot be given without 'hour'"),
        ("localtime", {"hour": 1, "second": 5}, ARGUMENT, VALUE, "without 'minute'"),
        (
            "localtime",
            {"hour": 1, "minute": 1, "millisecond": 5},
            ARGUMENT,
            VALUE,
            "without 'second'",
        ),
        ("localtime", {"hour": 24}, ARGUMENT, RANGE, "'hour': 24"),
        (
            "localtime",
            {"hour": 1, "minute": 1, "second": 1, "millisecond": 1000},
            ARGUMENT,
            RANGE,
            "millisecond",
        ),
        (
            "localtime",
            {"hour": 1, "minute": 1, "second": 1, "millisecond": 1, "microsecond": 1000},
            ARGUMENT,
            RANGE,
            "microsecond",
        ),
        (
            "localtime",
            {"hour": 1, "minute": 1, "second": 1, "microsecond": 1, "nanosecond": 1000},
            ARGUMENT,
            RANGE,
            "nanosecond",
        ),
        ("localtime", {"hour": 1, "timezone": "Z"}, ARGUMENT, VALUE, "alone"),
        ("localtime", date("2015-01-01"), TYPE, VALUE, "cannot build a local time from a date"),
        (
            "time",
            {"hour": 1, "timezone": "Mars/Base"},
            ARGUMENT,
            VALUE,
            "unknown time zone 'Mars/Base'",
        ),
        ("time", {"hour": 1, "timezone": "+19:00"}, ARGUMENT, RANGE, "beyond"),
        ("time", {"hour": 1, "timezone": 1}, TYPE, VALUE, "must be a string"),
        ("time", "12:00[Europe/Paris]", ARGUMENT, VALUE, "named zone"),
        (
            "localdatetime",
            {"date": date("1984-01-01"), "datetime": localdatetime("1984-01-01T00:00")},
            ARGUMENT,
            VALUE,
            "combined",
        ),
        ("localdatetime", {"hour": 1}, ARGUMENT, VALUE, "'year' is required"),
        ("datetime", {"epochSeconds": 1, "year": 1984}, ARGUMENT, VALUE, "epochSeconds"),
        ("datetime", {"epochMillis": 1, "nanosecond": 1}, ARGUMENT, VALUE, "epochMillis"),
        ("datetime", {"epochMillis": 1.5}, TYPE, VALUE, "epochMillis"),
        ("datetime", {"datetime": date("2015-01-01")}, TYPE, VALUE, "'datetime' must be"),
        ("datetime", time("12:00Z"), TYPE, VALUE, "cannot build a date-time from a time"),
        ("datetime", "2015-02-30T12:00", ARGUMENT, RANGE, "'day': 30"),
        ("duration", {"days": "1"}, TYPE, VALUE, "must be a number"),
        ("duration", {"day": 1}, ARGUMENT, VALUE, "did you mean 'days'"),
        ("duration", {"days": float("nan")}, ARGUMENT, RANGE, "finite"),
        ("duration", 5, TYPE, VALUE, "duration() cannot take an integer"),
        ("duration", "5 days", ARGUMENT, VALUE, "cannot parse '5 days' as a duration"),
        ("datetime.transaction", "Nowhere/City", ARGUMENT, VALUE, "unknown time zone"),
        ("date.statement", 5, TYPE, VALUE, "must be a string"),
    ],
)
def test_bad_arguments_raise_specific_errors(function, argument, kind, detail, words):
    with pytest.raises(QueryRuntimeError) as caught:
        call(function, argument)
    error = caught.value
    assert (error.kind, error.detail) == (kind, detail)
    assert words in error.message + " " + (error.hint or "")
    assert error.span is None
    assert error.message[0].islower() or error.message[0] in "'("


def test_unknown_keys_get_suggestions():
    with pytest.raises(QueryRuntimeError) as caught:
        call("datetime", {"year": 2015, "dayOfMonth": 1})
    assert caught.value.hint is not None
    with pytest.raises(QueryRuntimeError) as caught:
        call("localtime", {"hours": 1})
    assert caught.value.hint == "did you mean 'hour'?"


def test_null_arguments_give_null():
    for name in ("date", "localtime", "time", "localdatetime", "datetime", "duration"):
        assert call(name, None) is None
    for name in ("date", "time", "datetime"):
        for variant in ("transaction", "statement", "realtime"):
            assert call(f"{name}.{variant}", None) is None


def test_context_is_not_required_to_be_current():
    # statement time in 1800: 'now' functions work anywhere in the range
    context = TemporalContext.fixed(-5_364_662_400 * 10**9)
    assert str(call("date", context=context)) == "1800-01-01"
    assert CONTEXT.now("statement") == CONTEXT.statement_time
