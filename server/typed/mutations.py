"""Typed mutations: create, update and delete nodes of a label and relationships of a type.

For the label `Person`: `createPerson(input)`, `createPersonList(input: [...])`,
`updatePerson(_id, set, remove)`, `updatePersonWhere(where, set, remove)`,
`deletePerson(_id, detach)` and `deletePersonWhere(where, detach)`; for the type `KNOWS`:
`createKnowsRelationship(from, to, input)`, `updateKnowsRelationship(_id, set, remove)`
and `deleteKnowsRelationship(_id)`. In `set`, a field given as null removes the property;
`_properties` adds keys the schema does not know yet. Each mutation is one transaction
and needs the writer role.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from engram import Relationship
from engram.server.auth import Role
from engram.server.context import RequestContext
from engram.server.errors import BadUserInput, NotFound
from engram.server.operations import check_params
from engram.server.typed import statements
from engram.server.typed.dynamic import Argument, list_of, make_field
from engram.server.typed.inputs import Params, compile_where, parse_id
from engram.server.typed.model import PropertyModel
from engram.server.typed.pages import NodeRow
from engram.server.typed.registry import LabelTypes, RelTypes

__all__ = ["label_mutations", "relationship_mutations"]


def _given(value: Any) -> bool:
    return value is not strawberry.UNSET


def _values(
    data: Any, spec: Mapping[str, PropertyModel], *, keep_nulls: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Typed values by property key, and the extra `_properties` object."""
    typed: dict[str, Any] = {}
    if data is None or not _given(data):
        return typed, {}
    for attribute, prop in spec.items():
        value = getattr(data, attribute, strawberry.UNSET)
        if not _given(value) or (value is None and not keep_nulls):
            continue
        typed[prop.key] = value
    extra = getattr(data, "extra_", strawberry.UNSET)
    extra_values = check_params(extra) if _given(extra) and extra is not None else {}
    clash = sorted(set(extra_values) & set(typed))
    if clash:
        raise BadUserInput(f"'{clash[0]}' is given both as a field and in _properties")
    return typed, extra_values


async def _write(info: Any, text: str, params: Params) -> list[tuple[Any, ...]]:
    context: RequestContext = info.context
    principal = context.require(Role.WRITER)
    outcome = await context.state.runner.write(text, params.values, principal)
    await context.state.schemas.settle()
    return outcome.rows


def _setters(
    var: str, spec: Mapping[str, PropertyModel], data: Any, params: Params, *, keep_nulls: bool
) -> tuple[list[str], str | None]:
    typed, extra = _values(data, spec, keep_nulls=keep_nulls)
    sets = statements.assignments(var, [(prop, "") for prop in spec.values()], params, typed)
    return sets, (params.add(extra) if extra else None)


def _removals(remove: Any) -> list[str]:
    if not remove:
        return []
    return [item.value if hasattr(item, "value") else str(item) for item in remove]


async def create_node(types: LabelTypes, root: Any, info: Any, input: Any) -> NodeRow:
    """Create one node."""
    params = Params()
    sets, extra = _setters("n", types.input_spec, input, params, keep_nulls=False)
    rows = await _write(info, statements.create_node(types.model.label, sets, extra), params)
    return NodeRow(rows[0][0])


async def create_nodes(types: LabelTypes, root: Any, info: Any, input: list[Any]) -> list[NodeRow]:
    """Create several nodes in one transaction."""
    if not input:
        return []
    rows = []
    for item in input:
        typed, extra = _values(item, types.input_spec, keep_nulls=False)
        rows.append({"p": typed, "x": extra})
    params = Params()
    props = list(types.input_spec.values())
    text = statements.create_nodes(types.model.label, props, params.add(rows))
    return [NodeRow(row[0]) for row in await _write(info, text, params)]


async def _update_nodes(
    types: LabelTypes,
    root: Any,
    info: Any,
    *,
    condition: str,
    params: Params,
    set_: Any,
    remove: Any,
) -> list[NodeRow]:
    sets, extra = _setters("n", types.input_spec, set_, params, keep_nulls=True)
    text = statements.update_nodes(types.model.label, [condition], sets, _removals(remove), extra)
    return [NodeRow(row[0]) for row in await _write(info, text, params)]


async def update_node(
    types: LabelTypes,
    root: Any,
    info: Any,
    id_: strawberry.ID,
    set_: Any = None,
    remove: Any = None,
) -> NodeRow | None:
    """Set and remove properties of one node (null when there is none)."""
    params = Params()
    condition = f"id(n) = {params.add(parse_id(id_))}"
    found = await _update_nodes(
        types, root, info, condition=condition, params=params, set_=set_, remove=remove
    )
    return found[0] if found else None


async def update_where(
    types: LabelTypes, root: Any, info: Any, where: Any, set_: Any = None, remove: Any = None
) -> list[NodeRow]:
    """Set and remove properties of every matching node."""
    params = Params()
    condition = compile_where(where, types.where_spec, "n", params) or "true"
    return await _update_nodes(
        types, root, info, condition=condition, params=params, set_=set_, remove=remove
    )


async def delete_node(
    types: LabelTypes, root: Any, info: Any, id_: strawberry.ID, detach: bool = False
) -> bool:
    """Delete one node (false when there is none)."""
    params = Params()
    condition = f"id(n) = {params.add(parse_id(id_))}"
    rows = await _write(
        info, statements.delete_node(types.model.label, [condition], detach), params
    )
    return bool(rows and rows[0][0])


async def delete_where(
    types: LabelTypes, root: Any, info: Any, where: Any, detach: bool = False
) -> int:
    """Delete every matching node; returns how many."""
    params = Params()
    condition = compile_where(where, types.where_spec, "n", params)
    rows = await _write(
        info, statements.delete_node(types.model.label, [condition], detach), params
    )
    return int(rows[0][0]) if rows else 0


def _set_remove(input_type: type, property_enum: Any) -> list[Argument]:
    arguments = [Argument("set_", "set", input_type | None, None, "Properties to set.")]
    if property_enum is not None:
        arguments.append(
            Argument("remove", "remove", list[property_enum] | None, None, "Properties to remove.")
        )
    return arguments


def label_mutations(types: LabelTypes) -> list[StrawberryField]:
    """The typed mutations of one label."""
    name = types.model.type_name
    obj = types.obj
    identity = Argument("id_", "_id", strawberry.ID)
    detach = Argument("detach", "detach", bool, False, "Delete its relationships too.")
    where = Argument("where", "where", types.where)
    changes = _set_remove(types.input, types.property_enum)
    partial = functools.partial
    return [
        make_field(
            f"create{name}",
            obj,
            partial(create_node, types),
            [Argument("input", "input", types.input)],
            f"Create a {name} node.",
        ),
        make_field(
            f"create{name}List",
            list_of(obj),
            partial(create_nodes, types),
            [Argument("input", "input", list_of(types.input))],
            f"Create several {name} nodes in one transaction.",
        ),
        make_field(
            f"update{name}",
            obj | None,
            partial(update_node, types),
            [identity, *changes],
            f"Change one {name} node (null if there is none).",
        ),
        make_field(
            f"update{name}Where",
            list_of(obj),
            partial(update_where, types),
            [where, *changes],
            f"Change every matching {name} node.",
        ),
        make_field(
            f"delete{name}",
            bool,
            partial(delete_node, types),
            [identity, detach],
            f"Delete one {name} node (false if there is none).",
        ),
        make_field(
            f"delete{name}Where",
            int,
            partial(delete_where, types),
            [where, detach],
            f"Delete every matching {name} node; returns how many.",
        ),
    ]


async def create_relationship(
    types: RelTypes,
    root: Any,
    info: Any,
    from_: strawberry.ID,
    to: strawberry.ID,
    input: Any = None,
) -> Relationship:
    """Create a relationship between two existing nodes."""
    params = Params()
    start, end = parse_id(from_), parse_id(to)
    sets, extra = _setters("r", types.input_spec, input, params, keep_nulls=False)
    text = statements.create_relationship(
        types.model.rel_type, params.add(start), params.add(end), sets, extra
    )
    rows = await _write(info, text, params)
    if not rows:
        raise NotFound(f"node {start} or node {end} does not exist")
    rel = rows[0][0]
    assert isinstance(rel, Relationship)
    return rel


async def update_relationship(
    types: RelTypes, root: Any, info: Any, id_: strawberry.ID, set_: Any = None, remove: Any = None
) -> Relationship | None:
    """Set and remove properties of one relationship (null when there is none)."""
    params = Params()
    rel_id = params.add(parse_id(id_))
    sets, extra = _setters("r", types.input_spec, set_, params, keep_nulls=True)
    text = statements.update_relationship(
        types.model.rel_type, rel_id, sets, _removals(remove), extra
    )
    rows = await _write(info, text, params)
    return rows[0][0] if rows else None


async def delete_relationship(types: RelTypes, root: Any, info: Any, id_: strawberry.ID) -> bool:
    """Delete one relationship (false when there is none)."""
    params = Params()
    text = statements.delete_relationship(types.model.rel_type, params.add(parse_id(id_)))
    rows = await _write(info, text, params)
    return bool(rows and rows[0][0])


def relationship_mutations(types: RelTypes) -> list[StrawberryField]:
    """The typed mutations of one relationship type."""
    name = types.model.type_name
    identity = Argument("id_", "_id", strawberry.ID)
    partial = functools.partial
    return [
        make_field(
            f"create{name}",
            types.obj,
            partial(create_relationship, types),
            [
                Argument("from_", "from", strawberry.ID, description="Id of the start node."),
                Argument("to", "to", strawberry.ID, description="Id of the end node."),
                Argument("input", "input", types.input | None, None),
            ],
            f"Create a '{types.model.rel_type}' relationship.",
        ),
        make_field(
            f"update{name}",
            types.obj | None,
            partial(update_relationship, types),
            [identity, *_set_remove(types.input, types.property_enum)],
            f"Change one '{types.model.rel_type}' relationship.",
        ),
        make_field(
            f"delete{name}",
            bool,
            partial(delete_relationship, types),
            [identity],
            f"Delete one '{types.model.rel_type}' relationship.",
        ),
    ]
