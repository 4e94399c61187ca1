"""Relationship fields (`outKnows`, `inActedInConnection`, `outKnowsCount`), batched per request.

A relationship field asked for on many nodes (every person of a page) runs one
statement for all of them: a data loader per field and argument set collects the parent
ids of one execution step and the statement starts from all of them (`UNWIND $ids`).
Results are split per parent; paging is pushed into the statement when there is a
single parent and applied per parent otherwise.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from strawberry.dataloader import DataLoader

from engram import Node, Relationship
from engram.server.auth import Principal, Role
from engram.server.context import RequestContext
from engram.server.typed.cursors import after_condition, decode
from engram.server.typed.inputs import Params, compile_order, compile_where
from engram.server.typed.model import LinkModel
from engram.server.typed.pages import (
    ConnectionRow,
    NodeRow,
    check_window,
    make_connection,
    page_request,
    reversed_keys,
)
from engram.server.typed.registry import LabelTypes, RelTypes
from engram.server.typed.statements import count_links, select_links

__all__ = ["LinkSpec", "link_connection", "link_count", "link_list"]


@dataclass(frozen=True, slots=True)
class LinkSpec:
    """A relationship field with the generated classes of its target and relationship."""

    owner: str
    link: LinkModel
    target: LabelTypes
    rel: RelTypes
    link_types: tuple[type, type]  # the field's connection and edge types


def _loader(
    context: RequestContext, key: tuple[Any, ...], batch: Callable[[list[int]], Awaitable[Any]]
) -> DataLoader[int, Any]:
    loader = context.loaders.get(key)
    if loader is None:
        loader = context.loaders[key] = DataLoader(load_fn=batch)
    return loader


def _conditions(
    spec: LinkSpec, where: Any, relationship_where: Any, params: Params
) -> list[str | None]:
    return [
        compile_where(where, spec.target.where_spec, "n", params),
        compile_where(relationship_where, spec.rel.where_spec, "r", params),
    ]


async def _read(
    context: RequestContext, principal: Principal, text: str, params: Params
) -> list[tuple[Any, ...]]:
    outcome = await context.state.runner.read(text, params.values, principal)
    return outcome.rows


def _group(rows: Sequence[tuple[Any, ...]]) -> dict[int, list[tuple[NodeRow, Relationship]]]:
    grouped: dict[int, list[tuple[NodeRow, Relationship]]] = {}
    for parent, rel, node in rows:
        assert isinstance(node, Node)
        grouped.setdefault(int(parent), []).append((NodeRow(node), rel))
    return grouped


async def link_list(
    spec: LinkSpec,
    root: NodeRow,
    info: Any,
    where: Any = None,
    relationship_where: Any = None,
    order_by: list[Any] | None = None,
    limit: int | None = None,
    offset: int | None = None,
) -> list[NodeRow]:
    """The related nodes of `root`, sorted and paged."""
    context: RequestContext = info.context
    principal = context.require(Role.READER)
    check_window(limit, offset)
    keys = compile_order(order_by, spec.target.order_spec)
    max_rows = context.state.settings.limits.max_rows

    async def batch(parents: list[int]) -> list[list[NodeRow]]:
        params = Params()
        conditions = _conditions(spec, where, relationship_where, params)
        single_limit = limit if limit is not None else max_rows + 1
        text = select_links(
            spec.link, parents, conditions, keys, params, skip=offset, limit=single_limit
        )
        grouped = _group(await _read(context, principal, text, params))
        start = offset or 0
        out = []
        for parent in parents:
            rows = [node for node, _ in grouped.get(parent, [])]
            if len(parents) > 1:
                rows = rows[start : None if limit is None else start + limit]
            out.append(rows)
        return out

    key = (
        "list",
        spec.owner,
        spec.link.field,
        repr((where, relationship_where, order_by)),
        limit,
        offset,
    )
    found: list[NodeRow] = await _loader(context, key, batch).load(root.node.id)
    return found


async def link_count(
    spec: LinkSpec,
    root: NodeRow,
    info: Any,
    where: Any = None,
    relationship_where: Any = None,
) -> int:
    """How many related nodes `root` has (matching the conditions)."""
    context: RequestContext = info.context
    principal = context.require(Role.READER)
    return await _count_loader(context, principal, spec, where, relationship_where).load(
        root.node.id
    )


def _count_loader(
    context: RequestContext,
    principal: Principal,
    spec: LinkSpec,
    where: Any,
    relationship_where: Any,
) -> DataLoader[int, int]:
    async def batch(parents: list[int]) -> list[int]:
        params = Params()
        conditions = _conditions(spec, where, relationship_where, params)
        text = count_links(spec.link, parents, conditions, params)
        counts = {
            int(parent): int(count)
            for parent, count in await _read(context, principal, text, params)
        }
        return [counts.get(parent, 0) for parent in parents]

    key = ("count", spec.owner, spec.link.field, repr((where, relationship_where)))
    return _loader(context, key, batch)


async def link_connection(
    spec: LinkSpec,
    root: NodeRow,
    info: Any,
    where: Any = None,
    relationship_where: Any = None,
    order_by: list[Any] | None = None,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> ConnectionRow:
    """A page of the related nodes of `root`, with cursors."""
    context: RequestContext = info.context
    principal = context.require(Role.READER)
    keys = compile_order(order_by, spec.target.order_spec)
    request = page_request(
        first, after, last, before, context.state.settings.limits.default_list_size
    )
    cursor = decode(request.cursor, keys) if request.cursor is not None else None
    read_keys = reversed_keys(keys) if request.backward else keys
    counter = _count_loader(context, principal, spec, where, relationship_where)

    async def batch(parents: list[int]) -> list[ConnectionRow]:
        params = Params()
        conditions = _conditions(spec, where, relationship_where, params)
        if cursor is not None:
            conditions.append(
                after_condition(
                    read_keys,
                    cursor[0],
                    cursor[1],
                    "n",
                    "id(r)",
                    params,
                    tiebreak_descending=request.backward,
                )
            )
        text = select_links(
            spec.link,
            parents,
            conditions,
            read_keys,
            params,
            limit=request.size + 1,
            descending_tiebreak=request.backward,
        )
        grouped = _group(await _read(context, principal, text, params))
        pages = []
        for parent in parents:
            rows = grouped.get(parent, [])[: request.size + 1]
            pages.append(make_connection(rows, keys, request, _total(counter, parent)))
        return pages

    key = (
        "connection",
        spec.owner,
        spec.link.field,
        repr((where, relationship_where, order_by)),
        first,
        after,
        last,
        before,
    )
    page: ConnectionRow = await _loader(context, key, batch).load(root.node.id)
    return page


def _total(counter: DataLoader[int, int], parent: int) -> Callable[[], Awaitable[int]]:
    async def total() -> int:
        return await counter.load(parent)

    return total
