"""Checking the values passed to temporal functions: types, map keys, suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from engram.temporal.base import TemporalValue
from engram.temporal.errors import invalid_value, quoted, wrong_type

__all__ = ["normalize_map", "require_int", "require_number", "require_str", "type_name"]

_TYPE_NAMES: dict[type, str] = {
    int: "an integer",
    float: "a float",
    str: "a string",
    list: "a list",
    dict: "a map",
}


def type_name(value: Any) -> str:
    """The Cypher type of a runtime value with an article, for messages (`a string`)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    for python_type, name in _TYPE_NAMES.items():
        if isinstance(value, python_type):
            return name
    if isinstance(value, TemporalValue):
        return f"a {type(value).__name__.lower()}"
    return f"a {type(value).__name__}"


def require_int(value: Any, what: str) -> int:
    """`value` if it is an integer (not a boolean), else TypeError/InvalidArgumentValue."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong_type(f"{what} must be an integer, got {type_name(value)}")
    return value


def require_number(value: Any, what: str) -> int | float:
    """`value` if it is an integer or a float."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise wrong_type(f"{what} must be a number, got {type_name(value)}")
    return value


def require_str(value: Any, what: str) -> str:
    """`value` if it is a string."""
    if not isinstance(value, str):
        raise wrong_type(f"{what} must be a string, got {type_name(value)}")
    return value


def suggestion(name: str, candidates: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelled name, if one is close enough."""
    if len(name) > 100:
        return None
    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def normalize_map(
    mapping: Mapping[Any, Any], allowed: Mapping[str, str], function: str
) -> dict[str, Any]:
    """The map with keys lower-cased and checked against `allowed` (lower -> spelling).

    Raises:
        QueryRuntimeError: ArgumentError for unknown or repeated keys, with a hint.
    """
    result: dict[str, Any] = {}
    for key, value in mapping.items():
        lower = str(key).lower()
        if lower not in allowed:
            hint = suggestion(str(key), allowed.values()) or "valid keys: " + ", ".join(
                sorted(allowed.values())
            )
            raise invalid_value(
                f"{quoted(str(key))} is not a valid key for {function}()", hint=hint
            )
        if lower in result:
            raise invalid_value(f"key '{allowed[lower]}' is given twice to {function}()")
        result[lower] = value
    return result
