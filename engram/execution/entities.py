"""Graph entities as they travel through execution: references by id, not snapshots.

A row holds a `NodeRef` or `RelRef`; labels and properties are read through the
transaction when an expression needs them, so a `SET` earlier in the same query is
always visible. At the API boundary they become `engram.Node` / `engram.Relationship`.
Equality and hashing are by id only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NodeRef", "PathValue", "RelRef"]


@dataclass(frozen=True, slots=True)
class NodeRef:
    """A node, by id."""

    id: int


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
