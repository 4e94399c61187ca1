"""Graph schema introspection: labels, relationship patterns, property types and indexes.

`Database.graph_schema()` describes one snapshot for tools that generate typed
interfaces (the GraphQL server) or completions: every label and relationship type in use
with its exact count, the property keys seen on it and the value types of each (read from
every entity of small labels and types, from an evenly spaced sample of large ones), the
(start label, type, end label) patterns that occur with their counts from the statistics,
and the indexes and constraints.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

import numpy as np

from engram.catalog import Catalog
from engram.catalog.statistics import ANY_LABEL
from engram.storage import ReadTransaction
from engram.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

__all__ = [
    "DEFAULT_SAMPLE",
    "GraphSchema",
    "IndexSummary",
    "LabelInfo",
    "PatternInfo",
    "PropertyInfo",
    "RelationshipTypeInfo",
    "read_graph_schema",
    "value_type",
]

#: entities read per label or relationship type when it has more than this many
DEFAULT_SAMPLE: Final = 2000

_TEMPORAL_NAMES: Final[tuple[tuple[type, str], ...]] = (
    (DateTime, "DATETIME"),
    (LocalDateTime, "LOCALDATETIME"),
    (Date, "DATE"),
    (Time, "TIME"),
    (LocalTime, "LOCALTIME"),
    (Duration, "DURATION"),
)


@dataclass(frozen=True, slots=True)
class PropertyInfo:
    """A property key seen on a label or relationship type.

    Attributes:
        name: the key.
        types: the value types seen, sorted (`"INTEGER"`, `"STRING"`, `"LIST<FLOAT>"`, ...;
            an empty list is `"LIST<NOTHING>"`, a list of mixed types `"LIST<ANY>"`).
        count: how many of the entities read had it.
    """

    name: str
    types: tuple[str, ...]
    count: int


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """A label in use: its exact node count and the properties seen on its nodes.

    Attributes:
        name: the label.
        count: nodes with the label.
        sampled: nodes whose properties were read (all of them when `count` is small).
        properties: by name.
    """

    name: str
    count: int
    sampled: int
    properties: tuple[PropertyInfo, ...] = ()

    def property(self, name: str) -> PropertyInfo | None:
        """The property `name`, if seen."""
        return next((info for info in self.properties if info.name == name), None)


@dataclass(frozen=True, slots=True)
class RelationshipTypeInfo:
    """A relationship type in use (fields as for `LabelInfo`)."""

    name: str
    count: int
    sampled: int
    properties: tuple[PropertyInfo, ...] = ()

    def property(self, name: str) -> PropertyInfo | None:
        """The property `name`, if seen."""
        return next((info for info in self.properties if info.name == name), None)


@dataclass(frozen=True, slots=True)
class PatternInfo:
    """Relationships of `type` from nodes with label `start` to nodes with label `end`."""

    start: str
    type: str
    end: str
    count: int


@dataclass(frozen=True, slots=True)
class IndexSummary:
    """An index or constraint.

    Attributes:
        name: its name.
        kind: ``"property"``, ``"vector"``, ... (the storage kind).
        label: the indexed label.
        properties: the indexed keys, in index order.
        unique: whether it backs a uniqueness constraint.
        online: whether it can be used.
        options: kind-specific parameters (for vector indexes: dimensions, metric).
    """

    name: str
    kind: str
    label: str
    properties: tuple[str, ...]
    unique: bool = False
    online: bool = True
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True, slots=True)
class GraphSchema:
    """The schema of one snapshot (see the module docstring)."""

    version: int
    labels: tuple[LabelInfo, ...] = ()
    relationship_types: tuple[RelationshipTypeInfo, ...] = ()
    patterns: tuple[PatternInfo, ...] = ()
    indexes: tuple[IndexSummary, ...] = ()

    def label(self, name: str) -> LabelInfo | None:
        """The label `name`, if in use."""
        return next((info for info in self.labels if info.name == name), None)

    def relationship_type(self, name: str) -> RelationshipTypeInfo | None:
        """The relationship type `name`, if in use."""
        return next((info for info in self.relationship_types if info.name == name), None)


def read_graph_schema(view: ReadTransaction, sample: int = DEFAULT_SAMPLE) -> GraphSchema:
    """The schema of the snapshot `view` reads (see `Database.graph_schema`)."""
    catalog, stats = view.catalog, view.statistics
    labels = []
    for name in sorted(catalog.label_names()):
        label_id = catalog.label_id(name)
        assert label_id is not None
        count = view.count_nodes(label_id)
        if count == 0:
            continue
        ids = _spread(view.label_members(label_id), sample)
        properties = _properties(catalog, view.properties_of(ids))
        labels.append(LabelInfo(name, count, len(ids), properties))
    types = []
    for name in sorted(catalog.type_names()):
        type_id = catalog.type_id(name)
        assert type_id is not None
        count = view.count_relationships(type_id)
        if count == 0:
            continue
        ids = _strided(view.scan_relationships(type_id), count, sample)
        properties = _properties(catalog, view.relationship_properties_of(ids))
        types.append(RelationshipTypeInfo(name, count, len(ids), properties))
    patterns = []
    for (start, type_id, end), count in sorted(stats.patterns.items()):
        if count <= 0 or ANY_LABEL in (start, end):
            continue
        patterns.append(
            PatternInfo(
                catalog.label_name(start),
                catalog.type_name(type_id),
                catalog.label_name(end),
                count,
            )
        )
    patterns.sort(key=lambda p: (p.start, p.type, p.end))
    return GraphSchema(
        view.version, tuple(labels), tuple(types), tuple(patterns), _indexes(catalog)
    )


def _spread(ids: np.ndarray, sample: int) -> np.ndarray:
    if len(ids) <= sample:
        return ids
    positions = np.linspace(0, len(ids) - 1, num=sample).astype(np.int64)
    return ids[np.unique(positions)]


def _strided(batches: Iterator[np.ndarray], count: int, sample: int) -> np.ndarray:
    step = max(1, math.ceil(count / max(sample, 1)))
    chosen: list[np.ndarray] = []
    offset = 0
    for batch in batches:
        # keep every step-th id across batch boundaries
        first = (-offset) % step
        chosen.append(batch[first::step])
        offset += len(batch)
    if not chosen:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(chosen)


def _properties(catalog: Catalog, records: list[dict[int, Any] | None]) -> tuple[PropertyInfo, ...]:
    types: dict[int, set[str]] = {}
    counts: dict[int, int] = {}
    for record in records:
        if not record:
            continue
        for key, value in record.items():
            types.setdefault(key, set()).add(value_type(value))
            counts[key] = counts.get(key, 0) + 1
    infos = [
        PropertyInfo(catalog.property_key_name(key), tuple(sorted(seen)), counts[key])
        for key, seen in types.items()
    ]
    return tuple(sorted(infos, key=lambda info: info.name))


def value_type(value: Any) -> str:
    """The type name of a stored property value (`"INTEGER"`, `"LIST<STRING>"`, ...)."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "FLOAT"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, list):
        elements = {value_type(item) for item in value}
        if not elements:
            return "LIST<NOTHING>"
        if elements == {"INTEGER", "FLOAT"}:
            return "LIST<FLOAT>"
        return f"LIST<{elements.pop()}>" if len(elements) == 1 else "LIST<ANY>"
    for kind, name in _TEMPORAL_NAMES:
        if isinstance(value, kind):
            return name
    return "ANY"


def _indexes(catalog: Catalog) -> tuple[IndexSummary, ...]:
    out = []
    for index in sorted(catalog.indexes, key=lambda i: i.name):
        out.append(
            IndexSummary(
                name=index.name,
                kind=index.kind,
                label=catalog.label_name(index.label_id),
                properties=tuple(catalog.property_key_name(k) for k in index.property_key_ids),
                unique=index.unique,
                online=index.is_online,
                options=MappingProxyType(dict(index.options)),
            )
        )
    return tuple(out)
