"""Syntax highlighting: a Pygments lexer for engram's language and the shell's colours.

The keyword and function lists come from the engine (`engram.keywords()`,
`engram.functions()`), so the lexer highlights exactly what the parser accepts. The
lexer is registered with Pygments under the alias ``engram`` only when the package is
installed with its entry point; use it directly as `EngramLexer`.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Final

from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
)

import engram

__all__ = ["STYLES", "EngramLexer", "Label", "MetaCommand", "Parameter", "Property"]

#: token types of the parts of a query the standard Pygments tokens do not name
Label: Final = Name.Class
Property: Final = Name.Attribute
Parameter: Final = Name.Variable
MetaCommand: Final = Keyword.Pseudo

_IDENTIFIER: Final = r"[A-Za-z_][A-Za-z0-9_]*"


def _keywords() -> tuple[str, ...]:
    return engram.keywords()


def _function_names() -> tuple[str, ...]:
    return tuple(info.name for info in engram.functions())


class EngramLexer(RegexLexer):
    """Tokens of engram's Cypher-like language (and of the shell's ``:commands``)."""

    name = "engram"
    aliases: ClassVar[list[str]] = ["engram"]
    filenames: ClassVar[list[str]] = ["*.cypher", "*.cyp"]
    flags = re.IGNORECASE | re.MULTILINE

    # order matters: a label or property name may be a keyword (`(:End)`, `n.count`), and
    # a function name is only a function when a `(` follows
    tokens: ClassVar[dict[str, list[Any]]] = {
        "root": [
            (r"\A\s*:[A-Za-z]+", MetaCommand),
            (r"\s+", Whitespace),
            (r"//.*?$", Comment.Single),
            (r"/\*(.|\n)*?(\*/|\Z)", Comment.Multiline),
            (r"'(\\.|[^'\\])*('|\Z)", String.Single),
            (r'"(\\.|[^"\\])*("|\Z)', String.Double),
            (r"`([^`]|``)*(`|\Z)", Name.Variable),
            (r"\$(" + _IDENTIFIER + r"|`([^`]|``)*`|\d+)", Parameter),
            (r"0x[0-9a-f]+|0o[0-7]+", Number.Hex),
            (r"(\d+\.\d*|\.\d+|\d+)(e[+-]?\d+)", Number.Float),
            (r"\d+\.\d+|\.\d+", Number.Float),
            (r"\d+", Number.Integer),
            (r"(?<=:)" + _IDENTIFIER, Label),
            (r"(?<=[^.]\.)" + _IDENTIFIER, Property),
            (words(_function_names(), suffix=r"(?=\s*\()"), Name.Function),
            (_IDENTIFIER + r"(\." + _IDENTIFIER + r")+(?=\s*\()", Name.Function),
            (words(_keywords(), prefix=r"\b", suffix=r"\b"), Keyword),
            (_IDENTIFIER + r"(?=\s*\()", Name.Function),
            (_IDENTIFIER, Name),
            (r"<>|<=|>=|=~|\+=|->|<-|\.\.|[-+*/%^=<>|]", Operator),
            (r"[()\[\]{},;.:]", Punctuation),
            (r".", Text),
        ]
    }


#: prompt-toolkit style rules for the Pygments tokens and the shell's own parts
STYLES: Final[dict[str, str]] = {
    "pygments.keyword": "bold ansiblue",
    "pygments.keyword.pseudo": "bold ansimagenta",
    "pygments.name.function": "ansicyan",
    "pygments.name.class": "ansiyellow",
    "pygments.name.attribute": "ansigreen",
    "pygments.name.variable": "ansimagenta",
    "pygments.string": "ansired",
    "pygments.number": "ansibrightblue",
    "pygments.comment": "italic ansibrightblack",
    "pygments.operator": "",
    "unclosed": "bg:ansired ansiwhite bold",
    "prompt": "bold",
    "prompt.transaction": "bold ansiyellow",
    "continuation": "ansibrightblack",
    "bottom-toolbar": "noreverse ansibrightblack",
    "bottom-toolbar.warning": "noreverse ansired",
}
