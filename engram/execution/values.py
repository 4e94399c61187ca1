"""Conversion between Python values (parameters, results) and runtime values.

Parameters arrive as Python values: tuples and numpy arrays become lists, numpy
scalars plain numbers, `datetime` values engram temporal values. Results leave as
Python values: node and relationship references become `engram.Node` /
`engram.Relationship` snapshots read through the transaction, paths `engram.Path`,
temporal values `datetime` types where Python can hold them exactly.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

import numpy as np

from engram import temporal
from engram.errors import ErrorDetail, ErrorKind, ParameterError
from engram.execution.context import GraphAccess
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.temporal.base import TemporalValue
from engram.values import Node, Path, Relationship

__all__ = ["from_python", "rows_to_python", "to_python"]

_SCALAR_TYPES = (bool, int, float, str)  # bool first: it is also an int
_SCALARS = frozenset(_SCALAR_TYPES)
#: runtime entities that procedures may yield as they are
_ENTITIES = (NodeRef, RelRef, PathValue)


def from_python(value: Any) -> Any:
    """A parameter or procedure value as a runtime value (raises ParameterError if unusable)."""
    kind = type(value)
    if value is None or kind in _SCALARS or kind in _ENTITIES:
        return value
    if isinstance(value, list | tuple):
        if _SCALARS.issuperset(map(type, value)):
            return list(value)  # plain values (an embedding): one C-level copy
        return [from_python(item) for item in value]
    if isinstance(value, bool | int | float | str):
        return _builtin(value)
    if isinstance(value, Mapping):
        return {str(key): from_python(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise _unusable(value, "only 1-dimensional arrays are supported")
        items = value.tolist()
        if value.dtype.kind in "biuf":  # numbers (an embedding): Python scalars already
            return items
        return [from_python(item) for item in items]
    if isinstance(value, np.generic):
        return from_python(value.item())
    if isinstance(value, Node):
        return NodeRef(value.id)
    if isinstance(value, _dt.date | _dt.time | _dt.timedelta):
        return _temporal_from_python(value)
    from engram.temporal.base import TemporalValue

    if isinstance(value, TemporalValue):
        return value
    raise _unusable(
        value,
        "supported values are None, bool, int, float, str, lists, dicts, "
        "numpy arrays and datetime values",
    )


def _builtin(value: bool | int | float | str) -> Any:
    for kind in _SCALAR_TYPES:
        if isinstance(value, kind):
            return kind(value)
    return value


def _unusable(value: Any, why: str) -> ParameterError:
    return ParameterError(
        f"cannot use a {type(value).__name__} as a value: {why}",
        detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
        kind=ErrorKind.TYPE_ERROR,
    )


def _temporal_from_python(value: Any) -> Any:
    return temporal.from_python(value)


def to_python(value: Any, graph: GraphAccess) -> Any:
    """A runtime value as the Python value users receive."""
    if value is None or type(value) in _SCALARS:
        return value
    kind = type(value)
    if kind is NodeRef:
        return node_snapshot(value.id, graph)
    if kind is RelRef:
        return rel_snapshot(value, graph)
    if kind is PathValue:
        return Path(
            nodes=tuple(node_snapshot(n.id, graph) for n in value.nodes),
            relationships=tuple(rel_snapshot(r, graph) for r in value.rels),
        )
    if kind is list:
        return [to_python(item, graph) for item in value]
    if kind is dict:
        return {key: to_python(item, graph) for key, item in value.items()}
    return _temporal_to_python(value)


_PLAIN = frozenset((*_SCALAR_TYPES, type(None)))


def rows_to_python(batch: list[tuple[Any, ...]], graph: GraphAccess) -> list[tuple[Any, ...]]:
    """A batch of runtime rows as the rows users receive (rows of plain values as they are)."""
    plain = _PLAIN.issuperset
    return [
        row if plain(map(type, row)) else tuple([to_python(value, graph) for value in row])
        for row in batch
    ]


def node_snapshot(node_id: int, graph: GraphAccess) -> Node:
    """The node as it is now in the transaction (empty if it was deleted)."""
    if graph.is_deleted_node(node_id):
        return Node(node_id, frozenset(), {})
    return Node(node_id, graph.node_labels(node_id), graph.node_properties(node_id))


def rel_snapshot(rel: RelRef, graph: GraphAccess) -> Relationship:
    """The relationship as it is now in the transaction (no properties if deleted)."""
    name = graph.rel_type_name(rel.type_id)
    if graph.is_deleted_relationship(rel.id):
        return Relationship(rel.id, name, rel.start, rel.end, {})
    return Relationship(rel.id, name, rel.start, rel.end, graph.rel_properties(rel.id))


def _temporal_to_python(value: Any) -> Any:
    if isinstance(value, TemporalValue):
        return temporal.to_python(value)
    return value
