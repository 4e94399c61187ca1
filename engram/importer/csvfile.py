"""Reading a CSV file in chunks of columns, with the line number of every row.

The header row is read first (and typed by `engram.importer.header`). Data is read in
blocks of a few megabytes cut at a line end. A block without quote characters is split
by whole-string operations (one split per block, one slice per column), which is where
most files spend their time; a file whose every column holds integers (ids, ``:int``
properties) is first tried as arrays (`engram.importer.intblock`), no string per cell,
falling back to the split for a block it cannot read exactly. As soon as a quote appears
the rest of the file is read
with the `csv` module, which handles quoted delimiters, doubled quotes and line breaks
inside quotes. Either way every row keeps the physical line it started on, and rows
whose field count does not match the header are reported, not guessed at.

>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "people.csv")
>>> rows = ["id:ID,name", "1,Ada", '2,"Lovelace, Ada"', "3"]
>>> _ = open(path, "w").write(chr(10).join(rows))
>>> table = CsvFile(path)
>>> [column.text for column in table.header.columns]
['id:ID', 'name:string']
>>> chunk = next(table.chunks())
>>> chunk.cells, chunk.lines.tolist(), chunk.bad
([['1', '2'], ['Ada', 'Lovelace, Ada']], [2, 3], [(4, 'expected 2 fields, found 1')])
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, Final, TypeAlias

import numpy as np

from engram.importer.header import Header, HeaderColumn, Role, ValueType, parse_header
from engram.importer.intblock import int_columns
from engram.importer.report import BulkImportError

__all__ = ["Cells", "Chunk", "CsvFile"]

#: one column of a chunk: its text cells, or int64 values when the fast path read it
Cells: TypeAlias = list[str] | np.ndarray
_ID_ROLES: Final = (Role.ID, Role.START_ID, Role.END_ID)

#: bytes read per block on the fast path: small enough that storing starts soon after
#: reading does (the reader thread is a block ahead), large enough that the per-block
#: work is amortised (1, 2 and 4 MiB import the benchmark's relationships in the same
#: time, 8 MiB about 10% slower)
BLOCK_SIZE: Final = 2 << 20
#: rows per chunk on the csv-module path
CSV_ROWS: Final = 100_000
_BOM: Final = codecs.BOM_UTF8


@dataclass(frozen=True, slots=True)
class Chunk:
    """Rows of a file as columns of text.

    Attributes:
        cells: one entry per header column, holding that column's text of every row (or
            its int64 values, when the whole block was read as integers).
        lines: the line each row starts on (1-based, the header is line 1).
        bad: (line, reason) of rows that do not have the header's number of fields.
        position: bytes of the file read so far (for progress).
    """

    cells: list[Cells]
    lines: np.ndarray
    bad: list[tuple[int, str]]
    position: int

    def __len__(self) -> int:
        return len(self.lines)


class CsvFile:
    """One CSV file with a typed header.

    Args:
        path: the file.
        delimiter: the field delimiter (one character).
        quote: the quote character.

    Raises:
        BulkImportError: the file cannot be read, is empty, or its header is invalid.
    """

    def __init__(self, path: str | os.PathLike[str], delimiter: str = ",", quote: str = '"'):
        self.path = os.fspath(path)
        if len(delimiter) != 1 or delimiter in ("\n", "\r", quote):
            raise BulkImportError(f"invalid delimiter {delimiter!r}: it must be one character")
        self.delimiter = delimiter
        self.quote = quote
        try:
            self.size = os.path.getsize(self.path)
            with open(self.path, "rb") as handle:
                first = handle.readline()
        except OSError as error:
            raise BulkImportError(f"cannot read {self.path}: {error.strerror or error}") from None
        self._data_start = len(first)
        text = _decode(first.removeprefix(_BOM), self.path, 1).rstrip("\r\n")
        fields = next(csv.reader([text], delimiter=delimiter, quotechar=quote), [])
        self.header: Header = parse_header(fields, self.path)
        self._integers = all(_integer_column(column) for column in self.header.columns)

    def chunks(self) -> Iterator[Chunk]:
        """The data rows, in chunks of columns."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._data_start)
                yield from self._read(handle)
        except OSError as error:
            raise BulkImportError(f"cannot read {self.path}: {error.strerror or error}") from None

    def _read(self, handle: BinaryIO) -> Iterator[Chunk]:
        line = 2
        rest = b""
        quote = self.quote.encode()
        while True:
            block = handle.read(BLOCK_SIZE)
            data = rest + block
            if not data:
                return
            cut = data.rfind(b"\n") + 1 if block else len(data)
            if cut == 0:
                rest = data
                continue
            if quote in data[:cut]:
                offset = handle.tell() - len(data)
                yield from self._read_quoted(handle, offset, line)
                return
            rest = data[cut:]
            position = handle.tell() - len(rest)
            chunk = self._integer_chunk(data[:cut], line, position) if self._integers else None
            if chunk is None:
                text = _decode(data[:cut], self.path, line)
                chunk = self._split(text, line, position)
                line += text.count("\n") + (0 if text.endswith("\n") else 1)
            else:
                line += len(chunk)
            if len(chunk) or chunk.bad:
                yield chunk

    def _integer_chunk(self, data: bytes, first_line: int, position: int) -> Chunk | None:
        """A block of an all-integer file as int64 columns, or None (read it as text)."""
        columns = int_columns(data, len(self.header.columns), self.delimiter)
        if columns is None:
            return None
        rows = len(columns[0])
        lines = np.arange(first_line, first_line + rows, dtype=np.int64)
        cells: list[Cells] = list(columns)
        return Chunk(cells, lines, [], position)

    def _split(self, text: str, first_line: int, position: int) -> Chunk:
        width = len(self.header.columns)
        delimiter = self.delimiter
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        rows = text.split("\n")
        if rows and rows[-1] == "":
            rows.pop()
        counts = np.fromiter(
            (row.count(delimiter) for row in rows), dtype=np.int64, count=len(rows)
        )
        lines = np.arange(first_line, first_line + len(rows), dtype=np.int64)
        empty = np.fromiter((not row for row in rows), dtype=bool, count=len(rows))
        good = (counts == width - 1) & ~empty
        bad = [
            (int(lines[i]), f"expected {width} fields, found {int(counts[i]) + 1}")
            for i in np.flatnonzero(~good & ~empty).tolist()
        ]
        if not good.all():
            rows = [row for row, keep in zip(rows, good.tolist(), strict=True) if keep]
            lines = lines[good]
        fields = delimiter.join(rows).split(delimiter) if rows else []
        cells: list[Cells] = [fields[column::width] for column in range(width)]
        return Chunk(cells, lines, bad, position)

    def _read_quoted(self, handle: BinaryIO, offset: int, first_line: int) -> Iterator[Chunk]:
        handle.seek(offset)
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        reader = csv.reader(text, delimiter=self.delimiter, quotechar=self.quote)
        width = len(self.header.columns)
        rows: list[list[str]] = []
        lines: list[int] = []
        bad: list[tuple[int, str]] = []
        start = first_line
        try:
            for row in reader:
                line, start = start, first_line + reader.line_num
                if not row:
                    continue
                if len(row) != width:
                    bad.append((line, f"expected {width} fields, found {len(row)}"))
                    continue
                rows.append(row)
                lines.append(line)
                if len(rows) >= CSV_ROWS:
                    yield _transposed(rows, lines, bad, width, handle.tell())
                    rows, lines, bad = [], [], []
        except UnicodeDecodeError:
            raise BulkImportError(
                f"{self.path}: line {start}: the file is not valid UTF-8"
            ) from None
        except csv.Error as error:
            raise BulkImportError(f"{self.path}: line {start}: {error}") from None
        finally:
            text.detach()
        if rows or bad:
            yield _transposed(rows, lines, bad, width, self.size)


def _transposed(
    rows: list[list[str]], lines: list[int], bad: list[tuple[int, str]], width: int, at: int
) -> Chunk:
    cells: list[Cells] = [list(column) for column in zip(*rows, strict=True)]
    if not rows:
        cells = [[] for _ in range(width)]
    return Chunk(cells, np.asarray(lines, dtype=np.int64), bad, at)


def _integer_column(column: HeaderColumn) -> bool:
    """Whether every cell of `column` is expected to be an integer (ids, ``:int``)."""
    if column.role in _ID_ROLES:
        return True
    is_property = column.role is Role.PROPERTY
    return is_property and column.value_type is ValueType.INT and not column.is_list


def _decode(data: bytes, path: str, line: int) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        where = line + data[: error.start].count(b"\n")
        raise BulkImportError(f"{path}: line {where}: the file is not valid UTF-8") from None
