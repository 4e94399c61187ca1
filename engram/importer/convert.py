"""Text cells to typed property columns, and the cells that cannot be converted.

`convert_column` turns one column of a chunk (a list of strings) into a storage column
(`engram.storage.columns`): a numpy array when every cell has a value of a numeric or
boolean type, else a list with ``None`` for empty cells. Integers and floats take a
vectorised path first and fall back to cell-by-cell conversion only when a cell is
empty or bad, to say which. Lists are written ``a;b;c`` (the array delimiter) or, as
other tools write them, ``[a,b,c]``.

>>> from engram.importer.header import parse_header
>>> age = parse_header(["age:int"], "p.csv").columns[0]
>>> values, bad = convert_column(["36", "", "x"], age, ";")
>>> values, bad
([36, None, None], {2: "'age' value 'x' is not an integer"})
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Final

import numpy as np

from engram.errors import EngramError
from engram.importer.header import HeaderColumn, ValueType
from engram.storage.columns import Column
from engram.temporal import (
    UTC,
    parse_date,
    parse_datetime,
    parse_duration,
    parse_local_datetime,
    parse_local_time,
    parse_time,
)

__all__ = ["convert_column", "parse_cell"]

_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_BOOLEANS: Final = {"true": True, "false": False}
#: what parsing a bad cell raises (the temporal parsers raise engram's query errors)
_CELL_ERRORS: Final = (ValueError, ArithmeticError, TypeError, LookupError, EngramError)
_NAMES: Final = {
    ValueType.INT: "an integer",
    ValueType.FLOAT: "a float",
    ValueType.BOOLEAN: "a boolean (true or false)",
    ValueType.DATE: "a date",
    ValueType.LOCALTIME: "a local time",
    ValueType.TIME: "a time",
    ValueType.LOCALDATETIME: "a local datetime",
    ValueType.DATETIME: "a datetime",
    ValueType.DURATION: "a duration",
}


def _int(text: str) -> int:
    value = int(text)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError("outside the signed 64-bit range")
    return value


def _boolean(text: str) -> bool:
    found = _BOOLEANS.get(text.strip().lower())
    if found is None:
        raise ValueError(text)
    return found


_PARSERS: Final[dict[ValueType, Callable[[str], Any]]] = {
    ValueType.INT: _int,
    ValueType.FLOAT: float,
    ValueType.BOOLEAN: _boolean,
    ValueType.STRING: str,
    ValueType.DATE: parse_date,
    ValueType.LOCALTIME: parse_local_time,
    ValueType.TIME: lambda text: parse_time(text, 0),
    ValueType.LOCALDATETIME: parse_local_datetime,
    ValueType.DATETIME: lambda text: parse_datetime(text, UTC),
    ValueType.DURATION: parse_duration,
}


def parse_cell(text: str, value_type: ValueType) -> Any:
    """One non-empty cell as a value of `value_type` (raises on a bad cell)."""
    return _PARSERS[value_type](text)


def convert_column(
    texts: Sequence[str], column: HeaderColumn, array_delimiter: str
) -> tuple[Column, dict[int, str]]:
    """The typed values of one column of a chunk, and the bad cells (position -> reason)."""
    if column.is_list:
        return _convert_lists(texts, column, array_delimiter)
    kind = column.value_type
    if kind is ValueType.INT:
        try:
            return np.fromiter(map(int, texts), dtype=np.int64, count=len(texts)), {}
        except (ValueError, OverflowError, TypeError):
            pass
    elif kind is ValueType.FLOAT:
        try:
            return np.fromiter(map(float, texts), dtype=np.float64, count=len(texts)), {}
        except (ValueError, TypeError):
            pass
    elif kind is ValueType.STRING:
        return [text if text else None for text in texts], {}
    return _convert_cells(texts, column)


def _convert_cells(texts: Sequence[str], column: HeaderColumn) -> tuple[Column, dict[int, str]]:
    parse = _PARSERS[column.value_type]
    values: list[Any] = []
    bad: dict[int, str] = {}
    for position, text in enumerate(texts):
        if not text:
            values.append(None)
            continue
        try:
            values.append(parse(text))
        except _CELL_ERRORS as error:
            values.append(None)
            bad[position] = _reason(column, text, error)
    complete = not bad and all(value is not None for value in values)
    if complete and column.value_type is ValueType.BOOLEAN:
        return np.asarray(values, dtype=bool), bad
    return values, bad


def _reason(column: HeaderColumn, text: str, error: Exception) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    reason = f"'{column.name}' value '{shown}' is not {_NAMES[column.value_type]}"
    if column.value_type is ValueType.INT and "range" in str(error):
        reason = f"'{column.name}' value '{shown}' is outside the signed 64-bit integer range"
    return reason


def _split_list(text: str, delimiter: str) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        inner = stripped[1:-1].strip()
        if not inner:
            return []
        separator = "," if "," in inner else delimiter
        return [item.strip().strip("'\"") for item in inner.split(separator)]
    return text.split(delimiter)


def _convert_lists(
    texts: Sequence[str], column: HeaderColumn, delimiter: str
) -> tuple[Column, dict[int, str]]:
    parse = _PARSERS[column.value_type]
    values: list[Any] = []
    bad: dict[int, str] = {}
    for position, text in enumerate(texts):
        if not text:
            values.append(None)
            continue
        items = _split_list(text, delimiter)
        try:
            if any(not item for item in items):
                raise ValueError("an empty list item")
            values.append([parse(item) for item in items])
        except _CELL_ERRORS as error:
            values.append(None)
            bad[position] = _list_reason(column, text, error)
    return values, bad


def _list_reason(column: HeaderColumn, text: str, error: Exception) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    if "empty list item" in str(error):
        return f"'{column.name}' value '{shown}' has an empty list item"
    return f"'{column.name}' value '{shown}' is not a list of {column.value_type.value} values"
