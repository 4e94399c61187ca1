"""Rows and pages of the typed fields: node rows, edges, connections and paging arguments.

A connection page is asked for with `first` / `after` (forward) or `last` / `before`
(backward). Both read one row more than the page to learn whether another page exists;
backward pages are read in reversed order and turned around.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from engram import Node, Relationship
from engram.server.errors import BadUserInput
from engram.server.typed.cursors import ID_PROPERTY, SortKey, encode
from engram.server.typed.inputs import PageInfo

__all__ = [
    "ConnectionRow",
    "EdgeRow",
    "NodeRow",
    "PageRequest",
    "check_window",
    "make_connection",
    "page_request",
]


@dataclass(frozen=True, slots=True)
class NodeRow:
    """The value behind a label type: the node and, for a vector search, its score."""

    node: Node
    score: float | None = None


@dataclass(frozen=True, slots=True)
class EdgeRow:
    """An edge of a connection: cursor, node and (for relationship fields) relationship."""

    cursor: str
    node: NodeRow
    relationship: Relationship | None = None


@dataclass(slots=True)
class ConnectionRow:
    """A page of a connection; `total` counts every match (run only when asked)."""

    edges: list[EdgeRow]
    page_info: PageInfo
    total: Callable[[], Awaitable[int]] = field(repr=False)


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Paging arguments, checked: page size, direction and cursor."""

    size: int
    backward: bool
    cursor: str | None
    has_cursor_before: bool


def check_window(limit: int | None, offset: int | None) -> None:
    """`limit` and `offset` must not be negative."""
    if limit is not None and limit < 0:
        raise BadUserInput("limit must not be negative")
    if offset is not None and offset < 0:
        raise BadUserInput("offset must not be negative")


def page_request(
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    default_size: int,
) -> PageRequest:
    """The page a connection field asks for (forward unless `last` is given)."""
    if first is not None and last is not None:
        raise BadUserInput("ask for either first (with after) or last (with before), not both")
    if (first is not None and before is not None) or (last is not None and after is not None):
        raise BadUserInput("use first with after, and last with before")
    if after is not None and before is not None:
        raise BadUserInput("give either after or before, not both")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value < 0:
            raise BadUserInput(f"{name} must not be negative")
    if last is not None or before is not None:
        size = last if last is not None else default_size
        return PageRequest(size, True, before, before is not None)
    size = first if first is not None else default_size
    return PageRequest(size, False, after, after is not None)


def reversed_keys(keys: Sequence[SortKey]) -> list[SortKey]:
    """The ordering read backwards (nulls move to the other end too)."""
    return [(prop, not descending) for prop, descending in keys]


def sort_values(keys: Sequence[SortKey], node: Node) -> list[Any]:
    """The values a node has for the sort keys (a cursor's content)."""
    return [node.id if prop is ID_PROPERTY else node.properties.get(prop.key) for prop, _ in keys]


def make_connection(
    rows: Sequence[tuple[NodeRow, Relationship | None]],
    keys: Sequence[SortKey],
    request: PageRequest,
    total: Callable[[], Awaitable[int]],
) -> ConnectionRow:
    """A page from rows read in page order (one extra row tells that more exist)."""
    has_more = len(rows) > request.size
    page = list(rows[: request.size])
    if request.backward:
        page.reverse()
    edges = []
    for node_row, rel in page:
        tiebreak = rel.id if rel is not None else node_row.node.id
        cursor = encode(keys, sort_values(keys, node_row.node), tiebreak)
        edges.append(EdgeRow(cursor, node_row, rel))
    info = PageInfo(
        has_next_page=request.has_cursor_before if request.backward else has_more,
        has_previous_page=has_more if request.backward else request.has_cursor_before,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return ConnectionRow(edges, info, total)
