"""Vector search strategy: HNSW top-k, HNSW restricted to candidates, or exact scoring.

Pure functions of estimates, so tests call them with plain numbers:

- no other predicate: the HNSW index answers the top-k directly;
- candidates from an index seek (an explicit id set): scoring them exactly with numpy
  costs about one dot product each, a filtered HNSW search about `ef / fraction`
  distance computations plus a filter call each; below `exact_limit` candidates exact
  scoring wins (and returns the true top-k);
- predicates that are not an id set: HNSW fetches `k / selectivity` neighbours and the
  predicates are checked on them, fetching more until `k` pass;
- a range or prefix seek also stays a predicate: at run time, a seek that finds more
  than `exact_limit` nodes is dropped (`VectorSearch.optional_candidates`), since
  checking the predicate on the few hundred nodes HNSW visits costs less than reading
  thousands of ids (plans are cached with parameters, so only run time knows the range).

The choice made here is what EXPLAIN shows; at run time the search switches to exact
scoring whenever the actual candidates are few (`engram.index.search`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from engram.binder.bound import BExpr, Symbol
from engram.index.search import DEFAULT_EXACT_LIMIT
from engram.optimizer.cost.cardinality import (
    GraphStatistics,
    estimate_rows,
    predicate_selectivity,
)
from engram.planner import operators as lp

__all__ = ["VectorIndexInfo", "VectorPlan", "choose_strategy", "plan_vector_search"]


@dataclass(frozen=True, slots=True)
class VectorIndexInfo:
    """A vector index the optimizer may use: name, label, key, metric, parameters."""

    name: str
    label: str
    key: str
    metric: str
    dimensions: int
    ef_search: int

    @property
    def function(self) -> str | None:
        """The similarity function whose descending order this index's order is."""
        return {"cosine": "cosine", "l2": "euclidean"}.get(self.metric)


@dataclass(frozen=True, slots=True)
class VectorPlan:
    """The chosen strategy and the reason EXPLAIN gives."""

    strategy: str
    reason: str


def _count(value: float) -> str:
    rounded = max(round(value), 0)
    return f"{rounded:,}"


def _percent(fraction: float) -> str:
    percent = 100.0 * fraction
    return f"{percent:.2g}%"


def choose_strategy(
    *,
    nodes: float,
    candidates: float | None,
    selectivity: float,
    has_predicates: bool,
    has_limit: bool,
    ef_search: int,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
) -> VectorPlan:
    """The strategy for a vector search over `nodes` indexed nodes.

    Args:
        nodes: nodes of the label (estimate).
        candidates: estimated size of an explicit candidate set, or None.
        selectivity: estimated fraction of nodes the other predicates keep.
        has_predicates: whether predicates remain to check on each result.
        has_limit: whether the search is a top-k (else a threshold search).
        ef_search: the index's search breadth.
        exact_limit: candidate sets up to this size are scored exactly.
    """
    if not has_limit:
        return VectorPlan("exact", "a threshold without LIMIT scores every vector exactly")
    if candidates is not None:
        fraction = candidates / max(nodes, 1.0)
        seek = f"the index seek leaves about {_count(candidates)} of {_count(nodes)} nodes"
        if candidates <= exact_limit:
            return VectorPlan("exact", f"{seek}: scoring them exactly is cheaper than HNSW")
        return VectorPlan(
            "hnsw+filter",
            f"{seek} ({_percent(fraction)}): HNSW restricted to them "
            f"(exact when at most {exact_limit:,} at run time)",
        )
    if has_predicates:
        return VectorPlan(
            "hnsw",
            f"the filter keeps about {_percent(selectivity)} of {_count(nodes)} nodes: "
            f"HNSW fetches k / {selectivity:.2g} neighbours and more until k pass",
        )
    return VectorPlan("hnsw", f"no other predicate: HNSW top-k (ef {ef_search})")


def plan_vector_search(
    statistics: GraphStatistics,
    index: VectorIndexInfo,
    access: lp.LabelScan | lp.IndexSeek,
    predicates: tuple[BExpr, ...],
    query: BExpr,
    score: Symbol | None,
    *,
    limit: BExpr | None,
    skip: BExpr | None,
    threshold: tuple[BExpr, bool] | None,
) -> lp.VectorSearch:
    """The VectorSearch replacing `access` (a scan or seek) and its `predicates`.

    An index seek becomes the search's candidates; the strategy comes from the estimated
    candidates and the selectivity of the predicates.
    """
    outer = access.child
    candidates = None
    if isinstance(access, lp.IndexSeek):
        candidates = replace(access, child=lp.Start(arguments=outer.fields))
    selectivity = 1.0
    for predicate in predicates:
        selectivity *= predicate_selectivity(predicate, statistics)
    nodes = statistics.node_count(access.label)
    estimate = None
    if candidates is not None:
        estimate = estimate_rows(candidates, statistics)[id(candidates)]
        selectivity *= min(1.0, estimate / max(nodes, 1.0))
    plan = choose_strategy(
        nodes=nodes,
        candidates=estimate,
        selectivity=selectivity,
        has_predicates=bool(predicates),
        has_limit=limit is not None,
        ef_search=index.ef_search,
    )
    search = lp.VectorSearch(
        child=outer,
        symbol=access.symbol,
        score=score,
        label=access.label,
        key=index.key,
        index=index.name,
        function=index.function or "cosine",
        query=query,
        limit=limit,
        skip=skip,
        threshold=None if threshold is None else threshold[0],
        inclusive=False if threshold is None else threshold[1],
        predicates=predicates,
        candidates=candidates,
        strategy=plan.strategy,
        reason=plan.reason,
        selectivity=selectivity,
    )
    if search.optional_candidates:
        dropped = (
            f"; if the seek finds more than {DEFAULT_EXACT_LIMIT:,} nodes at run time, it is "
            "dropped and the filter checked on HNSW's results"
        )
        search = replace(search, reason=search.reason + dropped)
    return search
