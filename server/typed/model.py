"""The typed schema as data: which GraphQL types and fields the graph's schema turns into.

`build_model` reads a `GraphSchema` (labels, relationship types, patterns, property
types, indexes) and decides every name and scalar type; `schema.py` turns the model into
strawberry types. The model is frozen and comparable, so the server regenerates the
strawberry schema only when the model really changed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from engram import GraphSchema, PropertyInfo
from engram.server.typed.names import RESERVED_ROOTS, RESERVED_TYPES, lower_first, pascal, sanitize

__all__ = [
    "LabelModel",
    "LinkModel",
    "PropertyModel",
    "RelTypeModel",
    "Scalar",
    "SchemaModel",
    "VectorModel",
    "build_model",
    "scalar_of",
]

#: fields every label type has; properties may not use these names
NODE_SYSTEM_FIELDS: Final = frozenset({"_id", "_labels", "_properties", "_score"})
REL_SYSTEM_FIELDS: Final = frozenset({"_id", "_type", "_start", "_end", "_properties"})


class Scalar(enum.Enum):
    """GraphQL scalar of a property."""

    LONG = "Long"
    FLOAT = "Float"
    STRING = "String"
    BOOLEAN = "Boolean"
    DATE = "Date"
    TIME = "Time"
    LOCAL_TIME = "LocalTime"
    DATETIME = "DateTime"
    LOCAL_DATETIME = "LocalDateTime"
    DURATION = "Duration"
    JSON = "JSON"

    @property
    def is_orderable(self) -> bool:
        """Whether values sort meaningfully (and can key a cursor)."""
        return self not in (Scalar.JSON, Scalar.DURATION)

    @property
    def is_temporal(self) -> bool:
        """Whether values travel as text and are converted in the query."""
        return self in _TEMPORAL


_TEMPORAL: Final = frozenset(
    {
        Scalar.DATE,
        Scalar.TIME,
        Scalar.LOCAL_TIME,
        Scalar.DATETIME,
        Scalar.LOCAL_DATETIME,
        Scalar.DURATION,
    }
)

_BY_TYPE: Final = {
    "INTEGER": Scalar.LONG,
    "FLOAT": Scalar.FLOAT,
    "STRING": Scalar.STRING,
    "BOOLEAN": Scalar.BOOLEAN,
    "DATE": Scalar.DATE,
    "TIME": Scalar.TIME,
    "LOCALTIME": Scalar.LOCAL_TIME,
    "DATETIME": Scalar.DATETIME,
    "LOCALDATETIME": Scalar.LOCAL_DATETIME,
    "DURATION": Scalar.DURATION,
}


@dataclass(frozen=True, slots=True)
class PropertyModel:
    """A property as a field: its key, GraphQL name, scalar and whether it is a list."""

    key: str
    field: str
    scalar: Scalar
    is_list: bool = False

    @property
    def is_orderable(self) -> bool:
        """Whether the field can be sorted on."""
        return not self.is_list and self.scalar.is_orderable


@dataclass(frozen=True, slots=True)
class VectorModel:
    """A vector index on a label's property: what `nearest` searches."""

    index: str
    key: str
    field: str
    metric: str
    dimensions: int | None


@dataclass(frozen=True, slots=True)
class LinkModel:
    """A relationship field: `direction` is ``"out"`` or ``"in"`` from the owning label."""

    field: str
    rel_type: str
    direction: str
    target: str
    target_type: str
    rel_model: str


@dataclass(frozen=True, slots=True)
class LabelModel:
    """A label as a GraphQL type with its root fields."""

    label: str
    type_name: str
    root: str
    properties: tuple[PropertyModel, ...]
    links: tuple[LinkModel, ...] = ()
    vectors: tuple[VectorModel, ...] = ()

    def property(self, key: str) -> PropertyModel | None:
        """The field of a property key."""
        return next((prop for prop in self.properties if prop.key == key), None)


@dataclass(frozen=True, slots=True)
class RelTypeModel:
    """A relationship type as a GraphQL type."""

    rel_type: str
    type_name: str
    properties: tuple[PropertyModel, ...]


@dataclass(frozen=True, slots=True)
class SchemaModel:
    """Everything generated, plus notes on what was left out and why."""

    labels: tuple[LabelModel, ...] = ()
    rel_types: tuple[RelTypeModel, ...] = ()
    notes: tuple[str, ...] = ()

    def label(self, label: str) -> LabelModel | None:
        """The model of a label."""
        return next((model for model in self.labels if model.label == label), None)

    def rel_type(self, rel_type: str) -> RelTypeModel | None:
        """The model of a relationship type."""
        return next((model for model in self.rel_types if model.rel_type == rel_type), None)


def scalar_of(info: PropertyInfo) -> tuple[Scalar, bool]:
    """The scalar (and list flag) for the value types seen on a property."""
    types = set(info.types)
    if not types:
        return Scalar.JSON, False
    if all(kind.startswith("LIST<") for kind in types):
        # an empty list fits a list of any type
        elements = {kind[5:-1] for kind in types} - {"NOTHING"}
        scalar = _single(elements) if elements else None
        return (scalar, True) if scalar is not None else (Scalar.JSON, False)
    scalar = _single(types)
    return (scalar, False) if scalar is not None else (Scalar.JSON, False)


def _single(types: set[str]) -> Scalar | None:
    if types == {"INTEGER", "FLOAT"}:
        return Scalar.FLOAT
    if len(types) == 1:
        return _BY_TYPE.get(next(iter(types)))
    return None


class _Names:
    """Hands out type names, refusing duplicates."""

    def __init__(self) -> None:
        self.taken: set[str] = set(RESERVED_TYPES)

    def claim(self, *names: str) -> bool:
        if any(name in self.taken for name in names) or len(set(names)) != len(names):
            return False
        self.taken.update(names)
        return True


def _label_type_names(type_name: str) -> tuple[str, ...]:
    suffixes = ("", "Where", "Order", "Connection", "Edge", "Input", "Property", "Nearest")
    return (*(type_name + suffix for suffix in suffixes), f"{type_name}VectorProperty")


def _properties(
    infos: tuple[PropertyInfo, ...], system: frozenset[str], owner: str, notes: list[str]
) -> tuple[PropertyModel, ...]:
    out: list[PropertyModel] = []
    used: set[str] = set()
    for info in infos:
        name = sanitize(info.name)
        if name is None or name in system or name in used:
            notes.append(
                f"property '{info.name}' of {owner} has no GraphQL field "
                f"(name {'taken' if name else 'unusable'}); read it from _properties"
            )
            continue
        used.add(name)
        scalar, is_list = scalar_of(info)
        out.append(PropertyModel(info.name, name, scalar, is_list))
    return tuple(out)


def build_model(graph: GraphSchema) -> SchemaModel:
    """The typed schema for a graph schema (see the module docstring)."""
    notes: list[str] = []
    names = _Names()
    rel_models: dict[str, RelTypeModel] = {}
    for rel in graph.relationship_types:
        base = pascal(rel.name)
        type_name = f"{base}Relationship" if base else None
        derived = (type_name, f"{type_name}Where", f"{type_name}Input", f"{type_name}Property")
        if type_name is None or not names.claim(*(name for name in derived if name)):
            notes.append(f"relationship type '{rel.name}' has no GraphQL type (name clash)")
            continue
        props = _properties(rel.properties, REL_SYSTEM_FIELDS, f"type '{rel.name}'", notes)
        rel_models[rel.name] = RelTypeModel(rel.name, type_name, props)
    label_names: dict[str, tuple[str, str]] = {}
    roots: set[str] = set()
    for label in graph.labels:
        type_name = sanitize(label.name)
        if type_name is not None and type_name in RESERVED_TYPES:
            type_name = f"{type_name}Label"
        root = lower_first(type_name) if type_name else None
        if root in RESERVED_ROOTS:
            type_name, root = f"{type_name}Label", f"{root}Label"
        if type_name is None or root is None or root in roots:
            notes.append(f"label '{label.name}' has no GraphQL type (name unusable or taken)")
            continue
        if not names.claim(*_label_type_names(type_name)):
            notes.append(f"label '{label.name}' has no GraphQL type (name clash)")
            continue
        roots.add(root)
        label_names[label.name] = (type_name, root)
    labels = []
    for label in graph.labels:
        if label.name not in label_names:
            continue
        type_name, root = label_names[label.name]
        props = _properties(label.properties, NODE_SYSTEM_FIELDS, f"label '{label.name}'", notes)
        links = _links(
            graph, label.name, label_names, rel_models, {p.field for p in props}, names, notes
        )
        vectors = _vectors(graph, label.name, props)
        labels.append(LabelModel(label.name, type_name, root, props, links, vectors))
    return SchemaModel(tuple(labels), tuple(rel_models.values()), tuple(notes))


def _links(
    graph: GraphSchema,
    label: str,
    label_names: dict[str, tuple[str, str]],
    rel_models: dict[str, RelTypeModel],
    taken: set[str],
    names: _Names,
    notes: list[str],
) -> tuple[LinkModel, ...]:
    wanted: dict[tuple[str, str], list[str]] = {}
    for pattern in graph.patterns:
        if pattern.type not in rel_models:
            continue
        if pattern.start == label and pattern.end in label_names:
            wanted.setdefault(("out", pattern.type), []).append(pattern.end)
        if pattern.end == label and pattern.start in label_names:
            wanted.setdefault(("in", pattern.type), []).append(pattern.start)
    links = []
    used = set(taken) | NODE_SYSTEM_FIELDS
    for (direction, rel_type), targets in sorted(wanted.items()):
        base = direction + (pascal(rel_type) or "")
        for target in sorted(set(targets)):
            target_type = label_names[target][0]
            field = base if len(set(targets)) == 1 else f"{base}{target_type}"
            variants = (field, f"{field}Connection", f"{field}Count")
            owner = label_names[label][0] + field[0].upper() + field[1:]
            if any(name in used for name in variants) or not names.claim(
                f"{owner}Connection", f"{owner}Edge"
            ):
                notes.append(f"relationship field '{field}' of label '{label}' clashes; left out")
                continue
            used.update(variants)
            links.append(
                LinkModel(
                    field, rel_type, direction, target, target_type, rel_models[rel_type].type_name
                )
            )
    return tuple(links)


def _vectors(
    graph: GraphSchema, label: str, props: tuple[PropertyModel, ...]
) -> tuple[VectorModel, ...]:
    out = []
    for index in graph.indexes:
        if index.kind != "vector" or index.label != label or len(index.properties) != 1:
            continue
        key = index.properties[0]
        prop = next((p for p in props if p.key == key), None)
        field = prop.field if prop is not None else sanitize(key)
        if field is None:
            continue
        dimensions = index.options.get("dimensions")
        out.append(
            VectorModel(
                index.name,
                key,
                field,
                str(index.options.get("metric", "cosine")).lower(),
                int(dimensions) if isinstance(dimensions, int) else None,
            )
        )
    return tuple(out)
