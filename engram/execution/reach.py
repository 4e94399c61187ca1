"""Breadth-first reachability: the distinct ends of every trail of 1..max hops.

For directed expansion the ends of trails of 1..max relationships are exactly the nodes
at walk distance 1..max: a shortest walk to another node is a simple path, and a
shortest closed walk back to the start is a simple cycle, so neither repeats a
relationship. Undirected expansion lacks the second property (a-b-a walks one
relationship twice), so the optimizer only asks for directed reachability.
"""

from __future__ import annotations

import numpy as np

from engram.execution.context import ExecContext

__all__ = ["reachable"]


def reachable(
    ctx: ExecContext,
    start: int,
    direction: str,
    types: tuple[str, ...],
    minimum: int,
    maximum: int | None,
) -> np.ndarray:
    """Sorted ids of the nodes that end a trail of `minimum` (0 or 1) to `maximum` hops."""
    visited = np.zeros(max(start + 1, 1024), dtype=bool)
    marker = np.zeros(visited.shape[0], dtype=np.int64)
    frontier = np.array([start], dtype=np.int64)
    depth = 0
    while frontier.shape[0] and (maximum is None or depth < maximum):
        ctx.check()
        depth += 1
        _, neighbours, _, _, _ = ctx.graph.expand(frontier, direction, types)
        if neighbours.shape[0] == 0:
            break
        highest = int(neighbours.max())
        if highest >= visited.shape[0]:
            size = max(highest + 1, 2 * visited.shape[0])
            grown = np.zeros(size, dtype=bool)
            grown[: visited.shape[0]] = visited
            visited, marker = grown, np.zeros(size, dtype=np.int64)
        fresh = neighbours[~visited[neighbours]]
        visited[fresh] = True
        # each id once without sorting: the last write of a repeated id wins
        positions = np.arange(fresh.shape[0], dtype=np.int64)
        marker[fresh] = positions
        frontier = fresh[marker[fresh] == positions]
    if minimum == 0:
        visited[start] = True
    return np.flatnonzero(visited).astype(np.int64, copy=False)
