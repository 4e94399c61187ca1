"""A graph projection: the nodes and relationships an algorithm runs on, as numpy arrays.

Nodes are numbered 0 .. n-1 in the order of their (sorted) ids; relationships are
(source, target) index pairs with their relationship ids and optional weights. The
matrices the algorithms need are built from these arrays with scipy.

>>> projection = Projection.build(np.array([10, 20, 30]), np.array([10, 20, 99]),
...                               np.array([20, 30, 10]), np.array([0, 1, 2]))
>>> projection.sources.tolist(), projection.targets.tolist(), projection.relationships.tolist()
([0, 1], [1, 2], [0, 1])
>>> projection.adjacency(Orientation.UNDIRECTED).toarray().tolist()
[[0.0, 1.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["Orientation", "Projection"]


class Orientation(enum.StrEnum):
    """How relationships are followed: as stored, backwards, or both ways."""

    NATURAL = "NATURAL"
    REVERSE = "REVERSE"
    UNDIRECTED = "UNDIRECTED"


@dataclass(frozen=True, slots=True)
class Projection:
    """Nodes (sorted ids) and relationships between them (indices into the nodes)."""

    nodes: np.ndarray
    sources: np.ndarray
    targets: np.ndarray
    relationships: np.ndarray
    weights: np.ndarray | None = None

    @staticmethod
    def build(
        nodes: np.ndarray,
        starts: np.ndarray,
        ends: np.ndarray,
        relationships: np.ndarray,
        weights: np.ndarray | None = None,
    ) -> Projection:
        """The projection on `nodes` of the relationships whose both ends are among them."""
        nodes = np.asarray(nodes, dtype=np.int64)
        if not (len(nodes) < 2 or bool((nodes[1:] > nodes[:-1]).all())):
            nodes = np.unique(nodes)
        if not len(nodes):
            empty = np.empty(0, dtype=np.int64)
            return Projection(nodes, empty, empty, empty, None if weights is None else empty * 0.0)
        sources = _positions(nodes, starts)
        targets = _positions(nodes, ends)
        keep = (sources >= 0) & (targets >= 0)
        return Projection(
            nodes,
            sources[keep],
            targets[keep],
            np.asarray(relationships, dtype=np.int64)[keep],
            None if weights is None else np.asarray(weights, dtype=np.float64)[keep],
        )

    @property
    def size(self) -> int:
        """The number of nodes."""
        return len(self.nodes)

    def oriented(self, orientation: Orientation) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(sources, targets, edge positions) followed in `orientation` (both ways doubles)."""
        positions = np.arange(len(self.sources))
        if orientation is Orientation.NATURAL:
            return self.sources, self.targets, positions
        if orientation is Orientation.REVERSE:
            return self.targets, self.sources, positions
        return (
            np.concatenate([self.sources, self.targets]),
            np.concatenate([self.targets, self.sources]),
            np.concatenate([positions, positions]),
        )

    def adjacency(self, orientation: Orientation, *, weighted: bool = False) -> sp.csr_array:
        """The n x n adjacency matrix; parallel relationships add up (weights or counts).

        Undirected: each relationship counts in both directions, a self-loop twice on the
        diagonal (so row sums are degrees, as networkx counts them).
        """
        sources, targets, positions = self.oriented(orientation)
        if weighted and self.weights is not None:
            values = self.weights[positions]
        else:
            values = np.ones(len(sources), dtype=np.float64)
        n = self.size
        import scipy.sparse as sp  # scipy loads on first use, not with engram

        matrix = sp.coo_array((values, (sources, targets)), shape=(n, n)).tocsr()
        matrix.sum_duplicates()
        return matrix

    def simple(self, orientation: Orientation) -> sp.csr_array:
        """0/1 adjacency without parallel relationships and without self-loops."""
        sources, targets, _ = self.oriented(orientation)
        keep = sources != targets
        n = self.size
        values = np.ones(int(keep.sum()), dtype=np.float64)
        import scipy.sparse as sp

        matrix = sp.coo_array((values, (sources[keep], targets[keep])), shape=(n, n)).tocsr()
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return matrix


#: a dense id -> position table is used while it has at most this many slots per node
_DENSE_SLOTS: Final = 8


def _positions(nodes: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Index of each id in the sorted `nodes`, or -1."""
    ids = np.asarray(ids, dtype=np.int64)
    if not len(ids):
        return np.empty(0, dtype=np.int64)
    low, high = int(nodes[0]), int(nodes[-1])
    if low >= 0 and high < _DENSE_SLOTS * len(nodes) + 1024:
        # ids from storage are small and dense: one gather instead of a binary search
        table = np.full(high + 1, -1, dtype=np.int64)
        table[nodes] = np.arange(len(nodes), dtype=np.int64)
        inside = (ids >= 0) & (ids <= high)
        out = np.full(len(ids), -1, dtype=np.int64)
        out[inside] = table[ids[inside]]
        return out
    at = np.minimum(np.searchsorted(nodes, ids), len(nodes) - 1)
    return np.where(nodes[at] == ids, at, -1)
