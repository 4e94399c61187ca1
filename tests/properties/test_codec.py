"""Property value codec: exact round trip of every storable value, records, validation."""

from __future__ import annotations

import math
import struct

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.storage import codec
from engram.storage.codec import (
    FLOAT_ARRAY_CODE,
    FLOAT_ARRAY_MIN,
    check_property_value,
    decode_node,
    decode_node_labels,
    decode_properties,
    decode_rel,
    encode_node,
    encode_properties,
    encode_rel,
    register_extension,
)

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
FLOATS = st.floats(allow_nan=True, allow_infinity=True)
TEXT = st.text(st.characters(codec=None), max_size=20)
SCALARS = st.one_of(st.booleans(), INT64, FLOATS, TEXT)
LISTS = st.one_of(
    st.lists(st.booleans(), max_size=5),
    st.lists(INT64, max_size=5),
    st.lists(FLOATS, max_size=40),
    st.lists(TEXT, max_size=5),
    st.lists(st.one_of(INT64, FLOATS), max_size=5),
)
PROPERTY_VALUES = st.one_of(SCALARS, LISTS)
PROPERTY_MAPS = st.dictionaries(st.integers(0, 2**32 - 1), PROPERTY_VALUES, max_size=6)


def identical(left, right) -> bool:
    """Same type and, for floats, the same bits (NaN payloads included)."""
    if type(left) is not type(right):
        return False
    if isinstance(left, list):
        return len(left) == len(right) and all(map(identical, left, right))
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(identical(left[k], right[k]) for k in left)
    if isinstance(left, float):
        return struct.pack(">d", left) == struct.pack(">d", right)
    return left == right


@settings(deadline=None)
@given(PROPERTY_MAPS)
@example({0: -0.0, 1: float("nan"), 2: float("-inf"), 3: "\ud800\x00", 4: 2**63 - 1})
@example({7: [0.5] * FLOAT_ARRAY_MIN})
@example({7: [float("nan"), -0.0] * FLOAT_ARRAY_MIN})
def test_property_maps_round_trip_exactly(properties):
    checked = {key: check_property_value(value) for key, value in properties.items()}
    assert identical(decode_properties(encode_properties(checked)), checked)


def test_nan_payload_survives():
    quiet = struct.unpack(">d", bytes.fromhex("7ff8000000000123"))[0]
    for value in (quiet, [quiet] * (FLOAT_ARRAY_MIN + 1)):
        decoded = decode_properties(encode_properties({0: value}))[0]
        assert identical(decoded, value)


def test_long_float_lists_are_stored_as_arrays():
    vector = [float(i) / 7 for i in range(768)]
    packed = encode_properties({0: vector})
    # an ext header and raw float64s: far smaller than nine bytes per msgpack float
    assert len(packed) < 768 * 8 + 16
    assert bytes([FLOAT_ARRAY_CODE]) in packed[:8]
    assert decode_properties(packed)[0] == vector


def test_numpy_values_are_normalised():
    array = np.linspace(0, 1, 32)
    assert check_property_value(array) == array.tolist()
    assert check_property_value(np.arange(3)) == [0, 1, 2]
    assert type(check_property_value(np.int64(5))) is int
    assert type(check_property_value(np.float32(0.5))) is float
    assert check_property_value(np.bool_(True)) is True
    assert check_property_value((1, 2)) == [1, 2]


@settings(deadline=None)
@given(st.frozensets(st.integers(0, 2**32 - 1), max_size=8), PROPERTY_MAPS)
def test_node_records_round_trip(labels, properties):
    payload = encode_node(labels, properties)
    version = b"\x00" * 8
    decoded_labels, decoded_properties = decode_node(version + payload, 8)
    assert decoded_labels == labels
    assert decode_node_labels(version + payload, 8) == labels
    assert identical(decoded_properties, properties)


@settings(deadline=None)
@given(st.integers(0, 2**32 - 1), INT64.map(abs), INT64.map(abs), PROPERTY_MAPS)
def test_relationship_records_round_trip(type_id, start, end, properties):
    start, end = min(start, 2**63 - 1), min(end, 2**63 - 1)
    decoded = decode_rel(b"\x01" * 8 + encode_rel(type_id, start, end, properties), 8)
    assert decoded[:3] == (type_id, start, end)
    assert identical(decoded[3], properties)


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ({"a": 1}, ErrorDetail.INVALID_PROPERTY_TYPE),
        ([{"num": 1}], ErrorDetail.INVALID_PROPERTY_TYPE),
        ([[1, 2]], ErrorDetail.INVALID_PROPERTY_TYPE),
        ([1, "a"], ErrorDetail.INVALID_PROPERTY_TYPE),
        ([1, None], ErrorDetail.INVALID_PROPERTY_TYPE),
        ([True, 1], ErrorDetail.INVALID_PROPERTY_TYPE),
        (object(), ErrorDetail.INVALID_PROPERTY_TYPE),
        (np.zeros((2, 2)), ErrorDetail.INVALID_PROPERTY_TYPE),
        (2**63, ErrorDetail.NUMBER_OUT_OF_RANGE),
        ([1, -(2**63) - 1], ErrorDetail.NUMBER_OUT_OF_RANGE),
    ],
)
def test_unstorable_values_are_rejected(value, detail):
    with pytest.raises(QueryRuntimeError) as raised:
        check_property_value(value)
    assert raised.value.detail == detail
    assert raised.value.kind in (ErrorKind.TYPE_ERROR, ErrorKind.ARGUMENT_ERROR)
    assert raised.value.message == raised.value.message.lower()


def test_mixed_numbers_are_one_kind():
    assert check_property_value([1, 2.5]) == [1, 2.5]


class _Stamp:
    """A stand-in for an extension type (the temporal package registers the real ones)."""

    def __init__(self, ticks: int) -> None:
        self.ticks = ticks

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Stamp) and other.ticks == self.ticks

    def __hash__(self) -> int:
        return hash(self.ticks)


_STAMP_CODE = 126


def _register_stamp() -> None:
    if _STAMP_CODE not in codec._BY_CODE:
        register_extension(
            _STAMP_CODE,
            _Stamp,
            lambda stamp: stamp.ticks.to_bytes(8, "big", signed=True),
            lambda data: _Stamp(int.from_bytes(data, "big", signed=True)),
        )


def test_extension_types_round_trip():
    _register_stamp()
    value = check_property_value(_Stamp(-42))
    assert decode_properties(encode_properties({3: value, 4: [_Stamp(1), _Stamp(2)]})) == {
        3: _Stamp(-42),
        4: [_Stamp(1), _Stamp(2)],
    }
    with pytest.raises(QueryRuntimeError):
        check_property_value([_Stamp(1), 1])


def test_extension_registry_guards_codes():
    _register_stamp()
    with pytest.raises(ValueError, match="registered already"):
        register_extension(_STAMP_CODE, float, bytes, float)
    with pytest.raises(ValueError, match="between"):
        register_extension(FLOAT_ARRAY_CODE, complex, bytes, complex)
    assert math.isnan(decode_properties(encode_properties({0: math.nan}))[0])
