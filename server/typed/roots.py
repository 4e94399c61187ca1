"""Root query fields of every label: one node by id, a list, a connection and a count.

For the label `Person`: `person(_id)`, `personList(where, orderBy, limit, offset,
nearest)`, `personConnection(where, orderBy, first, after, last, before, nearest)` and
`personCount(where)`. A list without `limit` returns every match up to the server's row
limit; a connection without `first` / `last` returns `default_list_size` nodes. `nearest`
(labels with a vector index) returns the k most similar nodes, best first, and cannot
be combined with `orderBy` or cursors.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from engram.server.auth import Role
from engram.server.context import RequestContext
from engram.server.errors import BadUserInput
from engram.server.typed.cursors import after_condition, decode
from engram.server.typed.dynamic import Argument, list_of, make_field
from engram.server.typed.inputs import Params, compile_order, compile_where, parse_id
from engram.server.typed.objects import connection_arguments, list_arguments
from engram.server.typed.pages import (
    ConnectionRow,
    NodeRow,
    check_window,
    make_connection,
    page_request,
    reversed_keys,
)
from engram.server.typed.registry import LabelTypes
from engram.server.typed.statements import Nearest, count_nodes, select_nodes

__all__ = ["root_fields"]

_DEFAULT_K = 10


def _given(value: Any) -> bool:
    return value is not None and value is not strawberry.UNSET


def parse_nearest(types: LabelTypes, value: Any, max_rows: int) -> Nearest | None:
    """The vector search a `nearest` argument asks for."""
    if not _given(value):
        return None
    vectors = types.model.vectors
    chosen = getattr(value, "property_", strawberry.UNSET)
    if _given(chosen):
        index = chosen.value if hasattr(chosen, "value") else chosen
        vector = next((v for v in vectors if v.index == index), None)
    elif len(vectors) == 1:
        vector = vectors[0]
    else:
        raise BadUserInput("nearest.property is needed: the label has several vector indexes")
    if vector is None:
        raise BadUserInput("nearest.property names no vector index of the label")
    k = value.k if _given(value.k) else _DEFAULT_K
    if not 1 <= k <= max_rows:
        raise BadUserInput(f"nearest.k must be between 1 and {max_rows}")
    query = [float(item) for item in value.vector]
    if not query:
        raise BadUserInput("nearest.vector is empty")
    if vector.dimensions is not None and len(query) != vector.dimensions:
        raise BadUserInput(
            f"nearest.vector has {len(query)} dimensions; the index "
            f"'{vector.index}' has {vector.dimensions}"
        )
    return Nearest(vector, query, k)


def _nearest_argument(types: LabelTypes) -> list[Argument]:
    if types.nearest is None:
        return []
    return [
        Argument(
            "nearest",
            "nearest",
            types.nearest | None,
            None,
            "The k nodes most similar to a vector (a vector index search).",
        )
    ]


async def _read(info: Any, text: str, params: Params) -> list[tuple[Any, ...]]:
    context: RequestContext = info.context
    principal = context.require(Role.READER)
    outcome = await context.state.runner.read(text, params.values, principal)
    return outcome.rows


async def get_node(types: LabelTypes, root: Any, info: Any, id_: strawberry.ID) -> NodeRow | None:
    """One node of the label by id (null when there is none)."""
    params = Params()
    condition = f"id(n) = {params.add(parse_id(id_))}"
    rows = await _read(info, select_nodes(types.model.label, [condition], [], params), params)
    return NodeRow(rows[0][0]) if rows else None


async def list_nodes(
    types: LabelTypes,
    root: Any,
    info: Any,
    where: Any = None,
    order_by: list[Any] | None = None,
    limit: int | None = None,
    offset: int | None = None,
    nearest: Any = None,
) -> list[NodeRow]:
    """Nodes of the label, filtered, sorted and paged."""
    check_window(limit, offset)
    max_rows = info.context.state.settings.limits.max_rows
    search = parse_nearest(types, nearest, max_rows)
    keys = compile_order(order_by, types.order_spec)
    if search is not None and keys:
        raise BadUserInput("nearest sorts by similarity; leave out orderBy")
    params = Params()
    condition = compile_where(where, types.where_spec, "n", params)
    text = select_nodes(
        types.model.label,
        [condition],
        keys,
        params,
        skip=offset,
        limit=limit if limit is not None else max_rows + 1,
        nearest=search,
    )
    rows = await _read(info, text, params)
    if search is not None:
        rows = rows[: limit if limit is not None else len(rows)]
        return [NodeRow(node, score) for node, score in rows]
    return [NodeRow(row[0]) for row in rows]


def _counter(types: LabelTypes, info: Any, where: Any) -> Callable[[], Awaitable[int]]:
    async def total() -> int:
        params = Params()
        condition = compile_where(where, types.where_spec, "n", params)
        rows = await _read(info, count_nodes(types.model.label, [condition]), params)
        return int(rows[0][0])

    return total


async def count(types: LabelTypes, root: Any, info: Any, where: Any = None) -> int:
    """How many nodes of the label match."""
    return await _counter(types, info, where)()


async def connection(
    types: LabelTypes,
    root: Any,
    info: Any,
    where: Any = None,
    order_by: list[Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    nearest: Any = None,
) -> ConnectionRow:
    """A page of the label's nodes, with cursors."""
    limits = info.context.state.settings.limits
    request = page_request(first, after, last, before, limits.default_list_size)
    keys = compile_order(order_by, types.order_spec)
    search = parse_nearest(types, nearest, limits.max_rows)
    if search is not None and (keys or request.cursor is not None or request.backward):
        raise BadUserInput("nearest returns one page, best first: use first, not cursors")
    params = Params()
    conditions = [compile_where(where, types.where_spec, "n", params)]
    read_keys = reversed_keys(keys) if request.backward else keys
    if request.cursor is not None:
        values, tiebreak = decode(request.cursor, keys)
        conditions.append(
            after_condition(
                read_keys,
                values,
                tiebreak,
                "n",
                "id(n)",
                params,
                tiebreak_descending=request.backward,
            )
        )
    text = select_nodes(
        types.model.label,
        conditions,
        read_keys,
        params,
        limit=request.size + 1,
        descending_tiebreak=request.backward,
        nearest=search,
    )
    rows = await _read(info, text, params)
    if search is not None:
        found = [(NodeRow(node, score), None) for node, score in rows[: request.size + 1]]
    else:
        found = [(NodeRow(row[0]), None) for row in rows]
    return make_connection(found, keys, request, _counter(types, info, where))


def root_fields(types: LabelTypes) -> list[StrawberryField]:
    """The root query fields of one label."""
    root = types.model.root
    name = types.model.type_name
    nearest = _nearest_argument(types)
    return [
        make_field(
            root,
            types.obj | None,
            functools.partial(get_node, types),
            [Argument("id_", "_id", strawberry.ID)],
            f"The {name} node with this id (null if there is none).",
        ),
        make_field(
            f"{root}List",
            list_of(types.obj),
            functools.partial(list_nodes, types),
            [*list_arguments(types), *nearest],
            f"{name} nodes, filtered, sorted and paged.",
        ),
        make_field(
            f"{root}Connection",
            types.connection,
            functools.partial(connection, types),
            [*connection_arguments(types), *nearest],
            f"A page of {name} nodes with cursors, and their total count.",
        ),
        make_field(
            f"{root}Count",
            int,
            functools.partial(count, types),
            [Argument("where", "where", types.where | None, None)],
            f"How many {name} nodes match.",
        ),
    ]
