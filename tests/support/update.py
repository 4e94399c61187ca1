"""Rewrite expected blocks of a `.test` file in place (the `--engram-update` completion mode).

An update names a record by its directive line and gives the new expected lines. The
record's existing block (the lines after `----` up to the blank line that ends the record)
is replaced; a record without a block gets `----` and the lines appended. Everything else
in the file, comments and spacing included, is kept byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tests.support.records import EXPECTED_SEPARATOR

__all__ = ["BlockUpdate", "apply_updates"]


@dataclass(frozen=True, slots=True)
class BlockUpdate:
    """New expected lines for the record whose directive is on `line` (1-based)."""

    line: int
    lines: tuple[str, ...]


def apply_updates(text: str, updates: Iterable[BlockUpdate]) -> str:
    """The file text with every update applied.

    >>> apply_updates("query I\\nRETURN 1\\n", [BlockUpdate(1, ("1",))])
    'query I\\nRETURN 1\\n----\\n1\\n'

    Raises:
        ValueError: an update points outside the file, at a blank line, holds a blank line
            (which would end the record), or two updates name the same record.
    """
    lines = text.split("\n")
    ordered = sorted(updates, key=lambda update: update.line, reverse=True)
    seen = [update.line for update in ordered]
    if len(set(seen)) != len(seen):
        raise ValueError("two updates for the same record")
    for update in ordered:
        lines = _apply(lines, update)
    return "\n".join(lines)


def _apply(lines: list[str], update: BlockUpdate) -> list[str]:
    start = update.line - 1
    if not 0 <= start < len(lines) or not lines[start].strip():
        raise ValueError(f"line {update.line} does not start a record")
    if any(not line.strip() for line in update.lines):
        raise ValueError(f"record at line {update.line}: expected lines must not be blank")
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    record = lines[start:end]
    if EXPECTED_SEPARATOR in record[1:]:
        cut = start + 1 + record[1:].index(EXPECTED_SEPARATOR) + 1
        return [*lines[:cut], *update.lines, *lines[end:]]
    return [*lines[:end], EXPECTED_SEPARATOR, *update.lines, *lines[end:]]
