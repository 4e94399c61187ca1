"""Canonical text of names and literals: quoting, escaping and number formatting.

`printer.py` uses these to print trees; they are kept apart because the query
builder and error messages need the same quoting rules.
"""

from __future__ import annotations

import math
import re
from typing import Final

from engram.parser.ast import LiteralValue
from engram.parser.keywords import KEYWORDS_UPPER, RESERVED_UPPER

__all__ = [
    "format_index_name",
    "format_literal",
    "format_name",
    "format_parameter",
    "format_schema_name",
    "format_string",
]

_NAME = re.compile(r"[^\W\d]\w*")
_DIGITS = re.compile(r"[0-9]+")
_ESCAPES: Final = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


def format_name(name: str) -> str:
    """A variable, alias or function-name part: backquoted unless a plain, free name."""
    if _NAME.fullmatch(name) and name.upper() not in RESERVED_UPPER:
        return name
    return _backquote(name)


def format_schema_name(name: str) -> str:
    """A label, type, property key or map key: keywords may stay bare (`n.count`, `:End`)."""
    return name if _NAME.fullmatch(name) else _backquote(name)


def format_index_name(name: str) -> str:
    """The name of an index or constraint: backquoted if it is any keyword."""
    if _NAME.fullmatch(name) and name.upper() not in KEYWORDS_UPPER:
        return name
    return _backquote(name)


def format_parameter(name: str) -> str:
    """`$name`, `$0` or `` $`odd name` ``."""
    if _NAME.fullmatch(name) or _DIGITS.fullmatch(name):
        return f"${name}"
    return f"${_backquote(name)}"


def _backquote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def format_string(value: str) -> str:
    """A single-quoted string literal with backslash escapes."""
    parts = ["'"]
    for char in value:
        escaped = _ESCAPES.get(char)
        if escaped is not None:
            parts.append(escaped)
        elif char < " " or char == "\x7f" or "\ud800" <= char <= "\udfff":
            parts.append(f"\\u{ord(char):04x}")
        else:
            parts.append(char)
    parts.append("'")
    return "".join(parts)


def format_literal(value: LiteralValue) -> str:
    """The canonical text of a scalar literal; floats print so they parse back exactly."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return format_string(value)
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "toFloat('NaN')"
    if math.isinf(value):
        return "toFloat('Infinity')" if value > 0 else "-toFloat('Infinity')"
    return repr(value)
