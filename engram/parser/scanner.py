"""A light scan of query text for brackets, strings and comments (nesting, hints).

It runs before parsing, to refuse absurdly nested text cheaply, and after a syntax
error, to say which bracket or comment was left open. It skips string literals,
backquoted names and comments, so brackets inside them do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

__all__ = ["CLOSERS", "OpenBracket", "ScanResult", "scan"]

#: the closing bracket of each opening bracket
CLOSERS: Final = {"(": ")", "[": "]", "{": "}"}

_TOKEN = re.compile(
    r"""
      '(?:[^'\\]|\\[\s\S])*'        # single-quoted string
    | "(?:[^"\\]|\\[\s\S])*"        # double-quoted string
    | `[^`]*`                       # backquoted name
    | //[^\n]*                      # line comment
    | /\*[\s\S]*?\*/                # block comment
    | (?P<open_comment>/\*)         # a block comment that never ends
    | (?P<open>[(\[{])
    | (?P<close>[)\]}])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class OpenBracket:
    """An opening bracket not yet closed at the end of the scan."""

    char: str
    offset: int


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan found."""

    max_depth: int
    deepest_offset: int  # where the nesting first reached max_depth
    open_brackets: tuple[OpenBracket, ...]
    open_comment: int | None  # offset of an unterminated /*


def scan(text: str, end: int | None = None, *, limit: int | None = None) -> ScanResult:
    """Scan `text[:end]` for bracket nesting and an unterminated block comment.

    Args:
        text: the query text.
        end: stop scanning here (default: the end of the text).
        limit: stop as soon as the nesting exceeds this depth.
    """
    stop = len(text) if end is None else end
    stack: list[OpenBracket] = []
    max_depth = 0
    deepest = 0
    open_comment = None
    for match in _TOKEN.finditer(text, 0, stop):
        kind = match.lastgroup
        if kind == "open":
            stack.append(OpenBracket(match.group(), match.start()))
            if len(stack) > max_depth:
                max_depth = len(stack)
                deepest = match.start()
                if limit is not None and max_depth > limit:
                    break
        elif kind == "close":
            if stack and CLOSERS[stack[-1].char] == match.group():
                stack.pop()
        elif kind == "open_comment":
            open_comment = match.start()
            break
    return ScanResult(max_depth, deepest, tuple(stack), open_comment)
