"""String functions and the string predicates STARTS WITH, ENDS WITH, CONTAINS and `=~`.

Strings are sequences of Unicode code points: `size`, `substring`, `left`, `right` and
`reverse` count code points, never UTF-16 units. Whitespace for the trim functions is
Java's `Character.isWhitespace` (so a non-breaking space is kept). Null arguments give
null. The predicates give null when either operand is not a string.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.faults import argument_error
from engram.execution.functions.checks import expect_integer, expect_list, expect_string
from engram.execution.functions.javaregex import full_match
from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.types import INTEGER, STRING, list_of

__all__ = [
    "SPECS",
    "STRING_PREDICATES",
    "contains",
    "ends_with",
    "regex_match",
    "starts_with",
]

#: Java's Character.isWhitespace: space separators except no-break spaces, plus controls
JAVA_WHITESPACE: Final = (
    " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2008\u2009\u200a\u2028\u2029\u205f\u3000"
)


# -- predicates ----------------------------------------------------------------------------


def starts_with(text: Any, prefix: Any) -> bool | None:
    """`text STARTS WITH prefix`; null unless both are strings."""
    if type(text) is str and type(prefix) is str:
        return text.startswith(prefix)
    return None


def ends_with(text: Any, suffix: Any) -> bool | None:
    """`text ENDS WITH suffix`; null unless both are strings."""
    if type(text) is str and type(suffix) is str:
        return text.endswith(suffix)
    return None


def contains(text: Any, part: Any) -> bool | None:
    """`text CONTAINS part`; null unless both are strings."""
    if type(text) is str and type(part) is str:
        return part in text
    return None


def regex_match(text: Any, pattern: Any) -> bool | None:
    """`text =~ pattern`: the whole string matches the Java-style regular expression.

    Raises:
        QueryRuntimeError: ArgumentError InvalidArgumentValue for a malformed pattern;
            ArgumentError ResourceLimit when one match runs too long (see `javaregex`).
    """
    if type(text) is str and type(pattern) is str:
        return full_match(text, pattern)
    return None


#: operator text -> implementation, for the expression compiler
STRING_PREDICATES: Final = {
    "STARTS WITH": starts_with,
    "ENDS WITH": ends_with,
    "CONTAINS": contains,
    "=~": regex_match,
}


# -- functions -----------------------------------------------------------------------------


def to_upper(text: Any) -> str:
    """The string in upper case (locale-independent full Unicode mapping)."""
    return expect_string("toUpper", 1, text).upper()


def to_lower(text: Any) -> str:
    """The string in lower case."""
    return expect_string("toLower", 1, text).lower()


def _trim_characters(function: str, characters: Any) -> str:
    if characters is None:
        return JAVA_WHITESPACE
    return expect_string(function, 2, characters)


def trim(text: Any, characters: Any = None) -> str:
    """Remove whitespace (or any of `characters`) from both ends; `trim`, `btrim`."""
    return expect_string("trim", 1, text).strip(_trim_characters("trim", characters))


def ltrim(text: Any, characters: Any = None) -> str:
    """Remove leading whitespace (or any of `characters`)."""
    return expect_string("lTrim", 1, text).lstrip(_trim_characters("lTrim", characters))


def rtrim(text: Any, characters: Any = None) -> str:
    """Remove trailing whitespace (or any of `characters`)."""
    return expect_string("rTrim", 1, text).rstrip(_trim_characters("rTrim", characters))


def replace(text: Any, search: Any, replacement: Any) -> str:
    """Every occurrence of `search` replaced; an empty search matches between characters."""
    return expect_string("replace", 1, text).replace(
        expect_string("replace", 2, search), expect_string("replace", 3, replacement)
    )


def _non_negative(function: str, position: int, value: Any, what: str) -> int:
    number = expect_integer(function, position, value)
    if number < 0:
        raise argument_error(f"{function}() expects a non-negative {what}, got {number}")
    return number


def substring(text: Any, start: Any, length: Any = None) -> str:
    """`length` characters from 0-based `start` (to the end without a length)."""
    value = expect_string("substring", 1, text)
    begin = _non_negative("substring", 2, start, "start")
    if length is None:
        return value[begin:]
    return value[begin : begin + _non_negative("substring", 3, length, "length")]


def left(text: Any, length: Any) -> str:
    """The first `length` characters."""
    return expect_string("left", 1, text)[: _non_negative("left", 2, length, "length")]


def right(text: Any, length: Any) -> str:
    """The last `length` characters."""
    value = expect_string("right", 1, text)
    count = _non_negative("right", 2, length, "length")
    return value[max(0, len(value) - count) :]


def split(text: Any, delimiter: Any) -> list[str]:
    """The parts between occurrences of the delimiter (or of any of a list of them).

    Empty parts are kept; an empty delimiter splits into characters.
    """
    value = expect_string("split", 1, text)
    if isinstance(delimiter, list | tuple):
        delimiters = [
            expect_string("split", 2, item) for item in expect_list("split", 2, delimiter)
        ]
        return _split_any(value, delimiters)
    separator = expect_string("split", 2, delimiter)
    if not separator:
        return list(value)
    return value.split(separator)


def _split_any(value: str, delimiters: list[str]) -> list[str]:
    non_empty = sorted({item for item in delimiters if item}, key=len, reverse=True)
    if not non_empty:
        return list(value) if delimiters else [value]
    return re.split("|".join(map(re.escape, non_empty)), value)


def normalize(text: Any, form: Any = "NFC") -> str:
    """The string in Unicode normal form NFC (default), NFD, NFKC or NFKD."""
    value = expect_string("normalize", 1, text)
    name = expect_string("normalize", 2, form).upper()
    if name not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise argument_error(
            f"normalize() expects one of NFC, NFD, NFKC, NFKD, got {form!r}",
            ErrorDetail.INVALID_ARGUMENT_VALUE,
        )
    return unicodedata.normalize(name, value)  # type: ignore[arg-type]  # checked above


def char_length(text: Any) -> int:
    """The number of characters (code points)."""
    return len(expect_string("char_length", 1, text))


_S = (STRING,)
_I = (INTEGER,)
_DELIMITER = (STRING, list_of(STRING))

SPECS: Final[tuple[FunctionSpec, ...]] = (
    scalar_spec(
        "toUpper",
        to_upper,
        [_S],
        STRING,
        signature="toUpper(input :: STRING) :: STRING",
        description="The string in upper case.",
    ),
    scalar_spec(
        "upper",
        to_upper,
        [_S],
        STRING,
        signature="upper(input :: STRING) :: STRING",
        description="The string in upper case (alias of toUpper).",
    ),
    scalar_spec(
        "toLower",
        to_lower,
        [_S],
        STRING,
        signature="toLower(input :: STRING) :: STRING",
        description="The string in lower case.",
    ),
    scalar_spec(
        "lower",
        to_lower,
        [_S],
        STRING,
        signature="lower(input :: STRING) :: STRING",
        description="The string in lower case (alias of toLower).",
    ),
    scalar_spec(
        "trim",
        trim,
        [_S],
        STRING,
        signature="trim(input :: STRING) :: STRING",
        description="The string without leading and trailing whitespace.",
    ),
    scalar_spec(
        "btrim",
        trim,
        [_S, _S],
        STRING,
        optional=1,
        signature="btrim(input :: STRING [, characters :: STRING]) :: STRING",
        description="The string without leading and trailing whitespace or given characters.",
    ),
    scalar_spec(
        "lTrim",
        ltrim,
        [_S, _S],
        STRING,
        optional=1,
        signature="lTrim(input :: STRING [, characters :: STRING]) :: STRING",
        description="The string without leading whitespace or given characters.",
    ),
    scalar_spec(
        "rTrim",
        rtrim,
        [_S, _S],
        STRING,
        optional=1,
        signature="rTrim(input :: STRING [, characters :: STRING]) :: STRING",
        description="The string without trailing whitespace or given characters.",
    ),
    scalar_spec(
        "replace",
        replace,
        [_S, _S, _S],
        STRING,
        signature="replace(original :: STRING, search :: STRING, replace :: STRING) :: STRING",
        description="The string with every occurrence of search replaced.",
    ),
    scalar_spec(
        "substring",
        substring,
        [_S, _I, _I],
        STRING,
        optional=1,
        signature="substring(original :: STRING, start :: INTEGER [, length :: INTEGER]) :: STRING",
        description="Part of the string, from a 0-based start, of a given length.",
    ),
    scalar_spec(
        "left",
        left,
        [_S, _I],
        STRING,
        signature="left(original :: STRING, length :: INTEGER) :: STRING",
        description="The first length characters of the string.",
    ),
    scalar_spec(
        "right",
        right,
        [_S, _I],
        STRING,
        signature="right(original :: STRING, length :: INTEGER) :: STRING",
        description="The last length characters of the string.",
    ),
    scalar_spec(
        "split",
        split,
        [_S, _DELIMITER],
        list_of(STRING),
        signature="split(original :: STRING, delimiter :: STRING | LIST<STRING>) :: LIST<STRING>",
        description="The parts of the string between delimiters.",
    ),
    scalar_spec(
        "normalize",
        normalize,
        [_S, _S],
        STRING,
        optional=1,
        signature="normalize(input :: STRING [, form :: STRING]) :: STRING",
        description="The string in Unicode normal form NFC, NFD, NFKC or NFKD.",
    ),
    scalar_spec(
        "char_length",
        char_length,
        [_S],
        INTEGER,
        signature="char_length(input :: STRING) :: INTEGER",
        description="The number of characters in the string.",
    ),
    scalar_spec(
        "character_length",
        char_length,
        [_S],
        INTEGER,
        signature="character_length(input :: STRING) :: INTEGER",
        description="The number of characters in the string (alias of char_length).",
    ),
)
