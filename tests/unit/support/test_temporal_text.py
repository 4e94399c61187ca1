from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.temporal_text import cypher_temporal_text, duration_text, is_temporal

UTC = dt.UTC


def offset(hours=0, minutes=0, seconds=0):
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes, seconds=seconds))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (dt.date(1816, 1, 1), "1816-01-01"),
        (dt.date(1, 2, 3), "0001-02-03"),
        (dt.time(12, 0), "12:00"),
        (dt.time(12, 31, 14), "12:31:14"),
        (dt.time(12, 31, 0, 1000), "12:31:00.001"),
        (dt.time(12, 31, 14, 645000), "12:31:14.645"),
        (dt.time(12, 31, 14, 645876), "12:31:14.645876"),
        (dt.time(12, 31, 14, 645876, offset(1)), "12:31:14.645876+01:00"),
        (dt.time(10, 0, tzinfo=UTC), "10:00Z"),
        (dt.time(10, 0, tzinfo=offset(-10)), "10:00-10:00"),
        (dt.time(10, 0, tzinfo=offset(0, 53, 28)), "10:00+00:53:28"),
        (dt.datetime(1984, 8, 14, 12, 0), "1984-08-14T12:00"),
        (dt.datetime(1984, 3, 7, 12, 31), "1984-03-07T12:31"),
        (dt.datetime(2015, 7, 21, 21, 40, 32, 142000, offset(1)), "2015-07-21T21:40:32.142+01:00"),
        (
            dt.datetime(1984, 10, 11, 1, 0, 42, tzinfo=ZoneInfo("Pacific/Honolulu")),
            "1984-10-11T01:00:42-10:00[Pacific/Honolulu]",
        ),
        (
            dt.datetime(2015, 7, 21, 14, 0, tzinfo=ZoneInfo("Europe/Stockholm")),
            "2015-07-21T14:00+02:00[Europe/Stockholm]",
        ),
        (
            dt.datetime(2015, 1, 21, 14, 0, tzinfo=ZoneInfo("Europe/Stockholm")),
            "2015-01-21T14:00+01:00[Europe/Stockholm]",
        ),
        (dt.timedelta(0), "PT0S"),
        (dt.timedelta(days=3, hours=4, minutes=5, seconds=6), "P3DT4H5M6S"),
        (dt.timedelta(seconds=-0.4), "PT-0.4S"),
        (dt.timedelta(days=-27, hours=-21, minutes=-40, seconds=-32.142), "P-27DT-21H-40M-32.142S"),
    ],
)
def test_canonical_text(value, text):
    assert cypher_temporal_text(value) == text


@pytest.mark.parametrize(
    ("months", "days", "nanos", "text"),
    [
        (0, 0, 0, "PT0S"),
        (12, 0, (59 * 60 + 55) * 10**9 + 999_000_000, "P1YT59M55.999S"),
        (0, 22, (19 * 3600 + 51 * 60 + 49) * 10**9 + 500_000_000, "P22DT19H51M49.5S"),
        (0, 0, -400_000_000, "PT-0.4S"),
        (0, -27, -((21 * 3600 + 40 * 60 + 32) * 10**9 + 142_000_000), "P-27DT-21H-40M-32.142S"),
        (14, 16, (12 * 3600 + 70) * 10**9, "P1Y2M16DT12H1M10S"),
        (-14, 0, 0, "P-1Y-2M"),
        (0, 0, 1, "PT0.000000001S"),
        (0, 0, 3600 * 10**9, "PT1H"),
    ],
)
def test_duration_text(months, days, nanos, text):
    assert duration_text(months, days, nanos) == text


def test_non_temporal_values_are_rejected():
    assert not is_temporal("2020-01-01")
    assert not is_temporal(1)
    with pytest.raises(TypeError, match="not a temporal value"):
        cypher_temporal_text(1)


@given(st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_local_datetimes_round_trip_through_iso_parsing(value):
    # the canonical text is ISO 8601, so Python reads it back to the same value
    assert dt.datetime.fromisoformat(cypher_temporal_text(value)) == value


@given(st.times(), st.integers(min_value=-18 * 3600, max_value=18 * 3600))
def test_times_with_offsets_round_trip(value, offset_seconds):
    zone = dt.timezone(dt.timedelta(seconds=offset_seconds))
    aware = value.replace(tzinfo=zone)
    text = cypher_temporal_text(aware)
    parsed = dt.time.fromisoformat(text.replace("Z", "+00:00"))
    assert parsed == aware
    assert parsed.utcoffset() == aware.utcoffset()


_offsets = st.integers(min_value=-18 * 3600, max_value=18 * 3600).map(
    lambda seconds: dt.timezone(dt.timedelta(seconds=seconds))
)


@given(
    st.one_of(
        st.dates(),
        st.times(),
        st.builds(lambda time, zone: time.replace(tzinfo=zone), st.times(), _offsets),
        st.datetimes(),
        st.datetimes(timezones=_offsets),
        st.timedeltas(min_value=dt.timedelta(days=-(10**6)), max_value=dt.timedelta(days=10**6)),
    )
)
def test_agrees_with_engrams_own_temporal_text(value):
    """Once engram's temporal types exist: a Python value renders like the engine's value."""
    interop = pytest.importorskip(
        "engram.temporal.interop", reason="engram's temporal types are not in this build yet"
    )
    assert cypher_temporal_text(value) == str(interop.from_python(value))


@pytest.mark.parametrize(
    "text",
    [
        "1984-10-11T01:00:42-10:00[Pacific/Honolulu]",
        "2015-07-21T14:00+02:00[Europe/Stockholm]",
        "2015-01-21T14:00+01:00[Europe/Stockholm]",
        "1984-03-07T12:31:14.645876123+01:00",
        "2017-10-29T02:30+01:00[Europe/Berlin]",
    ],
)
def test_engine_values_converted_to_python_render_the_same(text):
    temporal = pytest.importorskip(
        "engram.temporal", reason="engram's temporal types are not in this build yet"
    )
    if not hasattr(temporal, "parse_datetime"):
        pytest.skip("engram's temporal types are not in this build yet")
    value = temporal.parse_datetime(text, temporal.UTC)
    assert cypher_temporal_text(temporal.to_python(value)) == str(value) == text
