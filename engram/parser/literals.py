"""Decode literal tokens (numbers, strings, names, parameters) and check them.

The lexer hands over every word that starts like a number as one `NUMBER` token, and
strings with their escapes undecoded; the checks the openCypher TCK expects at compile
time happen here: IntegerOverflow, FloatingPointOverflow, InvalidNumberLiteral,
InvalidUnicodeLiteral (each a `CypherSyntaxError` with the span of the bad text).
"""

from __future__ import annotations

import math
import re
from typing import Final

from engram.errors import CypherSyntaxError, ErrorDetail, Span

__all__ = [
    "MAX_INTEGER",
    "MIN_INTEGER",
    "check_integer",
    "decode_name",
    "decode_parameter",
    "decode_string",
    "parse_number",
]

MAX_INTEGER: Final = 2**63 - 1
MIN_INTEGER: Final = -(2**63)

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_LEGACY_OCTAL = re.compile(r"0[0-9]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_OCTAL = re.compile(r"0o[0-7]+")
_FLOAT = re.compile(r"(?:[0-9]+\.[0-9]+|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?")
_SIMPLE_ESCAPES: Final = {
    "\\": "\\",
    "'": "'",
    '"': '"',
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def parse_number(text: str, start: int) -> int | float:
    """The value of a NUMBER token; integers may exceed 64 bits (the caller checks).

    Args:
        text: the token text, e.g. ``42``, ``0x2A``, ``0o52``, ``1.5e3``.
        start: the token's offset in the query, for error spans.

    Returns:
        An int (unbounded) or a finite float.

    Raises:
        CypherSyntaxError: InvalidNumberLiteral for malformed numbers,
            FloatingPointOverflow for floats beyond the double range.
    """
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)  # the common case, without a regular expression
    span = Span(start, start + len(text))
    if _DECIMAL.fullmatch(text):
        return int(text)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _OCTAL.fullmatch(text):
        return int(text[2:], 8)
    if _FLOAT.fullmatch(text):
        value = float(text)
        if math.isinf(value):
            raise CypherSyntaxError(
                f"floating point number {text} is too large",
                detail=ErrorDetail.FLOATING_POINT_OVERFLOW,
                span=span,
                hint="the largest float is about 1.7976931348623157e308",
            )
        return value
    hint = None
    if _LEGACY_OCTAL.fullmatch(text):
        hint = f"write octal numbers as 0o{text.lstrip('0')} and decimals without leading zeros"
    elif text[:2] in ("0X", "0O"):
        hint = f"the prefix is written in lower case: {text[:2].lower()}{text[2:]}"
    raise CypherSyntaxError(
        f"invalid number literal '{text}'",
        detail=ErrorDetail.INVALID_NUMBER_LITERAL,
        span=span,
        hint=hint,
    )


def check_integer(value: int, text: str, span: Span) -> int:
    """`value` if it fits a signed 64-bit integer, else an IntegerOverflow error."""
    if MIN_INTEGER <= value <= MAX_INTEGER:
        return value
    raise CypherSyntaxError(
        f"integer {text} is too large",
        detail=ErrorDetail.INTEGER_OVERFLOW,
        span=span,
        hint=f"integers range from {MIN_INTEGER} to {MAX_INTEGER}",
    )


def decode_string(text: str, start: int) -> str:
    r"""The value of a STRING token (quotes removed, escapes decoded).

    Args:
        text: the token text including its quotes.
        start: the token's offset in the query, for error spans.

    Raises:
        CypherSyntaxError: InvalidUnicodeLiteral for a bad ``\\u`` / ``\\U`` escape,
            UnexpectedSyntax for an unknown escape such as ``\\q``.
    """
    body = text[1:-1]
    if "\\" not in body:
        return body
    parts: list[str] = []
    index = 0
    offset = start + 1
    while index < len(body):
        char = body[index]
        if char != "\\":
            parts.append(char)
            index += 1
            continue
        decoded, index = _decode_escape(body, index, offset)
        parts.append(decoded)
    return _join_surrogates("".join(parts), text, start)


def _decode_escape(body: str, index: int, offset: int) -> tuple[str, int]:
    """Decode the escape at body[index] (a backslash); returns (text, next index)."""
    letter = body[index + 1]
    simple = _SIMPLE_ESCAPES.get(letter if letter in "\\'\"" else letter.lower())
    if simple is not None:
        return simple, index + 2
    if letter in "uU":
        width = 4 if letter == "u" else 8
        digits = body[index + 2 : index + 2 + width]
        span = Span(offset + index, offset + index + 2 + len(digits))
        if len(digits) < width or not set(digits) <= _HEX_DIGITS:
            raise CypherSyntaxError(
                f"invalid unicode escape '\\{letter}{digits}'",
                detail=ErrorDetail.INVALID_UNICODE_LITERAL,
                span=Span(span.start, span.start + 2 + _hex_prefix_length(digits)),
                hint=f"\\{letter} takes exactly {width} hexadecimal digits, e.g. "
                + ("\\u00e9" if width == 4 else "\\U0001F600"),
            )
        code = int(digits, 16)
        if code > 0x10FFFF:
            raise CypherSyntaxError(
                f"invalid unicode escape '\\{letter}{digits}': beyond U+10FFFF",
                detail=ErrorDetail.INVALID_UNICODE_LITERAL,
                span=span,
            )
        return chr(code), index + 2 + width
    raise CypherSyntaxError(
        f"invalid escape sequence '\\{letter}' in a string",
        detail=ErrorDetail.UNEXPECTED_SYNTAX,
        span=Span(offset + index, offset + index + 2),
        hint="the escapes are \\\\ \\' \\\" \\b \\f \\n \\r \\t \\uXXXX \\UXXXXXXXX; "
        "write \\\\ for a backslash",
    )


def _hex_prefix_length(digits: str) -> int:
    count = 0
    for char in digits:
        if char not in _HEX_DIGITS:
            break
        count += 1
    return count + 1 if count < len(digits) else count


def _join_surrogates(value: str, text: str, start: int) -> str:
    """Combine UTF-16 surrogate pairs written as two escapes; reject lone surrogates."""
    if not any("\ud800" <= char <= "\udfff" for char in value):
        return value
    try:
        return value.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeDecodeError:
        raise CypherSyntaxError(
            "invalid unicode escape: a lone UTF-16 surrogate",
            detail=ErrorDetail.INVALID_UNICODE_LITERAL,
            span=Span(start, start + len(text)),
            hint="write characters beyond U+FFFF as \\UXXXXXXXX or as a surrogate pair",
        ) from None


def decode_name(text: str) -> str:
    """The name an identifier token stands for: `` `a``b` `` is ``a`b``."""
    if text.startswith("`"):
        return text[1:-1].replace("``", "`")
    return text


def decode_parameter(text: str) -> str:
    """The name of a PARAMETER token: ``$name`` is ``name``, ``$0`` is ``0``."""
    return decode_name(text[1:])
