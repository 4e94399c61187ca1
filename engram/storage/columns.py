"""Columnar property values for bulk loads: validation, rows, and msgpack encoding per row.

A bulk load passes properties as columns (property key id -> one value per entity)
rather than one map per entity. A column is a numpy array of integers, floats or
booleans (every entity has a value) or a sequence whose ``None`` entries mean "no
property". `encode_rows` gives each row's stored property map, byte for byte what
`engram.storage.codec.encode_properties` stores for the same map; when every column
is a numeric numpy array the whole encoding is a few numpy operations.

>>> import numpy as np
>>> from engram.storage.codec import decode_properties
>>> columns = {0: np.array([1, 300, -5]), 1: ["a", None, "c"]}
>>> [decode_properties(raw) for raw in encode_rows(checked_columns(columns, 3), 3)]
[{0: 1, 1: 'a'}, {0: 300}, {0: -5, 1: 'c'}]
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final, TypeAlias

import numpy as np

from engram.errors import InternalError
from engram.storage.codec import check_property_value, encode_properties

__all__ = [
    "Column",
    "Columns",
    "checked_columns",
    "cut_rows",
    "encode_matrix",
    "encode_rows",
    "row_maps",
    "row_values",
]

Column: TypeAlias = np.ndarray | Sequence[Any]
Columns: TypeAlias = Mapping[int, Column]

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_PLAIN: Final = (str, float, bool)


def checked_columns(columns: Columns, count: int) -> dict[int, Column]:
    """The columns with every value validated (and normalised) for storage.

    Raises:
        InternalError: a column does not have `count` values.
        QueryRuntimeError: a value cannot be stored as a property.
    """
    checked: dict[int, Column] = {}
    for key, column in columns.items():
        if len(column) != count:
            raise InternalError(f"property column {key} has {len(column)} values, not {count}")
        checked[key] = _checked_column(column)
    return checked


def _checked_column(column: Column) -> Column:
    if isinstance(column, np.ndarray):
        if column.ndim == 1 and column.dtype.kind == "b":
            return column
        if column.ndim == 1 and column.dtype.kind == "f":
            return column.astype(np.float64, copy=False)
        if column.ndim == 1 and column.dtype.kind in "iu":
            if column.dtype.kind == "u" and len(column) and int(column.max()) > _INT64_MAX:
                check_property_value(int(column.max()))  # raises NumberOutOfRange
            return column.astype(np.int64, copy=False)
        return [_checked_value(value) for value in column.tolist()]
    return [_checked_value(value) for value in column]


def _checked_value(value: Any) -> Any:
    kind = type(value)
    if value is None or kind in _PLAIN:
        return value
    if kind is int and _INT64_MIN <= value <= _INT64_MAX:
        return value
    return check_property_value(value)


def row_values(columns: Mapping[int, Column], keys: Sequence[int], position: int) -> dict[int, Any]:
    """The properties `keys` of one row (missing ones left out)."""
    found: dict[int, Any] = {}
    for key in keys:
        column = columns.get(key)
        if column is None:
            continue
        value = column[position]
        if value is not None:
            found[key] = value.item() if isinstance(value, np.generic) else value
    return found


def row_maps(columns: Mapping[int, Column], count: int) -> Iterator[dict[int, Any]]:
    """Each row as a property map (missing values left out)."""
    keys = list(columns)
    values = [
        column.tolist() if isinstance(column, np.ndarray) else column for column in columns.values()
    ]
    if not keys:
        for _ in range(count):
            yield {}
        return
    for row in zip(*values, strict=True):
        yield {key: value for key, value in zip(keys, row, strict=True) if value is not None}


def encode_rows(
    columns: Mapping[int, Column],
    count: int,
    *,
    prefix: bytes = b"",
    fixed: np.ndarray | None = None,
) -> list[bytes]:
    """The stored property map of each row (see the module docstring).

    Args:
        columns: checked columns (`checked_columns`).
        count: the number of rows.
        prefix: bytes put in front of every row (a record's version and label header).
        fixed: a (count, width) uint8 array whose row `i` goes between `prefix` and the
            property map of row `i` (a relationship record's type and end points).
    """
    matrix = encode_matrix(columns, count, prefix=prefix, fixed=fixed)
    if matrix is not None:
        return cut_rows(*matrix)
    rows = row_maps(columns, count)
    if fixed is None:
        return [prefix + encode_properties(row) for row in rows]
    raw = np.ascontiguousarray(fixed, dtype=np.uint8).tobytes()
    width = fixed.shape[1]
    return [
        prefix + raw[position * width : (position + 1) * width] + encode_properties(row)
        for position, row in enumerate(rows)
    ]


# vectorised msgpack -------------------------------------------------------------------


#: one msgpack form of a column's integers: (mask of the rows, or None: all; tag; dtype)
_Form: TypeAlias = tuple[np.ndarray | None, int, str]
#: msgpack's integer forms, as its packer chooses them: (lowest, highest, tag, dtype);
#: fixints (tag -1) carry their value in the tag byte
_INT_FORMS: Final = (
    (0, 0x7F, -1, ""),
    (0x80, 0xFF, 0xCC, ">u1"),
    (0x100, 0xFFFF, 0xCD, ">u2"),
    (0x10000, 0xFFFFFFFF, 0xCE, ">u4"),
    (0x100000000, 2**63 - 1, 0xCF, ">u8"),
    (-32, -1, -1, ""),
    (-0x80, -33, 0xD0, ">i1"),
    (-0x8000, -0x81, 0xD1, ">i2"),
    (-0x80000000, -0x8001, 0xD2, ">i4"),
    (-(2**63), -0x80000001, 0xD3, ">i8"),
)


def _int_widths(values: np.ndarray) -> tuple[np.ndarray, list[_Form]]:
    """Encoded size of each integer and, per msgpack form, (mask, tag, big-endian dtype).

    Only the forms the column's range reaches are tested (usually one or two); the
    mask is None when one form takes every value.
    """
    sizes = np.empty(len(values), dtype=np.int64)
    forms: list[_Form] = []
    if not len(values):
        return sizes, forms
    lowest, highest = int(values.min()), int(values.max())
    for low, high, tag, dtype in _INT_FORMS:
        if high < lowest or low > highest:
            continue
        size = 1 + (np.dtype(dtype).itemsize if dtype else 0)
        if low <= lowest and highest <= high:
            sizes[:] = size
            return sizes, [(None, tag, dtype)]
        mask = (values >= low) & (values <= high)
        if mask.any():
            sizes[mask] = size
            forms.append((mask, tag, dtype))
    return sizes, forms


def _int_bytes(value: int) -> bytes:
    """The msgpack bytes of one non-negative integer (property key ids)."""
    if value < 0x80:
        return bytes([value])
    if value <= 0xFF:
        return bytes([0xCC, value])
    if value <= 0xFFFF:
        return b"\xcd" + value.to_bytes(2, "big")
    return b"\xce" + value.to_bytes(4, "big")


def _map_header(entries: int) -> bytes:
    if entries < 16:
        return bytes([0x80 | entries])
    return b"\xde" + entries.to_bytes(2, "big")


def encode_matrix(
    columns: Mapping[int, Column],
    count: int,
    *,
    prefix: bytes = b"",
    fixed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """`encode_rows` of numeric columns, as a byte matrix and the length of each row.

    The matrix has `count` rows as wide as the widest; None when a column is not a
    numeric array.
    """
    if not all(
        isinstance(column, np.ndarray) and column.dtype.kind in "bif" for column in columns.values()
    ):
        return None
    header = _map_header(len(columns))
    plans = []
    width = 0 if fixed is None else fixed.shape[1]
    sizes = np.full(count, len(prefix) + width + len(header), dtype=np.int64)
    for key, column in columns.items():
        array = np.asarray(column)
        key_bytes = _int_bytes(key)
        forms: list[_Form] = []
        if array.dtype.kind == "b":
            sizes += len(key_bytes) + 1
        elif array.dtype.kind == "f":
            sizes += len(key_bytes) + 9
        else:
            value_sizes, forms = _int_widths(array)
            sizes += len(key_bytes) + value_sizes
        plans.append((key_bytes, array, forms))
    stride = int(sizes.max()) if count else 0
    out = np.zeros((count, stride), dtype=np.uint8)
    cursor: int | np.ndarray = _put_block(out, 0, _constant(prefix, count))
    if fixed is not None:
        cursor = _put_block(out, cursor, np.asarray(fixed, dtype=np.uint8))
    cursor = _put_block(out, cursor, _constant(header, count))
    for key_bytes, array, forms in plans:
        cursor = _put_block(out, cursor, _constant(key_bytes, count))
        cursor = _put_values(out, cursor, array, forms)
    return out, sizes


def cut_rows(out: np.ndarray, sizes: np.ndarray) -> list[bytes]:
    """Row `i` of `out` cut to `sizes[i]` bytes, one void-view ``tolist`` per distinct size."""
    count = len(sizes)
    if not count:
        return []
    shortest, longest = int(sizes.min()), int(sizes.max())
    if shortest == longest:
        return _void_rows(out[:, :shortest])
    lengths = np.flatnonzero(np.bincount(sizes - shortest)) + shortest
    rows: list[bytes] = [b""] * count
    for length in lengths.tolist():
        members = np.flatnonzero(sizes == length)
        cut = _void_rows(out[members, :length])
        deque(map(rows.__setitem__, members.tolist(), cut), maxlen=0)
    return rows


def _void_rows(matrix: np.ndarray) -> list[bytes]:
    width = matrix.shape[1]
    rows: list[bytes] = np.ascontiguousarray(matrix).view(f"V{width}").ravel().tolist()
    return rows


def _constant(data: bytes, count: int) -> np.ndarray:
    return np.broadcast_to(np.frombuffer(data, dtype=np.uint8), (count, len(data)))


def _put_block(
    out: np.ndarray,
    cursor: int | np.ndarray,
    block: np.ndarray,
    mask: np.ndarray | None = None,
) -> int | np.ndarray:
    """Write `block` (one row per selected row) at each row's cursor; the moved cursor."""
    width = int(block.shape[1])
    if not width:
        return cursor
    if isinstance(cursor, int):
        if mask is None:
            out[:, cursor : cursor + width] = block
        else:
            out[mask, cursor : cursor + width] = block
        return cursor + width
    rows = np.arange(len(out)) if mask is None else np.flatnonzero(mask)
    starts = cursor if mask is None else cursor[mask]
    out[rows[:, None], starts[:, None] + np.arange(width)] = block
    moved: np.ndarray = cursor + width
    return moved


def _put_values(
    out: np.ndarray,
    cursor: int | np.ndarray,
    array: np.ndarray,
    forms: list[_Form],
) -> int | np.ndarray:
    kind = array.dtype.kind
    if kind == "b":
        return _put_block(out, cursor, np.where(array, 0xC3, 0xC2).astype(np.uint8)[:, None])
    if kind == "f":
        block = np.empty((len(array), 9), dtype=np.uint8)
        block[:, 0] = 0xCB
        block[:, 1:] = array.astype(">f8").view(np.uint8).reshape(-1, 8)
        return _put_block(out, cursor, block)
    sizes = np.zeros(len(array), dtype=np.int64)
    for mask, tag, dtype in forms:
        values = array if mask is None else array[mask]
        if not dtype:
            block = (values & 0xFF).astype(np.uint8)[:, None]
        else:
            size = np.dtype(dtype).itemsize
            block = np.empty((len(values), 1 + size), dtype=np.uint8)
            block[:, 0] = tag
            block[:, 1:] = values.astype(dtype).view(np.uint8).reshape(-1, size)
        _put_block(out, cursor, block, mask)
        if mask is None:
            sizes[:] = block.shape[1]
        else:
            sizes[mask] = block.shape[1]
    if len(forms) == 1 and isinstance(cursor, int):
        return cursor + int(sizes[0]) if len(sizes) else cursor
    return cursor + sizes
