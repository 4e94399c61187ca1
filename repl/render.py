"""Pure rendering of results: tables fitted to a width, csv, json, jsonl, markdown, summaries.

Nothing here touches a terminal: every function takes the rows and a `Display` (width,
colour, box characters) and returns text, so the shell, `engram query` and the tests
share one implementation.
"""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from engram import EngramError, QueryError, ResultStats
from engram.errors import render_diagnostic
from engram.repl.table import Cell, TableStyle, draw_table
from engram.repl.values import is_number, to_json, value_text

__all__ = [
    "Display",
    "OutputFormat",
    "ShellError",
    "render_error",
    "render_rows",
    "render_summary",
    "render_table",
    "time_text",
]


class OutputFormat(enum.StrEnum):
    """The output formats of the shell and `engram query`."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MARKDOWN = "markdown"


@dataclass(frozen=True, slots=True)
class Display:
    """How output looks: the width to fit (None: no limit), colour and box drawing."""

    width: int | None = None
    color: bool = False
    unicode: bool = True


def render_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    display: Display,
    *,
    quote_strings: bool = True,
) -> str:
    """Rows as a boxed table fitted to the display width; long values end with ``…``.

    Numbers are right-aligned; null is dimmed when colour is on. `quote_strings=False`
    writes top-level strings bare (for the shell's own listings, not query results).
    """
    numeric = [_is_numeric(rows, col_idx) for col_idx in range(len(columns))]
    cells = [
        [
            Cell(
                value_text(value, quote_strings=quote_strings),
                right=numeric[col_idx],
                style="2" if value is None else "",
            )
            for col_idx, value in enumerate(row)
        ]
        for row in rows
    ]
    style = TableStyle(unicode=display.unicode, color=display.color)
    header = [value_text(name, quote_strings=False) for name in columns]
    return draw_table(header, cells, display.width, style)


def _is_numeric(rows: Sequence[Sequence[Any]], col_idx: int) -> bool:
    """Whether a column holds numbers (and nulls) only, with at least one number."""
    values = [row[col_idx] for row in rows]
    return any(is_number(v) for v in values) and all(is_number(v) or v is None for v in values)


def render_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    output: OutputFormat,
    display: Display,
) -> str:
    """Rows in the chosen format (no trailing newline; empty text for json-lines of no rows)."""
    if output is OutputFormat.TABLE:
        return render_table(columns, rows, display)
    if output is OutputFormat.CSV:
        return _csv(columns, rows)
    if output is OutputFormat.JSON:
        records = [_record(columns, row) for row in rows]
        return json.dumps(records, indent=2, ensure_ascii=False)
    if output is OutputFormat.JSONL:
        return "\n".join(json.dumps(_record(columns, row), ensure_ascii=False) for row in rows)
    return _markdown(columns, rows)


def _record(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    return {name: to_json(value) for name, value in zip(columns, row, strict=True)}


def _csv(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_field(value) for value in row])
    return buffer.getvalue().rstrip("\n")


def _csv_field(value: object) -> str:
    """A string as it is (csv quotes what it must, newlines included); others as text."""
    if value is None:
        return ""
    return value if isinstance(value, str) else value_text(value)


def _markdown(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    numeric = [_is_numeric(rows, col_idx) for col_idx in range(len(columns))]
    lines = [
        "| " + " | ".join(_markdown_cell(name) for name in columns) + " |",
        "|" + "|".join("---:" if is_numeric else "---" for is_numeric in numeric) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(_markdown_cell(value_text(v)) for v in row) + " |")
    return "\n".join(lines)


def _markdown_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def time_text(seconds: float) -> str:
    """A duration for people: ``0.42 ms``, ``12.3 ms``, ``1.25 s``.

    >>> [time_text(s) for s in (0.00042, 0.0123, 1.25, 75.0)]
    ['0.42 ms', '12.3 ms', '1.25 s', '1 min 15 s']
    """
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


_STAT_NAMES: Final = (
    ("nodes_created", "node", "created"),
    ("nodes_deleted", "node", "deleted"),
    ("relationships_created", "relationship", "created"),
    ("relationships_deleted", "relationship", "deleted"),
    ("labels_added", "label", "added"),
    ("labels_removed", "label", "removed"),
    ("properties_set", "property", "set"),
    ("indexes_added", "index", "added"),
    ("indexes_removed", "index", "removed"),
    ("constraints_added", "constraint", "added"),
    ("constraints_removed", "constraint", "removed"),
)
_PLURALS: Final = {"property": "properties", "index": "indexes"}


def render_summary(
    row_count: int,
    seconds: float | None,
    stats: ResultStats | None = None,
    *,
    shown: int | None = None,
) -> str:
    """The line under a result: rows, what changed and (when timing is on) the time.

    >>> render_summary(2, 0.0031, ResultStats(nodes_created=2, properties_set=4))
    '2 rows · 2 nodes created, 4 properties set · 3.10 ms'
    >>> render_summary(1200, None, shown=1000)
    '1200 rows (first 1000 shown; :maxrows changes this)'
    """
    rows = f"{row_count} row{'' if row_count == 1 else 's'}"
    if shown is not None and shown < row_count:
        rows += f" (first {shown} shown; :maxrows changes this)"
    parts = [rows]
    if stats is not None and stats.contains_updates:
        parts.append(", ".join(_stat_texts(stats)))
    if seconds is not None:
        parts.append(time_text(seconds))
    return " · ".join(parts)


def _stat_texts(stats: ResultStats) -> list[str]:
    texts = []
    for field, noun, verb in _STAT_NAMES:
        count = stats[field]
        if count:
            word = noun if count == 1 else _PLURALS.get(noun, noun + "s")
            texts.append(f"{count} {word} {verb}")
    return texts


def render_error(error: BaseException, *, color: bool) -> str:
    """An error for the user: query errors with their caret, others as one line.

    Errors that carry a `hint` (the shell's own usage errors) get a ``= help:`` line.
    """
    if isinstance(error, QueryError):
        return render_diagnostic(error, color=color)
    label = "error" if isinstance(error, ShellError) else type(error).__name__
    red, bold, cyan, reset = (
        ("\x1b[1;31m", "\x1b[1m", "\x1b[36m", "\x1b[0m") if color else ("", "", "", "")
    )
    lines = [f"{red}{label}{reset}{bold}: {error}{reset}"]
    hint = getattr(error, "hint", None)
    if hint:
        lines.append(f"  {cyan}={reset} help: {hint}")
    return "\n".join(lines)


class ShellError(EngramError):
    """A mistake in using the shell itself (an unknown command, a bad argument)."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint
