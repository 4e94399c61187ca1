"""Parse failures → CypherSyntaxError (span, expected tokens in plain words, hints).

A syntax error names the offending text, what could have come instead (`')'`, not
`RPAR`; keywords in upper case; whole families summarised as "an expression"), and a
hint for the classic mistakes: a misspelt keyword, `!=`, `==`, `&&`, an unclosed
string, comment or bracket, SQL's `''` inside a string, a typographic character such
as `—` (InvalidUnicodeCharacter), a malformed relationship (InvalidRelationshipPattern).
"""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable
from typing import Final

from engram.errors import CypherSyntaxError, ErrorDetail, Span, line_and_column
from engram.parser.grammar import get_parser
from engram.parser.keywords import KEYWORDS, KEYWORDS_UPPER, NON_RESERVED
from engram.parser.lalr import END, ParseFailure
from engram.parser.lexer import Lexeme
from engram.parser.scanner import CLOSERS, ScanResult, scan

__all__ = ["syntax_error"]

_SHOWN: Final = 5
_WORDS: Final = {
    "NAME": "an identifier",
    "ESCAPED_NAME": "an identifier",
    "NUMBER": "a number",
    "STRING": "a string",
    "PARAMETER": "a parameter",
    "REL_OPEN": "a relationship pattern",
    "REL_OPEN_LEFT": "a relationship pattern",
    "REL_PLAIN": "a relationship pattern",
    "REL_PLAIN_RIGHT": "a relationship pattern",
    "REL_PLAIN_LEFT": "a relationship pattern",
    "REL_PLAIN_BOTH": "a relationship pattern",
    "REL_CLOSE": "']-'",
    "REL_CLOSE_RIGHT": "']->'",
    END: "end of input",
}
_EXPRESSION: Final = "an expression"
_OPERATOR: Final = "an operator"
# what may start an expression: shown together as "an expression"
_EXPRESSION_STARTS: Final = frozenset(
    {"an identifier", "a number", "a string", "a parameter", "'('", "'['", "'{'", "'-'"}
    | {"'+'", "NOT", "CASE", "TRUE", "FALSE", "NULL", "EXISTS", "ALL", "ANY", "NONE"}
    | {"SINGLE", "REDUCE", "INDEX", "INDEXES", "CONSTRAINTS", "VECTOR", "OPTIONS", "SHOW"}
    | {"EXPLAIN", "PROFILE"}
)
# what may follow an expression: shown together as "an operator"
_OPERATORS: Final = frozenset(
    {"'+'", "'-'", "'*'", "'/'", "'%'", "'^'", "'='", "'<>'", "'<'", "'<='", "'>'", "'>='"}
    | {"'=~'", "AND", "OR", "XOR", "IN", "STARTS", "ENDS", "CONTAINS", "IS", "'.'", "'['"}
    | {"':'", "'('"}
)
# the order in which expected items are listed (the rest come after, alphabetically)
_ORDER: Final = (
    "')'",
    "']'",
    "'}'",
    "','",
    "AS",
    _OPERATOR,
    _EXPRESSION,
    "an identifier",
    "'('",
    *("RETURN", "WITH", "WHERE", "MATCH", "OPTIONAL", "CREATE", "MERGE", "SET", "DELETE"),
    *("DETACH", "REMOVE", "UNWIND", "CALL", "FOREACH", "UNION", "ORDER", "SKIP", "LIMIT"),
    *("BY", "ON", "YIELD", "WHEN", "THEN", "ELSE", "END"),
)
_KEYWORD_ORDER: Final = tuple(word for word in _ORDER if word.isalpha())
_LOOKALIKES: Final = {
    **dict.fromkeys("\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u00b4\u2032", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u27e8\u3008\ufe64\uff1c", "<"),
    **dict.fromkeys("\u27e9\u3009\ufe65\uff1e", ">"),
    "\u00d7": "*",
    "\u00f7": "/",
    "\u2260": "<>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2026": "..",
    "\uff08": "(",
    "\uff09": ")",
    "\uff1d": "=",
    "\u00a0": "a space",
}
_RELATIONSHIP_OPENINGS: Final = frozenset({"REL_OPEN", "REL_OPEN_LEFT"})
# words that start a clause: met inside brackets, they suggest a missing closing bracket
_CLAUSE_WORDS: Final = frozenset(
    {"MATCH", "OPTIONAL", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE", "SET", "DELETE"}
    | {"DETACH", "REMOVE", "FOREACH", "CALL", "UNION", "ORDER", "SKIP", "LIMIT"}
)
# operators of other languages, and what this one writes instead
_OTHER_LANGUAGES: Final = {"!=": "<>", "&&": "AND", "||": "OR", "==": "="}


def syntax_error(failure: ParseFailure, text: str) -> CypherSyntaxError:
    """Translate a parse failure on `text` into engram's syntax error."""
    token = failure.token
    position = failure.position
    # brackets and an unterminated comment up to the failure (its first character
    # included, to see a `/*` whose `*` failed): one pass over the text
    before = scan(text, position + 1)
    if token is None and position < len(text):
        return _unexpected_character(failure, text, before)
    return _unexpected_token(failure, text, before)


# ---------------------------------------------------------------------------------------
# unexpected characters (nothing in the language starts with them)


def _unexpected_character(
    failure: ParseFailure, text: str, before: ScanResult
) -> CypherSyntaxError:
    position = failure.position
    char = text[position]
    special = _special_character(text, position)
    if special is not None:
        return special
    comment = _open_comment(text, position, before)
    if comment is not None:
        return comment
    if char in "'\"":
        return CypherSyntaxError(
            "unclosed string literal",
            detail=ErrorDetail.UNEXPECTED_SYNTAX,
            span=Span(position, len(text)),
            hint=f"end the string with {char}",
        )
    if char == "`":
        return CypherSyntaxError(
            "unclosed backquoted name",
            detail=ErrorDetail.UNEXPECTED_SYNTAX,
            span=Span(position, len(text)),
            hint="end the name with `; write `` for a backquote inside it",
        )
    expected = _describe_expected(failure.accepted)
    message = f"unexpected character '{_printable(char)}'"
    if expected:
        message += f", expected {_expected_phrase(expected, None)}"
    return CypherSyntaxError(
        message, detail=ErrorDetail.UNEXPECTED_SYNTAX, span=Span(position, position + 1)
    )


def _special_character(text: str, position: int) -> CypherSyntaxError | None:
    """Errors for characters with a well-known meaning elsewhere: != && || and Unicode."""
    for start in (position, position - 1):
        pair = text[max(start, 0) : start + 2]
        if start >= 0 and pair in _OTHER_LANGUAGES:
            return CypherSyntaxError(
                f"unexpected '{pair}'",
                detail=ErrorDetail.UNEXPECTED_SYNTAX,
                span=Span(start, start + 2),
                hint=f"use {_OTHER_LANGUAGES[pair]} instead of {pair}",
            )
    char = text[position]
    if char == "!":
        return CypherSyntaxError(
            "unexpected '!'",
            detail=ErrorDetail.UNEXPECTED_SYNTAX,
            span=Span(position, position + 1),
            hint="use NOT to negate, and <> for 'not equal'",
        )
    if not char.isascii():
        return _invalid_unicode(char, position)
    return None


def _invalid_unicode(char: str, position: int) -> CypherSyntaxError:
    name = unicodedata.name(char, "")
    label = f"U+{ord(char):04X}" + (f" {name}" if name else "")
    replacement = _LOOKALIKES.get(char)
    hint = None if replacement is None else f"use {_quote(replacement)} instead"
    if hint is None and unicodedata.category(char) in ("Cc", "Cf", "Co", "Cn"):
        hint = "delete this invisible character"
    return CypherSyntaxError(
        f"invalid character '{_printable(char)}' ({label})",
        detail=ErrorDetail.INVALID_UNICODE_CHARACTER,
        span=Span(position, position + 1),
        hint=hint,
    )


def _open_comment(text: str, position: int, before: ScanResult) -> CypherSyntaxError | None:
    """The error for a `/*` never closed, at or before `position`, if there is one."""
    start = position if text.startswith("/*", position) else before.open_comment
    if start is None:
        return None
    return CypherSyntaxError(
        "unclosed comment",
        detail=ErrorDetail.UNEXPECTED_SYNTAX,
        span=Span(start, start + 2),
        hint="end the comment with */",
    )


# ---------------------------------------------------------------------------------------
# unexpected tokens (a known token in the wrong place, or the end of the text)


def _unexpected_token(failure: ParseFailure, text: str, before: ScanResult) -> CypherSyntaxError:
    token = failure.token
    position = failure.position
    span = Span(position, position if token is None else token.end)
    if token is not None:
        special = _special_character(text, position) if len(token.text) == 1 else None
        if special is None and token.type in _WORDS and not token.text.isascii():
            offset = next(i for i, char in enumerate(token.text) if not char.isascii())
            special = _invalid_unicode(token.text[offset], position + offset)
        if special is not None:
            return special
    comment = _open_comment(text, position, before)
    if comment is not None:
        return comment
    expected = _describe_expected(failure.accepted)
    word = None if token is None else token.text
    message = f"unexpected {_describe_token(token)}, expected {_expected_phrase(expected, word)}"
    detail = ErrorDetail.UNEXPECTED_SYNTAX
    hint = _hint(token, expected, _keywords(failure.accepted), text, before)
    if _in_relationship(failure):
        detail = ErrorDetail.INVALID_RELATIONSHIP_PATTERN
        message = f"invalid relationship pattern: {message}"
        hint = hint or "relationships are written -[r:TYPE*1..3 {key: value}]->"
    return CypherSyntaxError(message, detail=detail, span=span, hint=hint)


def _describe_token(token: Lexeme | None) -> str:
    if token is None:
        return "end of input"
    text = _printable(_shorten(token.text))
    return f"string {text}" if token.type == "STRING" else f"'{text}'"


def _keywords(terminals: Iterable[str]) -> list[str]:
    """The keywords among terminal names (before `_describe_expected` summarises them)."""
    words = _terminal_words()
    return [words[name] for name in terminals if words.get(name, "").upper() in KEYWORDS_UPPER]


def _hint(
    token: Lexeme | None,
    expected: list[str],
    keywords: list[str],
    text: str,
    before: ScanResult,
) -> str | None:
    word = None if token is None else token.text
    if word is not None and word.isidentifier() and word.upper() not in KEYWORDS_UPPER:
        close = difflib.get_close_matches(word.upper(), [k.upper() for k in keywords], 1, 0.7)
        if close:
            return f"did you mean {_canonical_keyword(close[0])}?"
    if (
        token is not None
        and token.type == "STRING"
        and text[token.start - 1 : token.start] in "'\""
    ):
        return "to put a quote inside a string, escape it with a backslash: 'it\\'s'"
    unclosed = before.open_brackets
    if unclosed and (word is None or word.upper() in _CLAUSE_WORDS or word in ")]}"):
        innermost = unclosed[-1]
        closer = CLOSERS[innermost.char]
        if f"'{closer}'" in expected and word != closer:
            line, column = line_and_column(text, innermost.offset)
            return f"missing '{closer}' to close '{innermost.char}' at line {line}, column {column}"
    return None


def _in_relationship(failure: ParseFailure) -> bool:
    """Whether the parser stopped inside the brackets of a relationship, `-[` ... `]->`."""
    return any(
        isinstance(item, Lexeme) and item.type in _RELATIONSHIP_OPENINGS for item in failure.stack
    )


# ---------------------------------------------------------------------------------------
# expected tokens in words


@functools.cache
def _terminal_words() -> dict[str, str]:
    """The display form of every terminal of the grammar."""
    words = dict(_WORDS)
    for terminal in get_parser().terminals:
        if terminal.name in words:
            continue
        value = terminal.pattern.value
        if terminal.pattern.type == "str" and value.isalpha():
            words[terminal.name] = _canonical_keyword(value)
        elif terminal.pattern.type == "str":
            words[terminal.name] = f"'{value}'"
    return words


def _describe_expected(terminals: Iterable[str]) -> list[str]:
    """Terminal names → words, with families summarised, in a helpful order."""
    words_by_terminal = _terminal_words()
    words = {words_by_terminal.get(name, name) for name in terminals}
    keywords = {word for word in words if word.upper() in KEYWORDS_UPPER}
    if "an identifier" in words and len(keywords) > len(_KEYWORD_ORDER):
        # every keyword is acceptable here, as a name (a label, key or type)
        words -= keywords
    elif "an identifier" in words and words >= NON_RESERVED:
        # the keywords that may name variables came in as names
        words -= NON_RESERVED
    if {"a number", "a string"} <= words:
        words = (words - _EXPRESSION_STARTS) | {_EXPRESSION}
    if {"AND", "'+'", "'='"} <= words:
        words = (words - _OPERATORS) | {_OPERATOR}
    return sorted(words, key=_rank)


def _rank(word: str) -> tuple[int, int, str]:
    if word in _ORDER:
        return 0, _ORDER.index(word), word
    if word == "end of input":
        return 3, 0, word
    if word.upper() in KEYWORDS_UPPER:
        return 1, 0, word
    return 2, 0, word


def _expected_phrase(expected: list[str], word: str | None) -> str:
    """`one of: A, B, C, …` (keywords close to `word` first) or the single option."""
    if word is not None and word.isidentifier():
        upper = word.upper()
        scores = {
            item: difflib.SequenceMatcher(None, upper, item.upper()).ratio()
            for item in expected
            if item.upper() in KEYWORDS_UPPER
        }
        close = [item for item, score in scores.items() if score >= 0.6]
        close.sort(key=lambda item: -scores[item])
        expected = close + [item for item in expected if item not in close]
    if not expected:
        return "nothing more"
    if len(expected) == 1:
        return expected[0]
    shown = ", ".join(expected[:_SHOWN])
    return f"one of: {shown}" + (", …" if len(expected) > _SHOWN else "")


def _canonical_keyword(word: str) -> str:
    upper = word.upper()
    return next((keyword for keyword in KEYWORDS if keyword.upper() == upper), upper)


def _quote(text: str) -> str:
    return text if text == "a space" or text.isalpha() else f"'{text}'"


def _shorten(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + "..."


def _printable(text: str) -> str:
    """`text` with control and other invisible characters written as escapes."""
    if text.isprintable():
        return text
    escapes = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
    return "".join(
        char if char.isprintable() else escapes.get(char, f"\\u{ord(char):04x}") for char in text
    )
