"""Splitting a block of an all-integer CSV file into int64 columns with numpy.

Relationship files are mostly integer columns (``:START_ID``, ``:END_ID``, ``since:int``)
and this is where an import spends its reading time. `int_columns` parses a block of
such a file without creating a Python string per cell: it finds the delimiters and line
ends in the bytes, checks that every row has the header's number of fields, and builds
each field's value by Horner's rule over the digit positions, all as array operations
(which release the GIL, so a reader thread overlaps the loader).

It only accepts what it can read exactly as ``int(text)`` would and as an id space
would: fields of one to 18 ASCII digits with an optional leading minus, no leading
zero (``007`` must stay distinct from ``7`` in a string id space), no blank, no space,
no carriage return, no empty line. Anything else returns `None` and the caller reads
the block with the general splitter, which reports each bad row with its line.

>>> columns = int_columns(b"1,2,2018" + bytes([10]) + b"-3,40,7" + bytes([10]), 3, ",")
>>> [column.tolist() for column in columns]
[[1, -3], [2, 40], [2018, 7]]
>>> int_columns(b"1,02" + bytes([10]), 2, ",") is None
True
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["MAX_DIGITS", "int_columns"]

#: the longest field accepted (18 digits cannot overflow a signed 64-bit integer)
MAX_DIGITS: Final = 18
_NEWLINE: Final = 10
_MINUS: Final = ord("-")
_ZERO: Final = ord("0")


def int_columns(data: bytes, width: int, delimiter: str) -> list[np.ndarray] | None:
    """The int64 columns of `data` (whole lines, each ending in a line feed), or None.

    Args:
        data: the block; its last byte must be a line feed.
        width: the number of fields per row.
        delimiter: the one-character field delimiter.
    """
    if not data or data[-1] != _NEWLINE or b"\r" in data or len(delimiter.encode()) != 1:
        return None
    buffer = np.frombuffer(data, dtype=np.uint8)
    separator = delimiter.encode()[0]
    ends = np.flatnonzero((buffer == separator) | (buffer == _NEWLINE))
    if len(ends) % width:
        return None
    kinds = buffer[ends].reshape(-1, width)
    if not (kinds[:, -1] == _NEWLINE).all() or not (kinds[:, :-1] == separator).all():
        return None
    starts = np.empty_like(ends)
    starts[0] = 0
    starts[1:] = ends[:-1] + 1
    values = _parse_fields(buffer, starts, ends)
    if values is None:
        return None
    table = values.reshape(-1, width)
    return [np.ascontiguousarray(table[:, column]) for column in range(width)]


def _parse_fields(buffer: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
    """The value of every field ``buffer[starts[i]:ends[i]]``, or None if one is not an int.

    Fields are taken in groups of equal digit count: each group is a (fields, digits)
    byte matrix gathered through a sliding window (no index matrix), then Horner's rule
    runs over its columns.
    """
    first = buffer[np.minimum(starts, len(buffer) - 1)]
    negative = first == _MINUS
    digit_starts = starts + negative
    digits = ends - digit_starts
    if not len(digits) or digits.min() < 1 or digits.max() > MAX_DIGITS:
        return None
    leading = buffer[digit_starts]
    if ((leading == _ZERO) & ((digits > 1) | negative)).any():
        return None
    values = np.empty(len(ends), dtype=np.int64)
    for count in np.flatnonzero(np.bincount(digits)).tolist():
        members = np.flatnonzero(digits == count)
        matrix = sliding_window_view(buffer, count)[digit_starts[members]] - np.uint8(_ZERO)
        if (matrix > 9).any():
            return None
        group = matrix[:, 0].astype(np.int64)
        for column in range(1, count):
            group *= 10
            group += matrix[:, column]
        values[members] = group
    return np.where(negative, -values, values)
