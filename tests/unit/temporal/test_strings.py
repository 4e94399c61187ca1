"""Canonical rendering and ISO 8601 parsing: fixed cases and the round trip property."""

from __future__ import annotations

import pytest
from hypothesis import given

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.temporal.base import TemporalValue
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.parse import (
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
)
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import UTC, ZoneOffset, ZoneRegion
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.strategies import no_deadline


def reparse(value: TemporalValue) -> TemporalValue:
    text = str(value)
    match value:
        case Date():
            return parse_date(text)
        case LocalTime():
            return parse_local_time(text)
        case Time():
            return parse_time(text, 0)
        case LocalDateTime():
            return parse_local_datetime(text)
        case DateTime():
            return parse_datetime(text, UTC)
    return parse_duration(text)


@no_deadline
@given(ts.any_temporal)
def test_rendering_then_parsing_gives_the_same_value(value: TemporalValue):
    parsed = reparse(value)
    assert parsed == value
    assert str(parsed) == str(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-07-21", "2015-07-21"),
        ("20150721", "2015-07-21"),
        ("2015-07", "2015-07-01"),
        ("201507", "2015-07-01"),
        ("2015-W30-2", "2015-07-21"),
        ("2015W302", "2015-07-21"),
        ("2015-W30", "2015-07-20"),
        ("2015W30", "2015-07-20"),
        ("2015-Q2-60", "2015-05-30"),
        ("2015Q260", "2015-05-30"),
        ("2015-Q2", "2015-04-01"),
        ("2015Q2", "2015-04-01"),
        ("2015-202", "2015-07-21"),
        ("2015202", "2015-07-21"),
        ("2015", "2015-01-01"),
        ("+2015-W13-4", "2015-03-26"),
        ("-0044-03-15", "-0044-03-15"),
        ("0000-02-29", "0000-02-29"),
        ("+11000-01-01", "+11000-01-01"),
        ("-999999999-01-01", "-999999999-01-01"),
        ("+999999999-12-31", "+999999999-12-31"),
        ("2020-W53-7", "2021-01-03"),
        ("2015-7-4", "2015-07-04"),
    ],
)
def test_date_forms(text: str, expected: str):
    assert str(parse_date(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:40:32.142", "21:40:32.142"),
        ("214032.142", "21:40:32.142"),
        ("21:40:32,142", "21:40:32.142"),
        ("21:40:32", "21:40:32"),
        ("214032", "21:40:32"),
        ("21:40", "21:40"),
        ("2140", "21:40"),
        ("21", "21:00"),
        ("T21:40", "21:40"),
        ("00:00:00.000000001", "00:00:00.000000001"),
        ("12:00:00.5", "12:00:00.500"),
        ("12:00:00.0000005", "12:00:00.000000500"),
        ("23:59:59.999999999", "23:59:59.999999999"),
    ],
)
def test_local_time_forms(text: str, expected: str):
    assert str(parse_local_time(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:40:32.142+0100", "21:40:32.142+01:00"),
        ("214032.142Z", "21:40:32.142Z"),
        ("21:40:32+01:00", "21:40:32+01:00"),
        ("214032-0100", "21:40:32-01:00"),
        ("21:40-01:30", "21:40-01:30"),
        ("2140-00:00", "21:40Z"),
        ("2140-02", "21:40-02:00"),
        ("22+18:00", "22:00+18:00"),
        ("12:34:56-02:05:07", "12:34:56-02:05:07"),
        ("12:34:56+020559", "12:34:56+02:05:59"),
        ("12:00", "12:00+03:00"),
    ],
)
def test_time_forms(text: str, expected: str):
    assert str(parse_time(text, 3 * 3600)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-07-21T21:40:32.142", "2015-07-21T21:40:32.142"),
        ("2015-W30-2T214032.142", "2015-07-21T21:40:32.142"),
        ("2015-202T21:40:32", "2015-07-21T21:40:32"),
        ("2015T214032", "2015-01-01T21:40:32"),
        ("20150721T21:40", "2015-07-21T21:40"),
        ("2015-W30T2140", "2015-07-20T21:40"),
        ("2015202T21", "2015-07-21T21:00"),
        ("2015-07-21", "2015-07-21T00:00"),
        ("2015-07-21t21:40", "2015-07-21T21:40"),
    ],
)
def test_local_datetime_forms(text: str, expected: str):
    assert str(parse_local_datetime(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-07-21T21:40:32.142+0100", "2015-07-21T21:40:32.142+01:00"),
        ("2015-W30-2T214032.142Z", "2015-07-21T21:40:32.142Z"),
        ("2015T21:40:32+01:00", "2015-01-01T21:40:32+01:00"),
        ("20150721T21:40-01:30", "2015-07-21T21:40-01:30"),
        ("2015-W30T2140-02", "2015-07-20T21:40-02:00"),
        ("2015202T21+18:00", "2015-07-21T21:00+18:00"),
        ("2015-07-21T21:40:32.142[Europe/London]", "2015-07-21T21:40:32.142+01:00[Europe/London]"),
        (
            "2015-07-21T21:40:32.142+0100[Europe/London]",
            "2015-07-21T21:40:32.142+01:00[Europe/London]",
        ),
        (
            "1818-07-21T21:40:32.142[Europe/Stockholm]",
            "1818-07-21T21:40:32.142+00:53:28[Europe/Stockholm]",
        ),
        (
            "2015-07-21T21:40:32.142+0845[Australia/Eucla]",
            "2015-07-21T21:40:32.142+08:45[Australia/Eucla]",
        ),
        (
            "2015-07-21T21:40:32.142-04[America/New_York]",
            "2015-07-21T21:40:32.142-04:00[America/New_York]",
        ),
        ("2015-07-21T21:40[europe/london]", "2015-07-21T21:40+01:00[Europe/London]"),
        ("2015-07-21T21:40", "2015-07-21T21:40+05:30"),
        ("2015-07-21T21:40[UTC]", "2015-07-21T21:40Z[UTC]"),
    ],
)
def test_datetime_forms(text: str, expected: str):
    assert str(parse_datetime(text, ZoneOffset(5 * 3600 + 1800))) == expected


def test_overlap_offsets_choose_between_the_two_instants():
    # 2017-10-29 02:30 happens twice in Stockholm
    earlier = parse_datetime("2017-10-29T02:30+02:00[Europe/Stockholm]", UTC)
    later = parse_datetime("2017-10-29T02:30+01:00[Europe/Stockholm]", UTC)
    default = parse_datetime("2017-10-29T02:30[Europe/Stockholm]", UTC)
    assert later.epoch_second - earlier.epoch_second == 3600
    assert default == earlier


def test_gap_times_move_forward():
    value = parse_datetime("2017-03-26T02:30[Europe/Stockholm]", UTC)
    assert str(value) == "2017-03-26T03:30+02:00[Europe/Stockholm]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P14DT16H12M", "P14DT16H12M"),
        ("P5M1.5D", "P5M1DT12H"),
        ("P0.75M", "P22DT19H51M49.5S"),
        ("PT0.75M", "PT45S"),
        ("P2.5W", "P17DT12H"),
        ("P12Y5M14DT16H12M70S", "P12Y5M14DT16H13M10S"),
        ("P2012-02-02T14:37:21.545", "P2012Y2M2DT14H37M21.545S"),
        ("P20120202T143721.545", "P2012Y2M2DT14H37M21.545S"),
        ("P0001-00-00", "P1Y"),
        ("PT-0.4S", "PT-0.4S"),
        ("PT0.4S", "PT0.4S"),
        ("-P1DT1H", "P-1DT-1H"),
        ("+P1D", "P1D"),
        ("P-1Y-2M", "P-1Y-2M"),
        ("pt1h30m", "PT1H30M"),
        ("PT1,5S", "PT1.5S"),
        ("PT0S", "PT0S"),
        ("P0D", "PT0S"),
        ("PT1.000000001S", "PT1.000000001S"),
        ("PT0.0000000001S", "PT0S"),
        ("P1Y0.5M", "P1Y15DT5H14M33S"),
        ("PT36H", "PT36H"),
        ("P1W", "P7D"),
    ],
)
def test_duration_forms(text: str, expected: str):
    assert str(parse_duration(text)) == expected


@pytest.mark.parametrize(
    ("months", "days", "seconds", "nanos", "expected"),
    [
        (0, 0, 0, 0, "PT0S"),
        (149, 14, 58390, 1, "P12Y5M14DT16H13M10.000000001S"),
        (149, -14, 57600, 0, "P12Y5M-14DT16H"),
        (0, 0, 660, 0, "PT11M"),
        (0, 0, 1, 999_000_000, "PT1.999S"),
        (0, 0, -2, 1_000_000, "PT-1.999S"),
        (0, 0, -3, 999_000_000, "PT-2.001S"),
        (0, 1, 0, 1_000_000, "P1DT0.001S"),
        (0, 1, -1, 999_000_000, "P1DT-0.001S"),
        (0, 0, -61, 999_000_000, "PT-1M-0.001S"),
        (-14, 0, 0, 0, "P-1Y-2M"),
        (0, 0, -1, 600_000_000, "PT-0.4S"),
        (0, 0, 3600, 500_000_000, "PT1H0.5S"),
        (12, 0, 0, 0, "P1Y"),
        (0, 0, 0, 100, "PT0.0000001S"),
    ],
)
def test_duration_rendering(months: int, days: int, seconds: int, nanos: int, expected: str):
    assert str(Duration.of(months, days, seconds, nanos)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Date.of(28, 11, 11), "0028-11-11"),
        (Date.of(0, 1, 1), "0000-01-01"),
        (Date.of(-1, 12, 31), "-0001-12-31"),
        (Date.of(-12345, 1, 1), "-12345-01-01"),
        (Date.of(9999, 12, 31), "9999-12-31"),
        (Date.of(10000, 1, 1), "+10000-01-01"),
        (LocalTime.of(12), "12:00"),
        (LocalTime.of(12, 0, 1), "12:00:01"),
        (LocalTime.of(12, 0, 0, 1), "12:00:00.000000001"),
        (LocalTime.of(12, 0, 0, 645_000_000), "12:00:00.645"),
        (LocalTime.of(12, 0, 0, 645_876_000), "12:00:00.645876"),
        (LocalTime.of(12, 0, 0, 645_876_100), "12:00:00.645876100"),
        (Time.of(12, offset=0), "12:00Z"),
        (Time.of(12, offset=-7507), "12:00-02:05:07"),
        (Time.of(12, offset=3600), "12:00+01:00"),
    ],
)
def test_canonical_text(value: TemporalValue, expected: str):
    assert str(value) == expected


def test_named_zones_render_offset_and_name():
    value = DateTime.of_local(
        parse_local_datetime("2017-08-08T12:31:14.645876123"), ZoneRegion("Europe/Stockholm")
    )
    assert str(value) == "2017-08-08T12:31:14.645876123+02:00[Europe/Stockholm]"
    assert repr(value) == "DateTime('2017-08-08T12:31:14.645876123+02:00[Europe/Stockholm]')"


@pytest.mark.parametrize(
    ("parser", "text", "detail"),
    [
        (parse_date, "2015-13-01", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-02-29", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-W54", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2014-W53", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-000", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-366", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-Q5", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "2015-Q1-91", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_date, "15-07-21", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_date, "2015-07-21T10:00", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_date, "", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_date, "yesterday", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_date, "+1000000000-01-01", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_time, "24:00", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_local_time, "23:60", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_local_time, "23:59:60", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_local_time, "12:00:00.0000000001", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_time, "21:4032", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_time, "12:00+01:00", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_time, "1", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_datetime, "2015-07-21T21:40Z", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_datetime, "2015-07-21T", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_local_datetime, "T21:40", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_datetime, "2015-07-21T21:40+19:00", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_datetime, "2015-07-21T21:40+01:60", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_datetime, "2015-07-21T21:40+1", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_datetime, "2015-07-21T21:40[Mars/Olympus]", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (
            parse_datetime,
            "2015-07-21T21:40+05:00[Europe/London]",
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        ),
        (parse_datetime, "2015-07-21T21:40]", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "P", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "PT", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "P1DT", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "1D", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "P1H", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "PT1D", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "P1M1Y", ErrorDetail.INVALID_ARGUMENT_VALUE),
        (parse_duration, "P2012-13-02", ErrorDetail.NUMBER_OUT_OF_RANGE),
        (parse_duration, "P99999999999999999999Y", ErrorDetail.NUMBER_OUT_OF_RANGE),
    ],
)
def test_bad_text_raises_argument_errors(parser, text: str, detail: ErrorDetail):
    arguments = (text, UTC) if parser is parse_datetime else (text,)
    with pytest.raises(QueryRuntimeError) as caught:
        parser(*arguments)
    assert caught.value.detail == detail
    assert caught.value.kind in (ErrorKind.ARGUMENT_ERROR, ErrorKind.ARITHMETIC_ERROR)
    assert caught.value.span is None
    assert caught.value.message == caught.value.message.strip()


def test_parse_errors_quote_the_text_and_hint_at_formats():
    with pytest.raises(QueryRuntimeError) as caught:
        parse_date("21/07/2015")
    assert "'21/07/2015'" in caught.value.message
    assert caught.value.hint is not None
    assert "2015-07-21" in caught.value.hint


@pytest.mark.parametrize(
    "text",
    [
        "P" + "9" * 5000 + "D",
        "PT" + "1" * 100_000 + "." + "1" * 100_000 + "S",
        "2015-" * 100_000,
        "T" * 100_000,
        "1" * 1_000_000,
        "[" * 100_000 + "]",
        "2015-01-01T" + "1" * 100_000,
        "2015-01-01T12:00[" + "x" * 100_000 + "]",
        "\x00",
        "\uff12\uff10\uff11\uff15-01-01",
        "\u0662\u0660\u0661\u0665",
        "12:00+\uff10\uff11",
    ],
)
def test_hostile_text_fails_fast_with_a_short_message(text):
    for parser in (parse_date, parse_local_time, parse_duration, parse_local_datetime):
        with pytest.raises(QueryRuntimeError) as caught:
            parser(text)
        assert len(caught.value.message) < 200
    with pytest.raises(QueryRuntimeError):
        parse_datetime(text, UTC)
    with pytest.raises(QueryRuntimeError):
        parse_time(text, 0)
