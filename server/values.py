"""engram values as JSON-safe values and value kinds, for rows sent over GraphQL.

Integers, strings, booleans and null stay as they are; floats too, except NaN and the
infinities, which JSON cannot hold and which become the strings ``"NaN"``,
``"Infinity"`` and ``"-Infinity"``. Temporal values become their canonical Cypher text
(`2015-07-21T21:40:32.142+01:00[Europe/London]`). Nodes, relationships and paths become
objects tagged with ``"__kind"``::

    {"__kind": "node", "id": 4, "labels": ["Person"], "properties": {"name": "Ada"}}
    {"__kind": "relationship", "id": 7, "type": "KNOWS", "start": 4, "end": 5,
     "properties": {}}
    {"__kind": "path", "nodes": [...], "relationships": [...]}
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Any

from engram import Node, Path, Relationship, temporal
from engram.temporal.base import TemporalValue

__all__ = [
    "ValueKind",
    "node_json",
    "properties_json",
    "relationship_json",
    "temporal_text",
    "to_json",
    "value_kind",
]


class ValueKind(enum.Enum):
    """The type of one value in a result row."""

    NULL = "NULL"
    BOOLEAN = "BOOLEAN"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    STRING = "STRING"
    LIST = "LIST"
    MAP = "MAP"
    NODE = "NODE"
    RELATIONSHIP = "RELATIONSHIP"
    PATH = "PATH"
    DATE = "DATE"
    TIME = "TIME"
    LOCAL_TIME = "LOCAL_TIME"
    DATETIME = "DATETIME"
    LOCAL_DATETIME = "LOCAL_DATETIME"
    DURATION = "DURATION"


_TEMPORAL_KINDS: dict[type, ValueKind] = {
    temporal.Date: ValueKind.DATE,
    temporal.Time: ValueKind.TIME,
    temporal.LocalTime: ValueKind.LOCAL_TIME,
    temporal.DateTime: ValueKind.DATETIME,
    temporal.LocalDateTime: ValueKind.LOCAL_DATETIME,
    temporal.Duration: ValueKind.DURATION,
}


def _as_temporal(value: Any) -> TemporalValue | None:
    if isinstance(value, TemporalValue):
        return value
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        converted = temporal.from_python(value)
        return converted if isinstance(converted, TemporalValue) else None
    return None


def temporal_text(value: Any) -> str | None:
    """Canonical Cypher text of a temporal value (Python or engram), else None."""
    converted = _as_temporal(value)
    return None if converted is None else str(converted)


def value_kind(value: Any) -> ValueKind:
    """The kind of a result value."""
    if value is None:
        return ValueKind.NULL
    if isinstance(value, bool):
        return ValueKind.BOOLEAN
    if isinstance(value, int):
        return ValueKind.INTEGER
    if isinstance(value, float):
        return ValueKind.FLOAT
    if isinstance(value, str):
        return ValueKind.STRING
    if isinstance(value, Node):
        return ValueKind.NODE
    if isinstance(value, Relationship):
        return ValueKind.RELATIONSHIP
    if isinstance(value, Path):
        return ValueKind.PATH
    if isinstance(value, list | tuple):
        return ValueKind.LIST
    if isinstance(value, Mapping):
        return ValueKind.MAP
    converted = _as_temporal(value)
    if converted is not None:
        return _TEMPORAL_KINDS.get(type(converted), ValueKind.STRING)
    return ValueKind.STRING


def _float(value: float) -> float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def properties_json(properties: Mapping[str, Any]) -> dict[str, Any]:
    """Properties as a JSON object, keys sorted."""
    return {key: to_json(item) for key, item in sorted(properties.items())}


def node_json(node: Node) -> dict[str, Any]:
    """A node as a JSON object."""
    return {
        "__kind": "node",
        "id": node.id,
        "labels": sorted(node.labels),
        "properties": properties_json(node.properties),
    }


def relationship_json(rel: Relationship) -> dict[str, Any]:
    """A relationship as a JSON object."""
    return {
        "__kind": "relationship",
        "id": rel.id,
        "type": rel.type,
        "start": rel.start,
        "end": rel.end,
        "properties": properties_json(rel.properties),
    }


def to_json(value: Any) -> Any:
    """A result value as a JSON-safe value (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, Node):
        return node_json(value)
    if isinstance(value, Relationship):
        return relationship_json(value)
    if isinstance(value, Path):
        return {
            "__kind": "path",
            "nodes": [node_json(node) for node in value.nodes],
            "relationships": [relationship_json(rel) for rel in value.relationships],
        }
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    text = temporal_text(value)
    return text if text is not None else str(value)
