"""Storage encoding round trip and order-preserving index keys, for every temporal type."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import CorruptionError
from engram.temporal.base import TemporalValue
from engram.temporal.codec import (
    KIND_DATE,
    KIND_DATETIME,
    KIND_DURATION,
    decode,
    encode,
    kind_code,
    order_bytes,
)
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime
from engram.temporal.duration import Duration
from engram.temporal.parse import parse_datetime
from engram.temporal.zones import UTC, ZoneRegion
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.strategies import no_deadline

TYPED = [ts.dates, ts.local_times, ts.times, ts.local_datetimes, ts.datetimes(), ts.durations]


def _sign(value: int) -> int:
    return (value > 0) - (value < 0)


@no_deadline
@given(ts.any_temporal)
def test_encode_decode_round_trip_is_exact(value: TemporalValue):
    decoded = decode(kind_code(value), encode(value))
    assert decoded == value
    assert type(decoded) is type(value)
    assert str(decoded) == str(value)
    if isinstance(value, DateTime):
        assert isinstance(decoded, DateTime)
        assert decoded.offset == value.offset


@pytest.mark.parametrize("strategy", TYPED, ids=lambda s: repr(s)[:40])
def test_order_bytes_preserve_order_within_each_type(strategy):
    @no_deadline
    @given(strategy, strategy)
    def check(first: TemporalValue, second: TemporalValue):
        by_bytes = _sign(
            (order_bytes(first) > order_bytes(second)) - (order_bytes(first) < order_bytes(second))
        )
        by_key = _sign(
            (first.order_key() > second.order_key()) - (first.order_key() < second.order_key())
        )
        assert by_bytes == by_key
        assert (order_bytes(first) == order_bytes(second)) == (first == second)

    check()


@no_deadline
@given(ts.instants, ts.instants)
def test_order_bytes_agree_with_cypher_comparison(first: TemporalValue, second: TemporalValue):
    comparison = first.cypher_compare(second)
    if type(first) is not type(second):
        assert comparison is None
        return
    first_key, second_key = order_bytes(first), order_bytes(second)
    assert comparison == (first_key > second_key) - (first_key < second_key)


@no_deadline
@given(st.lists(ts.datetimes(), min_size=2, max_size=8), st.binary(max_size=4))
def test_order_bytes_are_self_delimiting(values: list[DateTime], suffix: bytes):
    # index keys append more parts after the value: the order must not depend on them
    by_value = sorted(values, key=lambda value: value.order_key())
    by_key = sorted(values, key=lambda value: order_bytes(value) + suffix)
    assert [v.order_key() for v in by_value] == [v.order_key() for v in by_key]


def test_zone_names_order_before_longer_names_with_the_same_prefix():
    instant = parse_datetime("2020-06-01T12:00Z", UTC)
    short = instant.with_zone_same_instant(ZoneRegion("Etc/GMT"))
    long = instant.with_zone_same_instant(ZoneRegion("Etc/GMT0"))
    assert order_bytes(short) + b"\xff" < order_bytes(long) + b"\x00"


def test_encoding_is_compact():
    assert encode(Date(0)) == b"\x00"
    assert len(encode(parse_datetime("2024-05-01T10:00:00+02:00", UTC))) <= 10
    assert len(encode(Duration.of(14, 3, 3600, 0))) == 5


def test_named_zone_is_stored_by_name():
    value = parse_datetime("2015-07-21T21:40:32.142[Europe/London]", UTC)
    assert b"Europe/London" in encode(value)


@pytest.mark.parametrize(
    ("kind", "data", "message"),
    [
        (KIND_DATE, b"", "truncated"),
        (KIND_DATE, b"\x00\x00", "trailing bytes"),
        (KIND_DATE, b"\xff" * 30, "overlong varint"),
        (99, b"\x00", "unknown temporal kind"),
        (KIND_DURATION, b"\x00\x00\x00\xff\xff\xff\xff\x7f", "invalid temporal value"),
        (KIND_DATETIME, b"\x00\x00\x07", "unknown zone tag"),
        (KIND_DATETIME, b"\x00\x00\x01\x05Mars/", "unknown time zone"),
        (KIND_DATETIME, b"\x00\x00\x01\x09Europe", "truncated zone name"),
        (KIND_DATE, b"\xfe\xff\xff\xff\xff\xff\xff\xff\x7f", "invalid temporal value"),
        (3, b"\x00\xff\xff\x7f", "invalid temporal value"),
    ],
)
def test_damaged_bytes_raise_corruption_errors(kind: int, data: bytes, message: str):
    with pytest.raises(CorruptionError, match=message):
        decode(kind, data)


def test_encode_rejects_non_temporal_values():
    with pytest.raises(TypeError):
        encode(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        order_bytes("2015-01-01")  # type: ignore[arg-type]


def test_kind_codes_are_stable():
    from engram.temporal.codec import (
        KIND_LOCAL_DATETIME,
        KIND_LOCAL_TIME,
        KIND_TIME,
    )

    assert (KIND_DATE, KIND_LOCAL_TIME, KIND_TIME, KIND_LOCAL_DATETIME, KIND_DATETIME) == (
        1,
        2,
        3,
        4,
        5,
    )
    assert KIND_DURATION == 6
