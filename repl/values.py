"""How the shell writes one value: TCK-style text for tables, JSON-safe data for json/jsonl.

Text follows the openCypher TCK's notation (``(:A:B {k: 'v'})``, ``[:T {k: 1}]``,
``<(...)-[...]->(...)>``, strings single-quoted, keys sorted) with two changes for a
terminal: temporal values print as their canonical Cypher text without quotes (so a date
never looks like a string), and control characters inside strings are escaped so a row
stays on one line.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from typing import Any, Final, cast

from engram.temporal import TemporalValue, from_python
from engram.values import Node, Path, Relationship, format_float, format_value

__all__ = ["is_number", "to_json", "value_text"]

_ESCAPES: Final = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: what a quoted string escapes: the quote, backslash and every control character (C0,
#: DEL, C1), so no value can move the cursor or change the terminal's colours
_TO_ESCAPE: Final = re.compile("[\\\\'\x00-\x1f\x7f-\x9f]")
#: what a bare string escapes: control characters only
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
_TEMPORAL: Final = (datetime.date, datetime.time, datetime.datetime)


def value_text(value: object, *, quote_strings: bool = True) -> str:
    r"""The TCK-style text of a value.

    >>> value_text(Node(1, frozenset({"B", "A"}), {"name": "x", "age": 3}))
    "(:A:B {age: 3, name: 'x'})"
    >>> value_text([1, "it's", None, {"k": 1.5}])
    "[1, 'it\\'s', null, {k: 1.5}]"
    >>> value_text(datetime.date(2024, 5, 1))
    '2024-05-01'

    Args:
        value: a value as the API returns it.
        quote_strings: quote a top-level string (inside lists and maps strings are
            always quoted).
    """
    if isinstance(value, str) and not quote_strings:
        return _CONTROL.sub(_escape, value)
    return _text(value)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def _text(value: object) -> str:
    # the common scalars first, without the pattern match (tables render many of them)
    kind = type(value)
    if kind is str:
        return _string_text(cast(str, value))
    if kind is int:
        return str(value)
    if kind is float:
        return format_float(cast(float, value))
    return _any_text(value)


def _string_text(value: str) -> str:
    if value.isprintable() and "'" not in value and "\\" not in value:
        return "'" + value + "'"
    return "'" + _TO_ESCAPE.sub(_escape, value) + "'"


def _any_text(value: object) -> str:
    return format_value(value, quote=_string_text, other=_temporal_text)


def _temporal_text(value: object) -> str:
    if isinstance(value, TemporalValue):
        return str(value)
    if isinstance(value, _TEMPORAL):
        return str(from_python(value))
    return str(value)


def is_number(value: object) -> bool:
    """Whether the value is an integer or float (booleans are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_json(value: object) -> Any:
    """The value as JSON-safe data (what the json and jsonl formats write).

    Nodes become ``{"id", "labels", "properties"}``, relationships ``{"id", "type",
    "start", "end", "properties"}``, paths ``{"nodes", "relationships"}``; temporal
    values their canonical text; NaN and infinities the strings ``"NaN"``,
    ``"Infinity"`` and ``"-Infinity"`` (JSON has no numbers for them).

    >>> to_json(Relationship(7, "KNOWS", 1, 2, {"since": 2020}))
    {'id': 7, 'type': 'KNOWS', 'start': 1, 'end': 2, 'properties': {'since': 2020}}
    """
    match value:
        case None | bool() | int() | str():
            return value
        case float():
            return value if math.isfinite(value) else format_float(value)
        case Node():
            return {
                "id": value.id,
                "labels": sorted(value.labels),
                "properties": _json_map(value.properties),
            }
        case Relationship():
            return {
                "id": value.id,
                "type": value.type,
                "start": value.start,
                "end": value.end,
                "properties": _json_map(value.properties),
            }
        case Path():
            return {
                "nodes": [to_json(node) for node in value.nodes],
                "relationships": [to_json(rel) for rel in value.relationships],
            }
        case list() | tuple():
            return [to_json(item) for item in value]
        case Mapping():
            return _json_map(value)
        case _:
            return _temporal_text(value)


def _json_map(mapping: Mapping[Any, Any]) -> dict[str, Any]:
    return {str(key): to_json(mapping[key]) for key in sorted(mapping, key=str)}
