"""VectorSearchExec: nodes ranked by similarity through a vector index, per input row.

It reproduces `MATCH (n:Label) WHERE <predicates> RETURN ... ORDER BY similarity DESC
SKIP s LIMIT k` exactly except for the approximation of HNSW itself: nodes whose
similarity is null (no vector, or a null query) come first, in id order, as the sort
puts them; then the indexed nodes, best first (ties by id). The predicates are checked
on candidates as the search finds them, never on every node of the label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from engram.errors import QueryError, Span
from engram.execution.context import ExecContext
from engram.execution.entities import NodeRef
from engram.execution.expressions import CompiledExpr, _located
from engram.execution.operators.relational import count_argument
from engram.execution.operators.vector_columns import column_mask, columnar_predicates
from engram.execution.physical import BATCH_SIZE, Batch, PhysicalOp, Row, batched
from engram.execution.vectors import VectorAccess
from engram.index.search import DEFAULT_EXACT_LIMIT, Accept, SearchSpec
from engram.planner.operators import VectorSearch

__all__ = ["VectorSearchExec"]

Nested = Callable[[Row, ExecContext], Iterator[Batch]]
#: a query vector not evaluated yet
_UNSET: Any = object()


@dataclass(frozen=True, slots=True, kw_only=True)
class VectorSearchExec(PhysicalOp):
    """Top-k (or threshold) vector search per input row (see the module docstring)."""

    child: PhysicalOp
    search: VectorSearch
    query: CompiledExpr
    limit: CompiledExpr | None
    skip: CompiledExpr | None
    threshold: CompiledExpr | None
    predicates: tuple[CompiledExpr, ...]
    candidates: Nested | None
    candidate_slot: int
    origin: Span
    count_origin: Span
    #: the similarity function's full name, for messages
    function: str
    #: the candidates may be dropped when there are too many (`VectorSearch.optional_candidates`)
    optional_candidates: bool = False

    def execute(self, ctx: ExecContext, arg: Row) -> Iterator[Batch]:
        limit = None
        if self.limit is not None:
            limit = count_argument(self.limit((), ctx), self.count_origin, "LIMIT")
        skip = 0
        if self.skip is not None:
            skip = count_argument(self.skip((), ctx), self.count_origin, "SKIP")
        if limit == 0:
            return
        for batch in self.child.run(ctx, arg):
            for row in batch:
                ctx.check()
                try:
                    found = self._ranked(ctx, row, limit, skip)
                except QueryError as error:
                    raise _located(error, self.origin) from None
                if len(found) <= BATCH_SIZE:
                    if found:
                        yield found
                else:
                    yield from batched(iter(found), BATCH_SIZE)

    def _ranked(self, ctx: ExecContext, row: Row, limit: int | None, skip: int) -> list[Row]:
        search = self.search
        query: Any = _UNSET
        plain = self.threshold is None and self.candidates is None and not self.predicates
        if plain and limit is not None:  # the common case first, on a lean path
            query = self.query(row, ctx)
            found = ctx.graph.vectors.top(  # type: ignore[attr-defined]  # StoreGraph
                search.index,
                query,
                skip + limit,
                scored=search.score is not None,
                function=self.function,
                position=2,
            )
            if found is not None:
                nodes, scores = found
                scores = None if scores is None else scores[skip:]
                return _node_rows(ctx.graph, row, nodes[skip:], scores, search)
        return self._general(ctx, row, limit, skip, query)

    def _general(
        self, ctx: ExecContext, row: Row, limit: int | None, skip: int, query: Any
    ) -> list[Row]:
        """`_ranked` for every shape of search; `query` is `_UNSET` unless evaluated already."""
        threshold: float | None = None
        if self.threshold is not None:
            value = self.threshold(row, ctx)
            if type(value) not in (int, float):
                return []  # a comparison with null or a non-number is never true
            threshold = float(value)
        wanted = None if limit is None else skip + limit
        access: VectorAccess = ctx.graph.vectors  # type: ignore[attr-defined]  # StoreGraph
        name = self.search.index
        candidates = self._candidates(ctx, row)
        accept = self._accept(ctx, row)
        if candidates is None and accept is not None:
            few = self._few_passing(ctx, access)
            if few is not None:  # score the few nodes that pass exactly
                candidates, accept = few, None
        first: list[tuple[int, float | None]] = []
        if query is _UNSET:
            query = self.query(row, ctx)
        if threshold is None:
            nulls = access.members(name, candidates) if query is None else None
            if nulls is None:
                nulls = access.missing(name, candidates)
            first = [(node, None) for node in _accepted(nulls, accept, wanted)]
            if query is None or (wanted is not None and len(first) >= wanted):
                return _rows(ctx.graph, row, first, skip, limit, self.search)
        spec = SearchSpec(
            k=None if wanted is None else wanted - len(first),
            candidates=candidates,
            accept=accept,
            threshold=threshold,
            inclusive=self.search.inclusive,
            selectivity=self.search.selectivity,
            scored=self.search.score is not None,
        )
        hits = access.search(name, query, spec, function=self.function, position=2)
        if hits is not None:
            first.extend(zip(hits.nodes.tolist(), hits.scores.tolist(), strict=True))
        elif threshold is None:
            nulls = access.members(name, candidates)
            first = [(node, None) for node in _accepted(nulls, accept, wanted)]
        return _rows(ctx.graph, row, first, skip, limit, self.search)

    def _candidates(self, ctx: ExecContext, row: Row) -> np.ndarray | None:
        """The candidate ids (sorted unique), or None for none.

        An optional seek (a range whose predicate the search checks anyway) that finds
        more than `DEFAULT_EXACT_LIMIT` nodes is dropped: checking the predicate on the
        few hundred nodes HNSW visits costs less than reading all of them.
        """
        if self.candidates is None:
            return None
        slot = self.candidate_slot
        ids: list[int] = []
        for batch in self.candidates(row, ctx):
            ids.extend(found[slot].id for found in batch)
            if self.optional_candidates and len(ids) > DEFAULT_EXACT_LIMIT:
                return None
        return np.unique(np.asarray(ids, dtype=np.int64))

    def _few_passing(self, ctx: ExecContext, access: VectorAccess) -> np.ndarray | None:
        """The label's nodes that pass the predicates when columns say they are few.

        Only once columns pay off at this version (see `vector_columns`); None when the
        predicates have no column form or more than `DEFAULT_EXACT_LIMIT` nodes pass.
        """
        search = self.search
        if not columnar_predicates(search.predicates, search.symbol):
            return None
        if not access.columns_pay_off(search.index, 0):
            return None
        members = access.members(search.index, None)
        mask = column_mask(search.predicates, search.symbol, search.label, members, ctx)
        if mask is None or int(mask.sum()) > DEFAULT_EXACT_LIMIT:
            return None
        passing: np.ndarray = members[mask]
        return passing

    def _accept(self, ctx: ExecContext, row: Row) -> Accept | None:
        predicates = self.predicates
        if not predicates:
            return None

        graph: Any = ctx.graph  # StoreGraph
        search = self.search
        columnar = columnar_predicates(search.predicates, search.symbol)
        access: VectorAccess = graph.vectors

        def accept(node_ids: np.ndarray) -> np.ndarray:
            if columnar and access.columns_pay_off(search.index, len(node_ids)):
                found = column_mask(search.predicates, search.symbol, search.label, node_ids, ctx)
                if found is not None:
                    ctx.check()
                    return found
            mask = np.zeros(len(node_ids), dtype=bool)
            nodes = node_ids.tolist()
            graph.prefetch_nodes(nodes)  # one batch read instead of one per node
            for position, node in enumerate(nodes):
                extended = (*row, NodeRef(node))
                mask[position] = all(check(extended, ctx) is True for check in predicates)
            ctx.check()
            return mask

        return accept


def _accepted(nodes: np.ndarray, accept: Accept | None, wanted: int | None) -> list[int]:
    """The first `wanted` of `nodes` (in order) that pass `accept`."""
    if not len(nodes):
        return []
    if accept is None:
        chosen: list[int] = (nodes if wanted is None else nodes[:wanted]).tolist()
        return chosen
    kept: list[int] = []
    start, chunk = 0, 64 if wanted is None else max(2 * wanted, 64)
    while start < len(nodes) and (wanted is None or len(kept) < wanted):
        block = nodes[start : start + chunk]
        kept.extend(block[accept(block)].tolist())
        start += chunk
        chunk *= 2
    return kept if wanted is None else kept[:wanted]


def _rows(
    graph: Any,
    row: Row,
    ranked: list[tuple[int, float | None]],
    skip: int,
    limit: int | None,
    search: VectorSearch,
) -> list[Row]:
    """The rows of the ranked (node, score) pairs from `skip` on, at most `limit`."""
    end = None if limit is None else skip + limit
    chosen = ranked[skip:end]
    scores = [score for _, score in chosen] if search.score is not None else None
    return _node_rows(graph, row, [node for node, _ in chosen], scores, search)


def _node_rows(
    graph: Any, row: Row, nodes: list[int], scores: list[Any] | None, search: VectorSearch
) -> list[Row]:
    """`row` extended with each node, and its score when the query reads it."""
    if search.fetch:  # the query reads the found nodes (all of the search's label) next
        graph.prefetch_nodes(nodes[:BATCH_SIZE], search.label)
    if scores is not None:
        return [(*row, NodeRef(node), score) for node, score in zip(nodes, scores, strict=True)]
    return [(*row, NodeRef(node)) for node in nodes]
