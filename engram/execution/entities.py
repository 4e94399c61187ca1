"""Graph entities as they travel through execution: references by id, not snapshots.

A row holds a `NodeRef` or `RelRef`; labels and properties are read through the
transaction when an expression needs them, so a `SET` earlier in the same query is
always visible. At the API boundary they become `engram.Node` / `engram.Relationship`.
Equality and hashing are by id only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NodeRef", "PathValue", "RelRef"]


class NodeRef:
    """A node, by id.

    Hand-written rather than a frozen dataclass: rows create one per node they hold,
    and a frozen dataclass's constructor costs twice as much. Treat it as immutable
    (equality and hash are those of the frozen dataclass it replaces: by id).
    """

    __slots__ = ("id",)
    __match_args__ = ("id",)

    id: int

    def __init__(self, id: int) -> None:  # the field is called id
        self.id = id

    def __eq__(self, other: object) -> bool:
        if other.__class__ is NodeRef:
            return self.id == other.id
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.id,))

    def __repr__(self) -> str:
        return f"NodeRef(id={self.id!r})"

    def __reduce__(self) -> tuple[type[NodeRef], tuple[int]]:
        return NodeRef, (self.id,)


@dataclass(frozen=True, slots=True)
class RelRef:
    """A relationship, by id; type, start and end never change, so they travel with it."""

    id: int
    type_id: int = field(compare=False)
    start: int = field(compare=False)
    end: int = field(compare=False)

    def other(self, node_id: int) -> int:
        """The node at the other end from `node_id` (the same node for a self-loop)."""
        return self.end if node_id == self.start else self.start


@dataclass(frozen=True, slots=True)
class PathValue:
    """A path: nodes[0], rels[0], nodes[1], ...; len(nodes) == len(rels) + 1."""

    nodes: tuple[NodeRef, ...]
    rels: tuple[RelRef, ...] = ()

    def __len__(self) -> int:
        return len(self.rels)
