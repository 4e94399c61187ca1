"""Value encoding and decoding for properties, vectors and node and relationship records.

Property maps are msgpack maps from property key id to value. Values round-trip
exactly: booleans, 64-bit integers, floats (every bit, NaN payloads and -0.0 included),
strings (lone surrogates included), lists, and extension types registered with
`register_extension` (the temporal types). All-float lists of `FLOAT_ARRAY_MIN` or more
elements (and 1-D numpy arrays) are stored as raw little-endian float64 arrays and come
back as lists of floats.

Record payloads (after the 8-byte version that the MVCC layer prepends):

- node: ``count(u16) label_id(u32)*count`` then the property map, in which each float
  vector property (an all-float list of `FLOAT_ARRAY_MIN` or more elements) is a stub
  (`BESIDE`): the vector itself is stored beside the record under
  `engram.storage.keys.vector_key`, as raw little-endian float64 (`encode_node_split`).
  Records stay small, so the block cache holds many more of them; readers that need a
  vector fetch it at the same snapshot. Stores written before this layout hold vectors
  inline, which still read back the same;
- relationship: ``type_id(u32) start(u64) end(u64)`` then the property map.
"""

from __future__ import annotations

import struct
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import msgpack
import numpy as np

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError

__all__ = [
    "BESIDE",
    "BESIDE_STUB",
    "FLOAT_ARRAY_CODE",
    "FLOAT_ARRAY_MIN",
    "Beside",
    "PackedFloats",
    "beside_keys",
    "check_property_value",
    "decode_node",
    "decode_node_labels",
    "decode_properties",
    "decode_rel",
    "decode_rel_header",
    "decode_vector",
    "encode_node",
    "encode_node_split",
    "encode_properties",
    "encode_rel",
    "register_extension",
    "vector_bytes",
]

#: msgpack extension code of compact float64 arrays
FLOAT_ARRAY_CODE: Final = 1
#: all-float lists at least this long are stored as float64 arrays
FLOAT_ARRAY_MIN: Final = 16
#: msgpack extension code of a node property stored beside its record (a float vector)
BESIDE_CODE: Final = 2
#: extension codes below this are reserved for the storage engine itself
_FIRST_USER_CODE: Final = 8

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_LABEL_COUNT = struct.Struct(">H")
_REL_HEADER = struct.Struct(">IQQ")
_EMPTY_MAP: Final = b"\x80"
_NO_LABELS: Final[frozenset[int]] = frozenset()
#: decoded label headers of node records (bounded: label sets are few in practice)
_LABEL_SETS: dict[bytes, frozenset[int]] = {}
_LABEL_SETS_MAX: Final = 4096
_SMALL_MAP: Final = 256
_LITTLE_ENDIAN: Final = sys.byteorder == "little"
_HINT: Final = (
    "property values are booleans, numbers, strings, temporal values, or lists of one of those"
)


@dataclass(frozen=True, slots=True)
class _Extension:
    code: int
    cls: type
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes], Any]


_BY_CODE: dict[int, _Extension] = {}
_BY_TYPE: dict[type, _Extension] = {}


def register_extension(
    code: int, cls: type, encode: Callable[[Any], bytes], decode: Callable[[bytes], Any]
) -> None:
    """Let values of `cls` be stored as properties (used by the temporal package).

    Args:
        code: msgpack extension code, 8..127, unique per class.
        cls: the value class (subclasses are accepted too).
        encode: exact serialisation of a value.
        decode: the inverse of `encode`.

    Raises:
        ValueError: the code is reserved or taken, or the class is registered already.
    """
    if not _FIRST_USER_CODE <= code <= 127:
        raise ValueError(f"extension code {code} must be between {_FIRST_USER_CODE} and 127")
    if code in _BY_CODE or cls in _BY_TYPE:
        raise ValueError(f"extension code {code} or class {cls.__name__} is registered already")
    extension = _Extension(code, cls, encode, decode)
    _BY_CODE[code] = extension
    _BY_TYPE[cls] = extension


def _extension_for(value: Any) -> _Extension | None:
    extension = _BY_TYPE.get(type(value))
    if extension is not None:
        return extension
    for cls, candidate in _BY_TYPE.items():
        if isinstance(value, cls):
            return candidate
    return None


# validation ----------------------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a map"
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a value of type '{type(value).__name__}'"


def _invalid(message: str) -> QueryRuntimeError:
    return QueryRuntimeError(
        message,
        kind=ErrorKind.TYPE_ERROR,
        detail=ErrorDetail.INVALID_PROPERTY_TYPE,
        hint=_HINT,
    )


def _scalar_kind(value: Any) -> str | type | None:
    kind = type(value)
    if kind is str:
        return "string"
    if kind is bool:
        return "boolean"
    if kind is int or kind is float:
        return "number"
    if _extension_for(value) is not None:
        return type(value)
    return None


def check_property_value(value: Any) -> Any:
    """Validate a property value and return its stored form.

    Tuples and 1-D numpy arrays become lists and numpy scalars become Python scalars,
    so what a transaction reads back equals what a later transaction reads.

    Raises:
        QueryRuntimeError: TypeError / InvalidPropertyType for maps, nulls, nested or
            mixed lists and unknown types; ArgumentError / NumberOutOfRange for integers
            outside 64 bits.
    """
    value = _normalise(value)
    if type(value) is list:
        return _check_list(value)
    kind = _scalar_kind(value)
    if kind is None:
        raise _invalid(f"cannot store {_describe(value)} as a property value")
    if kind == "number" and type(value) is int:
        _check_int(value)
    return value


def _normalise(value: Any) -> Any:
    kind = type(value)
    if kind in (str, bool, int, float, list):
        return value
    if kind is tuple:
        return list(value)
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise _invalid(f"cannot store a {value.ndim}-dimensional array as a property value")
        return value.tolist()
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def _check_list(items: list[Any]) -> list[Any]:
    if not items:
        return items
    if type(items[0]) is float and all(type(item) is float for item in items):
        return items
    normalised = [_normalise(item) for item in items]
    kinds = set()
    for item in normalised:
        kind = _scalar_kind(item)
        if kind is None:
            raise _invalid(f"cannot store a list containing {_describe(item)} as a property value")
        if kind == "number" and type(item) is int:
            _check_int(item)
        kinds.add(kind)
    if len(kinds) > 1:
        raise _invalid("cannot store a list of mixed types as a property value")
    return normalised


def _check_int(value: int) -> None:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise QueryRuntimeError(
            f"integer {value} is outside the signed 64-bit range",
            kind=ErrorKind.ARGUMENT_ERROR,
            detail=ErrorDetail.NUMBER_OUT_OF_RANGE,
        )


# property maps -------------------------------------------------------------------------


def _default(value: Any) -> Any:
    extension = _extension_for(value)
    if extension is not None:
        return msgpack.ExtType(extension.code, extension.encode(value))
    if isinstance(value, np.ndarray):
        return _pack_array(value)
    normalised = _normalise(value)
    if normalised is value:
        raise TypeError(f"cannot encode {_describe(value)}")
    return normalised


def _pack_array(value: np.ndarray) -> Any:
    if value.dtype.kind == "f":
        return msgpack.ExtType(FLOAT_ARRAY_CODE, value.astype("<f8", copy=False).tobytes())
    return value.tolist()


class PackedFloats(bytes):
    """A float vector property as stored (float64, little-endian), decoded on use.

    Records read for a query's rows keep their vectors packed: a query that never reads
    the vector (most do not) never pays for turning it into a list of floats.
    """

    __slots__ = ()

    def floats(self) -> list[float]:
        """The vector as a list of floats."""
        decoded: list[float] = _ext_hook(FLOAT_ARRAY_CODE, self)
        return decoded


class Beside:
    """The value of a node property stored beside its record (see the module docstring).

    Decoding a node record gives the one instance, `BESIDE`, where such a property is;
    `engram.storage.reads.GraphView` replaces it by the vector it reads.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "BESIDE"


BESIDE: Final = Beside()
#: what a record holds in place of a property stored beside it
BESIDE_STUB: Final = msgpack.ExtType(BESIDE_CODE, b"")
_BESIDE_MARK: Final = msgpack.packb(BESIDE_STUB)


def _packed_ext_hook(code: int, data: bytes) -> Any:
    if code == BESIDE_CODE:
        return BESIDE
    if code == FLOAT_ARRAY_CODE:
        return PackedFloats(data)
    return _ext_hook(code, data)


def _ext_hook(code: int, data: bytes) -> Any:
    if code == BESIDE_CODE:
        return BESIDE
    if code == FLOAT_ARRAY_CODE:
        if _LITTLE_ENDIAN:  # the stored order: a plain cast, no array object in between
            return memoryview(data).cast("d").tolist()
        return np.frombuffer(data, dtype="<f8").tolist()
    extension = _BY_CODE.get(code)
    if extension is None:
        raise ValueError(f"unknown property extension code {code}")
    return extension.decode(data)


class _Packers(threading.local):
    def __init__(self) -> None:
        self.packer = msgpack.Packer(
            default=_default, use_bin_type=True, unicode_errors="surrogatepass"
        )


_PACKERS = _Packers()


def _compact(value: Any) -> Any:
    if (
        type(value) is list
        and len(value) >= FLOAT_ARRAY_MIN
        and type(value[0]) is float
        and all(type(item) is float for item in value)
    ):
        return msgpack.ExtType(FLOAT_ARRAY_CODE, np.array(value, dtype="<f8").tobytes())
    return value


def encode_properties(properties: Mapping[int, Any]) -> bytes:
    """Msgpack bytes of a property map (values already checked)."""
    if not properties:
        return _EMPTY_MAP
    compacted = {key: _compact(value) for key, value in properties.items()}
    packed: bytes = _PACKERS.packer.pack(compacted)
    return packed


def decode_properties(
    data: bytes | memoryview, offset: int = 0, *, packed: bool = False
) -> dict[int, Any]:
    """The property map encoded at `data[offset:]` (`packed`: vectors as `PackedFloats`)."""
    if offset:
        data = memoryview(data)[offset:]
    result: dict[int, Any] = msgpack.unpackb(
        data,
        strict_map_key=False,
        ext_hook=_packed_ext_hook if packed else _ext_hook,
        unicode_errors="surrogatepass",
    )
    return result


# records -------------------------------------------------------------------------------


def encode_node(labels: frozenset[int] | set[int], properties: Mapping[int, Any]) -> bytes:
    """Payload of a node record: sorted label ids, then the property map."""
    ordered = sorted(labels)
    header = _LABEL_COUNT.pack(len(ordered)) + struct.pack(f">{len(ordered)}I", *ordered)
    return header + encode_properties(properties)


def _labels_end(payload: bytes, offset: int) -> tuple[int, int]:
    (count,) = _LABEL_COUNT.unpack_from(payload, offset)
    return count, offset + 2 + 4 * count


def _label_set(payload: bytes, offset: int) -> tuple[frozenset[int], int]:
    """The label ids of a node record payload from `offset`, and where its map starts.

    Label sets repeat across records, so each distinct header is decoded once.
    """
    end = offset + 2 + 4 * ((payload[offset] << 8) | payload[offset + 1])
    header = payload[offset:end]
    labels = _LABEL_SETS.get(header)
    if labels is None:
        count = (end - offset - 2) // 4
        labels = frozenset(struct.unpack_from(f">{count}I", header, 2)) if count else _NO_LABELS
        if len(_LABEL_SETS) < _LABEL_SETS_MAX:
            _LABEL_SETS[header] = labels
    return labels, end


def decode_node_labels(payload: bytes, offset: int = 0) -> frozenset[int]:
    """The label ids of a node record payload starting at `offset`."""
    return _label_set(payload, offset)[0]


def decode_node(
    payload: bytes, offset: int = 0, *, packed: bool = False
) -> tuple[frozenset[int], dict[int, Any]]:
    """Labels and properties of a node record payload starting at `offset`."""
    labels, end = _label_set(payload, offset)
    size = len(payload) - end
    if size == 1 and payload[end] == 0x80:
        return labels, {}
    # a small map is cheaper to copy out than to view; a large one (inline vectors) is not
    data = payload[end:] if size <= _SMALL_MAP else memoryview(payload)[end:]
    result: dict[int, Any] = msgpack.unpackb(
        data,
        strict_map_key=False,
        ext_hook=_packed_ext_hook if packed else _ext_hook,
        unicode_errors="surrogatepass",
    )
    return labels, result


def vector_bytes(value: Any) -> bytes | None:
    """The stored form of a float vector property (kept beside a node record), else None."""
    if (
        type(value) is list
        and len(value) >= FLOAT_ARRAY_MIN
        and type(value[0]) is float
        and all(type(item) is float for item in value)
    ):
        return np.array(value, dtype="<f8").tobytes()
    return None


def encode_node_split(
    labels: frozenset[int] | set[int], properties: Mapping[int, Any]
) -> tuple[bytes, list[tuple[int, bytes]]]:
    """A node record payload with its float vectors as stubs, and (key id, bytes) of each."""
    beside: list[tuple[int, bytes]] = []
    stored: Mapping[int, Any] = properties
    for key, value in properties.items():
        raw = vector_bytes(value)
        if raw is not None:
            if stored is properties:
                stored = dict(properties)
            stored[key] = BESIDE_STUB  # type: ignore[index]  # the copy just made
            beside.append((key, raw))
    return encode_node(labels, stored), beside


def beside_keys(payload: bytes, offset: int = 0) -> list[int]:
    """Key ids of the properties a node record payload keeps beside itself."""
    if _BESIDE_MARK not in payload:  # cheap and exact enough: a stub's bytes are these
        return []
    properties = decode_node(payload, offset)[1]
    return [key for key, value in properties.items() if value is BESIDE]


def decode_vector(raw: bytes, offset: int = 0, *, packed: bool = False) -> Any:
    """A float vector stored beside a node record (from `offset`): floats, or `PackedFloats`."""
    data = raw[offset:]
    if packed:
        return PackedFloats(data)
    return _ext_hook(FLOAT_ARRAY_CODE, data)


def node_properties_offset(payload: bytes, offset: int = 0) -> int:
    """Where the property map of a node record payload starts."""
    return _labels_end(payload, offset)[1]


def encode_rel(type_id: int, start: int, end: int, properties: Mapping[int, Any]) -> bytes:
    """Payload of a relationship record."""
    return _REL_HEADER.pack(type_id, start, end) + encode_properties(properties)


def decode_rel_header(payload: bytes, offset: int = 0) -> tuple[int, int, int]:
    """(type id, start, end) of a relationship record payload starting at `offset`."""
    header: tuple[int, int, int] = _REL_HEADER.unpack_from(payload, offset)
    return header


def decode_rel(payload: bytes, offset: int = 0) -> tuple[int, int, int, dict[int, Any]]:
    """(type id, start, end, properties) of a relationship record payload."""
    type_id, start, end = _REL_HEADER.unpack_from(payload, offset)
    return type_id, start, end, decode_properties(payload, offset + _REL_HEADER.size)


REL_HEADER_SIZE: Final = _REL_HEADER.size
