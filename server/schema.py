"""The live GraphQL schema: fixed fields plus the typed part, regenerated as the graph changes.

`build_schema` assembles Query, Mutation and Subscription from the fixed fields and the
fields generated for a `SchemaModel`. `SchemaManager` keeps the current schema and
watches the commit feed: a commit that brings a new label, relationship type, property,
property type or (start label, type, end label) pattern marks the schema stale, and a
background task regenerates it (after `schema_debounce` seconds, so a burst of commits
costs one regeneration). Requests already running keep the schema they started with.
A mutation that made the schema stale waits for the new one before it answers, so its
client can use the new fields at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Final

import anyio
import anyio.to_thread
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import create_type

from engram import ChangeKind, CommitEvent, Database, GraphSchema, PropertyInfo
from engram.server import values
from engram.server.errors import ErrorExtension
from engram.server.limits import OperationLimits, ValidatedDocuments
from engram.server.logs import current_request_id
from engram.server.metrics import ServerMetrics
from engram.server.operations import mutation_fields, query_fields
from engram.server.settings import ServerSettings
from engram.server.subscriptions import subscription_fields
from engram.server.typed import SCALAR_MAP, generate
from engram.server.typed.inputs import PageInfo
from engram.server.typed.model import SchemaModel, build_model
from engram.server.types import SchemaInfo

__all__ = ["EngramSchema", "SchemaManager", "build_schema", "type_name"]

_log = logging.getLogger("engram.server")
_MAX_PENDING_LINKS: Final = 10_000


class EngramSchema(strawberry.Schema):
    """strawberry's schema, with error logging left to `ErrorExtension`."""

    def process_errors(self, errors: Any, execution_context: Any = None) -> None:
        """Errors are logged (once, with the request id) by `ErrorExtension`."""


class OperationMetrics(SchemaExtension):
    """Counts operations by type and outcome."""

    def __init__(self, metrics: ServerMetrics) -> None:
        self._metrics = metrics

    def on_operation(self) -> Iterator[None]:
        """Count the finished operation."""
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except Exception:  # the document did not parse: no operation type
            kind = "invalid"
        result = context.result
        outcome = "error" if result is not None and getattr(result, "errors", None) else "ok"
        self._metrics.operations.inc(kind, outcome)


def build_schema(
    model: SchemaModel, settings: ServerSettings, metrics: ServerMetrics
) -> EngramSchema:
    """The complete schema for a model."""
    generated = generate(model)
    query = create_type("Query", [*query_fields(), *generated.query])
    mutation = create_type("Mutation", [*mutation_fields(), *generated.mutation])
    subscription = create_type("Subscription", subscription_fields())
    limits = settings.limits
    documents = ValidatedDocuments()
    return EngramSchema(
        query=query,
        mutation=mutation,
        subscription=subscription,
        types=[PageInfo],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
        extensions=[
            lambda: ErrorExtension(current_request_id, metrics.errors.inc),
            lambda: OperationLimits(limits, documents),
            lambda: OperationMetrics(metrics),
        ],
    )


def type_name(value: Any) -> str:
    """The introspection type name of a property value given as a Python value."""
    kind = values.value_kind(value)
    if kind is values.ValueKind.LIST:
        elements = {type_name(item) for item in value}
        if not elements:
            return "LIST<NOTHING>"
        if elements == {"INTEGER", "FLOAT"}:
            return "LIST<FLOAT>"
        return f"LIST<{elements.pop()}>" if len(elements) == 1 else "LIST<ANY>"
    return str(kind.value).replace("_", "")


class _Shape:
    """What the current schema knows, to tell whether a commit brings something new.

    What commits bring is also remembered (`learn`) and merged into the next
    introspection, so a property that the sample of a large label missed, but that a
    commit wrote, still gets its field.
    """

    def __init__(self, graph: GraphSchema) -> None:
        self.labels: dict[str, dict[str, set[str]]] = {
            label.name: {prop.name: set(prop.types) for prop in label.properties}
            for label in graph.labels
        }
        self.types: dict[str, dict[str, set[str]]] = {
            rel.name: {prop.name: set(prop.types) for prop in rel.properties}
            for rel in graph.relationship_types
        }
        self.patterns = {(p.start, p.type, p.end) for p in graph.patterns}

    @staticmethod
    def learn(
        owners: dict[str, dict[str, set[str]]],
        owner: str,
        properties: Mapping[str, Any],
        keys: Any,
    ) -> bool:
        """Record the types of `keys`; True if the owner, a key or a type was new."""
        known = owners.get(owner)
        novel = known is None
        if known is None:
            known = owners[owner] = {}
        for key in keys:
            value = properties.get(key)
            if value is None:
                continue
            seen = known.setdefault(key, set())
            kind = type_name(value)
            if kind not in seen:
                seen.add(kind)
                novel = True
        return novel

    def merge(self, graph: GraphSchema) -> GraphSchema:
        """`graph` with the properties learned from commits added."""
        labels = tuple(
            dataclasses.replace(
                label, properties=_merged(label.properties, self.labels.get(label.name))
            )
            for label in graph.labels
        )
        types = tuple(
            dataclasses.replace(rel, properties=_merged(rel.properties, self.types.get(rel.name)))
            for rel in graph.relationship_types
        )
        return dataclasses.replace(graph, labels=labels, relationship_types=types)


def _merged(
    properties: tuple[PropertyInfo, ...], learned: Mapping[str, set[str]] | None
) -> tuple[PropertyInfo, ...]:
    if not learned:
        return properties
    by_name = {prop.name: prop for prop in properties}
    for key, kinds in learned.items():
        current = by_name.get(key)
        if current is None:
            by_name[key] = PropertyInfo(key, tuple(sorted(kinds)), 0)
        elif not kinds <= set(current.types):
            by_name[key] = PropertyInfo(
                key, tuple(sorted(kinds | set(current.types))), current.count
            )
    return tuple(sorted(by_name.values(), key=lambda prop: prop.name))


class SchemaManager:
    """The current schema and its regeneration (see the module docstring)."""

    def __init__(self, db: Database, settings: ServerSettings, metrics: ServerMetrics) -> None:
        self._db = db
        self._settings = settings
        self._metrics = metrics
        self._lock = threading.Lock()
        self._dirty = False
        self._pending_links: dict[int, int] = {}
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._refreshing = asyncio.Lock()
        self.generation = 0
        graph = db.graph_schema(sample=settings.schema_sample)
        self.model = build_model(graph)
        self._shape = _Shape(graph)
        self.database_version = graph.version
        self.schema = build_schema(self.model, settings, metrics)
        metrics.schema_generations.inc()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the background regeneration task."""
        self._loop = loop
        self._wake = asyncio.Event()
        self._task = loop.create_task(self._run())

    async def stop(self) -> None:
        """Stop the background task."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self._settings.schema_debounce)
            try:
                await self.refresh()
            except Exception:
                _log.exception("regenerating the GraphQL schema failed; keeping the old one")

    # -- watching commits ----------------------------------------------------------------

    def mark_dirty(self) -> None:
        """Regenerate soon (thread-safe)."""
        with self._lock:
            self._dirty = True
        self._poke()

    def _poke(self) -> None:
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    @property
    def dirty(self) -> bool:
        """Whether a commit brought something the schema does not have yet."""
        return self._dirty or bool(self._pending_links)

    def watch(self, event: CommitEvent) -> None:
        """Called on the committing thread for every commit: note what is new."""
        if self._brings_news(event):
            self.mark_dirty()

    def _brings_news(self, event: CommitEvent) -> bool:
        with self._lock:
            news, pending = self._observe(event)
            if pending:
                self._pending_links.update(pending)
                if len(self._pending_links) > _MAX_PENDING_LINKS:
                    self._pending_links.clear()
                    news = True
        if pending and not news:
            self._poke()
        return news or event.names_added or event.schema_changed

    def _observe(self, event: CommitEvent) -> tuple[bool, dict[int, int]]:
        shape = self._shape
        news = False
        endpoint_labels = {}
        for change in event.nodes:
            endpoint_labels[change.id] = change.labels
            if change.change is ChangeKind.DELETED:
                continue
            if change.change is ChangeKind.UPDATED and change.labels != change.labels_before:
                news = True
            for label in change.labels:
                news |= shape.learn(shape.labels, label, change.properties, change.changed_keys)
        pending = {}
        for rel in event.relationships:
            if rel.change is ChangeKind.DELETED:
                continue
            news |= shape.learn(shape.types, rel.type, rel.properties, rel.changed_keys)
            if rel.change is not ChangeKind.CREATED:
                continue
            starts, ends = endpoint_labels.get(rel.start), endpoint_labels.get(rel.end)
            if starts is None or ends is None:
                pending[rel.id] = rel.start
                continue
            for pattern in ((s, rel.type, e) for s in starts for e in ends):
                if pattern not in shape.patterns:
                    shape.patterns.add(pattern)
                    news = True
        return news, pending

    # -- regenerating ----------------------------------------------------------------------

    async def settle(self) -> None:
        """If the schema is stale, regenerate it now (used after mutations)."""
        if self.dirty:
            await self.refresh()

    async def refresh(self, *, force: bool = False) -> bool:
        """Regenerate if stale (or `force`); returns whether a new schema went live."""
        async with self._refreshing:
            with self._lock:
                dirty, self._dirty = self._dirty, False
                links, self._pending_links = self._pending_links, {}
            if not dirty and links and not force:
                dirty = await anyio.to_thread.run_sync(self._new_patterns, links)
            if not (dirty or force):
                return False
            return await anyio.to_thread.run_sync(self._regenerate, force)

    def _new_patterns(self, links: dict[int, int]) -> bool:
        result = self._db.execute(
            "UNWIND $links AS link MATCH (a)-[r]->(b) WHERE id(a) = link[0] AND id(r) = link[1] "
            "RETURN DISTINCT labels(a) AS starts, type(r) AS type, labels(b) AS ends",
            {"links": [[start, rel] for rel, start in links.items()]},
            read_only=True,
        )
        patterns = self._shape.patterns
        for starts, rel_type, ends in result.rows():
            if any((s, rel_type, e) not in patterns for s in starts for e in ends):
                return True
        return False

    def _regenerate(self, force: bool) -> bool:
        introspected = self._db.graph_schema(sample=self._settings.schema_sample)
        with self._lock:
            graph = self._shape.merge(introspected)
            self._shape = _Shape(graph)
        model = build_model(graph)
        self.database_version = graph.version
        if model == self.model and not force:
            return False
        schema = build_schema(model, self._settings, self._metrics)
        self.model, self.schema = model, schema
        self.generation += 1
        self._metrics.schema_generations.inc()
        _log.info(
            "typed schema regenerated",
            extra={"generation": self.generation, "labels": len(model.labels)},
        )
        return True

    def info(self) -> SchemaInfo:
        """What the current schema holds."""
        model = self.model
        return SchemaInfo(
            generation=self.generation,
            database_version=self.database_version,
            labels=[label.label for label in model.labels],
            relationship_types=[rel.rel_type for rel in model.rel_types],
            notes=list(model.notes),
        )
