"""Connected components and triangle counts over a projection (scipy.sparse.csgraph).

Component ids are the smallest node id in each component, so they do not depend on
traversal order. Triangles are counted in the undirected simple graph (parallel
relationships and self-loops ignored), as networkx's ``triangles`` and ``clustering`` do;
the sparse products run over blocks of rows so memory stays bounded on skewed graphs.

>>> import numpy as np
>>> from engram.algorithms.projection import Projection
>>> nodes, starts, ends = np.array([5, 6, 7, 8]), np.array([5, 6, 7]), np.array([6, 7, 5])
>>> p = Projection.build(nodes, starts, ends, np.arange(3))
>>> weakly_connected(p).tolist(), strongly_connected(p).tolist()
([5, 5, 5, 8], [5, 5, 5, 8])
>>> counts, coefficients = triangles(p)
>>> counts.tolist(), coefficients.tolist()
([1, 1, 1, 0], [1.0, 1.0, 1.0, 0.0])
"""

from __future__ import annotations

from typing import Final

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from engram.algorithms.projection import Orientation, Projection

__all__ = ["strongly_connected", "triangles", "weakly_connected"]

#: bound on the entries of one block's sparse product (about 200 MB of int32 + float64)
_BLOCK_ENTRIES: Final = 16_000_000


def _component_ids(projection: Projection, labels: np.ndarray) -> np.ndarray:
    """Per node, the smallest node id of its component."""
    if not len(labels):
        return np.empty(0, dtype=np.int64)
    smallest = np.full(int(labels.max()) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, labels, projection.nodes)
    result: np.ndarray = smallest[labels]
    return result


def weakly_connected(projection: Projection) -> np.ndarray:
    """Per node, the id of its weakly connected component (its smallest node id)."""
    if not projection.size:
        return np.empty(0, dtype=np.int64)
    matrix = projection.simple(Orientation.NATURAL)
    _, labels = connected_components(matrix, directed=True, connection="weak")
    return _component_ids(projection, labels)


def strongly_connected(projection: Projection) -> np.ndarray:
    """Per node, the id of its strongly connected component (its smallest node id)."""
    if not projection.size:
        return np.empty(0, dtype=np.int64)
    matrix = projection.simple(Orientation.NATURAL)
    _, labels = connected_components(matrix, directed=True, connection="strong")
    return _component_ids(projection, labels)


def triangles(projection: Projection) -> tuple[np.ndarray, np.ndarray]:
    """Per node, the triangles it is part of and its local clustering coefficient.

    Each undirected edge is oriented from the endpoint of lower degree to the higher
    one (ties by index), which bounds out-degrees by about the square root of twice the
    edge count. A triangle a -> b -> c with a -> c is then found once as an entry of
    ``(F @ F) * F`` (counted for a and c) and once in ``(F.T @ F) * F`` (for b).
    """
    n = projection.size
    if not n:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    undirected = projection.simple(Orientation.UNDIRECTED)
    degree = np.diff(undirected.indptr).astype(np.int64)
    coo = undirected.tocoo()
    rank = np.lexsort((np.arange(n), degree))
    position = np.empty(n, dtype=np.int64)
    position[rank] = np.arange(n)
    forward = position[coo.row] < position[coo.col]
    rows, cols = coo.row[forward], coo.col[forward]
    oriented = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    reverse = oriented.T.tocsr()
    counts = np.zeros(n, dtype=np.float64)
    for left, role in ((oriented, "ends"), (reverse, "middle")):
        for start, end in _blocks(left, oriented):
            block = left[start:end]
            closed = (block @ oriented).multiply(oriented[start:end]).tocsr()
            counts[start:end] += np.asarray(closed.sum(axis=1)).ravel()
            if role == "ends":
                counts += np.asarray(closed.sum(axis=0)).ravel()
    result = np.rint(counts).astype(np.int64)
    pairs = degree * (degree - 1)
    coefficients = np.zeros(n, dtype=np.float64)
    positive = pairs > 0
    coefficients[positive] = 2.0 * result[positive] / pairs[positive]
    return result, coefficients


def _blocks(left: sp.csr_array, right: sp.csr_array) -> list[tuple[int, int]]:
    """Row blocks of `left` whose product with `right` stays within the entry bound."""
    out_degree = np.diff(right.indptr).astype(np.float64)
    work = np.asarray(left @ out_degree).ravel()
    blocks = []
    start, n = 0, left.shape[0]
    while start < n:
        total = np.cumsum(work[start:])
        fits = int(np.searchsorted(total, _BLOCK_ENTRIES, side="right"))
        end = start + max(fits, 1)
        blocks.append((start, end))
        start = end
    return blocks
