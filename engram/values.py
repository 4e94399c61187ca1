"""Graph values handed to users: Node, Relationship and Path, and their TCK-style text.

These are snapshots taken when a result row is produced; they compare and hash by id
(like the Neo4j driver's entities), so the same node read twice is equal even if its
properties changed in between. Property values are plain Python values (see API.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Node", "Path", "Relationship", "format_float", "format_value", "quote_string"]


@dataclass(frozen=True, slots=True, eq=False)
class Node:
    """A node: its id, labels and properties as they were when the row was produced."""

    id: int
    labels: frozenset[str] = frozenset()
    properties: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.properties[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The property `key`, or `default` when the node has none."""
        return self.properties.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.properties

    def __iter__(self) -> Iterator[str]:
        return iter(self.properties)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("node", self.id))

    def __str__(self) -> str:
        return format_value(self)

    def __repr__(self) -> str:
        return f"Node(id={self.id}, {format_value(self)})"


@dataclass(frozen=True, slots=True, eq=False)
class Relationship:
    """A relationship: its id, type, start and end node ids, and properties."""

    id: int
    type: str
    start: int
    end: int
    properties: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.properties[key]

    def get(self, key: str, default: Any = None) -> Any:
        """The property `key`, or `default` when the relationship has none."""
        return self.properties.get(key, default)

    def __contains__(self, key: object) -> bool:
        return key in self.properties

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Relationship) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("relationship", self.id))

    def __str__(self) -> str:
        return format_value(self)

    def __repr__(self) -> str:
        return f"Relationship(id={self.id}, {self.start}->{self.end}, {format_value(self)})"


@dataclass(frozen=True, slots=True)
class Path:
    """A path: nodes[0], relationships[0], nodes[1], ... with len(nodes) == len(rels) + 1."""

    nodes: tuple[Node, ...]
    relationships: tuple[Relationship, ...] = ()

    def __len__(self) -> int:
        return len(self.relationships)

    @property
    def start(self) -> Node:
        """The first node."""
        return self.nodes[0]

    @property
    def end(self) -> Node:
        """The last node."""
        return self.nodes[-1]

    def __str__(self) -> str:
        return format_value(self)


def format_value(
    value: object,
    *,
    quote: Callable[[str], str] | None = None,
    other: Callable[[object], str] = str,
) -> str:
    """Render a value the way the openCypher TCK writes it (sorted labels and keys).

    >>> format_value(Node(1, frozenset({"B", "A"}), {"name": "x", "age": 3}))
    "(:A:B {age: 3, name: 'x'})"
    >>> format_value([1, "a", None, {"k": 1.5}])
    "[1, 'a', null, {k: 1.5}]"

    Args:
        value: a value as the API returns it.
        quote: how a string is written (default: `quote_string`).
        other: how any other value (a temporal one) is written.
    """
    return _Formatter(quote or quote_string, other).text(value)


def quote_string(value: str) -> str:
    """A string in single quotes, its backslashes and quotes escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def format_float(value: float) -> str:
    """A float as the TCK writes it (`NaN`, `Infinity`, `-Infinity` for the odd ones)."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


class _Formatter:
    """`format_value` with its two choices made."""

    __slots__ = ("_other", "_quote")

    def __init__(self, quote: Callable[[str], str], other: Callable[[object], str]) -> None:
        self._quote = quote
        self._other = other

    def text(self, value: object) -> str:
        match value:
            case None:
                return "null"
            case bool():
                return "true" if value else "false"
            case int():
                return str(value)
            case float():
                return format_float(value)
            case str():
                return self._quote(value)
            case Node():
                labels = "".join(f":{label}" for label in sorted(value.labels))
                inner = " ".join(part for part in (labels, self._properties(value)) if part)
                return f"({inner})"
            case Relationship():
                props = self._properties(value)
                return f"[:{value.type}{' ' + props if props else ''}]"
            case Path():
                return self._path(value)
            case list() | tuple():
                return "[" + ", ".join(self.text(item) for item in value) + "]"
            case Mapping():
                return self.map_text(value)
            case _:
                return self._other(value)

    def map_text(self, mapping: Mapping[Any, Any]) -> str:
        items = ", ".join(f"{key}: {self.text(mapping[key])}" for key in sorted(mapping, key=str))
        return "{" + items + "}"

    def _properties(self, entity: Node | Relationship) -> str:
        return self.map_text(entity.properties) if entity.properties else ""

    def _path(self, path: Path) -> str:
        parts = [self.text(path.nodes[0])]
        for index, rel in enumerate(path.relationships):
            previous, following = path.nodes[index], path.nodes[index + 1]
            rel_text = self.text(rel)
            forward = rel.start == previous.id and (
                rel.end == following.id or rel.start != following.id
            )
            parts.append(f"-{rel_text}->" if forward else f"<-{rel_text}-")
            parts.append(self.text(following))
        return "<" + "".join(parts) + ">"
