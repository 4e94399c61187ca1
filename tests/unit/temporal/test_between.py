"""duration.between / inMonths / inDays / inSeconds beyond the TCK's cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.temporal.between import (
    duration_between,
    duration_in_days,
    duration_in_months,
    duration_in_seconds,
)
from engram.temporal.datetimes import DateTime, LocalDateTime
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

_MIDDLE_DAYS = st.integers(-1_000_000, 1_000_000)


@pytest.mark.parametrize(
    ("first", "second", "between", "months", "days", "seconds"),
    [
        (date("2015-01-31"), date("2015-02-28"), "P28D", "PT0S", "P28D", "PT672H"),
        (date("2015-01-31"), date("2015-03-31"), "P2M", "P2M", "P59D", "PT1416H"),
        (date("2016-02-29"), date("2017-02-28"), "P11M30D", "P11M", "P365D", "PT8760H"),
        (date("2015-03-31"), date("2015-02-28"), "P-1M", "P-1M", "P-31D", "PT-744H"),
        (
            localdatetime("2015-01-01T23:00"),
            localdatetime("2015-01-02T01:00"),
            "PT2H",
            "PT0S",
            "PT0S",
            "PT2H",
        ),
        (localtime("23:00"), localtime("01:00"), "PT-22H", "PT0S", "PT0S", "PT-22H"),
        (time("23:00+01:00"), time("01:00-01:00"), "PT-20H", "PT0S", "PT0S", "PT-20H"),
        (
            datetime("2017-03-25T12:00[Europe/Stockholm]"),
            datetime("2017-03-26T12:00[Europe/Stockholm]"),
            "P1D",
            "PT0S",
            "P1D",
            "PT23H",
        ),
        (
            datetime("2017-03-26T12:00[Europe/Stockholm]"),
            datetime("2017-03-26T12:00+01:00"),
            "PT1H",
            "PT0S",
            "PT0S",
            "PT1H",
        ),
    ],
)
def test_measures(first, second, between, months, days, seconds):
    assert str(duration_between(first, second)) == between
    assert str(duration_in_months(first, second)) == months
    assert str(duration_in_days(first, second)) == days
    assert str(duration_in_seconds(first, second)) == seconds


@no_deadline
@given(_MIDDLE_DAYS, ts.nanos_of_day, _MIDDLE_DAYS, ts.nanos_of_day)
def test_adding_the_duration_between_two_local_datetimes_reaches_the_second(d1, n1, d2, n2):
    first, second = LocalDateTime.from_parts(d1, n1), LocalDateTime.from_parts(d2, n2)
    assert first.cypher_add(duration_between(first, second)) == second
    assert first.cypher_add(duration_in_seconds(first, second)) == second


@no_deadline
@given(_MIDDLE_DAYS, ts.nanos_of_day, _MIDDLE_DAYS, ts.nanos_of_day, ts.zones)
def test_adding_the_duration_between_two_datetimes_reaches_the_instant(d1, n1, d2, n2, zone):
    first = DateTime.of_local(LocalDateTime.from_parts(d1, n1), zone)
    second = DateTime.of_local(LocalDateTime.from_parts(d2, n2), zone)
    assert first.cypher_add(duration_between(first, second)) == second
    assert first.cypher_add(duration_in_seconds(first, second)) == second


@no_deadline
@given(ts.dates, ts.dates)
def test_whole_units_never_overshoot_and_swap_sign(first, second):
    days = duration_in_days(first, second).days
    assert days == second.epoch_day - first.epoch_day
    months = duration_in_months(first, second).months
    assert months == -duration_in_months(second, first).months
    reached = first.cypher_add(duration(f"P{months}M"))
    assert (reached.epoch_day - second.epoch_day) * (first.epoch_day - second.epoch_day) >= 0


@no_deadline
@given(ts.instants, ts.instants)
def test_every_pair_of_instants_can_be_measured(first, second):
    for measure in (duration_between, duration_in_months, duration_in_days, duration_in_seconds):
        assert measure(first, second) is not None


def test_functions_propagate_null_and_reject_non_instants():
    for name in ("duration.between", "duration.inmonths", "duration.indays", "duration.inseconds"):
        assert call(name, None, date("2015-01-01")) is None
        assert call(name, date("2015-01-01"), None) is None
        with pytest.raises(QueryRuntimeError) as caught:
            call(name, date("2015-01-01"), duration("P1D"))
        assert (caught.value.kind, caught.value.detail) == (
            ErrorKind.TYPE_ERROR,
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        )
        with pytest.raises(QueryRuntimeError):
            call(name, "2015-01-01", date("2015-01-01"))
