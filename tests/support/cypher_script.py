"""Split a Cypher script into statements at `;`, outside strings, backquotes and comments.

Used for the TCK's named graphs (`shared/tck/graphs/*/*.cypher`) and for the `.test`
datasets (`tests/datasets/*.cypher`). Comments (`// …` and `/* … */`) are kept inside the
statement text, the engine skips them; statements that are only whitespace and comments are
dropped.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["split_statements"]

_TOKEN: Final = re.compile(
    r"""
    '(?:[^'\\]|\\.)*'        # single-quoted string
    | "(?:[^"\\]|\\.)*"      # double-quoted string
    | `(?:[^`]|``)*`         # quoted identifier
    | //[^\n]*               # line comment
    | /\*.*?\*/              # block comment
    | ;                      # statement terminator
    | [^'"`/;]+ | /          # anything else
    """,
    re.VERBOSE | re.DOTALL,
)
_COMMENT_ONLY: Final = re.compile(r"^(?:\s|//[^\n]*|/\*.*?\*/)*$", re.DOTALL)


def split_statements(script: str) -> list[str]:
    """The statements of `script`, stripped, without empty or comment-only ones.

    >>> split_statements("CREATE (:A {s: 'a;b'});\\n// done\\nCREATE (:B);")
    ["CREATE (:A {s: 'a;b'})", '// done\\nCREATE (:B)']

    Raises:
        ValueError: a string or quoted identifier is not closed.
    """
    statements: list[str] = []
    current: list[str] = []
    position = 0
    while position < len(script):
        match = _TOKEN.match(script, position)
        if match is None:
            raise ValueError(f"unterminated quote or comment at offset {position}")
        token = match.group(0)
        position = match.end()
        if token == ";":
            statements.append("".join(current))
            current = []
        else:
            current.append(token)
    statements.append("".join(current))
    return [text.strip() for text in statements if not _COMMENT_ONLY.match(text)]
