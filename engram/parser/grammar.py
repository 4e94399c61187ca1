"""Build the Lark LALR parser from engram.grammar (once, lazily, cached on disk).

The grammar ships as package data (`grammar/*.lark`, installed as `engram.grammar`) and
is only ever loaded with `Lark.open_from_package`, so it works from a wheel, a zip or an
editable install. Lark's grammar analysis takes about a second; `cache=True` stores the
analysed tables in the temporary directory, keyed by the grammar's hash, so later
processes load them in a fraction of that. Parsing itself runs these tables through
`engram.parser.lalr`, which builds the AST directly.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator

from lark import Lark, Token
from lark.lark import PostLex

__all__ = ["START_EXPRESSION", "START_STATEMENT", "build_parser", "get_parser"]

#: start symbol of a whole statement
START_STATEMENT = "statement"
#: start symbol of a lone expression (`engram.parser.parse_expression`)
START_EXPRESSION = "standalone_expression"

_LOCK = threading.Lock()


class _WordBoundary(PostLex):
    """Offer NAME in every lexer state, so keywords end at a word boundary.

    The contextual lexer only tries the terminals the parser can accept next. Without
    NAME among them, `RETURN a ORb` would lex `OR` + `b`; with it, `ORb` is one NAME and
    the parser rejects it. Lark turns a NAME that spells a keyword accepted in that state
    into the keyword's token. `engram.parser.lexer` does the same; this keeps Lark's own
    parser (the tests' reference) equivalent to it.
    """

    always_accept = ("NAME",)

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return stream


def build_parser(*, strict: bool = False, cache: bool = True) -> Lark:
    """Build a new parser for both start symbols.

    Args:
        strict: fail on any grammar conflict or terminal collision (needs `interegular`);
            the grammar test builds with it, production uses the cached default.
        cache: load and store the analysed tables in Lark's on-disk cache.

    Returns:
        A Lark LALR parser with the contextual lexer and position propagation.
    """
    return Lark.open_from_package(
        "engram.grammar",
        "cypher.lark",
        ("",),
        parser="lalr",
        lexer="contextual",
        start=[START_STATEMENT, START_EXPRESSION],
        propagate_positions=True,
        maybe_placeholders=True,
        postlex=_WordBoundary(),
        strict=strict,
        cache=cache and not strict,
    )


@functools.cache
def _cached_parser() -> Lark:
    return build_parser()


def get_parser() -> Lark:
    """The process-wide parser, built on first use (thread-safe)."""
    with _LOCK:
        return _cached_parser()
