"""Build the Lark LALR parser from engram.grammar (once, lazily, cached on disk).

The grammar ships as package data (`grammar/*.lark`, installed as `engram.grammar`) and
is only ever loaded with `Lark.open_from_package`, so it works from a wheel, a zip or an
editable install. Lark's grammar analysis takes a few seconds; its cache stores the
analysed tables (with the grammar's hash, so a changed grammar is analysed again) in
the user's own cache directory, `$XDG_CACHE_HOME/engram` or `~/.cache/engram`, created
private (Lark unpickles the file, so it must not sit where another user could plant
one). Without a writable cache directory the parser is simply analysed each time.
Parsing itself runs these tables through `engram.parser.lalr`, which builds the AST
directly.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import lark
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
        cache: load and store the analysed tables in the user's cache directory.

    Returns:
        A Lark LALR parser with the contextual lexer and position propagation.
    """
    cache_file = _cache_file() if cache and not strict else None
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
        cache=cache_file or False,
    )


def _cache_file() -> str | None:
    """A private file for Lark's cache, or None if there is nowhere private to put it."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    directory = Path(base) / "engram"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = directory.stat()
    except (OSError, RuntimeError):
        return None
    owner = getattr(os, "getuid", None)  # POSIX only
    if status.st_mode & 0o022 or (owner is not None and status.st_uid != owner()):
        return None
    version = f"lark{lark.__version__}-py{sys.version_info.major}.{sys.version_info.minor}"
    return str(directory / f"grammar-{version}.cache")


@functools.cache
def _cached_parser() -> Lark:
    return build_parser()


def get_parser() -> Lark:
    """The process-wide parser, built on first use (thread-safe)."""
    with _LOCK:
        return _cached_parser()
