"""Finishing the generated object types: label types, relationship types, edges, connections.

A label type has `_id`, `_labels`, `_properties` (every property as JSON, typed or not),
`_score` (set by a vector search), one field per property, and three fields per
relationship pattern: the list (`outKnows`), the connection (`outKnowsConnection`) and
the count (`outKnowsCount`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.field import StrawberryField

from engram.server.context import RequestContext
from engram.server.typed.dynamic import Argument, finish_object, list_of, make_field
from engram.server.typed.inputs import PageInfo
from engram.server.typed.links import LinkSpec, link_connection, link_count, link_list
from engram.server.typed.model import PropertyModel
from engram.server.typed.pages import ConnectionRow
from engram.server.typed.registry import LabelTypes, Registry, RelTypes
from engram.server.typed.scalars import SchemaMismatch, annotation, output_value
from engram.server.values import properties_json

__all__ = ["finish_objects", "link_arguments", "list_arguments"]


def _property_field(prop: PropertyModel, read: Callable[[Any], Any]) -> StrawberryField:
    def resolve(root: Any, info: Any) -> Any:
        try:
            return output_value(prop, read(root))
        except SchemaMismatch:
            context: RequestContext = info.context
            context.state.schemas.mark_dirty()
            raise

    return make_field(prop.field, annotation(prop), resolve, description=f"Property '{prop.key}'.")


def list_arguments(types: LabelTypes) -> list[Argument]:
    """The where / orderBy / limit / offset arguments of a list field."""
    return [
        Argument("where", "where", types.where | None, None),
        Argument("order_by", "orderBy", list_of(types.order) | None, None),
        Argument("limit", "limit", int | None, None, "At most this many nodes."),
        Argument("offset", "offset", int | None, None, "Skip this many nodes first."),
    ]


def connection_arguments(types: LabelTypes) -> list[Argument]:
    """The where / orderBy / first / after / last / before arguments of a connection."""
    return [
        Argument("where", "where", types.where | None, None),
        Argument("order_by", "orderBy", list_of(types.order) | None, None),
        Argument("first", "first", int | None, None, "Page size, reading forward."),
        Argument("after", "after", str | None, None, "Continue after this cursor."),
        Argument("last", "last", int | None, None, "Page size, reading backward."),
        Argument("before", "before", str | None, None, "Continue before this cursor."),
    ]


def link_arguments(spec: LinkSpec) -> list[Argument]:
    """The relationship condition every relationship field takes."""
    return [
        Argument(
            "relationship_where",
            "relationshipWhere",
            spec.rel.where | None,
            None,
            "Conditions on the relationship.",
        )
    ]


def _link_fields(spec: LinkSpec) -> list[StrawberryField]:
    field = spec.link.field
    target = spec.target
    connection, _ = spec.link_types
    lists = list_arguments(target)
    relation = link_arguments(spec)
    return [
        make_field(
            field,
            list_of(target.obj),
            functools.partial(link_list, spec),
            [*lists[:1], *relation, *lists[1:]],
            f"{target.model.type_name} nodes at the end of '{spec.link.rel_type}' "
            f"relationships ({'outgoing' if spec.link.direction == 'out' else 'incoming'}).",
        ),
        make_field(
            f"{field}Connection",
            connection,
            functools.partial(link_connection, spec),
            [*connection_arguments(target)[:1], *relation, *connection_arguments(target)[1:]],
            f"A page of {field}, with the relationships and cursors.",
        ),
        make_field(
            f"{field}Count",
            int,
            functools.partial(link_count, spec),
            [Argument("where", "where", target.where | None, None), *relation],
            f"How many {field} there are.",
        ),
    ]


def _system_node_fields() -> list[StrawberryField]:
    return [
        make_field("_id", strawberry.ID, lambda root, info: strawberry.ID(str(root.node.id))),
        make_field("_labels", list[str], lambda root, info: sorted(root.node.labels)),
        make_field("_properties", JSON, lambda root, info: properties_json(root.node.properties)),
        make_field(
            "_score",
            float | None,
            lambda root, info: root.score,
            description="Similarity to the query vector (vector searches only).",
        ),
    ]


def _rel_fields(types: RelTypes) -> list[StrawberryField]:
    fields = [
        make_field("_id", strawberry.ID, lambda root, info: strawberry.ID(str(root.id))),
        make_field("_type", str, lambda root, info: root.type),
        make_field("_start", strawberry.ID, lambda root, info: strawberry.ID(str(root.start))),
        make_field("_end", strawberry.ID, lambda root, info: strawberry.ID(str(root.end))),
        make_field("_properties", JSON, lambda root, info: properties_json(root.properties)),
    ]
    fields += [
        _property_field(prop, lambda root: root.properties) for prop in types.model.properties
    ]
    return fields


def _edge_and_connection(
    edge: type, connection: type, node: type, rel: type | None, description: str
) -> None:
    edge_fields = [
        make_field("cursor", str, lambda root, info: root.cursor),
        make_field("node", node, lambda root, info: root.node),
    ]
    if rel is not None:
        edge_fields.append(make_field("relationship", rel, lambda root, info: root.relationship))
    finish_object(edge, edge_fields, f"An edge of {description}.")

    async def total(root: ConnectionRow, info: Any) -> int:
        return await root.total()

    finish_object(
        connection,
        [
            make_field("edges", list_of(edge), lambda root, info: root.edges),
            make_field(
                "nodes",
                list_of(node),
                lambda root, info: [edge_row.node for edge_row in root.edges],
            ),
            make_field("pageInfo", PageInfo, lambda root, info: root.page_info),
            make_field("totalCount", int, total, description="Every match, over all pages."),
        ],
        f"A page of {description}.",
    )


def finish_objects(registry: Registry) -> None:
    """Finish every object type of the registry (inputs must be finished already)."""
    for rel_types in registry.rel_types.values():
        finish_object(
            rel_types.obj,
            _rel_fields(rel_types),
            f"A '{rel_types.model.rel_type}' relationship.",
        )
    for types in registry.labels.values():
        fields = _system_node_fields()
        fields += [
            _property_field(prop, lambda root: root.node.properties)
            for prop in types.model.properties
        ]
        for link in types.model.links:
            spec = LinkSpec(
                types.model.type_name,
                link,
                registry.labels[link.target],
                registry.rel_types[link.rel_type],
                types.link_types[link.field],
            )
            fields += _link_fields(spec)
        finish_object(types.obj, fields, f"A node with the label '{types.model.label}'.")
        _edge_and_connection(
            types.edge, types.connection, types.obj, None, f"{types.model.type_name} nodes"
        )
    for types in registry.labels.values():
        for link in types.model.links:
            connection, edge = types.link_types[link.field]
            _edge_and_connection(
                edge,
                connection,
                registry.labels[link.target].obj,
                registry.rel_types[link.rel_type].obj,
                f"{types.model.type_name}.{link.field}",
            )
