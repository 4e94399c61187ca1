"""shortestPath and allShortestPaths between two bound nodes: bidirectional BFS.

Each round expands the smaller frontier by one level with one batched adjacency read;
the search stops at the first level where the two searches meet. Parent lists keep
every shortest predecessor so allShortestPaths can enumerate all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.expressions import CompiledExpr
from engram.execution.memory import POINTER, Holding
from engram.execution.operators.expand import Neighbours, rel_ref
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row

__all__ = ["ShortestPathExec", "shortest_paths"]

_REVERSE = {"->": "<-", "<-": "->", "--": "--"}

Parents = dict[int, list[tuple[int, RelRef]]]

#: bytes per reached node: its distance entry, its parent list and relationship reference
_PER_NODE = 300


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortestPathExec(PhysicalOp):
    """Adds the relationship list (and the path) of each shortest path to each row."""

    child: PhysicalOp
    source: int
    target: int
    direction: str
    types: tuple[str, ...]
    min: int
    max: int | None
    all: bool
    predicate: CompiledExpr | None
    with_path: bool

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        held = ctx.memory.holding("shortestPath (search frontier)")
        try:
            yield from self._paths(ctx, arg, held)
        finally:
            held.close()

    def _paths(self, ctx: ExecContext, arg: Row, held: Holding) -> Iterator[Batch]:
        forward = Neighbours(ctx, self.direction, self.types)
        backward = Neighbours(ctx, _REVERSE[self.direction], self.types)
        out: Batch = []
        for batch in self.child.run(ctx, arg):
            for row in batch:
                start, end = row[self.source], row[self.target]
                if start is None or end is None:
                    continue
                found = shortest_paths(
                    ctx,
                    forward,
                    backward,
                    start.id,
                    end.id,
                    self.min,
                    self.max,
                    self.predicate,
                    first_only=not self.all,
                    held=held,
                )
                for rels in found:
                    if self.with_path:
                        out.append((*row, rels, _path(start.id, rels)))
                    else:
                        out.append((*row, rels))
                if len(out) >= BATCH_SIZE:
                    yield out
                    out = []
        if out:
            yield out


def _path(start: int, rels: list[RelRef]) -> PathValue:
    nodes = [NodeRef(start)]
    for rel in rels:
        nodes.append(NodeRef(rel.other(nodes[-1].id)))
    return PathValue(nodes=tuple(nodes), rels=tuple(rels))


def shortest_paths(
    ctx: ExecContext,
    forward: Neighbours,
    backward: Neighbours,
    source: int,
    target: int,
    minimum: int,
    maximum: int | None,
    predicate: CompiledExpr | None,
    *,
    first_only: bool,
    held: Holding | None = None,
) -> list[list[RelRef]]:
    """The shortest paths from source to target as relationship lists (none if too long).

    `held` is charged for the distances and parent links of the nodes reached, and
    given them back when the search ends.
    """
    if held is None:
        held = ctx.memory.holding("shortestPath (search frontier)")
    try:
        return _search(
            ctx, forward, backward, source, target, minimum, maximum, predicate, first_only, held
        )
    finally:
        held.resize(0)


def _search(
    ctx: ExecContext,
    forward: Neighbours,
    backward: Neighbours,
    source: int,
    target: int,
    minimum: int,
    maximum: int | None,
    predicate: CompiledExpr | None,
    first_only: bool,
    held: Holding,
) -> list[list[RelRef]]:
    if source == target:
        return [[]] if minimum == 0 else []
    dist_f, dist_b = {source: 0}, {target: 0}
    parents_f: Parents = {}
    parents_b: Parents = {}
    front_f, front_b = [source], [target]
    depth_f = depth_b = 0
    while front_f and front_b:
        if maximum is not None and depth_f + depth_b >= maximum:
            return []
        ctx.check()
        if len(front_f) <= len(front_b):
            front_f = _level(ctx, forward, front_f, dist_f, parents_f, depth_f + 1, predicate)
            depth_f += 1
            meet = [node for node in front_f if node in dist_b]
        else:
            front_b = _level(ctx, backward, front_b, dist_b, parents_b, depth_b + 1, predicate)
            depth_b += 1
            meet = [node for node in front_b if node in dist_f]
        held.resize((len(dist_f) + len(dist_b)) * _PER_NODE)
        if meet:
            total = min(dist_f[node] + dist_b[node] for node in meet)
            if total < minimum or (maximum is not None and total > maximum):
                return []
            meets = sorted(node for node in meet if dist_f[node] + dist_b[node] == total)
            return _combine(meets, source, target, parents_f, parents_b, first_only, held)
    return []


def _level(
    ctx: ExecContext,
    neighbours: Neighbours,
    front: list[int],
    dist: dict[int, int],
    parents: Parents,
    level: int,
    predicate: CompiledExpr | None,
) -> list[int]:
    adjacency = neighbours.many(front)
    fresh: list[int] = []
    for node in front:
        for entry in adjacency[node]:
            other = entry[0]
            seen = dist.get(other)
            if seen is not None and seen != level:
                continue
            ref = rel_ref(node, entry)
            if predicate is not None and predicate((ref,), ctx) is not True:
                continue
            if seen is None:
                dist[other] = level
                parents[other] = [(node, ref)]
                fresh.append(other)
            else:
                parents[other].append((node, ref))
    return fresh


def _combine(
    meets: list[int],
    source: int,
    target: int,
    parents_f: Parents,
    parents_b: Parents,
    first_only: bool,
    held: Holding,
) -> list[list[RelRef]]:
    out: list[list[RelRef]] = []
    for meet in meets:
        for left in _walk(meet, source, parents_f, first_only):
            left.reverse()
            for right in _walk(meet, target, parents_b, first_only):
                out.append(left + right)
                if first_only:
                    return out
                if len(out) & 1023 == 0:
                    # allShortestPaths: the number of paths can grow exponentially
                    held.add(1024 * (64 + POINTER * len(out[-1])))
    return out


def _walk(node: int, goal: int, parents: Parents, first_only: bool) -> Iterator[list[RelRef]]:
    """Relationship lists from `node` back to `goal` along parent links."""
    if node == goal:
        yield []
        return
    stack: list[tuple[int, list[RelRef]]] = [(node, [])]
    while stack:
        current, rels = stack.pop()
        if current == goal:
            yield rels
            if first_only:
                return
            continue
        for previous, ref in reversed(parents[current]):
            stack.append((previous, [*rels, ref]))
