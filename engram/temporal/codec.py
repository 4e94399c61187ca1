"""Byte formats of temporal values: exact storage encoding and order-preserving index keys.

`encode` / `decode` round-trip every value exactly (nanoseconds, zone names). The kind
code says which type the bytes hold; the storage engine keeps it next to the bytes
(its value tag), so the payload itself carries no type byte:

| kind | type          | payload (`encode`)                                         |
|-----:|---------------|------------------------------------------------------------|
|    1 | Date          | zigzag varint epoch day                                    |
|    2 | LocalTime     | varint nanosecond of day                                   |
|    3 | Time          | varint nanosecond of day, zigzag varint offset seconds     |
|    4 | LocalDateTime | zigzag varint local epoch second, varint nanosecond        |
|    5 | DateTime      | zigzag varint UTC epoch second, varint nanosecond, zone    |
|    6 | Duration      | zigzag varints months, days, seconds; varint nanos         |

A DateTime zone is ``0x00`` + zigzag varint offset seconds, or ``0x01`` + varint length
+ UTF-8 IANA name; named zones store the instant, so the offset is recomputed from the
zone rules when read.

`order_bytes` gives, per type, a fixed-layout big-endian key whose byte order is the
value order (`order_key`), for property indexes. Signed integers are stored with the
sign bit flipped. Keys are self-delimiting (a zone name ends with ``0x00``), so they can
be followed by other key parts:

| type          | key                                                                   |
|---------------|-----------------------------------------------------------------------|
| Date          | i64 epoch day                                                         |
| LocalTime     | u64 nanosecond of day                                                 |
| Time          | i64 UTC nanosecond of day, i32 offset                                 |
| LocalDateTime | i64 epoch second, u32 nanosecond                                      |
| DateTime      | i64 UTC epoch second, u32 nanosecond, i32 offset, u8 0 (offset) or    |
|               | 1 (named), zone name UTF-8, 0x00                                      |
| Duration      | i128 approximate length in ns, i64 months, i64 days                   |
"""

from __future__ import annotations

from typing import Final

from engram.errors import CorruptionError
from engram.temporal.base import TemporalValue
from engram.temporal.date import Date
from engram.temporal.datetimes import DateTime, LocalDateTime
from engram.temporal.duration import Duration
from engram.temporal.times import LocalTime, Time
from engram.temporal.zones import ZoneOffset, ZoneRegion, canonical_zone_name

__all__ = [
    "KIND_DATE",
    "KIND_DATETIME",
    "KIND_DURATION",
    "KIND_LOCAL_DATETIME",
    "KIND_LOCAL_TIME",
    "KIND_TIME",
    "decode",
    "encode",
    "kind_code",
    "order_bytes",
]

KIND_DATE: Final = 1
KIND_LOCAL_TIME: Final = 2
KIND_TIME: Final = 3
KIND_LOCAL_DATETIME: Final = 4
KIND_DATETIME: Final = 5
KIND_DURATION: Final = 6

_KINDS: Final[dict[type[TemporalValue], int]] = {
    Date: KIND_DATE,
    LocalTime: KIND_LOCAL_TIME,
    Time: KIND_TIME,
    LocalDateTime: KIND_LOCAL_DATETIME,
    DateTime: KIND_DATETIME,
    Duration: KIND_DURATION,
}


def kind_code(value: TemporalValue) -> int:
    """The kind code (1-6) of a temporal value's type."""
    return _KINDS[type(value)]


# -- varints ------------------------------------------------------------------------


def _uvarint(value: int, out: bytearray) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _svarint(value: int, out: bytearray) -> None:
    _uvarint(value * 2 if value >= 0 else -value * 2 - 1, out)


class _Reader:
    """Reads varints and bytes from a payload, raising CorruptionError when short."""

    __slots__ = ("data", "position")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.position = 0

    def uvarint(self) -> int:
        data, position = self.data, self.position
        if position < len(data) and data[position] < 0x80:  # one byte: most values
            self.position = position + 1
            return data[position]
        result = shift = 0
        while True:
            if position >= len(data) or shift > 140:
                raise CorruptionError("truncated or overlong varint in a temporal value")
            byte = data[position]
            position += 1
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                self.position = position
                return result
            shift += 7

    def svarint(self) -> int:
        raw = self.uvarint()
        return raw >> 1 if raw & 1 == 0 else -((raw + 1) >> 1)

    def byte(self) -> int:
        if self.position >= len(self.data):
            raise CorruptionError("truncated temporal value")
        self.position += 1
        return self.data[self.position - 1]

    def raw(self, length: int) -> bytes:
        if self.position + length > len(self.data):
            raise CorruptionError("truncated zone name in a temporal value")
        chunk = self.data[self.position : self.position + length]
        self.position += length
        return chunk

    def finish(self) -> None:
        if self.position != len(self.data):
            raise CorruptionError("trailing bytes after a temporal value")


# -- storage encoding ----------------------------------------------------------------


def encode(value: TemporalValue) -> bytes:
    """The exact storage bytes of a temporal value (see the module table)."""
    out = bytearray()
    match value:
        case Date():
            _svarint(value.epoch_day, out)
        case LocalTime():
            _uvarint(value.nano_of_day, out)
        case Time():
            _uvarint(value.nano_of_day, out)
            _svarint(value.offset, out)
        case LocalDateTime():
            _svarint(value.epoch_second, out)
            _uvarint(value.nano, out)
        case DateTime():
            _svarint(value.epoch_second, out)
            _uvarint(value.nano, out)
            if isinstance(value.zone, ZoneOffset):
                out.append(0)
                _svarint(value.zone.seconds, out)
            else:
                name = value.zone.name.encode("utf-8")
                out.append(1)
                _uvarint(len(name), out)
                out += name
        case Duration():
            for part in (value.months, value.days, value.seconds):
                _svarint(part, out)
            _uvarint(value.nanos, out)
        case _:
            raise TypeError(f"not a temporal value: {type(value).__name__}")
    return bytes(out)


def decode(kind: int, data: bytes) -> TemporalValue:
    """The value of `kind` stored as `data` by `encode`.

    Raises:
        CorruptionError: for unknown kinds, truncated or trailing bytes, impossible
            fields and unknown zone names.
    """
    reader = _Reader(data)
    try:
        value = _decode(kind, reader)
    except CorruptionError:
        raise
    except Exception as error:  # a field out of range: the bytes cannot be ours
        raise CorruptionError(f"invalid temporal value of kind {kind}: {error}") from error
    reader.finish()
    return value


def _decode(kind: int, reader: _Reader) -> TemporalValue:
    match kind:
        case 1:
            return Date(reader.svarint())
        case 2:
            return LocalTime(reader.uvarint())
        case 3:
            return Time(reader.uvarint(), reader.svarint())
        case 4:
            return LocalDateTime(reader.svarint(), reader.uvarint())
        case 5:
            second, nano = reader.svarint(), reader.uvarint()
            tag = reader.byte()
            if tag == 0:
                return DateTime.of_instant(second, nano, ZoneOffset(reader.svarint()))
            if tag != 1:
                raise CorruptionError(f"unknown zone tag {tag} in a stored date-time")
            name = reader.raw(reader.uvarint()).decode("utf-8")
            if canonical_zone_name(name) != name:
                raise CorruptionError(f"unknown time zone '{name}' in a stored date-time")
            return DateTime.of_instant(second, nano, ZoneRegion(name))
        case 6:
            months, days, seconds = reader.svarint(), reader.svarint(), reader.svarint()
            return Duration(months, days, seconds, reader.uvarint())
    raise CorruptionError(f"unknown temporal kind code {kind}")


# -- order-preserving keys -----------------------------------------------------------


def _signed(value: int, size: int) -> bytes:
    bias = 1 << (size * 8 - 1)
    if not -bias <= value < bias:
        raise OverflowError(f"{value} does not fit an order key of {size} bytes")
    return (value + bias).to_bytes(size, "big")


def _unsigned(value: int, size: int) -> bytes:
    return value.to_bytes(size, "big")


def order_bytes(value: TemporalValue) -> bytes:
    """A byte string ordering values of one type as `order_key` does (module table)."""
    match value:
        case Date():
            return _signed(value.epoch_day, 8)
        case LocalTime():
            return _unsigned(value.nano_of_day, 8)
        case Time():
            return _signed(value.utc_nano_of_day(), 8) + _signed(value.offset, 4)
        case LocalDateTime():
            return _signed(value.epoch_second, 8) + _unsigned(value.nano, 4)
        case DateTime():
            key = _signed(value.epoch_second, 8) + _unsigned(value.nano, 4)
            key += _signed(value.offset, 4)
            if isinstance(value.zone, ZoneOffset):
                return key + b"\x00\x00"
            return key + b"\x01" + value.zone.name.encode("utf-8") + b"\x00"
        case Duration():
            approximate, months, days = value.order_key()
            return _signed(approximate, 16) + _signed(months, 8) + _signed(days, 8)
    raise TypeError(f"not a temporal value: {type(value).__name__}")
