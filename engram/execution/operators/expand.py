"""Relationship expansion: single hops (Expand, ExpandInto) and variable-length trails.

Single hops are one batched adjacency read per input batch (numpy arrays from the
store). Variable-length expansion walks trails depth first with relationship
uniqueness per path, caching each node's adjacency for the rest of the query step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef, RelRef
from engram.execution.expressions import CompiledExpr
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row
from engram.execution.reach import reachable

__all__ = ["ExpandExec", "Neighbours", "ReachExec", "VarExpandExec"]

#: (neighbour id, relationship id, type id, outgoing from the node)
Neighbour = tuple[int, int, int, bool]


class Neighbours:
    """Adjacency of single nodes, read once and kept for the life of an operator run."""

    __slots__ = ("_cache", "_ctx", "_direction", "_types")

    def __init__(self, ctx: ExecContext, direction: str, types: tuple[str, ...]) -> None:
        self._ctx, self._direction, self._types = ctx, direction, types
        self._cache: dict[int, list[Neighbour]] = {}

    def __call__(self, node: int) -> list[Neighbour]:
        found = self._cache.get(node)
        if found is None:
            _, nbr, rel, typ, out = self._ctx.graph.expand(
                np.array([node], dtype=np.int64), self._direction, self._types
            )
            found = list(zip(nbr.tolist(), rel.tolist(), typ.tolist(), out.tolist(), strict=True))
            self._cache[node] = found
        return found

    def many(self, nodes: list[int]) -> dict[int, list[Neighbour]]:
        """Adjacency of many nodes with one batched read for those not cached yet."""
        missing = [node for node in nodes if node not in self._cache]
        if missing:
            index, nbr, rel, typ, out = self._ctx.graph.expand(
                np.array(missing, dtype=np.int64), self._direction, self._types
            )
            fresh: dict[int, list[Neighbour]] = {node: [] for node in missing}
            for i, n, r, t, o in zip(
                index.tolist(), nbr.tolist(), rel.tolist(), typ.tolist(), out.tolist(), strict=True
            ):
                fresh[missing[i]].append((n, r, t, o))
            self._cache.update(fresh)
        return {node: self._cache[node] for node in nodes}


def rel_ref(node: int, neighbour: Neighbour) -> RelRef:
    """The relationship of an adjacency entry, oriented by its stored direction."""
    other, rel, typ, outgoing = neighbour
    if outgoing:
        return RelRef(rel, typ, node, other)
    return RelRef(rel, typ, other, node)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExpandExec(PhysicalOp):
    """One hop from the source slot; with `into`, only to the node in the target slot."""

    child: PhysicalOp
    source: int
    target: int
    direction: str
    types: tuple[str, ...]
    into: bool

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        source, target, into = self.source, self.target, self.into
        for batch in self.child.run(ctx, arg):
            ctx.check()
            rows = [row for row in batch if row[source] is not None]
            if into:
                rows = [row for row in rows if row[target] is not None]
            if not rows:
                continue
            ids = np.fromiter((row[source].id for row in rows), dtype=np.int64, count=len(rows))
            index, nbr, rel, typ, out = ctx.graph.expand(ids, self.direction, self.types)
            result: Batch = []
            for i, n, r, t, o in zip(
                index.tolist(), nbr.tolist(), rel.tolist(), typ.tolist(), out.tolist(), strict=True
            ):
                row = rows[i]
                start = row[source].id
                ref = RelRef(r, t, start, n) if o else RelRef(r, t, n, start)
                if into:
                    if row[target].id == n:
                        result.append((*row, ref))
                else:
                    result.append((*row, ref, NodeRef(n)))
                if len(result) >= BATCH_SIZE:
                    yield result
                    result = []
            if result:
                yield result


@dataclass(frozen=True, slots=True, kw_only=True)
class VarExpandExec(PhysicalOp):
    """Every trail of min..max relationships from the source (unique relationships)."""

    child: PhysicalOp
    source: int
    target: int
    direction: str
    types: tuple[str, ...]
    min: int
    max: int | None
    into: bool
    predicate: CompiledExpr | None
    reversed: bool

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        neighbours = Neighbours(ctx, self.direction, self.types)
        out: Batch = []
        for batch in self.child.run(ctx, arg):
            for row in batch:
                start = row[self.source]
                if start is None or (self.into and row[self.target] is None):
                    continue
                for rels, end in self._trails(ctx, neighbours, start.id, row):
                    if self.reversed:
                        rels.reverse()
                    out.append((*row, rels) if self.into else (*row, rels, NodeRef(end)))
                    if len(out) >= BATCH_SIZE:
                        yield out
                        out = []
        if out:
            yield out

    def _trails(
        self, ctx: ExecContext, neighbours: Neighbours, start: int, row: Row
    ) -> Iterator[tuple[list[RelRef], int]]:
        minimum, maximum, predicate = self.min, self.max, self.predicate
        goal = row[self.target].id if self.into else None
        if minimum == 0 and (goal is None or goal == start):
            yield [], start
        if maximum == 0:
            return
        path: list[RelRef] = []
        used: set[int] = set()
        nodes = [start]
        stack = [iter(neighbours(start))]
        steps = 0
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                if path:
                    used.discard(path.pop().id)
                    nodes.pop()
                continue
            steps += 1
            if steps & 1023 == 0:
                ctx.check()
            if entry[1] in used:
                continue
            ref = rel_ref(nodes[-1], entry)
            if predicate is not None and predicate((ref,), ctx) is not True:
                continue
            path.append(ref)
            used.add(ref.id)
            nodes.append(entry[0])
            depth = len(path)
            if depth >= minimum and (goal is None or goal == entry[0]):
                yield list(path), entry[0]
            if maximum is None or depth < maximum:
                stack.append(iter(neighbours(entry[0])))
            else:
                used.discard(path.pop().id)
                nodes.pop()


@dataclass(frozen=True, slots=True, kw_only=True)
class RelEndpointsExec(PhysicalOp):
    """Ends of an already bound relationship: bind the unbound ones, check the bound ones.

    `left` / `right` are slots of the input row, or -1 when the node is new (then it is
    appended, left before right; the same new node on both sides is appended once).
    """

    child: PhysicalOp
    rel: int
    left: int
    right: int
    same_node: bool
    direction: str
    types: tuple[str, ...]

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        types = set(self.types)
        name = ctx.graph.rel_type_name
        for batch in self.child.run(ctx, arg):
            out: Batch = []
            for row in batch:
                rel = row[self.rel]
                if types and not _typed(rel, types, name):
                    continue
                if type(rel) is RelRef:
                    ends = self._orientations(rel)
                elif isinstance(rel, list) and rel:
                    ends = _walk(rel, self.direction)
                else:
                    continue
                for start, end in ends:
                    extended = self._bind(row, start, end)
                    if extended is not None:
                        out.append(extended)
            if out:
                yield out

    def _orientations(self, rel: RelRef) -> list[tuple[int, int]]:
        if self.direction == "->":
            return [(rel.start, rel.end)]
        if self.direction == "<-":
            return [(rel.end, rel.start)]
        if rel.start == rel.end:
            return [(rel.start, rel.end)]
        return [(rel.start, rel.end), (rel.end, rel.start)]

    def _bind(self, row: Row, left: int, right: int) -> Row | None:
        added: list[NodeRef] = []
        for slot, node in ((self.left, left), (self.right, right)):
            if slot >= 0:
                bound = row[slot]
                if bound is None or bound.id != node:
                    return None
        if self.same_node:
            if left != right:
                return None
            if self.left < 0:
                added.append(NodeRef(left))
            return (*row, *added)
        if self.left < 0:
            added.append(NodeRef(left))
        if self.right < 0:
            added.append(NodeRef(right))
        return (*row, *added)


def _walk(rels: list[RelRef], direction: str) -> list[tuple[int, int]]:
    """(first node, last node) of the trails a relationship list forms in `direction`."""
    first = rels[0]
    if direction == "->":
        starts = [first.start]
    elif direction == "<-":
        starts = [first.end]
    else:
        starts = [first.start] if first.start == first.end else [first.start, first.end]
    found = []
    for start in starts:
        node = start
        for rel in rels:
            if direction == "->" and rel.start == node:
                node = rel.end
            elif direction == "<-" and rel.end == node:
                node = rel.start
            elif direction == "--" and node in (rel.start, rel.end):
                node = rel.other(node)
            else:
                break
        else:
            found.append((start, node))
    return found


def _typed(value: object, types: set[str], name: Callable[[int], str]) -> bool:
    rels = value if isinstance(value, list) else [value]
    return all(type(rel) is RelRef and name(rel.type_id) in types for rel in rels)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReachExec(PhysicalOp):
    """Each node reachable in min..max hops from the source, once per input row."""

    child: PhysicalOp
    source: int
    direction: str
    types: tuple[str, ...]
    min: int
    max: int | None

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        """Rows extended by a null relationship list and each reachable node."""
        out: Batch = []
        for batch in self.child.run(ctx, arg):
            for row in batch:
                start = row[self.source]
                if start is None:
                    continue
                ends = reachable(ctx, start.id, self.direction, self.types, self.min, self.max)
                for end in ends.tolist():
                    out.append((*row, None, NodeRef(end)))
                    if len(out) >= BATCH_SIZE:
                        yield out
                        out = []
        if out:
            yield out
