"""Louvain community detection over a projection, with vectorised local moves.

Each level starts from singleton communities and repeats sweeps in which every node
computes, with one sparse product over all relationships, the modularity gain of joining
each neighbouring community. Nodes with a positive best gain move together, but only a
random share of them per sweep (moving all at once lets neighbours swap places forever):
a sweep that does not raise modularity is undone and the share halved. When a level
stops improving, communities become the nodes of the next level's graph (weights
summed), as in the original algorithm. Community ids are the smallest node id in each
community; `modularity` scores a partition the way networkx does.

>>> import numpy as np
>>> from engram.algorithms.projection import Projection
>>> # two triangles joined by one relationship
>>> starts, ends = np.array([0, 1, 2, 3, 4, 5, 2]), np.array([1, 2, 0, 4, 5, 3, 3])
>>> p = Projection.build(np.arange(6), starts, ends, np.arange(7))
>>> communities, score = louvain(p)
>>> communities.tolist(), round(score, 4)
([0, 0, 0, 3, 3, 3], 0.3571)
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from engram.algorithms.projection import Orientation, Projection

__all__ = ["louvain", "modularity"]

Check = Callable[[], None]


def _nothing() -> None:
    return None


def modularity(matrix: sp.csr_array, communities: np.ndarray, resolution: float = 1.0) -> float:
    """Modularity of a partition of a symmetric weighted adjacency matrix."""
    degrees = np.asarray(matrix.sum(axis=1)).ravel()
    two_m = float(degrees.sum())
    if two_m == 0:
        return 0.0
    coo = matrix.tocoo()
    inside = float(coo.data[communities[coo.row] == communities[coo.col]].sum())
    totals = np.bincount(communities, weights=degrees)
    return inside / two_m - resolution * float(np.square(totals / two_m).sum())


def louvain(
    projection: Projection,
    *,
    weighted: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    max_levels: int = 10,
    max_iterations: int = 50,
    tolerance: float = 1e-7,
    check: Check = _nothing,
) -> tuple[np.ndarray, float]:
    """Per node, its community id (smallest node id in it); and the partition's modularity."""
    n = projection.size
    if not n:
        return np.empty(0, dtype=np.int64), 0.0
    original = projection.adjacency(Orientation.UNDIRECTED, weighted=weighted)
    rng = np.random.default_rng(seed)
    membership = np.arange(n)
    graph = original
    for _ in range(max_levels):
        communities, improved = _level(graph, resolution, rng, max_iterations, tolerance, check)
        if not improved:
            break
        _, communities = np.unique(communities, return_inverse=True)
        membership = communities[membership]
        size = int(communities.max()) + 1
        member = sp.csr_array(
            (np.ones(len(communities)), (np.arange(len(communities)), communities)),
            shape=(len(communities), size),
        )
        graph = (member.T @ graph @ member).tocsr()
        if size == len(communities):
            break
    smallest = np.full(int(membership.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, membership, projection.nodes)
    ids: np.ndarray = smallest[membership]
    return ids, modularity(original, membership, resolution)


def _level(
    graph: sp.csr_array,
    resolution: float,
    rng: np.random.Generator,
    max_iterations: int,
    tolerance: float,
    check: Check,
) -> tuple[np.ndarray, bool]:
    """Local moves on one level; the communities and whether modularity improved."""
    n = graph.shape[0]
    degrees = np.asarray(graph.sum(axis=1)).ravel()
    two_m = float(degrees.sum())
    communities = np.arange(n)
    if two_m == 0:
        return communities, False
    rows = np.repeat(np.arange(n), np.diff(graph.indptr))
    cols = graph.indices.astype(np.int64)
    links = graph.copy()
    links.setdiag(0)
    links.eliminate_zeros()
    score = _score(rows, cols, graph.data, communities, degrees, two_m, resolution)
    share = 0.5
    improved = False
    moves: tuple[np.ndarray, np.ndarray] | None = None
    for _ in range(max_iterations):
        check()
        if moves is None:
            moves = _best_moves(links, communities, degrees, two_m, resolution)
        movers, targets = moves
        if not len(movers):
            break
        chosen = rng.random(len(movers)) < share
        if not chosen.any():
            chosen[rng.integers(len(movers))] = True
        proposal = communities.copy()
        proposal[movers[chosen]] = targets[chosen]
        proposed = _score(rows, cols, graph.data, proposal, degrees, two_m, resolution)
        if proposed > score + tolerance:
            communities, score, improved = proposal, proposed, True
            moves = None
        else:
            share /= 2
            if share < 1 / 64:
                break
    return communities, improved


def _score(
    rows: np.ndarray,
    cols: np.ndarray,
    data: np.ndarray,
    communities: np.ndarray,
    degrees: np.ndarray,
    two_m: float,
    resolution: float,
) -> float:
    inside = float(data[communities[rows] == communities[cols]].sum())
    totals = np.bincount(communities, weights=degrees)
    return inside / two_m - resolution * float(np.square(totals / two_m).sum())


def _best_moves(
    links: sp.csr_array,
    communities: np.ndarray,
    degrees: np.ndarray,
    two_m: float,
    resolution: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes whose best move raises modularity, and the community each would join.

    `links @ membership` sums each node's relationship weights per neighbouring
    community in one sparse product (no sorting); gains and each row's best follow.
    """
    n = len(communities)
    membership = sp.csr_array((np.ones(n), (np.arange(n), communities)), shape=(n, n))
    weights = (links @ membership).tocsr()
    indptr = weights.indptr
    rows = np.repeat(np.arange(n), np.diff(indptr))
    candidates = weights.indices.astype(np.int64)
    own = candidates == communities[rows]
    to_own = np.zeros(n)
    to_own[rows[own]] = weights.data[own]
    totals = np.bincount(communities, weights=degrees, minlength=n)
    k = degrees[rows]
    # gain (times m) of moving a node from its community D to C (D's total includes it)
    gains = (weights.data - to_own[rows]) - resolution * k * (
        totals[candidates] - totals[communities[rows]] + k
    ) / two_m
    gains[own] = -np.inf
    if not len(gains):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    filled = np.flatnonzero(np.diff(indptr))
    best_gain = np.full(n, -np.inf)
    best_gain[filled] = np.maximum.reduceat(gains, indptr[filled])
    at_best = np.flatnonzero((gains == best_gain[rows]) & (gains > 1e-12))
    if not len(at_best):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    first = np.ones(len(at_best), dtype=bool)
    first[1:] = rows[at_best][1:] != rows[at_best][:-1]
    chosen = at_best[first]
    return rows[chosen], candidates[chosen]
