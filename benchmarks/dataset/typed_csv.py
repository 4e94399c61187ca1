"""Reading the generated CSV files back with their typed headers, as an importer would.

A header field is `name:type` (`age:int`), `name:ID` for a node id, `:START_ID` and
`:END_ID` for a relationship's ends, or a bare name for a string. Ids are integers in
the generated files.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = ["CsvColumn", "read_header", "read_rows"]

_CONVERTERS: Final[dict[str, Callable[[str], object]]] = {
    "ID": int,
    "START_ID": int,
    "END_ID": int,
    "int": int,
    "long": int,
    "float": float,
    "double": float,
    "string": str,
}


@dataclass(frozen=True, slots=True)
class CsvColumn:
    """One header field: the property name (empty for relationship ends) and its type."""

    name: str
    kind: str


def read_header(path: Path) -> tuple[CsvColumn, ...]:
    """The typed columns of a CSV file."""
    with path.open(newline="") as handle:
        fields = next(csv.reader(handle))
    columns = []
    for text in fields:
        name, _, kind = text.partition(":")
        kind = kind or "string"
        if kind not in _CONVERTERS:
            raise ValueError(f"{path.name}: unknown column type {kind!r} in {text!r}")
        columns.append(CsvColumn(name, kind))
    return tuple(columns)


def read_rows(path: Path) -> Iterator[list[object]]:
    """The data rows of a CSV file, each value converted to its column's type."""
    converters = [_CONVERTERS[column.kind] for column in read_header(path)]
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            yield [convert(value) for convert, value in zip(converters, row, strict=True)]
