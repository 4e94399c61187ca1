"""Weighted shortest paths (Dijkstra) over a projection, with the relationships they take.

Parallel relationships collapse to the cheapest one, which is also the one a path
reports. Weights must be finite and not negative.

>>> import numpy as np
>>> from engram.algorithms.projection import Projection
>>> p = Projection.build(np.arange(4), np.array([0, 0, 1, 2]), np.array([1, 2, 3, 3]),
...                      np.array([10, 11, 12, 13]), np.array([1.0, 5.0, 1.0, 0.5]))
>>> [path] = shortest_paths(p, 0, np.array([3]))
>>> path.nodes.tolist(), path.costs.tolist(), p.relationships[path.edges].tolist()
([0, 1, 3], [0.0, 1.0, 2.0], [10, 12])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from engram.algorithms.projection import Orientation, Projection

__all__ = ["ShortestPath", "shortest_paths"]


@dataclass(frozen=True, slots=True)
class ShortestPath:
    """One shortest path: node indices, the cost up to each node, and the edges taken.

    `edges` are positions in the projection's relationship arrays.
    """

    target: int
    total: float
    nodes: np.ndarray
    costs: np.ndarray
    edges: np.ndarray


def shortest_paths(
    projection: Projection,
    source: int,
    targets: np.ndarray | None = None,
    orientation: Orientation = Orientation.NATURAL,
) -> list[ShortestPath]:
    """Cheapest paths from node index `source` to each target (None: every reachable node).

    Unreachable targets are left out. Without weights every relationship costs 1.
    """
    n = projection.size
    tails, heads, positions = projection.oriented(orientation)
    weights = np.ones(len(tails)) if projection.weights is None else projection.weights[positions]
    keys = tails * n + heads
    order = np.lexsort((weights, keys))
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    cheapest = order[first]
    matrix = sp.csr_array((weights[cheapest], (tails[cheapest], heads[cheapest])), shape=(n, n))
    distances, predecessors = dijkstra(
        matrix, directed=True, indices=source, return_predecessors=True
    )
    edge_keys, edge_positions = keys[cheapest], positions[cheapest]
    wanted = np.flatnonzero(np.isfinite(distances)) if targets is None else targets
    found = []
    for target in np.asarray(wanted, dtype=np.int64).tolist():
        if not np.isfinite(distances[target]):
            continue
        route = [target]
        while route[-1] != source:
            route.append(int(predecessors[route[-1]]))
        nodes = np.asarray(route[::-1], dtype=np.int64)
        steps = nodes[:-1] * n + nodes[1:]
        edges = edge_positions[np.searchsorted(edge_keys, steps)]
        found.append(ShortestPath(target, float(distances[target]), nodes, distances[nodes], edges))
    return found
