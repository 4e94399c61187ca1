"""Functions and procedures that read the graph: id(), labels(), db.labels(), ...

The functions are id, elementId, labels, type, keys, properties, startNode, endNode,
nodes, relationships, length and exists; the procedures db.labels, db.relationshipTypes,
db.propertyKeys, db.indexes, db.constraints and db.schema.

They need the execution context (the transaction), so they live with the engine rather
than in the pure function library; `install()` registers them once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engram import types as t
from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution import temporal_functions
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.functions import lists, registry
from engram.execution.functions.spec import FunctionSpec
from engram.execution.graph_algorithms import ALGORITHM_PROCEDURES
from engram.execution.procedures import ProcedureField, ProcedureRegistry, ProcedureSpec
from engram.execution.vector_procedures import VECTOR_PROCEDURES
from engram.parser import ast

__all__ = ["BUILTIN_PROCEDURES", "install"]


def _wrong(function: str, expected: str, value: Any) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"{function}() needs {expected}, got {type(value).__name__}",
        detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
        kind=ErrorKind.TYPE_ERROR,
    )


def _id(ctx: ExecContext, value: Any) -> Any:
    """The id of a node or relationship."""
    if type(value) in (NodeRef, RelRef):
        return value.id
    raise _wrong("id", "a node or relationship", value)


def _element_id(ctx: ExecContext, value: Any) -> Any:
    """A string id of a node or relationship."""
    if type(value) is NodeRef:
        return f"n:{value.id}"
    if type(value) is RelRef:
        return f"r:{value.id}"
    raise _wrong("elementId", "a node or relationship", value)


def _labels(ctx: ExecContext, value: Any) -> Any:
    """The labels of a node, sorted."""
    if type(value) is NodeRef:
        return sorted(ctx.graph.node_labels(value.id))
    raise _wrong("labels", "a node", value)


def _type(ctx: ExecContext, value: Any) -> Any:
    """The type of a relationship."""
    if type(value) is RelRef:
        return ctx.graph.rel_type_name(value.type_id)
    raise _wrong("type", "a relationship", value)


def _keys(ctx: ExecContext, value: Any) -> Any:
    """The property keys of a node or relationship (sorted), or the keys of a map."""
    if type(value) is NodeRef:
        return sorted(ctx.graph.node_properties(value.id))
    if type(value) is RelRef:
        return sorted(ctx.graph.rel_properties(value.id))
    return lists.map_keys(value)


def _properties(ctx: ExecContext, value: Any) -> Any:
    """The properties of a node or relationship, or a map itself."""
    if type(value) is NodeRef:
        return ctx.graph.node_properties(value.id)
    if type(value) is RelRef:
        return ctx.graph.rel_properties(value.id)
    return lists.map_properties(value)


def _start_node(ctx: ExecContext, value: Any) -> Any:
    """The start node of a relationship."""
    if type(value) is RelRef:
        return NodeRef(value.start)
    raise _wrong("startNode", "a relationship", value)


def _end_node(ctx: ExecContext, value: Any) -> Any:
    """The end node of a relationship."""
    if type(value) is RelRef:
        return NodeRef(value.end)
    raise _wrong("endNode", "a relationship", value)


def _nodes(ctx: ExecContext, value: Any) -> Any:
    """The nodes of a path."""
    if type(value) is PathValue:
        return list(value.nodes)
    raise _wrong("nodes", "a path", value)


def _relationships(ctx: ExecContext, value: Any) -> Any:
    """The relationships of a path."""
    if type(value) is PathValue:
        return list(value.rels)
    raise _wrong("relationships", "a path", value)


def _length(ctx: ExecContext, value: Any) -> Any:
    """The number of relationships of a path."""
    if type(value) is PathValue:
        return len(value.rels)
    if isinstance(value, str | list):
        return len(value)
    raise _wrong("length", "a path", value)


def _exists(ctx: ExecContext, value: Any) -> Any:
    """Whether the value is not null."""
    return value is not None


_SIGNATURES = {
    "id": "id(input :: NODE | RELATIONSHIP) :: INTEGER",
    "elementId": "elementId(input :: NODE | RELATIONSHIP) :: STRING",
    "labels": "labels(input :: NODE) :: LIST<STRING>",
    "type": "type(input :: RELATIONSHIP) :: STRING",
    "keys": "keys(input :: MAP | NODE | RELATIONSHIP) :: LIST<STRING>",
    "properties": "properties(input :: MAP | NODE | RELATIONSHIP) :: MAP",
    "startNode": "startNode(input :: RELATIONSHIP) :: NODE",
    "endNode": "endNode(input :: RELATIONSHIP) :: NODE",
    "nodes": "nodes(input :: PATH) :: LIST<NODE>",
    "relationships": "relationships(input :: PATH) :: LIST<RELATIONSHIP>",
    "length": "length(input :: PATH) :: INTEGER",
    "exists": "exists(input :: ANY) :: BOOLEAN",
}


def _spec(
    name: str,
    impl: Any,
    result: t.CypherType,
    arg: tuple[t.CypherType, ...] = (t.ANY,),
    *,
    propagates_null: bool = True,
    signature: str = "",
    description: str = "",
) -> FunctionSpec:
    return FunctionSpec(
        name=name.lower(),
        display_name=name,
        impl=impl,
        min_arity=1,
        max_arity=1,
        arg_types=(arg,),
        result_type=result,
        propagates_null=propagates_null,
        needs_context=True,
        deterministic=False,
        signature=signature or _SIGNATURES[name],
        description=description,
    )


_ENTITY = (t.NODE, t.RELATIONSHIP)

GRAPH_FUNCTIONS: tuple[FunctionSpec, ...] = (
    _spec("id", _id, t.INTEGER, _ENTITY, description="The id of a node or relationship."),
    _spec("elementId", _element_id, t.STRING, _ENTITY, description="A string id."),
    _spec("labels", _labels, t.list_of(t.STRING), (t.NODE,), description="Labels of a node."),
    _spec("type", _type, t.STRING, (t.RELATIONSHIP,), description="Type of a relationship."),
    _spec(
        "keys",
        _keys,
        t.list_of(t.STRING),
        (t.NODE, t.RELATIONSHIP, t.MAP),
        description="Property keys of a node, relationship or map.",
    ),
    _spec(
        "properties",
        _properties,
        t.MAP,
        (t.NODE, t.RELATIONSHIP, t.MAP),
        description="Properties of a node, relationship or map, as a map.",
    ),
    _spec(
        "startNode",
        _start_node,
        t.NODE,
        (t.RELATIONSHIP,),
        description="The start node of a relationship.",
    ),
    _spec(
        "endNode",
        _end_node,
        t.NODE,
        (t.RELATIONSHIP,),
        description="The end node of a relationship.",
    ),
    _spec("nodes", _nodes, t.list_of(t.NODE), (t.PATH,), description="Nodes of a path."),
    _spec(
        "relationships",
        _relationships,
        t.list_of(t.RELATIONSHIP),
        (t.PATH,),
        description="Relationships of a path.",
    ),
    _spec(
        "length",
        _length,
        t.INTEGER,
        (t.PATH, t.STRING, t.list_of(t.ANY)),
        description="Number of relationships of a path.",
    ),
    _spec(
        "exists",
        _exists,
        t.BOOLEAN,
        propagates_null=False,
        description="Whether the value (usually a property) is not null.",
    ),
)


# -- procedures -----------------------------------------------------------------------------


def _db_labels(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    for label in sorted(ctx.graph.labels_in_use()):
        yield (label,)


def _db_types(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    for name in sorted(ctx.graph.relationship_types_in_use()):
        yield (name,)


def _db_keys(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    for key in sorted(ctx.graph.property_keys()):
        yield (key,)


def _db_indexes(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    graph: Any = ctx.graph
    yield from (tuple(row) for row in graph.show_indexes())


def _db_constraints(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    graph: Any = ctx.graph
    yield from (tuple(row) for row in graph.show_constraints())


def _db_schema(ctx: ExecContext) -> Iterator[tuple[Any, ...]]:
    graph: Any = ctx.graph
    yield (graph.schema_summary(),)


def _proc(
    name: str, outputs: tuple[tuple[str, t.CypherType], ...], impl: Any, text: str
) -> ProcedureSpec:
    return ProcedureSpec(
        name=name,
        inputs=(),
        outputs=tuple(ProcedureField(n, typ, False) for n, typ in outputs),
        implementation=impl,
        needs_context=True,
        description=text,
    )


BUILTIN_PROCEDURES: tuple[ProcedureSpec, ...] = (
    _proc("db.labels", (("label", t.STRING),), _db_labels, "Labels in use."),
    _proc(
        "db.relationshipTypes",
        (("relationshipType", t.STRING),),
        _db_types,
        "Relationship types in use.",
    ),
    _proc("db.propertyKeys", (("propertyKey", t.STRING),), _db_keys, "Property keys."),
    _proc(
        ast.ShowIndexes.procedure,
        tuple((name, t.ANY) for name in ast.ShowIndexes.columns),
        _db_indexes,
        "Indexes and their state (what SHOW INDEXES shows).",
    ),
    _proc(
        ast.ShowConstraints.procedure,
        tuple((name, t.ANY) for name in ast.ShowConstraints.columns),
        _db_constraints,
        "Constraints (what SHOW CONSTRAINTS shows).",
    ),
    _proc(
        "db.schema",
        (("schema", t.MAP),),
        _db_schema,
        "Labels, relationship types, property keys, indexes, constraints and counts.",
    ),
)

_installed = False


def install(procedures: ProcedureRegistry) -> None:
    """Register the graph functions (once) and the built-in procedures into `procedures`."""
    global _installed
    if not _installed:
        for spec in GRAPH_FUNCTIONS:
            registry.register(spec, replace=True)
        temporal_functions.install()
        _installed = True
    for procedure in (*BUILTIN_PROCEDURES, *VECTOR_PROCEDURES, *ALGORITHM_PROCEDURES):
        procedures.register(procedure)
