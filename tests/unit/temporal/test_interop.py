"""Mapping between engram temporal values and Python's datetime types."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import ParameterError
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.interop import from_python, to_python
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import ZoneOffset, ZoneRegion
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import date, datetime, duration, localdatetime, localtime, time
from tests.unit.temporal.strategies import no_deadline


def test_values_python_can_hold_become_python_objects():
    assert to_python(date("2015-07-21")) == dt.date(2015, 7, 21)
    assert to_python(localtime("12:31:14.645876")) == dt.time(12, 31, 14, 645876)
    assert to_python(time("12:00+01:00")) == dt.time(12, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert to_python(localdatetime("2015-07-21T21:40")) == dt.datetime(2015, 7, 21, 21, 40)
    aware = to_python(datetime("2015-07-21T21:40[Europe/London]"))
    assert aware == dt.datetime(2015, 7, 21, 20, 40, tzinfo=dt.UTC)
    assert aware.tzinfo.key == "Europe/London"
    assert aware.utcoffset() == dt.timedelta(hours=1)


def test_values_python_cannot_hold_stay_engram_values():
    for value in (
        date("-0044-03-15"),
        date("+10000-01-01"),
        localtime("12:00:00.000000001"),
        localdatetime("2015-07-21T21:40:00.000000001"),
        datetime("0000-07-21T21:40Z"),
        duration("P1M"),
        duration("PT1S"),
    ):
        assert to_python(value) is value


def test_overlaps_keep_their_offset():
    later = datetime("2017-10-29T02:30+01:00[Europe/Stockholm]")
    converted = to_python(later)
    assert converted.fold == 1
    assert converted.utcoffset() == dt.timedelta(hours=1)
    assert from_python(converted) == later


def test_python_parameters():
    assert from_python(dt.date(2015, 7, 21)) == date("2015-07-21")
    assert from_python(dt.time(12, 0, 1, 5)) == localtime("12:00:01.000005")
    assert from_python(dt.time(12, tzinfo=dt.timezone(dt.timedelta(hours=-2)))) == time(
        "12:00-02:00"
    )
    assert from_python(dt.datetime(2015, 7, 21, 21, 40)) == localdatetime("2015-07-21T21:40")
    assert from_python(dt.datetime(2015, 7, 21, 21, 40, tzinfo=dt.UTC)) == datetime(
        "2015-07-21T21:40Z"
    )
    stockholm = zoneinfo.ZoneInfo("Europe/Stockholm")
    assert from_python(dt.datetime(2015, 7, 21, 21, 40, tzinfo=stockholm)) == datetime(
        "2015-07-21T21:40[Europe/Stockholm]"
    )
    assert from_python(dt.timedelta(days=1, seconds=5, microseconds=7)) == Duration.of(
        0, 1, 5, 7000
    )
    assert from_python(dt.timedelta(microseconds=-1)) == duration("PT-0.000001S")
    assert from_python(dt.timedelta(days=-1, hours=1)) == duration("PT-23H")
    assert from_python(dt.timedelta(days=-2, hours=-1)) == duration("P-2DT-1H")
    value = duration("P1D")
    assert from_python(value) is value


def test_other_tzinfos_become_fixed_offsets():
    class Plus90(dt.tzinfo):
        def utcoffset(self, moment):
            return dt.timedelta(minutes=90)

        def dst(self, moment):
            return None

    value = from_python(dt.datetime(2015, 1, 1, 12, tzinfo=Plus90()))
    assert isinstance(value, DateTime)
    assert value.zone == ZoneOffset(5400)


def test_bad_parameters():
    with pytest.raises(ParameterError):
        from_python(dt.time(12, tzinfo=zoneinfo.ZoneInfo("Europe/Stockholm")))
    with pytest.raises(ParameterError):
        from_python(dt.datetime(2015, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=20))))
    with pytest.raises(TypeError):
        from_python("2015-01-01")


@no_deadline
@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([None, dt.UTC, *map(zoneinfo.ZoneInfo, ts.ZONE_NAMES[:6])]),
    )
)
def test_python_datetimes_round_trip(moment):
    back = to_python(from_python(moment))
    if moment.tzinfo is None:
        assert back == moment
    else:
        # the instant survives (system zone data may differ from tzdata's before 1970)
        def utc(value):
            return value.replace(tzinfo=None) - value.utcoffset()

        assert utc(back) == utc(moment)
        assert getattr(back.tzinfo, "key", None) == getattr(moment.tzinfo, "key", None)


@no_deadline
@given(ts.dates)
def test_dates_round_trip(value):
    assert from_python(to_python(value)) == value


@no_deadline
@given(st.one_of(ts.local_times, ts.times, ts.local_datetimes, ts.datetimes()))
def test_engram_values_round_trip(value):
    assert from_python(to_python(value)) == value


def test_types():
    assert isinstance(from_python(dt.datetime(2015, 1, 1)), LocalDateTime)
    assert isinstance(from_python(dt.date(2015, 1, 1)), Date)
    assert isinstance(from_python(dt.time(1)), LocalTime)
    assert isinstance(from_python(dt.time(1, tzinfo=dt.UTC)), Time)
    assert from_python(dt.datetime(2015, 1, 1, tzinfo=zoneinfo.ZoneInfo("UTC"))).zone == ZoneRegion(
        "UTC"
    )
