"""Import sources as typed batches of rows: CSV files and data frames.

The loader creates entities from `Batch` objects and does not care where they came
from. `CsvTable` converts the text cells of a `CsvFile` chunk (`engram.importer.convert`);
`FrameTable` takes a pandas (or polars) data frame, whose columns are typed already:
numeric columns pass through as numpy arrays, ``NaN`` / ``None`` / ``NA`` cells mean
"no property", datetimes become engram temporal values and array cells lists.
"""

from __future__ import annotations

import datetime as _dt
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import numpy as np

from engram import temporal
from engram.importer.convert import convert_column
from engram.importer.csvfile import Cells, CsvFile
from engram.importer.header import Header, HeaderColumn, Role, ValueType, parse_header
from engram.importer.report import BulkImportError
from engram.storage.columns import Column

__all__ = ["Batch", "CsvTable", "FrameTable", "Table"]

#: rows per batch taken from a data frame
FRAME_ROWS: Final = 200_000


@dataclass(slots=True)
class Batch:
    """Converted rows of one table.

    Attributes:
        lines: per row, the line it starts on (CSV) or its 1-based row number (frames).
        bad: rows of this batch that cannot be imported (position -> reason).
        skipped: (line, reason) of rows that never made it into the batch.
        properties: stored columns by property name (the ID column is in `ids`).
        ids: the ID column's cells (text or typed), if the table has one.
        starts: the START_ID cells.
        ends: the END_ID cells.
        labels: the :LABEL cells.
        types: the :TYPE cells.
        position: input read so far, in the table's progress unit.
        resolved: whether `starts` and `ends` hold node ids already (and `bad` the
            reasons of ends that match no node).
    """

    lines: np.ndarray
    bad: dict[int, str] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    properties: dict[str, Column] = field(default_factory=dict)
    ids: Any = None
    starts: Any = None
    ends: Any = None
    labels: Sequence[Any] | None = None
    types: Sequence[Any] | None = None
    position: int = 0
    resolved: bool = False

    def __len__(self) -> int:
        return len(self.lines)

    def split(self, size: int) -> Iterator[Batch]:
        """This batch in pieces of at most `size` rows (itself when it is small enough)."""
        if len(self) <= size:
            yield self
            return
        for low in range(0, len(self), size):
            high = min(low + size, len(self))
            yield Batch(
                lines=self.lines[low:high],
                bad={p - low: reason for p, reason in self.bad.items() if low <= p < high},
                skipped=self.skipped if low == 0 else [],
                properties={name: _slice(col, low, high) for name, col in self.properties.items()},
                ids=_slice(self.ids, low, high),
                starts=_slice(self.starts, low, high),
                ends=_slice(self.ends, low, high),
                labels=_slice(self.labels, low, high),
                types=_slice(self.types, low, high),
                position=self.position,
                resolved=self.resolved,
            )


def _slice(values: Any, low: int, high: int) -> Any:
    return None if values is None else values[low:high]


class Table(Protocol):
    """A source of rows with a typed header."""

    name: str
    header: Header
    size: int
    unit: str

    def batches(self, array_delimiter: str) -> Iterator[Batch]:
        """The rows, converted, in batches."""
        ...


class CsvTable:
    """A CSV file with a typed header (see `engram.importer.header`)."""

    unit = "bytes"

    def __init__(self, path: str | os.PathLike[str], delimiter: str = ",") -> None:
        self._file = CsvFile(path, delimiter=delimiter)
        self.name = self._file.path
        self.header = self._file.header
        self.size = self._file.size

    def batches(self, array_delimiter: str) -> Iterator[Batch]:
        """Each chunk of the file, its cells converted to typed columns."""
        header = self.header
        for chunk in self._file.chunks():
            batch = Batch(lines=chunk.lines, skipped=chunk.bad, position=chunk.position)
            for column in header.columns:
                cells = chunk.cells[column.index]
                if column.role is Role.PROPERTY:
                    self._property(batch, column, cells, array_delimiter)
                elif column.role is Role.ID:
                    batch.ids = cells
                elif column.role is Role.START_ID:
                    batch.starts = cells
                elif column.role is Role.END_ID:
                    batch.ends = cells
                elif column.role is Role.LABEL:
                    batch.labels = _texts(cells)
                elif column.role is Role.TYPE:
                    batch.types = _texts(cells)
            yield batch

    @staticmethod
    def _property(batch: Batch, column: HeaderColumn, cells: Cells, array_delimiter: str) -> None:
        if isinstance(cells, np.ndarray):
            batch.properties[column.name] = cells  # an :int column read as integers
            return
        values, bad = convert_column(cells, column, array_delimiter)
        batch.properties[column.name] = values
        _merge(batch.bad, bad)


def _texts(cells: Cells) -> list[str]:
    return cells if isinstance(cells, list) else [str(value) for value in cells.tolist()]


def _merge(into: dict[int, str], more: dict[int, str]) -> None:
    for position, reason in more.items():
        into.setdefault(position, reason)


# data frames ----------------------------------------------------------------------------


class FrameTable:
    """A pandas or polars data frame.

    Column names may be typed headers (``id:ID``, ``:START_ID``, ``since:int``); plain
    names are properties, except those named by `id`, `start`, `end`, `label` and
    `type`, which take those roles.
    """

    unit = "rows"

    def __init__(
        self,
        frame: Any,
        name: str,
        *,
        id: str | None = None,
        start: str | None = None,
        end: str | None = None,
        label: str | None = None,
        type: str | None = None,
    ) -> None:
        try:
            names = [str(column) for column in frame.columns]
        except AttributeError:
            raise BulkImportError(
                f"{name}: expected a data frame (pandas or polars), got {_kind(frame)}"
            ) from None
        roles = {id: "ID", start: "START_ID", end: "END_ID", label: "LABEL", type: "TYPE"}
        fields = []
        for column in names:
            role = roles.get(column)
            fields.append(f"{column}:{role}" if role and ":" not in column else column)
        for wanted in (id, start, end, label, type):
            if wanted is not None and wanted not in names:
                raise BulkImportError(f"{name}: the data frame has no column '{wanted}'")
        self._frame = frame
        self._names = names
        self.name = name
        self.header = parse_header(fields, name)
        self.size = len(frame)

    def batches(self, array_delimiter: str) -> Iterator[Batch]:
        """The frame's rows in batches; numeric columns pass through as arrays."""
        total = self.size
        arrays = [_column_array(self._frame, name) for name in self._names]
        for low in range(0, total, FRAME_ROWS):
            high = min(total, low + FRAME_ROWS)
            batch = Batch(lines=np.arange(low + 1, high + 1, dtype=np.int64), position=high)
            for column in self.header.columns:
                values = arrays[column.index][low:high]
                self._place(batch, column, values)
            yield batch

    def _place(self, batch: Batch, column: HeaderColumn, values: np.ndarray) -> None:
        if column.role is Role.PROPERTY:
            converted, bad = _frame_values(values, column)
            batch.properties[column.name] = converted
            _merge(batch.bad, bad)
        elif column.role is Role.ID:
            batch.ids = _cells(values)
        elif column.role is Role.START_ID:
            batch.starts = _cells(values)
        elif column.role is Role.END_ID:
            batch.ends = _cells(values)
        elif column.role is Role.LABEL:
            batch.labels = _cells(values)
        elif column.role is Role.TYPE:
            batch.types = _cells(values)


def _kind(value: Any) -> str:
    return type(value).__name__


def _column_array(frame: Any, name: str) -> np.ndarray:
    column = frame[name]
    to_numpy = getattr(column, "to_numpy", None)
    array = to_numpy() if to_numpy is not None else np.asarray(column)
    return np.asarray(array)


def _cells(values: np.ndarray) -> Any:
    """Id, label and type cells: integer arrays stay, anything else becomes text."""
    if values.dtype.kind in "iu":
        return values.astype(np.int64)
    return ["" if _missing(value) else str(value) for value in values.tolist()]


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def _frame_values(values: np.ndarray, column: HeaderColumn) -> tuple[Column, dict[int, str]]:
    kind = values.dtype.kind
    if kind in "iub":
        return values, {}
    if kind == "f":
        if not np.isnan(values).any():
            return values.astype(np.float64), {}
        return [None if math.isnan(v) else v for v in values.tolist()], {}
    if kind == "M":
        return _temporal_cells(values.astype("datetime64[us]").tolist(), column)
    if kind in "US":
        return [str(value) if value else None for value in values.tolist()], {}
    if column.value_type is not ValueType.STRING:
        texts = ["" if _missing(v) else str(v) for v in values.tolist()]
        return convert_column(texts, column, ";")
    return _temporal_cells(values.tolist(), column)


def _temporal_cells(items: list[Any], column: HeaderColumn) -> tuple[Column, dict[int, str]]:
    out: list[Any] = []
    bad: dict[int, str] = {}
    for position, value in enumerate(items):
        if _missing(value):
            out.append(None)
        elif isinstance(value, _dt.date | _dt.time | _dt.timedelta):
            out.append(temporal.from_python(value))
        elif isinstance(value, np.ndarray):
            out.append(value.tolist())
        elif isinstance(value, np.generic):
            out.append(value.item())
        elif isinstance(value, list | tuple):
            out.append(list(value))
        elif isinstance(value, bool | int | float | str | temporal.TemporalValue):
            out.append(value)
        else:
            out.append(None)
            bad[position] = f"'{column.name}' holds a {_kind(value)}, which cannot be stored"
    return out, bad
