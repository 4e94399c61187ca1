"""The truncate functions beyond the TCK's cases: units, defaults, errors."""

from __future__ import annotations

import pytest
from hypothesis import given

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.temporal.truncate import truncate_epoch_day
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import (
    call,
    date,
    datetime,
    duration,
    localdatetime,
    localtime,
    time,
)
from tests.unit.temporal.strategies import no_deadline


@pytest.mark.parametrize(
    ("unit", "value", "expected"),
    [
        ("millennium", "-1985-06-01", "-2000-01-01"),
        ("century", "-1985-06-01", "-2000-01-01"),
        ("decade", "-1985-06-01", "-1990-01-01"),
        ("decade", "0005-06-01", "0000-01-01"),
        ("WEEKYEAR", "2021-01-03", "2019-12-30"),
        ("week", "2021-01-03", "2020-12-28"),
        ("quarter", "2021-12-31", "2021-10-01"),
        ("Month", "2021-12-31", "2021-12-01"),
        ("millennium", "+999999999-12-31", "+999999000-01-01"),
    ],
)
def test_date_units(unit, value, expected):
    assert str(call("date.truncate", unit, date(value))) == expected


def test_the_value_defaults_to_now():
    assert str(call("date.truncate", "month")) == "2024-05-01"
    assert str(call("datetime.truncate", "hour")) == "2024-05-01T10:00Z"
    assert str(call("localtime.truncate", "minute")) == "10:00"
    assert str(call("time.truncate", "second")) == "10:00Z"


def test_docs_example_thursday_of_the_week():
    assert str(call("date.truncate", "week", date("2019-10-01"), {"dayOfWeek": 4})) == "2019-10-03"


def test_last_day_of_next_month():
    start = call("date.truncate", "month", date("2022-06-15").cypher_add(duration("P2M")))
    assert str(start.cypher_sub(duration("P1D"))) == "2022-07-31"


def test_datetime_truncation_keeps_the_zone_and_resolves_gaps():
    value = datetime("2017-03-26T12:00[America/Sao_Paulo]")
    assert (
        str(call("datetime.truncate", "day", value)) == "2017-03-26T00:00-03:00[America/Sao_Paulo]"
    )
    # 2018-11-04 00:00 did not exist in Sao Paulo: midnight moves to 01:00
    value = datetime("2018-11-04T12:00[America/Sao_Paulo]")
    assert (
        str(call("datetime.truncate", "day", value)) == "2018-11-04T01:00-02:00[America/Sao_Paulo]"
    )


def test_truncate_with_fields_and_subseconds():
    value = localtime("12:31:14.645876123")
    assert (
        str(call("localtime.truncate", "millisecond", value, {"microsecond": 7}))
        == "12:31:14.645007"
    )
    assert (
        str(call("localtime.truncate", "millisecond", value, {"millisecond": 7})) == "12:31:14.007"
    )
    assert str(call("localtime.truncate", "second", value, {"millisecond": 7})) == "12:31:14.007"
    assert str(call("localtime.truncate", "hour", value, {"minute": 7})) == "12:07"
    assert str(
        call("time.truncate", "hour", time("12:31-05:00"), {"timezone": "Europe/Stockholm"})
    ) == ("12:00+02:00")
    assert str(
        call("localdatetime.truncate", "year", localdatetime("2015-06-01T12:00"), {"month": 7})
    ) == ("2015-07-01T00:00")


@pytest.mark.parametrize(
    ("function", "arguments", "kind", "detail"),
    [
        (
            "date.truncate",
            ("hour", date("2015-01-01")),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "time.truncate",
            ("month", time("12:00Z")),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            ("fortnight", date("2015-01-01")),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            (1, date("2015-01-01")),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            ("day", localtime("12:00")),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "time.truncate",
            ("hour", date("2015-01-01")),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            ("day", "2015-01-01"),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            ("day", date("2015-01-01"), [1]),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "date.truncate",
            ("day", date("2015-01-01"), {"timezone": "Z"}),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "datetime.truncate",
            ("day", date("2015-01-01"), {"date": date("2015-01-01")}),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (
            "localtime.truncate",
            ("millisecond", localtime("12:00:00.999"), {"nanosecond": 999_999_999}),
            ErrorKind.ARGUMENT_ERROR,
            ErrorDetail.NUMBER_OUT_OF_RANGE,
        ),
        (
            "date.truncate",
            ("day", duration("P1D")),
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
    ],
)
def test_truncate_errors(function, arguments, kind, detail):
    with pytest.raises(QueryRuntimeError) as caught:
        call(function, *arguments)
    assert (caught.value.kind, caught.value.detail) == (kind, detail)


def test_unknown_units_get_suggestions():
    with pytest.raises(QueryRuntimeError) as caught:
        call("date.truncate", "mnth", date("2015-01-01"))
    assert caught.value.hint == "did you mean 'month'?"


def test_null_arguments_give_null():
    assert call("date.truncate", None, date("2015-01-01")) is None
    assert call("date.truncate", "day", None) is None
    assert call("date.truncate", "day", date("2015-01-01"), None) is None


@no_deadline
@given(ts.dates)
def test_truncation_is_idempotent_and_never_moves_forward(value):
    for unit in (
        "millennium",
        "century",
        "decade",
        "year",
        "weekyear",
        "quarter",
        "month",
        "week",
        "day",
    ):
        once = truncate_epoch_day(value.epoch_day, unit)
        assert once <= value.epoch_day
        assert truncate_epoch_day(once, unit) == once
