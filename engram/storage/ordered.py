"""Order-preserving, prefix-free byte encoding of property values for index keys.

`value_key(v)` is a byte string whose byte order is Cypher's ORDER BY order across types
(LIST < DATETIME < LOCALDATETIME < DATE < TIME < LOCALTIME < DURATION < STRING < BOOLEAN
< NUMBER, NaN after every number) and which is equal for values that Cypher considers
equal: integers and floats share one numeric order, so ``1`` and ``1.0`` (and ``0.0`` and
``-0.0``) get the same key and an equality seek finds both. No key is a proper prefix of
another, so keys concatenate into composite keys that sort component by component.

What the key forgets (integer or float, the sign of a zero) is kept in `value_marks(v)`,
one byte per number in depth-first order; `decode_value(key, marks)` restores the exact
value. Index entries store the marks after all key components.

Layout (tag byte first):

- NUMBER ``0x50`` + 8 bytes of the value rounded to float64 (sign-flipped IEEE bits) +
  2 bytes ``n - int(round(n))`` offset by 0x8000 (non-zero only for integers that a
  float64 cannot hold exactly, so integers beyond 2**53 order exactly);
- NaN ``0x51``;
- BOOLEAN ``0x40`` + ``0x00`` / ``0x01``;
- STRING ``0x30`` + UTF-8 (code point order; lone surrogates kept) with ``0x00``
  escaped as ``0x00 0xff``, terminated by ``0x00 0x01``;
- temporal ``0x20``-``0x25`` + the extension's order bytes, escaped and terminated like
  strings (registered by the temporal package through `register_order_extension`);
- LIST ``0x10`` + element keys + ``0x01``.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError

__all__ = [
    "BOOLEAN_TAG",
    "DATETIME_TAG",
    "DATE_TAG",
    "DURATION_TAG",
    "LIST_TAG",
    "LOCALDATETIME_TAG",
    "LOCALTIME_TAG",
    "NAN_TAG",
    "NUMBER_TAG",
    "STRING_TAG",
    "TIME_TAG",
    "decode_composite",
    "decode_value",
    "family_bounds",
    "family_tag",
    "is_nan",
    "register_order_extension",
    "skip_values",
    "string_prefix_bounds",
    "value_key",
    "value_marks",
]

LIST_TAG: Final = 0x10
LIST_END: Final = 0x01
DATETIME_TAG: Final = 0x20
LOCALDATETIME_TAG: Final = 0x21
DATE_TAG: Final = 0x22
TIME_TAG: Final = 0x23
LOCALTIME_TAG: Final = 0x24
DURATION_TAG: Final = 0x25
STRING_TAG: Final = 0x30
BOOLEAN_TAG: Final = 0x40
NUMBER_TAG: Final = 0x50
NAN_TAG: Final = 0x51

_EXTENSION_TAGS: Final = range(DATETIME_TAG, DURATION_TAG + 1)

MARK_INT: Final = 0x01
MARK_FLOAT: Final = 0x02
MARK_NEG_ZERO: Final = 0x03

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_SIGN: Final = 1 << 63
_MASK: Final = (1 << 64) - 1
_DELTA_OFFSET: Final = 0x8000

_DOUBLE = struct.Struct(">d")
_U64 = struct.Struct(">Q")
_NUMBER = struct.Struct(">BQH")

_FALSE_KEY: Final = bytes([BOOLEAN_TAG, 0])
_TRUE_KEY: Final = bytes([BOOLEAN_TAG, 1])
_NAN_KEY: Final = bytes([NAN_TAG])
_TERMINATOR: Final = b"\x00\x01"


@dataclass(frozen=True, slots=True)
class _OrderExtension:
    tag: int
    cls: type
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any] | None


_EXTENSIONS_BY_TYPE: dict[type, _OrderExtension] = {}
_EXTENSIONS_BY_TAG: dict[int, _OrderExtension] = {}


def register_order_extension(
    tag: int,
    cls: type,
    encode: Callable[[Any], bytes],
    decode: Callable[[bytes], Any] | None = None,
) -> None:
    """Plug a value type (temporal types) into the index order.

    Args:
        tag: one of the reserved temporal tags (`DATETIME_TAG` ... `DURATION_TAG`); the
            tag fixes the type's place in the cross-type order.
        cls: the Python class of the values.
        encode: order bytes of a value: byte order must be the type's value order, and
            values that compare equal must give equal bytes.
        decode: the inverse of `encode`, when it exists (used to report index minimum
            and maximum values); None if the order bytes are not invertible.

    Raises:
        ValueError: the tag is not a temporal tag, or it or the class is taken.
    """
    if tag not in _EXTENSION_TAGS:
        raise ValueError(f"order extension tag {tag:#x} is not a reserved temporal tag")
    if tag in _EXTENSIONS_BY_TAG or cls in _EXTENSIONS_BY_TYPE:
        raise ValueError(f"order extension tag {tag:#x} or class {cls.__name__} is taken")
    extension = _OrderExtension(tag, cls, encode, decode)
    _EXTENSIONS_BY_TAG[tag] = extension
    _EXTENSIONS_BY_TYPE[cls] = extension


def _unorderable(value: object) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"a value of type '{type(value).__name__}' cannot be indexed or compared in an index",
        kind=ErrorKind.TYPE_ERROR,
        detail=ErrorDetail.INVALID_PROPERTY_TYPE,
    )


def _float_bits(value: float) -> int:
    bits: int = _U64.unpack(_DOUBLE.pack(value))[0]
    return (~bits & _MASK) if bits & _SIGN else (bits | _SIGN)


def _float_from_bits(bits: int) -> float:
    raw = (bits & ~_SIGN) if bits & _SIGN else (~bits & _MASK)
    result: float = _DOUBLE.unpack(_U64.pack(raw))[0]
    return result


def _int_key(value: int) -> bytes:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise QueryRuntimeError(
            f"integer {value} is outside the signed 64-bit range",
            kind=ErrorKind.ARGUMENT_ERROR,
            detail=ErrorDetail.NUMBER_OUT_OF_RANGE,
        )
    rounded = float(value)
    delta = value - int(rounded)
    return _NUMBER.pack(NUMBER_TAG, _float_bits(rounded), delta + _DELTA_OFFSET)


def _float_key(value: float) -> bytes:
    if value != value:
        return _NAN_KEY
    if value == 0.0:
        value = 0.0
    return _NUMBER.pack(NUMBER_TAG, _float_bits(value), _DELTA_OFFSET)


def _escaped(raw: bytes) -> bytes:
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"\x00\xff")
    return raw + _TERMINATOR


def _string_key(value: str) -> bytes:
    return bytes([STRING_TAG]) + _escaped(value.encode("utf-8", "surrogatepass"))


def value_key(value: Any) -> bytes:
    """The order-preserving, prefix-free key of a storable value.

    >>> value_key(1) == value_key(1.0)
    True
    >>> value_key("b") < value_key(True) < value_key(-5) < value_key(float("nan"))
    True

    Raises:
        QueryRuntimeError: the value cannot be ordered (a map, null, an unknown type) or is
            an integer outside 64 bits.
    """
    kind = type(value)
    if kind is str:
        return _string_key(value)
    if kind is int:
        return _int_key(value)
    if kind is float:
        return _float_key(value)
    if kind is bool:
        return _TRUE_KEY if value else _FALSE_KEY
    if kind is list or kind is tuple:
        return bytes([LIST_TAG]) + b"".join(value_key(item) for item in value) + bytes([LIST_END])
    return _other_key(value)


def _other_key(value: Any) -> bytes:
    if isinstance(value, bool | np.bool_):
        return _TRUE_KEY if value else _FALSE_KEY
    if isinstance(value, int | np.integer):
        return _int_key(int(value))
    if isinstance(value, float | np.floating):
        return _float_key(float(value))
    if isinstance(value, str):
        return _string_key(str(value))
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value_key(value.tolist())
    extension = _extension_for(value)
    if extension is None:
        raise _unorderable(value)
    return bytes([extension.tag]) + _escaped(extension.encode(value))


def _extension_for(value: Any) -> _OrderExtension | None:
    extension = _EXTENSIONS_BY_TYPE.get(type(value))
    if extension is not None:
        return extension
    for cls, candidate in _EXTENSIONS_BY_TYPE.items():
        if isinstance(value, cls):
            return candidate
    return None


def value_marks(value: Any) -> bytes:
    """The number-type marks that `value_key` drops, one byte per number, depth first."""
    kind = type(value)
    if kind is int:
        return b"\x01"
    if kind is float:
        return _float_mark(value)
    if kind is str or kind is bool:
        return b""
    if kind is list or kind is tuple:
        return b"".join(value_marks(item) for item in value)
    if isinstance(value, bool | np.bool_):
        return b""
    if isinstance(value, int | np.integer):
        return b"\x01"
    if isinstance(value, float | np.floating):
        return _float_mark(float(value))
    if isinstance(value, np.ndarray):
        return value_marks(value.tolist())
    return b""


def _float_mark(value: float) -> bytes:
    if value != value:
        return b""
    if value == 0.0 and _U64.unpack(_DOUBLE.pack(value))[0] & _SIGN:
        return b"\x03"
    return b"\x02"


def is_nan(value: Any) -> bool:
    """Whether `value` is a float NaN (which equals nothing in Cypher)."""
    return isinstance(value, float | np.floating) and value != value


def decode_value(key: bytes, marks: bytes = b"") -> Any:
    """Inverse of `value_key` plus `value_marks` (integers without marks decode as ints)."""
    value, position = _decode(key, 0, iter(marks))
    if position != len(key):
        raise ValueError("trailing bytes after an encoded value")
    return value


def decode_composite(key: bytes, count: int, marks: bytes = b"") -> tuple[list[Any], int]:
    """Decode `count` concatenated value keys; returns the values and the bytes consumed."""
    values = []
    position = 0
    mark_iter = iter(marks)
    for _ in range(count):
        value, position = _decode(key, position, mark_iter)
        values.append(value)
    return values, position


def _decode(key: bytes, position: int, marks: Iterator[int]) -> tuple[Any, int]:
    tag = key[position]
    if tag == NUMBER_TAG:
        return _decode_number(key, position, marks)
    if tag == STRING_TAG:
        raw, position = _unescape(key, position + 1)
        return raw.decode("utf-8", "surrogatepass"), position
    if tag == BOOLEAN_TAG:
        return key[position + 1] == 1, position + 2
    if tag == NAN_TAG:
        return float("nan"), position + 1
    if tag == LIST_TAG:
        return _decode_list(key, position + 1, marks)
    extension = _EXTENSIONS_BY_TAG.get(tag)
    if extension is None or extension.decode is None:
        raise ValueError(f"cannot decode an index value with tag {tag:#x}")
    raw, position = _unescape(key, position + 1)
    return extension.decode(raw), position


def _decode_number(key: bytes, position: int, marks: Iterator[int]) -> tuple[Any, int]:
    _, bits, delta = _NUMBER.unpack_from(key, position)
    rounded = _float_from_bits(bits)
    mark = next(marks, MARK_INT)
    position += _NUMBER.size
    if mark == MARK_INT:
        return int(rounded) + (delta - _DELTA_OFFSET), position
    if mark == MARK_NEG_ZERO:
        return -0.0, position
    return rounded, position


def _decode_list(key: bytes, position: int, marks: Iterator[int]) -> tuple[list[Any], int]:
    items = []
    while key[position] != LIST_END:
        item, position = _decode(key, position, marks)
        items.append(item)
    return items, position + 1


def _unescape(key: bytes, position: int) -> tuple[bytes, int]:
    out = bytearray()
    while True:
        zero = key.index(b"\x00", position)
        out += key[position:zero]
        follower = key[zero + 1]
        if follower == 0x01:
            return bytes(out), zero + 2
        out.append(0)
        position = zero + 2


def skip_values(key: bytes, position: int, count: int) -> int:
    """Where `count` encoded values starting at `position` end (no decoding needed)."""
    for _ in range(count):
        position = _skip(key, position)
    return position


def _skip(key: bytes, position: int) -> int:
    tag = key[position]
    if tag == NUMBER_TAG:
        return position + _NUMBER.size
    if tag == NAN_TAG:
        return position + 1
    if tag == BOOLEAN_TAG:
        return position + 2
    if tag == LIST_TAG:
        position += 1
        while key[position] != LIST_END:
            position = _skip(key, position)
        return position + 1
    position += 1
    while True:
        zero = key.index(b"\x00", position)
        if key[zero + 1] == 0x01:
            return zero + 2
        position = zero + 2


def family_tag(value: Any) -> int:
    """The tag of the type family `value` belongs to (range seeks stay inside it)."""
    key = value_key(value)
    return NUMBER_TAG if key[0] == NAN_TAG else key[0]


def family_bounds(tag: int) -> tuple[bytes, bytes]:
    """[low, high) of every key of one type family; NaN is outside the number family."""
    return bytes([tag]), bytes([tag + 1])


def string_prefix_bounds(prefix: str) -> tuple[bytes, bytes]:
    """[low, high) of the keys of every string starting with `prefix`."""
    raw = prefix.encode("utf-8", "surrogatepass")
    if b"\x00" in raw:
        raw = raw.replace(b"\x00", b"\x00\xff")
    low = bytes([STRING_TAG]) + raw
    # every continuation of the prefix is a byte below 0xff, or the terminator 0x00 0x01
    return low, low + b"\xff"


def composite_key(values: Sequence[Any]) -> bytes:
    """Concatenated keys of several values (component-wise order)."""
    return b"".join(value_key(value) for value in values)


def composite_marks(values: Sequence[Any]) -> bytes:
    """Concatenated marks of several values."""
    return b"".join(value_marks(value) for value in values)
