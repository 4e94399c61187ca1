"""Boxed text tables fitted to a width: column sizing, truncation with ``…``, hidden columns.

Columns get their natural width when everything fits. Otherwise the width is shared out
fairly (narrow columns keep their natural width, wide ones share the rest) and cut values
end with ``…``; when even that leaves columns too narrow to read, columns from the middle
are hidden behind a ``…`` column. Widths count terminal cells, so wide characters line up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rich.cells import cell_len, set_cell_size

__all__ = ["Cell", "TableStyle", "draw_table", "fit_widths", "text_width"]

#: narrowest a column is cut to (shorter columns keep their natural width)
MIN_WIDTH: Final = 6
_ELLIPSIS: Final = "…"


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: its text, alignment and an optional ANSI style (e.g. ``"2"`` dim)."""

    text: str
    right: bool = False
    style: str = ""


@dataclass(frozen=True, slots=True)
class TableStyle:
    """Box characters (rounded Unicode or ASCII) and whether to colour."""

    unicode: bool = True
    color: bool = False

    def parts(self) -> tuple[str, str, str, str, str, str, str, str, str, str, str]:
        """Corners, junctions and lines: tl, tj, tr, ml, mj, mr, bl, bj, br, h, v."""
        if self.unicode:
            return ("╭", "┬", "╮", "├", "┼", "┤", "╰", "┴", "╯", "─", "│")
        return ("+", "+", "+", "+", "+", "+", "+", "+", "+", "-", "|")


def fit_widths(natural: Sequence[int], available: int) -> list[int] | None:
    """Column widths that fit `available` cells of content, or None when they cannot.

    >>> fit_widths([4, 40, 3], 60)
    [4, 40, 3]
    >>> fit_widths([4, 40, 30], 40)
    [4, 18, 18]
    >>> fit_widths([20, 20, 20], 10) is None
    True
    """
    if sum(natural) <= available:
        return list(natural)
    minimum = [min(width, MIN_WIDTH) for width in natural]
    if sum(minimum) > available:
        return None
    widths = [0] * len(natural)
    pending = sorted(range(len(natural)), key=lambda index: natural[index])
    remaining = available
    while pending:
        share = remaining // len(pending)
        index = pending[0]
        if natural[index] <= share:
            widths[index] = natural[index]
            remaining -= natural[index]
            pending.pop(0)
            continue
        # every pending column is wider than the fair share: split what is left evenly
        for position, index in enumerate(pending):
            extra = 1 if position < remaining - share * len(pending) else 0
            widths[index] = max(minimum[index], share + extra)
        break
    return widths


def text_width(text: str) -> int:
    """Terminal cells `text` takes (ASCII, by far the common case, without a table look-up).

    >>> text_width("abc"), text_width("日本")
    (3, 4)
    """
    return len(text) if text.isascii() else cell_len(text)


def _clip(text: str, width: int) -> str:
    if text_width(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + _ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - text_width(text))
    return gap + text if right else text + gap


def _visible_columns(natural: Sequence[int], width: int) -> list[int]:
    """Indexes of the columns to show around a hidden middle, within `width` cells."""
    count = len(natural)
    for shown in range(count - 1, 0, -1):
        kept = list(range((shown + 1) // 2)) + list(range(count - shown // 2, count))
        # each column costs its width plus three cells of border and padding; the
        # marker column of hidden columns costs four, the closing border one
        needed = 1 + sum(min(natural[i], MIN_WIDTH) + 3 for i in kept) + 4
        if needed <= width:
            return kept
    return [0]


def draw_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    width: int | None,
    style: TableStyle,
) -> str:
    """Draw the table within `width` terminal cells (None: as wide as its content).

    >>> print(draw_table(["a", "b"], [[Cell("1", right=True), Cell("'x'")]], None,
    ...                  TableStyle(unicode=False)))
    +---+-----+
    | a | b   |
    +---+-----+
    | 1 | 'x' |
    +---+-----+
    """
    natural = [
        max([text_width(name)] + [text_width(row[index].text) for row in rows])
        for index, name in enumerate(header)
    ]
    columns = list(range(len(header)))
    if width is None:
        return _draw(header, rows, columns, natural, style, None)
    widths = fit_widths(natural, width - 1 - 3 * len(header))
    if widths is not None:
        return _draw(header, rows, columns, widths, style, None)
    columns = _visible_columns(natural, width)
    hidden_at = (len(columns) + 1) // 2
    inner = width - 1 - 3 * (len(columns) + 1) - 1
    kept = fit_widths([natural[i] for i in columns], inner) or [
        min(natural[i], MIN_WIDTH) for i in columns
    ]
    return _draw(header, rows, columns, kept, style, hidden_at)


def _draw(
    header: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    columns: Sequence[int],
    widths: Sequence[int],
    style: TableStyle,
    hidden_at: int | None,
) -> str:
    tl, tj, tr, ml, mj, mr, bl, bj, br, h, v = style.parts()
    spans = list(widths)
    if hidden_at is not None:
        spans.insert(hidden_at, 1)
    dim, reset = ("\x1b[2m", "\x1b[0m") if style.color else ("", "")

    def rule(left: str, join: str, right: str) -> str:
        return dim + left + join.join(h * (span + 2) for span in spans) + right + reset

    def line(cells: list[tuple[str, bool, str]]) -> str:
        parts = []
        for (text, right, ansi), span in zip(cells, spans, strict=True):
            padded = _pad(_clip(text, span), span, right)
            if ansi and style.color:
                padded = f"\x1b[{ansi}m{padded}{reset}"
            parts.append(f" {padded} ")
        bar = dim + v + reset
        return bar + bar.join(parts) + bar

    def select(cells: list[tuple[str, bool, str]]) -> list[tuple[str, bool, str]]:
        chosen = [cells[index] for index in columns]
        if hidden_at is not None:
            chosen.insert(hidden_at, (_ELLIPSIS, False, "2"))
        return chosen

    head = select([(name, False, "1") for name in header])
    out = [rule(tl, tj, tr), line(head), rule(ml, mj, mr)]
    for row in rows:
        out.append(line(select([(cell.text, cell.right, cell.style) for cell in row])))
    out.append(rule(bl, bj, br))
    return "\n".join(out)
