"""The typed part of the GraphQL schema, generated from the graph's labels and relationships.

`generate(model)` turns a `SchemaModel` (see `engram.server.typed.model`) into the root
query and mutation fields of every label and relationship type; docs/server.md
("The typed schema") describes what a client sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.types.field import StrawberryField

from engram.server.typed.model import SchemaModel, build_model
from engram.server.typed.mutations import label_mutations, relationship_mutations
from engram.server.typed.objects import finish_objects
from engram.server.typed.registry import build_registry
from engram.server.typed.roots import root_fields
from engram.server.typed.scalars import SCALAR_MAP

__all__ = ["SCALAR_MAP", "GeneratedFields", "build_model", "generate"]


@dataclass(frozen=True, slots=True)
class GeneratedFields:
    """Root fields of the typed schema."""

    query: tuple[StrawberryField, ...]
    mutation: tuple[StrawberryField, ...]


def generate(model: SchemaModel) -> GeneratedFields:
    """Fresh strawberry types and root fields for `model`."""
    registry = build_registry(model)
    finish_objects(registry)
    query: list[StrawberryField] = []
    mutation: list[StrawberryField] = []
    for types in registry.labels.values():
        query += root_fields(types)
        mutation += label_mutations(types)
    for rel_types in registry.rel_types.values():
        mutation += relationship_mutations(rel_types)
    return GeneratedFields(tuple(query), tuple(mutation))
