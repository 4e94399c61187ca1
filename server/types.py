"""strawberry types mirroring engram values and results: Node, Relationship, Path, Value, tables.

These are the fixed part of the schema (the typed part is generated per label by
`engram.server.typed`). Result values appear twice in a `CypherResult`: as JSON-safe
`rows` (see `engram.server.values`) for clients that want plain data, and as typed
`records` whose `Value`s expose nodes, relationships and paths as objects with fields.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry.scalars import JSON

from engram import Node as EngramNode
from engram import Path as EngramPath
from engram import Relationship as EngramRelationship
from engram import ResultStats
from engram.server import values
from engram.server.fields import field
from engram.values import format_value

__all__ = [
    "ApiKeyInfo",
    "ChangeKind",
    "CypherBatch",
    "CypherResult",
    "MapEntry",
    "NewApiKey",
    "NodeChangeEvent",
    "NodeObject",
    "PathObject",
    "PlanOperator",
    "QueryPlan",
    "QueryStats",
    "Record",
    "RelationshipChangeEvent",
    "RelationshipObject",
    "RoleName",
    "RunningQueryInfo",
    "SchemaInfo",
    "Value",
    "result_of",
]

strawberry.enum(values.ValueKind, name="ValueKind", description="Type of a value.")


@strawberry.enum(name="Role", description="What an API key may do (each includes the previous).")
class RoleName(enum.Enum):
    """Roles as GraphQL sees them."""

    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"


@strawberry.enum(name="ChangeKind", description="How a commit changed an entity.")
class ChangeKind(enum.Enum):
    """Created, updated or deleted."""

    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@strawberry.type(name="Node", description="A node: id, labels and properties.")
class NodeObject:
    """A generic node."""

    value: strawberry.Private[EngramNode]

    @field(name="_id", description="The node id.")
    def id(self) -> strawberry.ID:
        """The node id."""
        return strawberry.ID(str(self.value.id))

    @field(description="Labels, sorted.")
    def labels(self) -> list[str]:
        """Labels, sorted."""
        return sorted(self.value.labels)

    @field(description="Properties as a JSON object.")
    def properties(self) -> JSON:
        """Properties as a JSON object."""
        return JSON(values.properties_json(self.value.properties))

    @field(description="One property (null when missing).")
    def property(self, key: str) -> JSON | None:
        """One property."""
        return JSON(values.to_json(self.value.properties.get(key)))


@strawberry.type(name="Relationship", description="A relationship: id, type, ends, properties.")
class RelationshipObject:
    """A generic relationship."""

    value: strawberry.Private[EngramRelationship]

    @field(name="_id", description="The relationship id.")
    def id(self) -> strawberry.ID:
        """The relationship id."""
        return strawberry.ID(str(self.value.id))

    @field(description="The relationship type.")
    def type(self) -> str:
        """The relationship type."""
        return self.value.type

    @field(description="Id of the start node.")
    def start(self) -> strawberry.ID:
        """Id of the start node."""
        return strawberry.ID(str(self.value.start))

    @field(description="Id of the end node.")
    def end(self) -> strawberry.ID:
        """Id of the end node."""
        return strawberry.ID(str(self.value.end))

    @field(description="Properties as a JSON object.")
    def properties(self) -> JSON:
        """Properties as a JSON object."""
        return JSON(values.properties_json(self.value.properties))

    @field(description="One property (null when missing).")
    def property(self, key: str) -> JSON | None:
        """One property."""
        return JSON(values.to_json(self.value.properties.get(key)))


@strawberry.type(name="Path", description="A path: nodes and the relationships between them.")
class PathObject:
    """A path."""

    value: strawberry.Private[EngramPath]

    @field(description="Nodes from start to end.")
    def nodes(self) -> list[NodeObject]:
        """Nodes from start to end."""
        return [NodeObject(value=node) for node in self.value.nodes]

    @field(description="Relationships in path order.")
    def relationships(self) -> list[RelationshipObject]:
        """Relationships in path order."""
        return [RelationshipObject(value=rel) for rel in self.value.relationships]

    @field(description="Number of relationships.")
    def length(self) -> int:
        """Number of relationships."""
        return len(self.value.relationships)


@strawberry.type(description="One value of a result, typed.")
class Value:
    """A result value with its kind; nodes, relationships and paths as objects."""

    raw: strawberry.Private[Any]

    @field(description="The value's type.")
    def kind(self) -> values.ValueKind:
        """The value's type."""
        return values.value_kind(self.raw)

    @field(description="The value as JSON (see docs/server.md).")
    def json(self) -> JSON | None:
        """The value as JSON."""
        return JSON(values.to_json(self.raw))

    @field(description="The value written the way the query language writes it.")
    def text(self) -> str:
        """Cypher-like text of the value."""
        text = values.temporal_text(self.raw)
        return text if text is not None else format_value(self.raw)

    @field(description="The node, when the value is one.")
    def node(self) -> NodeObject | None:
        """The node, when the value is one."""
        return NodeObject(value=self.raw) if isinstance(self.raw, EngramNode) else None

    @field(description="The relationship, when the value is one.")
    def relationship(self) -> RelationshipObject | None:
        """The relationship, when the value is one."""
        if isinstance(self.raw, EngramRelationship):
            return RelationshipObject(value=self.raw)
        return None

    @field(description="The path, when the value is one.")
    def path(self) -> PathObject | None:
        """The path, when the value is one."""
        return PathObject(value=self.raw) if isinstance(self.raw, EngramPath) else None

    @field(description="The items, when the value is a list.")
    def items(self) -> list[Value] | None:
        """The items, when the value is a list."""
        if isinstance(self.raw, list | tuple):
            return [Value(raw=item) for item in self.raw]
        return None

    @field(description="The entries, when the value is a map.")
    def entries(self) -> list[MapEntry] | None:
        """The entries, when the value is a map."""
        if isinstance(self.raw, Mapping):
            return [MapEntry(key=str(k), value=Value(raw=v)) for k, v in sorted(self.raw.items())]
        return None


@strawberry.type(description="A key and its value in a map.")
class MapEntry:
    """A map entry."""

    key: str
    value: Value


@strawberry.type(description="One result row, typed.")
class Record:
    """A row as typed values, in column order."""

    columns: strawberry.Private[Sequence[str]]
    row: strawberry.Private[tuple[Any, ...]]

    @field(description="Values in column order.")
    def values(self) -> list[Value]:
        """Values in column order."""
        return [Value(raw=item) for item in self.row]

    @field(description="The value of one column (null if there is no such column).")
    def get(self, column: str) -> Value | None:
        """The value of one column."""
        if column not in self.columns:
            return None
        return Value(raw=self.row[list(self.columns).index(column)])


@strawberry.type(description="What a statement changed.")
class QueryStats:
    """Update counters of a statement."""

    nodes_created: int
    nodes_deleted: int
    relationships_created: int
    relationships_deleted: int
    labels_added: int
    labels_removed: int
    properties_set: int
    indexes_added: int
    indexes_removed: int
    constraints_added: int
    constraints_removed: int
    contains_updates: bool

    @classmethod
    def of(cls, stats: ResultStats) -> QueryStats:
        """From engram's counters."""
        return cls(**stats.as_dict(), contains_updates=stats.contains_updates)


@strawberry.type(description="The result of a statement: columns, rows and statistics.")
class CypherResult:
    """Columns, rows (JSON and typed) and statistics."""

    columns: list[str]
    stats: QueryStats
    data: strawberry.Private[list[tuple[Any, ...]]]

    @field(description="Rows as lists of JSON-safe values, in column order.")
    def rows(self) -> list[list[JSON | None]]:
        """Rows as JSON-safe values."""
        return [[JSON(values.to_json(item)) for item in row] for row in self.data]

    @field(description="Rows as typed records.")
    def records(self) -> list[Record]:
        """Rows as typed records."""
        return [Record(columns=self.columns, row=row) for row in self.data]

    @field(description="Number of rows.")
    def row_count(self) -> int:
        """Number of rows."""
        return len(self.data)


def result_of(columns: list[str], rows: list[tuple[Any, ...]], stats: ResultStats) -> CypherResult:
    """A `CypherResult` from a finished statement."""
    return CypherResult(columns=columns, stats=QueryStats.of(stats), data=rows)


@strawberry.type(description="A batch of a streamed result.")
class CypherBatch:
    """Rows `offset` to `offset + len(rows)` of a streamed result."""

    columns: list[str]
    offset: int
    rows: list[list[JSON | None]]
    done: bool


@strawberry.type(description="One operator of a query plan.")
class PlanOperator:
    """An operator line of a plan."""

    operator: str
    details: str
    depth: int
    estimated_rows: float | None


@strawberry.type(description="The plan a statement would run with.")
class QueryPlan:
    """A rendered plan, its operators and the planner's notes."""

    text: str
    operators: list[PlanOperator]
    notes: list[str]


@strawberry.type(description="An API key (never its secret).")
class ApiKeyInfo:
    """A key's id, name, role and creation time."""

    id: strawberry.ID
    name: str
    role: RoleName
    created: str


@strawberry.type(description="A new API key: the secret is shown only here, once.")
class NewApiKey:
    """The record and the secret of a key just created."""

    key: ApiKeyInfo
    secret: str


@strawberry.type(description="A statement running on the server.")
class RunningQueryInfo:
    """A running statement."""

    id: strawberry.ID
    query: str
    mode: str
    key_id: str
    elapsed_seconds: float


@strawberry.type(description="The typed schema the server generated from the graph.")
class SchemaInfo:
    """Which generation of the typed schema is live and what it left out."""

    generation: int
    database_version: int
    labels: list[str]
    relationship_types: list[str]
    notes: list[str]


@strawberry.type(description="A node that a commit created, updated or deleted.")
class NodeChangeEvent:
    """One node change."""

    version: int
    change: ChangeKind
    node: NodeObject
    labels_before: list[str]
    changed_keys: list[str]


@strawberry.type(description="A relationship that a commit created, updated or deleted.")
class RelationshipChangeEvent:
    """One relationship change."""

    version: int
    change: ChangeKind
    relationship: RelationshipObject
    changed_keys: list[str]
