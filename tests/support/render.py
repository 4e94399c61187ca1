"""Canonical text of result values for `.test` expected blocks (STYLE.md §4.13).

- `NULL` at top level (`null` inside lists and maps); `(empty)` for the empty string;
  `true` and `false`.
- Floats rounded to 6 decimals with trailing zeros stripped, keeping one (`2.5`, `1.0`,
  `0.333333`); `NaN`, `Infinity`, `-Infinity`; magnitudes of 1e15 and beyond in exponent form.
- Strings bare at top level (tab, newline and carriage return written `\\t`, `\\n`, `\\r` so
  a row stays one line; a whitespace-only string is quoted so the line is not blank),
  single-quoted inside lists and maps.
- Nodes `(:A:B {k: v})` and relationships `[:T {k: v}]` with labels and keys sorted; paths
  `<(…)-[…]->(…)>`; lists `[1, 2]`; maps `{a: 1}` with keys sorted.
- Temporal values as their canonical Cypher text (quoted inside lists and maps).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from engram.values import Node, Path, Relationship
from tests.support.temporal_text import cypher_temporal_text, is_temporal

__all__ = ["render_row", "render_value", "type_matches"]

_PLAIN_SCALARS: Final = (bool, int, float, str)
_IDENTIFIER: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_EXPONENT_FROM: Final = 1e15
_TOP_LEVEL_ESCAPES: Final = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def render_row(values: Sequence[Any]) -> str:
    """One result row: canonical values joined by tabs."""
    return "\t".join(render_value(value) for value in values)


def render_value(value: Any, *, nested: bool = False) -> str:
    """The canonical text of one value.

    >>> render_value(None), render_value(""), render_value(2.50), render_value("a b")
    ('NULL', '(empty)', '2.5', 'a b')
    >>> render_value([1, "x", None, {"b": 1.0, "a": True}])
    "[1, 'x', null, {a: true, b: 1.0}]"
    """
    if isinstance(value, _PLAIN_SCALARS) and type(value) not in _PLAIN_SCALARS:
        raise TypeError(
            f"cannot render a {type(value).__qualname__}: not a value of the public API"
        )
    match value:
        case None:
            return "null" if nested else "NULL"
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float():
            return _render_float(value)
        case str():
            return _quote(value) if nested else _bare(value)
        case list() | tuple():
            return "[" + ", ".join(render_value(item, nested=True) for item in value) + "]"
        case Mapping():
            return _render_map(value)
        case Node():
            labels = "".join(f":{_name(label)}" for label in sorted(value.labels))
            props = _render_map(value.properties) if value.properties else ""
            return "(" + " ".join(part for part in (labels, props) if part) + ")"
        case Relationship():
            props = " " + _render_map(value.properties) if value.properties else ""
            return f"[:{_name(value.type)}{props}]"
        case Path():
            return _render_path(value)
        case _ if is_temporal(value):
            text = cypher_temporal_text(value)
            return _quote(text) if nested else text
        case _:
            raise TypeError(
                f"cannot render a {type(value).__module__}.{type(value).__qualname__}: "
                "not a value of the public API"
            )


def _render_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if abs(value) >= _EXPONENT_FROM:
        return repr(value)
    text = f"{value:.6f}".rstrip("0")
    text = text + "0" if text.endswith(".") else text
    # rounding can turn a tiny negative into "-0.0"; only a real negative zero keeps its sign
    return "0.0" if text == "-0.0" and value != 0 else text


def _bare(text: str) -> str:
    if not text:
        return "(empty)"
    if not text.strip():
        # a whitespace-only line would end the record: show such strings quoted
        text = _quote(text)
    return "".join(_escaped(char) for char in text)


def _escaped(char: str) -> str:
    found = _TOP_LEVEL_ESCAPES.get(char)
    if found is not None:
        return found
    # every other character `str.splitlines` breaks a line at (vertical tab, form feed,
    # file/group/record separators, NEL, U+2028, U+2029)
    return f"\\u{ord(char):04x}" if len(f"a{char}b".splitlines()) > 1 else char


def _quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _name(name: str) -> str:
    return name if _IDENTIFIER.match(name) else "`" + name.replace("`", "``") + "`"


def _render_map(mapping: Mapping[str, Any]) -> str:
    items = (f"{_name(key)}: {render_value(mapping[key], nested=True)}" for key in sorted(mapping))
    return "{" + ", ".join(items) + "}"


def _render_path(path: Path) -> str:
    parts = [render_value(path.nodes[0])]
    for index, rel in enumerate(path.relationships):
        following = path.nodes[index + 1]
        text = render_value(rel)
        outgoing = rel.start == path.nodes[index].id and rel.end == following.id
        parts.append(f"-{text}->" if outgoing else f"<-{text}-")
        parts.append(render_value(following))
    return "<" + "".join(parts) + ">"


def type_matches(letter: str, value: Any) -> bool:
    """Whether `value` fits a type letter (`NULL` fits every letter).

    >>> type_matches("I", 1), type_matches("I", True), type_matches("R", None)
    (True, False, True)
    """
    if value is None or letter == "?":
        return True
    match letter:
        case "I":
            return isinstance(value, int) and not isinstance(value, bool)
        case "R":
            return isinstance(value, float)
        case "T":
            return isinstance(value, str)
        case "B":
            return isinstance(value, bool)
        case "N":
            return isinstance(value, Node)
        case "E":
            return isinstance(value, Relationship)
        case "P":
            return isinstance(value, Path)
        case "L":
            return isinstance(value, list | tuple)
        case "M":
            return isinstance(value, Mapping)
    raise ValueError(f"unknown type letter {letter!r}")
