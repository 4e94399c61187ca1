"""Temporal arithmetic: instant +/- duration, duration +/- duration, duration * / number."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.temporal.calendar import civil_from_days
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import INT64_MAX, Duration
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import ZoneOffset
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import date, datetime, duration, localdatetime, localtime, time
from tests.unit.temporal.strategies import no_deadline

DUR1 = {
    "years": 12,
    "months": 5,
    "days": 14,
    "hours": 16,
    "minutes": 12,
    "seconds": 70,
    "nanoseconds": 1,
}
DUR2 = {"months": 1, "days": -14, "hours": 16, "minutes": -12, "seconds": 70}
DUR3 = {
    "years": 12.5,
    "months": 5.5,
    "days": 14.5,
    "hours": 16.5,
    "minutes": 12.5,
    "seconds": 70.5,
    "nanoseconds": 3,
}


def plus(value, other):
    result = value.cypher_add(other)
    return other.cypher_radd(value) if result is NotImplemented else result


def minus(value, other):
    return value.cypher_sub(other)


@pytest.mark.parametrize(
    ("start", "amount", "total", "difference"),
    [
        (date("1984-10-11"), DUR1, "1997-03-25", "1972-04-27"),
        (date("1984-10-11"), DUR2, "1984-10-28", "1984-09-25"),
        (date("1984-10-11"), DUR3, "1997-10-11", "1971-10-12"),
        (localtime("12:31:14.000000001"), DUR1, "04:44:24.000000002", "20:18:04"),
        (localtime("12:31:14.000000001"), DUR2, "04:20:24.000000001", "20:42:04.000000001"),
        (localtime("12:31:14.000000001"), DUR3, "22:29:27.500000004", "02:33:00.499999998"),
        (time("12:31:14.000000001+01:00"), DUR1, "04:44:24.000000002+01:00", "20:18:04+01:00"),
        (
            time("12:31:14.000000001+01:00"),
            DUR3,
            "22:29:27.500000004+01:00",
            "02:33:00.499999998+01:00",
        ),
        (
            localdatetime("1984-10-11T12:31:14.000000001"),
            DUR1,
            "1997-03-26T04:44:24.000000002",
            "1972-04-26T20:18:04",
        ),
        (
            localdatetime("1984-10-11T12:31:14.000000001"),
            DUR2,
            "1984-10-29T04:20:24.000000001",
            "1984-09-24T20:42:04.000000001",
        ),
        (
            localdatetime("1984-10-11T12:31:14.000000001"),
            DUR3,
            "1997-10-11T22:29:27.500000004",
            "1971-10-12T02:33:00.499999998",
        ),
        (
            datetime("1984-10-11T12:31:14.000000001+01:00"),
            DUR1,
            "1997-03-26T04:44:24.000000002+01:00",
            "1972-04-26T20:18:04+01:00",
        ),
        (
            datetime("1984-10-11T12:31:14.000000001+01:00"),
            DUR3,
            "1997-10-11T22:29:27.500000004+01:00",
            "1971-10-12T02:33:00.499999998+01:00",
        ),
    ],
)
def test_instant_plus_and_minus_duration(start, amount, total, difference):
    amount = duration(amount)
    assert str(plus(start, amount)) == total
    assert str(plus(amount, start)) == total
    assert str(minus(start, amount)) == difference


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        ("2015-01-31", "P1M", "2015-02-28"),
        ("2016-01-31", "P1M", "2016-02-29"),
        ("2016-02-29", "P1Y", "2017-02-28"),
        ("2015-03-31", "-P1M", "2015-02-28"),
        ("2015-01-01", "PT23H", "2015-01-01"),
        ("2015-01-01", "PT24H", "2015-01-02"),
        ("2015-01-01", "PT-23H", "2015-01-01"),
        ("2015-01-01", "PT-24H", "2014-12-31"),
        ("2015-01-01", "P1W", "2015-01-08"),
        ("-0001-12-31", "P1D", "0000-01-01"),
        ("+999999999-12-30", "P1D", "+999999999-12-31"),
    ],
)
def test_date_arithmetic_edges(start, amount, expected):
    assert str(plus(date(start), duration(amount))) == expected


@pytest.mark.parametrize(
    ("start", "amount", "expected"),
    [
        # wall-clock time survives a day across the autumn change, elapsed time does not
        ("2017-10-28T12:00[Europe/Stockholm]", "P1D", "2017-10-29T12:00+01:00[Europe/Stockholm]"),
        ("2017-10-28T12:00[Europe/Stockholm]", "PT24H", "2017-10-29T11:00+01:00[Europe/Stockholm]"),
        ("2017-03-25T02:30[Europe/Stockholm]", "P1D", "2017-03-26T03:30+02:00[Europe/Stockholm]"),
        (
            "2017-10-29T01:30+02:00[Europe/Stockholm]",
            "PT1H",
            "2017-10-29T02:30+02:00[Europe/Stockholm]",
        ),
        (
            "2017-10-29T02:30+02:00[Europe/Stockholm]",
            "PT1H",
            "2017-10-29T02:30+01:00[Europe/Stockholm]",
        ),
        # an overlap keeps the offset it had when the date moves onto the same wall time
        (
            "2017-10-28T02:30+02:00[Europe/Stockholm]",
            "P1D",
            "2017-10-29T02:30+02:00[Europe/Stockholm]",
        ),
        (
            "2015-01-31T10:00-05:00[America/New_York]",
            "P1M",
            "2015-02-28T10:00-05:00[America/New_York]",
        ),
    ],
)
def test_datetime_arithmetic_across_zone_transitions(start, amount, expected):
    assert str(plus(datetime(start), duration(amount))) == expected


@pytest.mark.parametrize(
    ("first", "second", "total", "difference"),
    [
        (DUR1, DUR1, "P24Y10M28DT32H26M20.000000002S", "PT0S"),
        (DUR1, DUR2, "P12Y6MT32H2M20.000000001S", "P12Y4M28DT24M0.000000001S"),
        (DUR1, DUR3, "P25Y4M43DT50H11M23.500000004S", "P-6M-15DT-17H-45M-3.500000002S"),
        ({"days": 2, "hours": 7}, {"months": 1, "hours": 18}, "P1M2DT25H", "P-1M2DT-11H"),
    ],
)
def test_duration_plus_and_minus_duration(first, second, total, difference):
    assert str(plus(duration(first), duration(second))) == total
    assert str(minus(duration(first), duration(second))) == difference


@pytest.mark.parametrize(
    ("factor", "product", "quotient"),
    [
        (1, "P12Y5M14DT16H13M10.000000001S", "P12Y5M14DT16H13M10.000000001S"),
        (2, "P24Y10M28DT32H26M20.000000002S", "P6Y2M22DT13H21M8S"),
        (0.5, "P6Y2M22DT13H21M8S", "P24Y10M28DT32H26M20.000000002S"),
        (-1, "P-12Y-5M-14DT-16H-13M-10.000000001S", "P-12Y-5M-14DT-16H-13M-10.000000001S"),
        (3, "P37Y3M42DT48H39M30.000000003S", "P4Y1M24DT28H23M47.333333333S"),
    ],
)
def test_duration_times_and_divided_by_numbers(factor, product, quotient):
    value = duration(DUR1)
    assert str(value.cypher_mul(factor)) == product
    assert str(value.cypher_div(factor)) == quotient


def test_fractions_cascade_exactly():
    assert str(duration({"hours": 5, "minutes": 21}).cypher_mul(14)) == "PT74H54M"
    assert str(duration({"hours": 3, "minutes": 16}).cypher_div(2)) == "PT1H38M"
    assert str(duration("PT1S").cypher_mul(0.29)) == "PT0.29S"
    assert str(duration("PT2S").cypher_div(3)) == "PT0.666666666S"
    assert str(duration("P1M").cypher_div(2)) == "P15DT5H14M33S"
    assert str(duration("P1D").cypher_mul(0.1)) == "PT2H24M"


@pytest.mark.parametrize("divisor", [0, 0.0, -0.0])
def test_division_by_zero(divisor):
    with pytest.raises(QueryRuntimeError) as caught:
        duration("P1D").cypher_div(divisor)
    assert caught.value.kind == ErrorKind.ARITHMETIC_ERROR
    assert caught.value.detail == ErrorDetail.DIVISION_BY_ZERO


@pytest.mark.parametrize("factor", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_factors(factor):
    with pytest.raises(QueryRuntimeError) as caught:
        duration("P1D").cypher_mul(factor)
    assert caught.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("operation", "left", "right"),
    [
        ("cypher_add", date("2015-01-01"), date("2015-01-01")),
        ("cypher_sub", date("2015-01-01"), date("2015-01-01")),
        ("cypher_sub", datetime("2015-01-01T00:00Z"), datetime("2015-01-01T00:00Z")),
        ("cypher_sub", duration("P1D"), date("2015-01-01")),
        ("cypher_add", date("2015-01-01"), 1),
        ("cypher_mul", date("2015-01-01"), 2),
        ("cypher_mul", duration("P1D"), True),
        ("cypher_mul", duration("P1D"), "2"),
        ("cypher_mul", duration("P1D"), duration("P1D")),
        ("cypher_div", duration("P1D"), duration("P1D")),
        ("cypher_add", duration("P1D"), 1),
        ("cypher_add", localtime("12:00"), "PT1H"),
    ],
)
def test_undefined_combinations_return_not_implemented(operation, left, right):
    assert getattr(left, operation)(right) is NotImplemented


@pytest.mark.parametrize(
    ("value", "amount"),
    [
        (Date.of(999_999_999, 12, 31), "P1D"),
        (Date.of(-999_999_999, 1, 1), "-P1D"),
        (LocalDateTime.from_parts(Date.of(999_999_999, 12, 31).epoch_day, 0), "P1D"),
        (DateTime.of_local(LocalDateTime.from_parts(0, 0), ZoneOffset(0)), "P999999999999Y"),
    ],
)
def test_results_outside_the_range_overflow(value, amount):
    with pytest.raises(QueryRuntimeError) as caught:
        plus(value, duration(amount))
    assert caught.value.kind == ErrorKind.ARITHMETIC_ERROR
    assert caught.value.detail == ErrorDetail.NUMBER_OUT_OF_RANGE


def test_duration_components_overflow_64_bits():
    with pytest.raises(QueryRuntimeError) as caught:
        plus(Duration(INT64_MAX, 0, 0, 0), duration("P1M"))
    assert caught.value.kind == ErrorKind.ARITHMETIC_ERROR
    with pytest.raises(QueryRuntimeError):
        duration("PT1S").cypher_mul(2**63)


def test_negation():
    assert str(duration("P1Y2M3DT4H5M6.7S").negated()) == "P-1Y-2M-3DT-4H-5M-6.7S"
    assert duration("PT0S").negated() == duration("PT0S")


_DAYS_AND_TIME = ts.small_durations.map(lambda d: Duration.of(0, d.days, d.seconds, d.nanos))
_TIME_ONLY = ts.small_durations.map(lambda d: Duration.of(0, 0, d.seconds, d.nanos))
_MIDDLE = st.integers(-3_000_000, 3_000_000)


@no_deadline
@given(_MIDDLE, _DAYS_AND_TIME)
def test_date_plus_minus_identity(epoch_day, amount):
    value = Date(epoch_day)
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(_MIDDLE, st.integers(-24_000, 24_000))
def test_date_plus_minus_months_identity_when_the_day_exists(epoch_day, months):
    assume(civil_from_days(epoch_day)[2] <= 28)
    value, amount = Date(epoch_day), Duration.of(months)
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(st.one_of(ts.local_times, ts.times), ts.durations)
def test_times_plus_minus_identity(value, amount):
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(_MIDDLE, ts.nanos_of_day, _DAYS_AND_TIME)
def test_local_datetime_plus_minus_identity(epoch_day, nanos, amount):
    value = LocalDateTime.from_parts(epoch_day, nanos)
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(_MIDDLE, ts.nanos_of_day, ts.zones, _TIME_ONLY)
def test_datetime_plus_minus_identity_for_elapsed_time(epoch_day, nanos, zone, amount):
    value = DateTime.of_local(LocalDateTime.from_parts(epoch_day, nanos), zone)
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(_MIDDLE, ts.nanos_of_day, ts.offsets, _DAYS_AND_TIME)
def test_datetime_plus_minus_identity_at_fixed_offsets(epoch_day, nanos, offset, amount):
    value = DateTime.of_local(LocalDateTime.from_parts(epoch_day, nanos), ZoneOffset(offset))
    assert minus(plus(value, amount), amount) == value


@no_deadline
@given(ts.small_durations, ts.small_durations)
def test_duration_group_identities(first, second):
    assert minus(plus(first, second), second) == first
    assert plus(first, second) == plus(second, first)
    assert first.cypher_mul(2) == plus(first, first)
    assert str(minus(first, first)) == "PT0S"


@no_deadline
@given(ts.small_durations, st.integers(-1000, 1000).filter(bool))
def test_duration_multiply_then_divide_by_an_integer(value, factor):
    assert value.cypher_mul(factor).cypher_div(factor) == value


def test_time_values_wrap_around_midnight():
    assert plus(LocalTime.of(23, 30), duration("PT1H")) == LocalTime.of(0, 30)
    assert minus(Time.of(0, 30, offset=3600), duration("PT1H")) == Time.of(23, 30, offset=3600)
    assert plus(LocalTime.of(12), duration("P1Y2M3D")) == LocalTime.of(12)
