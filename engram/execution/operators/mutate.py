"""Writing operators: CREATE, MERGE, SET, REMOVE, DELETE, and the property-value rules.

Each applies its changes row by row through the transaction's graph access and counts
them for `Result.stats`. Property values must be storable: null (which means "no
property"), booleans, numbers, strings, temporal values, or lists of one such type.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from engram.errors import ErrorDetail, ErrorKind, QueryError, QueryRuntimeError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.expressions import CompiledExpr, _located
from engram.execution.physical import Batch, PhysicalOp, Row
from engram.temporal.base import TemporalValue

__all__ = [
    "CreateExec",
    "DeleteExec",
    "MergeExec",
    "RemoveExec",
    "SetExec",
    "SetOp",
    "property_map",
    "storable",
]


def _type_error(
    message: str, detail: ErrorDetail = ErrorDetail.INVALID_ARGUMENT_TYPE
) -> QueryError:
    return QueryRuntimeError(message, detail=detail, kind=ErrorKind.TYPE_ERROR)


def storable(value: Any, key: str) -> Any:
    """`value` if it may be stored as a property, else a TypeError (InvalidPropertyType)."""
    if value is None or isinstance(value, bool | int | float | str | TemporalValue):
        return value
    if isinstance(value, list):
        kinds = set()
        for item in value:
            if item is None or isinstance(item, list | dict | NodeRef | RelRef | PathValue):
                break
            kinds.add(float if type(item) is int else type(item))
        else:
            if len(kinds) <= 1 or kinds <= {float}:
                return value
        raise _type_error(
            f"property '{key}' cannot hold this list: property lists must hold values of one "
            "simple type and no nulls",
            ErrorDetail.INVALID_PROPERTY_TYPE,
        )
    raise _type_error(
        f"property '{key}' cannot hold a {_kind(value)}: properties hold booleans, numbers, "
        "strings, temporal values and lists of them",
        ErrorDetail.INVALID_PROPERTY_TYPE,
    )


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "map"
    if isinstance(value, NodeRef):
        return "node"
    if isinstance(value, RelRef):
        return "relationship"
    if isinstance(value, PathValue):
        return "path"
    return type(value).__name__


def property_map(value: Any, ctx: ExecContext, what: str) -> dict[str, Any]:
    """The properties a map-like value gives: a map, or a node's / relationship's."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if type(value) is NodeRef:
        return ctx.graph.node_properties(value.id)
    if type(value) is RelRef:
        return ctx.graph.rel_properties(value.id)
    raise _type_error(f"{what} needs a map, got {_kind(value)}")


@dataclass(frozen=True, slots=True)
class NodeSpec:
    """A node to create: labels and an optional compiled property map."""

    labels: tuple[str, ...]
    properties: CompiledExpr | None
    origin: Span


@dataclass(frozen=True, slots=True)
class RelSpec:
    """A relationship to create between two slots of the row being built."""

    type: str
    start: int
    end: int
    properties: CompiledExpr | None
    origin: Span


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateExec(PhysicalOp):
    """Create nodes then relationships per row; fill path slots after."""

    child: PhysicalOp
    nodes: tuple[NodeSpec, ...]
    rels: tuple[RelSpec, ...]
    paths: tuple[tuple[int, ...], ...]
    width: int
    #: MERGE cannot create what it could never match: a null property value is an error
    reject_nulls: bool = False
    #: create a whole batch per storage call (property expressions cannot observe rows
    #: created earlier in the batch: no pattern predicates or subqueries in them)
    batched: bool = False

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            ctx.check()
            if self.batched and len(batch) > 1:
                yield self.create_batch(ctx, batch)
            else:
                yield [self.create(ctx, row) for row in batch]

    def create_batch(self, ctx: ExecContext, batch: Batch) -> Batch:
        """Create the pattern for every row of `batch`, one storage call per pattern part.

        Parts are created in pattern order (nodes, then relationships), so a part's
        properties may refer to the row's earlier parts exactly as in `create`.
        """
        padding = [None] * (self.width - len(batch[0]))
        built = [[*row, *padding] for row in batch]
        slot = len(batch[0])
        graph, counters = ctx.graph, ctx.counters
        for spec in self.nodes:
            props = [_properties(spec.properties, tuple(b), ctx, spec.origin) for b in built]
            node_ids = graph.create_nodes(spec.labels, props)
            counters.nodes_created += len(node_ids)
            counters.labels_added += len(set(spec.labels)) * len(node_ids)
            counters.properties_set += sum(len(p) for p in props)
            for row, node_id in zip(built, node_ids, strict=True):
                row[slot] = NodeRef(node_id)
            slot += 1
        for rel in self.rels:
            starts, ends = [], []
            for row in built:
                start, end = row[rel.start], row[rel.end]
                if type(start) is not NodeRef or type(end) is not NodeRef:
                    raise _located(
                        _type_error("a relationship needs a node at both ends, got null"),
                        rel.origin,
                    )
                starts.append(start.id)
                ends.append(end.id)
            props = [_properties(rel.properties, tuple(b), ctx, rel.origin) for b in built]
            created = graph.create_relationships(rel.type, starts, ends, props)
            counters.relationships_created += len(created)
            counters.properties_set += sum(len(p) for p in props)
            for row, ref in zip(built, created, strict=True):
                row[slot] = ref
            slot += 1
        for parts in self.paths:
            for row in built:
                row[slot] = _path([row[i] for i in parts])
            slot += 1
        return [tuple(row) for row in built]

    def create(self, ctx: ExecContext, row: Row) -> Row:
        """Create this operator's pattern for one row; the extended row."""
        built: list[Any] = [*row, *([None] * (self.width - len(row)))]
        slot = len(row)
        graph, counters = ctx.graph, ctx.counters
        for spec in self.nodes:
            props = _properties(spec.properties, tuple(built), ctx, spec.origin, self.reject_nulls)
            node_id = graph.create_node(spec.labels, props)
            counters.nodes_created += 1
            counters.labels_added += len(set(spec.labels))
            counters.properties_set += len(props)
            built[slot] = NodeRef(node_id)
            slot += 1
        for rel in self.rels:
            start, end = built[rel.start], built[rel.end]
            if type(start) is not NodeRef or type(end) is not NodeRef:
                raise _located(
                    _type_error("a relationship needs a node at both ends, got null"), rel.origin
                )
            props = _properties(rel.properties, tuple(built), ctx, rel.origin, self.reject_nulls)
            built[slot] = graph.create_relationship(rel.type, start.id, end.id, props)
            counters.relationships_created += 1
            counters.properties_set += len(props)
            slot += 1
        for parts in self.paths:
            built[slot] = _path([built[i] for i in parts])
            slot += 1
        return tuple(built)


def _path(elements: list[Any]) -> PathValue:
    nodes = tuple(e for e in elements if type(e) is NodeRef)
    rels = tuple(e for e in elements if type(e) is RelRef)
    return PathValue(nodes=nodes, rels=rels)


def _properties(
    compiled: CompiledExpr | None,
    row: Row,
    ctx: ExecContext,
    origin: Span,
    reject_nulls: bool = False,
) -> dict[str, Any]:
    if compiled is None:
        return {}
    try:
        value = compiled(row, ctx)
        mapping = property_map(value, ctx, "a pattern's properties")
        if reject_nulls:
            for key, item in mapping.items():
                if item is None:
                    raise QueryRuntimeError(
                        f"cannot MERGE with a null value for property '{key}': null never "
                        "matches, so the pattern could never be found again",
                        detail=ErrorDetail.MERGE_READ_OWN_WRITES,
                        kind=ErrorKind.SEMANTIC_ERROR,
                    )
        return {k: storable(v, k) for k, v in mapping.items() if v is not None}
    except QueryError as error:
        raise _located(error, origin) from None


@dataclass(frozen=True, slots=True)
class SetOp:
    """One compiled SET / REMOVE action.

    kind: 'property' (key, value), 'replace' or 'merge' (value is a map-like),
    'labels' (add labels), 'remove_property' (key), 'remove_labels' (labels).
    """

    kind: str
    target: CompiledExpr
    origin: Span
    key: str = ""
    value: CompiledExpr | None = None
    labels: tuple[str, ...] = ()


def apply_set(op: SetOp, row: Row, ctx: ExecContext) -> None:
    """Apply one SET / REMOVE action to the entity its target gives (null: nothing)."""
    try:
        target = op.target(row, ctx)
        if target is None:
            return
        if op.kind in ("labels", "remove_labels"):
            _labels(op, target, ctx)
            return
        if type(target) not in (NodeRef, RelRef):
            raise _type_error(f"SET and REMOVE need a node or relationship, got {_kind(target)}")
        value = None if op.value is None else op.value(row, ctx)
        _properties_change(op, target, value, ctx)
    except QueryError as error:
        raise _located(error, op.origin) from None


def _labels(op: SetOp, target: Any, ctx: ExecContext) -> None:
    if type(target) is not NodeRef:
        raise _type_error(f"labels belong to nodes, got {_kind(target)}")
    if op.kind == "labels":
        ctx.counters.labels_added += ctx.graph.add_labels(target.id, op.labels)
    else:
        ctx.counters.labels_removed += ctx.graph.remove_labels(target.id, op.labels)


def _properties_change(op: SetOp, target: Any, value: Any, ctx: ExecContext) -> None:
    graph, counters = ctx.graph, ctx.counters
    is_node = type(target) is NodeRef
    set_one = graph.set_node_property if is_node else graph.set_rel_property
    if op.kind == "property":
        set_one(target.id, op.key, storable(value, op.key))
        counters.properties_set += 1
    elif op.kind == "remove_property":
        current = graph.node_property if is_node else graph.rel_property
        if current(target.id, op.key) is not None:
            set_one(target.id, op.key, None)
            counters.properties_set += 1
    elif op.kind == "replace":
        mapping = property_map(value, ctx, "SET =")
        props = {k: storable(v, k) for k, v in mapping.items() if v is not None}
        replace = graph.replace_node_properties if is_node else graph.replace_rel_properties
        replace(target.id, props)
        counters.properties_set += len(props)
    else:
        mapping = property_map(value, ctx, "SET +=")
        for key, item in mapping.items():
            set_one(target.id, key, storable(item, key))
            counters.properties_set += 1


@dataclass(frozen=True, slots=True, kw_only=True)
class SetExec(PhysicalOp):
    """Apply SET / REMOVE actions in order, per row."""

    child: PhysicalOp
    ops: tuple[SetOp, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            ctx.check()
            for row in batch:
                for op in self.ops:
                    apply_set(op, row, ctx)
            yield batch


RemoveExec = SetExec


@dataclass(frozen=True, slots=True, kw_only=True)
class DeleteExec(PhysicalOp):
    """Delete the nodes, relationships and paths the expressions give, per row."""

    child: PhysicalOp
    expressions: tuple[tuple[CompiledExpr, Span], ...]
    detach: bool

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            ctx.check()
            for row in batch:
                for expression, origin in self.expressions:
                    try:
                        self._delete(expression(row, ctx), ctx)
                    except QueryError as error:
                        raise _located(error, origin) from None
            yield batch

    def _delete(self, value: Any, ctx: ExecContext) -> None:
        graph, counters = ctx.graph, ctx.counters
        if value is None:
            return
        if type(value) is RelRef:
            if graph.delete_relationship(value.id):
                counters.relationships_deleted += 1
        elif type(value) is NodeRef:
            self._delete_node(value.id, ctx)
        elif type(value) is PathValue:
            for rel in value.rels:
                if graph.delete_relationship(rel.id):
                    counters.relationships_deleted += 1
            for node in value.nodes:
                self._delete_node(node.id, ctx)
        else:
            raise _type_error(f"DELETE needs a node, relationship or path, got {_kind(value)}")

    def _delete_node(self, node_id: int, ctx: ExecContext) -> None:
        graph, counters = ctx.graph, ctx.counters
        if graph.is_deleted_node(node_id):
            return
        if self.detach:
            counters.relationships_deleted += graph.detach_delete_node(node_id)
            counters.nodes_deleted += 1
        elif graph.delete_node(node_id):
            counters.nodes_deleted += 1


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeExec(PhysicalOp):
    """Per row: the rows `match` finds (ON MATCH applied), or the created pattern."""

    child: PhysicalOp
    match: PhysicalOp
    create: CreateExec
    remap: tuple[int, ...] | None
    create_remap: tuple[int, ...] | None
    on_match: tuple[SetOp, ...]
    on_create: tuple[SetOp, ...]

    @property
    def nested(self) -> tuple[PhysicalOp, ...]:
        return (self.match,)

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        for batch in self.child.run(ctx, arg):
            ctx.check()
            out: Batch = []
            for row in batch:
                found = []
                for inner in self.match.run(ctx, row):
                    found.extend(
                        inner
                        if self.remap is None
                        else [tuple([r[i] for i in self.remap]) for r in inner]
                    )
                if found:
                    for matched in found:
                        for op in self.on_match:
                            apply_set(op, matched, ctx)
                    out.extend(found)
                    continue
                created = self.create.create(ctx, row)
                if self.create_remap is not None:
                    created = tuple([created[i] for i in self.create_remap])
                for op in self.on_create:
                    apply_set(op, created, ctx)
                out.append(created)
            if out:
                yield out
