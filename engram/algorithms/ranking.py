"""PageRank and betweenness centrality over a projection (numpy and scipy).

PageRank is the power iteration networkx runs (uniform teleport, dangling nodes spread
their rank uniformly, parallel relationships add up), iterated to a tighter tolerance by
default. Betweenness is Brandes' algorithm with a vectorised breadth-first search per
source; with `sampling_size` it runs from that many random sources and scales the sums
as networkx does for its ``k`` argument.

>>> import numpy as np
>>> from engram.algorithms.projection import Orientation, Projection
>>> star = Projection.build(np.arange(4), np.array([1, 2, 3]), np.array([0, 0, 0]), np.arange(3))
>>> scores = pagerank(star)
>>> round(float(scores[0]), 4), round(float(scores.sum()), 6)
(0.542, 1.0)
>>> path = Projection.build(np.arange(3), np.array([0, 1]), np.array([1, 2]), np.arange(2))
>>> betweenness(path, Orientation.UNDIRECTED).tolist()
[0.0, 1.0, 0.0]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from engram.algorithms.projection import Orientation, Projection

__all__ = ["betweenness", "pagerank"]

Check = Callable[[], None]


def _nothing() -> None:
    return None


def pagerank(
    projection: Projection,
    orientation: Orientation = Orientation.NATURAL,
    *,
    damping: float = 0.85,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
    weighted: bool = False,
    check: Check = _nothing,
) -> np.ndarray:
    """PageRank score of every node (they sum to 1).

    Stops when the L1 change of one iteration is below `tolerance` times the number of
    nodes (networkx's criterion), or after `max_iterations`.
    """
    n = projection.size
    if n == 0:
        return np.empty(0, dtype=np.float64)
    matrix = projection.adjacency(orientation, weighted=weighted)
    out = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out == 0
    # row-normalise entry by entry (1 / a tiny row sum would overflow), then
    # x @ (D^-1 A) as (D^-1 A)^T @ x: a CSR matrix-vector product per iteration
    rows = np.repeat(np.arange(n), np.diff(matrix.indptr))
    sums = out[rows]
    data = np.divide(matrix.data, sums, out=np.zeros_like(matrix.data), where=sums != 0)
    normalised = sp.csr_array((data, matrix.indices, matrix.indptr), shape=(n, n))
    transition = normalised.T.tocsr()
    teleport = 1.0 / n
    scores = np.full(n, teleport)
    for _ in range(max_iterations):
        check()
        previous = scores
        scores = damping * (transition @ previous + previous[dangling].sum() * teleport)
        scores += (1.0 - damping) * teleport
        if np.abs(scores - previous).sum() < n * tolerance:
            break
    result: np.ndarray = scores
    return result


def betweenness(
    projection: Projection,
    orientation: Orientation = Orientation.NATURAL,
    *,
    normalized: bool = False,
    sampling_size: int | None = None,
    seed: int = 42,
    check: Check = _nothing,
) -> np.ndarray:
    """Betweenness centrality (shortest paths by hop count; parallel relationships once).

    Unnormalised, directed sums count ordered pairs and undirected ones unordered pairs
    (networkx's convention); `normalized` divides by the number of pairs.
    """
    n = projection.size
    scores = np.zeros(n, dtype=np.float64)
    if n < 3:
        return scores
    adjacency = projection.simple(orientation)
    indptr, indices = adjacency.indptr, adjacency.indices.astype(np.int64)
    if sampling_size is None or sampling_size >= n:
        sources = np.arange(n)
        sampled = None
    else:
        rng = np.random.default_rng(seed)
        sources = np.sort(rng.choice(n, size=max(sampling_size, 1), replace=False))
        sampled = sources
    for source in sources.tolist():
        check()
        scores += _dependencies(indptr, indices, source, n)
    return _rescale(scores, n, normalized, orientation is not Orientation.UNDIRECTED, sampled)


def _neighbours(
    indptr: np.ndarray, indices: np.ndarray, frontier: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(from, to) of every edge leaving the frontier."""
    starts, ends = indptr[frontier], indptr[frontier + 1]
    counts = ends - starts
    total = int(counts.sum())
    if not total:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return np.repeat(frontier, counts), indices[np.arange(total) + offsets]


def _dependencies(indptr: np.ndarray, indices: np.ndarray, source: int, n: int) -> np.ndarray:
    """Brandes' dependency of `source` on every other node (one BFS, one backward pass)."""
    distance = np.full(n, -1, dtype=np.int64)
    sigma = np.zeros(n, dtype=np.float64)
    distance[source] = 0
    sigma[source] = 1.0
    frontier = np.array([source], dtype=np.int64)
    levels: list[tuple[np.ndarray, np.ndarray]] = []
    depth = 0
    while len(frontier):
        tails, heads = _neighbours(indptr, indices, frontier)
        fresh = distance[heads] < 0
        distance[heads[fresh]] = depth + 1
        forward = distance[heads] == depth + 1
        tails, heads = tails[forward], heads[forward]
        sigma += np.bincount(heads, weights=sigma[tails], minlength=n)
        levels.append((tails, heads))
        frontier = np.unique(heads)
        depth += 1
    delta = np.zeros(n, dtype=np.float64)
    for tails, heads in reversed(levels):
        share = sigma[tails] / sigma[heads] * (1.0 + delta[heads])
        delta += np.bincount(tails, weights=share, minlength=n)
    delta[source] = 0.0
    return delta


def _rescale(
    scores: np.ndarray, n: int, normalized: bool, directed: bool, sampled: np.ndarray | None
) -> np.ndarray:
    pairs = n - 1  # endpoints excluded: a node is never the target of a path through it
    correction = 1 if directed else 2
    if sampled is None:
        scale = 1.0 / (pairs * (pairs - 1)) if normalized else 1.0 / correction
        scores *= scale
        return scores
    k = len(sampled)
    if normalized:
        source_scale = 1.0 / ((k - 1) * (pairs - 1)) if k > 1 else np.nan
        other_scale = 1.0 / (k * (pairs - 1))
    else:
        source_scale = pairs / ((k - 1) * correction) if k > 1 else np.nan
        other_scale = pairs / (k * correction)
    factors = np.full(n, other_scale)
    factors[sampled] = source_scale
    scores *= factors
    return scores
