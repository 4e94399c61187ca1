"""Hypothesis strategies for temporal values over their whole supported range."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

from engram.temporal.calendar import (
    MAX_EPOCH_DAY,
    MIN_EPOCH_DAY,
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    SECONDS_PER_DAY,
    days_from_civil,
)
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import INT64_MAX, INT64_MIN, Duration
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import MAX_OFFSET_SECONDS, ZoneOffset, ZoneRegion

# shared machines run the suite in parallel: time limits per example only add flakiness
no_deadline = settings(deadline=None)

ZONE_NAMES = (
    "Europe/Stockholm",
    "Europe/London",
    "America/New_York",
    "America/Sao_Paulo",
    "Pacific/Honolulu",
    "Australia/Eucla",
    "Asia/Kolkata",
    "Pacific/Chatham",
    "Africa/Casablanca",
    "UTC",
)

# years around the interesting middle (zone transitions, Python's range) and the extremes
_MODERN = (days_from_civil(1800, 1, 1), days_from_civil(2100, 12, 31))

epoch_days = st.one_of(
    st.integers(*_MODERN),
    st.integers(MIN_EPOCH_DAY, MAX_EPOCH_DAY),
    st.sampled_from([MIN_EPOCH_DAY, MAX_EPOCH_DAY, 0, -1, days_from_civil(0, 2, 29)]),
)
nanos_of_day = st.one_of(
    st.integers(0, NANOS_PER_DAY - 1),
    st.integers(0, 86_399).map(lambda second: second * NANOS_PER_SECOND),
    st.integers(0, 1439).map(lambda minute: minute * 60 * NANOS_PER_SECOND),
)
offsets = st.one_of(
    st.integers(-MAX_OFFSET_SECONDS, MAX_OFFSET_SECONDS),
    st.integers(-18 * 4, 18 * 4).map(lambda quarter: quarter * 900),
)
zones = st.one_of(st.builds(ZoneOffset, offsets), st.sampled_from(ZONE_NAMES).map(ZoneRegion))

dates = st.builds(Date, epoch_days)
local_times = st.builds(LocalTime, nanos_of_day)
times = st.builds(Time, nanos_of_day, offsets)
local_datetimes = st.builds(LocalDateTime.from_parts, epoch_days, nanos_of_day)


@st.composite
def datetimes(draw: st.DrawFn) -> DateTime:
    """DateTimes whose local date stays inside the supported range."""
    local = draw(local_datetimes)
    zone = draw(zones)
    low, high = MIN_EPOCH_DAY * SECONDS_PER_DAY, (MAX_EPOCH_DAY + 1) * SECONDS_PER_DAY
    second = min(max(local.epoch_second, low + 2 * 86_400), high - 2 * 86_400)
    return DateTime.of_instant(second, local.nano, zone)


def _int64(low: int = INT64_MIN, high: int = INT64_MAX) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(-1000, 1000), st.integers(low, high))


durations = st.builds(
    Duration,
    _int64(),
    _int64(),
    _int64(),
    st.integers(0, NANOS_PER_SECOND - 1),
)
# durations small enough to add to any value near the middle of the range
small_durations = st.builds(
    Duration.of,
    st.integers(-2400, 2400),
    st.integers(-100_000, 100_000),
    st.integers(-(10**10), 10**10),
    st.integers(-(10**12), 10**12),
)

instants = st.one_of(dates, local_times, times, local_datetimes, datetimes())
any_temporal = st.one_of(instants, durations)
