"""Element access: `list[i]`, `map[key]`, `value.key`, and slices `list[from..to]`.

- A null container or a null index gives null.
- Lists take integer indexes, negative ones count from the end; an index out of range
  gives null. A non-integer index is TypeError ListElementAccessByNonInteger.
- Maps take string keys; a missing key gives null. A non-string key is TypeError
  MapElementAccessByNonString.
- Nodes and relationships are read through the store, so their access is delegated to
  the `entity_property(entity, key)` callback the engine passes in.
- Temporal values answer `value.key` through `TemporalValue.property`.
- Anything else cannot be indexed: TypeError InvalidArgumentType (PropertyAccessOnNonMap
  for `value.key`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from engram.errors import ErrorDetail
from engram.execution.entities import NodeRef, RelRef
from engram.execution.faults import type_error, type_name
from engram.temporal.base import TemporalValue

__all__ = ["OMITTED", "EntityProperty", "index", "list_slice", "property_of"]

#: reads a property of a node or relationship: `entity_property(entity, key)`
EntityProperty = Callable[[Any, str], Any]


class _Omitted:
    """A slice bound that was left out (`list[..2]`), as opposed to a null bound."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "OMITTED"


OMITTED: Final = _Omitted()


def index(container: Any, key: Any, entity_property: EntityProperty | None = None) -> Any:
    """`container[key]` for lists, maps and (through `entity_property`) entities."""
    if container is None or key is None:
        return None
    if isinstance(container, list | tuple):
        if type(key) is not int:
            raise type_error(
                f"a LIST can only be indexed by an INTEGER, got {type_name(key)}",
                ErrorDetail.LIST_ELEMENT_ACCESS_BY_NON_INTEGER,
            )
        return container[key] if -len(container) <= key < len(container) else None
    if isinstance(container, dict):
        if not isinstance(key, str):
            raise type_error(
                f"a MAP can only be indexed by a STRING, got {type_name(key)}",
                ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING,
            )
        return container.get(key)
    if isinstance(container, NodeRef | RelRef) and entity_property is not None:
        if not isinstance(key, str):
            raise type_error(
                f"a {type_name(container)} can only be indexed by a STRING, got {type_name(key)}",
                ErrorDetail.MAP_ELEMENT_ACCESS_BY_NON_STRING,
            )
        return entity_property(container, key)
    raise type_error(f"cannot index a {type_name(container)}")


def property_of(container: Any, key: str, entity_property: EntityProperty | None = None) -> Any:
    """`container.key` (static property access) on maps, entities and temporal values."""
    if container is None:
        return None
    if isinstance(container, dict):
        return container.get(key)
    if isinstance(container, NodeRef | RelRef) and entity_property is not None:
        return entity_property(container, key)
    if isinstance(container, TemporalValue):
        try:
            return container.property(key)
        except KeyError:
            raise type_error(
                f"{type_name(container)} has no component {key!r}",
                ErrorDetail.INVALID_ARGUMENT_VALUE,
            ) from None
    raise type_error(
        f"cannot read property {key!r} of a {type_name(container)}",
        ErrorDetail.PROPERTY_ACCESS_ON_NON_MAP,
    )


def _bound(value: Any) -> int:
    if type(value) is not int:
        raise type_error(f"a LIST slice bound must be an INTEGER, got {type_name(value)}")
    return value


def list_slice(container: Any, start: Any = OMITTED, end: Any = OMITTED) -> Any:
    """`container[start..end]`, the end exclusive.

    Negative bounds count from the end and bounds past either end are clamped; `OMITTED`
    leaves a bound open; a null bound gives null.
    """
    if container is None or start is None or end is None:
        return None
    if not isinstance(container, list | tuple):
        raise type_error(f"cannot slice a {type_name(container)}")
    first = None if start is OMITTED else _bound(start)
    stop = None if end is OMITTED else _bound(end)
    return list(container[first:stop])
