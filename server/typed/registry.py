"""The generated classes of one typed schema: shells for object types, finished inputs and enums.

`build_registry` creates, for every label, its object type shell and its `Where`,
`Order`, `Input`, `Property` and `Nearest` inputs and enums, and for every relationship
type the same minus ordering; object types are finished afterwards by
`engram.server.typed.objects`, once every class they refer to exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from strawberry.scalars import JSON

from engram.server.typed.cursors import ID_PROPERTY
from engram.server.typed.dynamic import InputField, finish_input, list_of, make_enum, shell
from engram.server.typed.inputs import FILTERS, SortDirection, WhereSpec, filter_type
from engram.server.typed.model import LabelModel, PropertyModel, RelTypeModel, SchemaModel
from engram.server.typed.scalars import annotation

__all__ = ["LabelTypes", "Registry", "RelTypes", "build_registry"]


@dataclass(eq=False)
class RelTypes:
    """Generated classes of one relationship type."""

    model: RelTypeModel
    obj: type
    where: type
    where_spec: WhereSpec
    input: type
    input_spec: Mapping[str, PropertyModel]
    property_enum: Any


@dataclass(eq=False)
class LabelTypes:
    """Generated classes of one label."""

    model: LabelModel
    obj: type
    where: type
    where_spec: WhereSpec
    order: type
    order_spec: Mapping[str, PropertyModel]
    input: type
    input_spec: Mapping[str, PropertyModel]
    property_enum: Any
    nearest: type | None
    connection: type
    edge: type
    link_types: dict[str, tuple[type, type]] = field(default_factory=dict)


@dataclass(eq=False)
class Registry:
    """Every generated class, by label and relationship type."""

    labels: dict[str, LabelTypes]
    rel_types: dict[str, RelTypes]


def _attribute(position: int) -> str:
    return f"f{position}"


def _where(name: str, props: tuple[PropertyModel, ...], description: str) -> tuple[type, WhereSpec]:
    cls = shell(f"{name}Where")
    fields = [InputField("id_", "_id", FILTERS[(None, False)] | None, "Conditions on the id.")]
    spec = {}
    for position, prop in enumerate(props):
        attribute = _attribute(position)
        spec[attribute] = prop
        fields.append(InputField(attribute, prop.field, filter_type(prop) | None))
    fields += [
        InputField("and_", "AND", list_of(cls) | None, "Every condition holds."),
        InputField("or_", "OR", list_of(cls) | None, "At least one condition holds."),
        InputField("not_", "NOT", cls | None, "The condition does not hold."),
    ]
    return finish_input(cls, fields, description), WhereSpec(spec)


def _input(
    name: str, props: tuple[PropertyModel, ...], description: str
) -> tuple[type, dict[str, PropertyModel]]:
    fields = []
    spec = {}
    for position, prop in enumerate(props):
        attribute = _attribute(position)
        spec[attribute] = prop
        fields.append(InputField(attribute, prop.field, annotation(prop)))
    fields.append(
        InputField(
            "extra_",
            "_properties",
            JSON | None,
            "More properties as a JSON object (keys the schema does not have yet).",
        )
    )
    return finish_input(shell(name), fields, description), spec


def _property_enum(name: str, props: tuple[PropertyModel, ...]) -> Any:
    if not props:
        return None
    return make_enum(name, [(prop.field, prop.key) for prop in props], "A property, to remove it.")


def _label_types(model: LabelModel) -> LabelTypes:
    name = model.type_name
    where, where_spec = _where(name, model.properties, f"Conditions on {name} nodes.")
    order_fields = [InputField("id_", "_id", SortDirection | None)]
    order_spec: dict[str, PropertyModel] = {"id_": ID_PROPERTY}
    for position, prop in enumerate(model.properties):
        if prop.is_orderable:
            attribute = _attribute(position)
            order_spec[attribute] = prop
            order_fields.append(InputField(attribute, prop.field, SortDirection | None))
    order = finish_input(
        shell(f"{name}Order"), order_fields, f"A sort key of {name} (one field per element)."
    )
    input_cls, input_spec = _input(f"{name}Input", model.properties, f"Properties of a {name}.")
    nearest = None
    if model.vectors:
        choices = make_enum(
            f"{name}VectorProperty",
            [(vector.field, vector.index) for vector in model.vectors],
            "A property with a vector index.",
        )
        nearest = finish_input(
            shell(f"{name}Nearest"),
            [
                InputField("vector", "vector", list[float]),
                InputField("k", "k", int | None, "How many nodes (default 10)."),
                InputField(
                    "property_",
                    "property",
                    choices | None,
                    "Which vector property (needed when there are several).",
                ),
            ],
            f"A similarity search over {name} nodes' vectors.",
        )
    return LabelTypes(
        model=model,
        obj=shell(name),
        where=where,
        where_spec=where_spec,
        order=order,
        order_spec=order_spec,
        input=input_cls,
        input_spec=input_spec,
        property_enum=_property_enum(f"{name}Property", model.properties),
        nearest=nearest,
        connection=shell(f"{name}Connection"),
        edge=shell(f"{name}Edge"),
    )


def _rel_types(model: RelTypeModel) -> RelTypes:
    name = model.type_name
    where, where_spec = _where(name, model.properties, f"Conditions on {name}s.")
    input_cls, input_spec = _input(f"{name}Input", model.properties, f"Properties of a {name}.")
    return RelTypes(
        model=model,
        obj=shell(name),
        where=where,
        where_spec=where_spec,
        input=input_cls,
        input_spec=input_spec,
        property_enum=_property_enum(f"{name}Property", model.properties),
    )


def build_registry(model: SchemaModel) -> Registry:
    """Shells and inputs for every label and relationship type of `model`."""
    labels = {label.label: _label_types(label) for label in model.labels}
    rel_types = {rel.rel_type: _rel_types(rel) for rel in model.rel_types}
    for types in labels.values():
        for link in types.model.links:
            owner = types.model.type_name + link.field[0].upper() + link.field[1:]
            types.link_types[link.field] = (shell(f"{owner}Connection"), shell(f"{owner}Edge"))
    return Registry(labels, rel_types)
