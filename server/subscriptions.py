"""Subscriptions: a large result streamed in batches, and the changes of a label or type.

`cypherStream` reads a batch only after the previous one was written to the socket, so a
slow client slows the read down instead of filling the server's memory (backpressure
all the way to the storage snapshot). Change subscriptions are fed by the database's
commit feed through `ChangeHub`; commits cannot wait for a slow subscriber, so each has
a bounded queue and one that falls too far behind ends with ``SUBSCRIBER_TOO_SLOW``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, Final

import strawberry
from strawberry.scalars import JSON
from strawberry.types.field import StrawberryField

from engram import CommitEvent, Database, Node, NodeChange, Relationship, RelationshipChange
from engram.server import values
from engram.server.auth import Role
from engram.server.context import RequestContext
from engram.server.errors import BadUserInput, SubscriberTooSlow
from engram.server.fields import resolver_field
from engram.server.metrics import ServerMetrics
from engram.server.operations import check_params
from engram.server.types import (
    ChangeKind,
    CypherBatch,
    NodeChangeEvent,
    NodeObject,
    RelationshipChangeEvent,
    RelationshipObject,
)

__all__ = ["ChangeHub", "subscription_fields"]

_log = logging.getLogger("engram.server")
_OVERFLOW: Final = object()
_CLOSED: Final = object()

Info = strawberry.Info[RequestContext, None]
Change = NodeChange | RelationshipChange


class _Subscriber:
    def __init__(self, accept: Callable[[CommitEvent], list[Change]], size: int) -> None:
        self.accept = accept
        self.queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=size + 1)
        self.size = size
        self.overflowed = False

    def offer(self, event: CommitEvent) -> None:
        if self.overflowed:
            return
        for change in self.accept(event):
            if self.queue.qsize() >= self.size:
                self.overflowed = True
                self.queue.put_nowait(_OVERFLOW)  # the one slot kept free for it
                return
            self.queue.put_nowait((event.version, change))


class ChangeHub:
    """Delivers commit events from the committing thread to subscriptions on the event loop."""

    def __init__(self, db: Database, metrics: ServerMetrics, queue_size: int) -> None:
        self._db = db
        self._metrics = metrics
        self._queue_size = queue_size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._subscribers: set[_Subscriber] = set()
        self._watchers: list[Callable[[CommitEvent], None]] = []
        # subscribed from the start, so commits are watched even before the loop runs
        self._stop: Callable[[], None] | None = db.subscribe(self._on_commit)

    def watch(self, callback: Callable[[CommitEvent], None]) -> None:
        """Also call `callback(event)` on the committing thread (must be quick)."""
        self._watchers.append(callback)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver changes to subscriptions on `loop` (on server startup)."""
        self._loop = loop

    def stop(self) -> None:
        """Stop receiving commits and end every subscription."""
        if self._stop is not None:
            self._stop()
            self._stop = None
        for subscriber in list(self._subscribers):
            if not subscriber.queue.full():
                subscriber.queue.put_nowait(_CLOSED)

    def _on_commit(self, event: CommitEvent) -> None:
        self._metrics.commits.inc()
        for watcher in self._watchers:
            try:
                watcher(event)
            except Exception:
                _log.exception("a commit watcher failed")
        loop = self._loop
        if self._subscribers and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._dispatch, event)

    def _dispatch(self, event: CommitEvent) -> None:
        for subscriber in list(self._subscribers):
            subscriber.offer(event)

    @asynccontextmanager
    async def subscribe(
        self, accept: Callable[[CommitEvent], list[Change]]
    ) -> AsyncIterator[AsyncIterator[tuple[int, Change]]]:
        """Changes selected by `accept`, in commit order, until the subscription ends."""
        subscriber = _Subscriber(accept, self._queue_size)
        self._subscribers.add(subscriber)
        try:
            yield self._drain(subscriber)
        finally:
            self._subscribers.discard(subscriber)

    async def _drain(self, subscriber: _Subscriber) -> AsyncIterator[tuple[int, Change]]:
        while True:
            item = await subscriber.queue.get()
            if item is _CLOSED:
                return
            if item is _OVERFLOW:
                raise SubscriberTooSlow(
                    f"the subscription fell more than {subscriber.size} changes behind "
                    "and was ended",
                    hint="read events faster, or subscribe again and catch up with a query",
                )
            yield item


async def cypher_stream(
    info: Info,
    query: str,
    params: JSON | None = None,
    batch_size: int = 1000,
) -> AsyncGenerator[CypherBatch, None]:
    """Stream a large read in batches; the next batch is read once this one is sent."""
    context = info.context
    principal = context.require(Role.READER)
    limit = context.state.settings.limits.max_stream_batch
    if not 1 <= batch_size <= limit:
        raise BadUserInput(f"batchSize must be between 1 and {limit}")
    metrics = context.state.metrics
    metrics.subscriptions.add(1, "cypherStream")
    try:
        async with context.state.runner.stream(
            query, check_params(params), principal, batch_size, convert=_json_row
        ) as handle:
            offset = 0
            async for rows in handle.batches:
                yield CypherBatch(columns=handle.columns, offset=offset, rows=rows, done=False)
                metrics.stream_rows.inc(amount=len(rows))
                offset += len(rows)
            yield CypherBatch(columns=handle.columns, offset=offset, rows=[], done=True)
    finally:
        metrics.subscriptions.add(-1, "cypherStream")


def _json_row(row: tuple[Any, ...]) -> list[Any]:
    return [values.to_json(item) for item in row]


def _kinds(changes: list[ChangeKind] | None) -> set[str]:
    return {kind.value for kind in (changes or list(ChangeKind))}


async def label_changes(
    info: Info, label: str, changes: list[ChangeKind] | None = None
) -> AsyncGenerator[NodeChangeEvent, None]:
    """Nodes that have (or had) `label`, as commits create, update or delete them."""
    context = info.context
    context.require(Role.READER)
    wanted = _kinds(changes)

    def accept(event: CommitEvent) -> list[Change]:
        return [
            change
            for change in event.nodes
            if change.change.value in wanted
            and (label in change.labels or label in change.labels_before)
        ]

    metrics = context.state.metrics
    metrics.subscriptions.add(1, "labelChanges")
    try:
        async with context.state.changes.subscribe(accept) as stream:
            async for version, change in stream:
                assert isinstance(change, NodeChange)
                node = Node(change.id, change.labels, dict(change.properties))
                yield NodeChangeEvent(
                    version=version,
                    change=ChangeKind(change.change.value),
                    node=NodeObject(value=node),
                    labels_before=sorted(change.labels_before),
                    changed_keys=sorted(change.changed_keys),
                )
    finally:
        metrics.subscriptions.add(-1, "labelChanges")


async def relationship_changes(
    info: Info, type: str, changes: list[ChangeKind] | None = None
) -> AsyncGenerator[RelationshipChangeEvent, None]:
    """Relationships of `type`, as commits create, update or delete them."""
    context = info.context
    context.require(Role.READER)
    wanted = _kinds(changes)

    def accept(event: CommitEvent) -> list[Change]:
        return [
            change
            for change in event.relationships
            if change.type == type and change.change.value in wanted
        ]

    metrics = context.state.metrics
    metrics.subscriptions.add(1, "relationshipChanges")
    try:
        async with context.state.changes.subscribe(accept) as stream:
            async for version, change in stream:
                assert isinstance(change, RelationshipChange)
                rel = Relationship(
                    change.id, change.type, change.start, change.end, dict(change.properties)
                )
                yield RelationshipChangeEvent(
                    version=version,
                    change=ChangeKind(change.change.value),
                    relationship=RelationshipObject(value=rel),
                    changed_keys=sorted(change.changed_keys),
                )
    finally:
        metrics.subscriptions.add(-1, "relationshipChanges")


def subscription_fields() -> list[StrawberryField]:
    """Fresh Subscription fields."""
    return [
        resolver_field(cypher_stream, kind="subscription"),
        resolver_field(label_changes, kind="subscription"),
        resolver_field(relationship_changes, kind="subscription"),
    ]
