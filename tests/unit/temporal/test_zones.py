"""Time zones: offsets, names, resolution of local times, years beyond Python's range."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import QueryRuntimeError
from engram.temporal.calendar import SECONDS_PER_DAY, days_from_civil
from engram.temporal.zones import (
    UTC,
    ZoneOffset,
    ZoneRegion,
    canonical_zone_name,
    format_offset,
    local_to_instant,
    offset_at,
    parse_offset,
    parse_zone,
    zone_names,
)
from tests.unit.temporal.strategies import no_deadline

STOCKHOLM = ZoneRegion("Europe/Stockholm")


def local_second(year, month, day, hour=0, minute=0):
    return days_from_civil(year, month, day) * SECONDS_PER_DAY + hour * 3600 + minute * 60


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Z", 0),
        ("z", 0),
        ("+01", 3600),
        ("-01", -3600),
        ("+0130", 5400),
        ("+01:30", 5400),
        ("-00:00", 0),
        ("+02:05:59", 7559),
        ("-020507", -7507),
        ("+18:00", 64800),
        ("-18:00", -64800),
    ],
)
def test_offsets(text, seconds):
    assert parse_offset(text) == seconds


@pytest.mark.parametrize("text", ["+1", "+01:3", "+013", "01:00", "+01:00:0", "UTC", "+01:0000"])
def test_not_offsets(text):
    assert parse_offset(text) is None


@pytest.mark.parametrize("text", ["+18:01", "-19", "+01:60", "+01:00:60"])
def test_offsets_out_of_range(text):
    with pytest.raises(QueryRuntimeError):
        parse_offset(text)


@no_deadline
@given(st.integers(-64800, 64800))
def test_offset_text_round_trip(seconds):
    assert parse_offset(format_offset(seconds)) == seconds


def test_zone_names():
    assert parse_zone("Europe/Stockholm") == STOCKHOLM
    assert parse_zone("europe/STOCKHOLM") == STOCKHOLM
    assert parse_zone("+01:00") == ZoneOffset(3600)
    assert parse_zone("UTC") == ZoneRegion("UTC")
    assert canonical_zone_name("us/pacific") == "US/Pacific"
    assert "Europe/Kyiv" in zone_names()
    assert len(zone_names()) > 500
    with pytest.raises(QueryRuntimeError):
        parse_zone("Europe/Atlantis")
    with pytest.raises(QueryRuntimeError):
        parse_zone("")


def test_offsets_from_the_bundled_database():
    summer = local_second(2017, 7, 1, 12)
    assert local_to_instant(STOCKHOLM, summer) == (summer - 7200, 7200)
    # Stockholm links to Berlin in the main IANA build: local mean time +00:53:28
    old = local_second(1818, 7, 21, 21, 40)
    assert local_to_instant(STOCKHOLM, old)[1] == 3208
    assert offset_at(ZoneRegion("Australia/Eucla"), summer) == 8 * 3600 + 45 * 60


def test_gaps_and_overlaps():
    gap = local_second(2017, 3, 26, 2, 30)
    instant, offset = local_to_instant(STOCKHOLM, gap)
    assert offset == 7200
    assert instant + offset == gap + 3600  # moved forward by the gap
    overlap = local_second(2017, 10, 29, 2, 30)
    assert local_to_instant(STOCKHOLM, overlap) == (overlap - 7200, 7200)
    assert local_to_instant(STOCKHOLM, overlap, 3600) == (overlap - 3600, 3600)
    assert local_to_instant(STOCKHOLM, overlap, 5 * 3600) == (overlap - 7200, 7200)
    normal = local_second(2017, 1, 1)
    assert local_to_instant(STOCKHOLM, normal, 7200) == (normal - 3600, 3600)


def test_years_outside_python_use_the_earliest_offset_and_the_recurring_rule():
    assert offset_at(STOCKHOLM, local_second(-500_000, 6, 1)) == 3208
    assert offset_at(STOCKHOLM, local_second(999_999_999, 7, 1)) == 7200
    assert offset_at(STOCKHOLM, local_second(999_999_999, 1, 1)) == 3600
    assert offset_at(ZoneRegion("America/New_York"), local_second(50_000, 7, 4)) == -4 * 3600
    assert offset_at(UTC, 10**15) == 0


@no_deadline
@given(st.integers(2038, 2437), st.integers(1, 12))
def test_the_rule_after_2037_repeats_every_400_years(year, month):
    near = local_second(year, month, 15, 12)
    far = local_second(year + 400 * 1000, month, 15, 12)
    for name in ("Europe/Stockholm", "America/Sao_Paulo", "Australia/Sydney"):
        zone = ZoneRegion(name)
        assert offset_at(zone, near) == offset_at(zone, far)


@no_deadline
@given(st.integers(local_second(1900, 1, 1), local_second(2100, 1, 1)))
def test_resolving_a_local_time_gives_an_instant_showing_that_time(second):
    for name in ("Europe/Stockholm", "America/Sao_Paulo", "Pacific/Chatham", "Africa/Casablanca"):
        zone = ZoneRegion(name)
        instant, offset = local_to_instant(zone, second)
        assert offset_at(zone, instant) == offset
        assert instant + offset >= second  # equal, or moved forward out of a gap
        assert instant + offset - second <= 3 * 3600
