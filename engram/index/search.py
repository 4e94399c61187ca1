"""Top-k and threshold search over an `HnswIndex`: HNSW, filtered HNSW, or exact numpy.

One entry point, `search`, returns the best `k` nodes a reader sees (or every node over a
threshold), best first, with exact scores; ties go to the lower node id, as a stable sort
of a label scan would order them. The strategy:

- **exact**: score every candidate with numpy. Used for explicit candidate sets of at
  most `exact_limit` nodes, for threshold searches without a limit, and as the fallback
  whenever HNSW cannot deliver `k` results.
- **hnsw+filter**: a large explicit candidate set becomes hnswlib's filter (slot
  membership); hnswlib keeps searching until `k` allowed vectors are found.
- **hnsw**: without candidates, hnswlib's top results are checked against the
  predicate (`accept`, evaluated in batches by the executor); while fewer than `k` pass
  and more could, the search fetches four times more, and turns exact once it would
  fetch most of the index. So a search never returns fewer than `k` rows when `k` nodes
  qualify.

Readers in a write transaction pass the nodes whose committed vectors they must not use
(`exclude`) and their own new vectors (`extra`); retired slots a reader's snapshot still
sees are always scored exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import sub
from typing import Final

import numpy as np

from engram.index.distance import Metric, exact_scores
from engram.index.hnsw import HnswIndex

__all__ = [
    "DEFAULT_EXACT_LIMIT",
    "Accept",
    "Hits",
    "SearchSpec",
    "plain_top",
    "rank_vectors",
    "search",
    "top_nodes",
]

#: node ids -> mask of the ones the query's other predicates keep
Accept = Callable[[np.ndarray], np.ndarray]

#: explicit candidate sets up to this size are scored exactly
DEFAULT_EXACT_LIMIT: Final = 2048
_GROWTH: Final = 4
_TIE_MARGIN: Final = 8
#: hnswlib's float32 distances order results exactly when neighbours differ by more
#: than this (relative): its rounding error is far smaller (ADR 0005)
_CLEAR_GAP: Final = 2e-5
_MIN_SELECTIVITY: Final = 0.001
#: candidate sets below this fraction of the index go through hnswlib's filter callback
_CALLBACK_FRACTION: Final = 0.005


@dataclass(frozen=True, slots=True)
class Hits:
    """Search results, best first, and the strategy that produced them."""

    nodes: np.ndarray
    scores: np.ndarray
    strategy: str


@dataclass(frozen=True, slots=True)
class SearchSpec:
    """What to search for besides the query vector.

    Attributes:
        k: how many results (None: every node passing `threshold`).
        candidates: node ids results must come from (sorted unique), or None for all.
        accept: the query's other predicates, evaluated on candidate node ids.
        threshold: results must score above it (or at it when `inclusive`).
        exclude: nodes whose indexed vectors this reader must not use.
        extra: (node, float32 vector) the reader sees that the index does not hold.
        selectivity: the estimated fraction of nodes `accept` keeps (first fetch size).
        exact_limit: candidate sets up to this size are scored exactly.
        scored: whether the caller reads the scores; if not, an unfiltered top k may come
            in hnswlib's order with approximate scores when no two results nearly tie.
    """

    k: int | None
    candidates: np.ndarray | None = None
    accept: Accept | None = None
    threshold: float | None = None
    inclusive: bool = False
    exclude: frozenset[int] = frozenset()
    extra: tuple[tuple[int, np.ndarray], ...] = ()
    selectivity: float = 1.0
    exact_limit: int = DEFAULT_EXACT_LIMIT
    scored: bool = True
    checked: dict[int, bool] = field(default_factory=dict, compare=False)


def search(index: HnswIndex, query: np.ndarray, snapshot: int, spec: SearchSpec) -> Hits:
    """The best nodes for `query` a reader at `snapshot` sees (see the module docstring)."""
    if spec.k is not None and spec.k <= 0:
        return _empty("none")
    if spec.candidates is not None:
        slots = index.slots_for_nodes(spec.candidates, snapshot)
        if spec.k is None or len(slots) <= spec.exact_limit:
            return _exact(index, query, slots, spec, "exact")
        return _filtered(index, query, snapshot, slots, spec)
    if spec.k is None:
        return _exact(index, query, index.visible_slots(snapshot), spec, "exact")
    if spec.accept is None and spec.threshold is None and not (spec.exclude or spec.extra):
        plain = plain_top(index, query, snapshot, spec.k, spec.scored, spec.exact_limit)
        if plain is not None:
            return plain
    return _growing(index, query, snapshot, spec)


def plain_top(
    index: HnswIndex,
    query: np.ndarray,
    snapshot: int,
    k: int,
    scored: bool,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
) -> Hits | None:
    """`search` without candidates, predicates, threshold or own writes, kept lean.

    The top `k` (k > 0) of every vector the reader sees, as `search` gives them; None
    when retired slots are in the way or `k` is most of the index (`search` then takes
    its general path).
    """
    fetch = _plain_fetch(index, k, exact_limit)
    if fetch is None:
        return None
    if not scored:
        listed = top_nodes(index, query, snapshot, k)
        if listed is not None:
            return Hits(np.array(listed, dtype=np.int64), _unscored(len(listed)), "hnsw")
    found = index.knn(query, fetch, snapshot)
    if found is None:
        return None
    nodes = index.nodes_of(found)
    scores = index.scores(found, query)
    order = np.lexsort((nodes, -scores))[:k]
    return Hits(nodes[order], scores[order], "hnsw")


def top_nodes(
    index: HnswIndex, query: np.ndarray | list[float], snapshot: int, k: int
) -> list[int] | None:
    """The nodes `plain_top` gives a caller that reads no score, best first, as a list.

    None when `plain_top`'s lean conditions fail or hnswlib's order needs exact
    rescoring; `plain_top` (or `search`) then answers.
    """
    if _plain_fetch(index, k, DEFAULT_EXACT_LIMIT) is None:
        return None
    slots = _clear_order(index, query, snapshot, k)
    return None if slots is None else index.node_list(slots)


def _plain_fetch(index: HnswIndex, k: int, exact_limit: int) -> int | None:
    """How many results a plain top `k` fetches to rescore (None: not a plain search).

    Not one when retired slots are in the way, or when `k` is most of the index.
    """
    count = index.count
    fetch = min(count, max(2 * k, k + _TIE_MARGIN))
    if index.retired_count or (fetch > exact_limit and 2 * fetch > count):
        return None
    return fetch


def _clear_order(
    index: HnswIndex, query: np.ndarray | list[float], snapshot: int, k: int
) -> list[int] | None:
    """Slots of the top k in hnswlib's order, when its distances leave no near tie.

    Exact rescoring (and the id order of ties) would give the same order, so callers
    skip the rescoring, and the scores: they do not read them.
    """
    found = index.knn_plain(query, k + 1, snapshot)
    if found is None:
        return None
    slots, head = found  # a few floats: plain Python beats numpy calls here
    if len(head) < min(k + 1, index.count):
        return None
    if len(head) > 1:
        tolerance = _CLEAR_GAP * (1.0 + max(map(abs, head)))
        if min(map(sub, head[1:], head)) <= tolerance:
            return None
    return slots[:k]


@lru_cache(maxsize=64)
def _unscored(count: int) -> np.ndarray:
    """`count` NaN scores (read-only, shared: a new array costs more than the search's rest)."""
    nans = np.full(count, np.nan)
    nans.flags.writeable = False
    return nans


def rank_vectors(
    metric: Metric,
    query: np.ndarray,
    nodes: np.ndarray,
    vectors: np.ndarray,
    spec: SearchSpec,
    strategy: str = "exact",
) -> Hits:
    """Exact search over explicit (node, vector) rows (no index: a fallback)."""
    if spec.candidates is not None and len(nodes):
        keep = np.isin(nodes, spec.candidates)
        nodes, vectors = nodes[keep], vectors[keep]
    if not len(nodes):
        return _empty(strategy)
    return _take(nodes, exact_scores(metric, vectors, query), spec, strategy)


def _empty(strategy: str) -> Hits:
    return Hits(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64), strategy)


def _exact(
    index: HnswIndex, query: np.ndarray, slots: np.ndarray, spec: SearchSpec, strategy: str
) -> Hits:
    nodes, scores = _pool(index, query, slots, spec)
    return _take(nodes, scores, spec, strategy)


def _pool(
    index: HnswIndex, query: np.ndarray, slots: np.ndarray, spec: SearchSpec
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and exact scores of `slots` minus excluded nodes, plus the reader's extras."""
    nodes = index.nodes_of(slots)
    scores = index.scores(slots, query)
    if spec.exclude:
        keep = ~np.isin(nodes, np.fromiter(spec.exclude, dtype=np.int64))
        nodes, scores = nodes[keep], scores[keep]
    extra = spec.extra
    if spec.candidates is not None and extra:
        wanted = spec.candidates
        extra = tuple(item for item in extra if _contains(wanted, item[0]))
    if extra:
        extra_nodes = np.asarray([node for node, _ in extra], dtype=np.int64)
        matrix = np.stack([vector for _, vector in extra])
        nodes = np.concatenate([nodes, extra_nodes])
        scores = np.concatenate([scores, exact_scores(index.metric, matrix, query)])
    return nodes, scores


def _contains(sorted_ids: np.ndarray, node: int) -> bool:
    position = int(np.searchsorted(sorted_ids, node))
    return position < len(sorted_ids) and int(sorted_ids[position]) == node


def _take(nodes: np.ndarray, scores: np.ndarray, spec: SearchSpec, strategy: str) -> Hits:
    """The best `k` of a pool in order, after the threshold and the predicates."""
    if spec.threshold is not None:
        passing = scores >= spec.threshold if spec.inclusive else scores > spec.threshold
        nodes, scores = nodes[passing], scores[passing]
    order = np.lexsort((nodes, -scores))
    nodes, scores = nodes[order], scores[order]
    listed = nodes.tolist()
    if len(set(listed)) != len(listed):
        # one node can be in a pool twice only through a retired and a live slot of
        # different versions, which no single snapshot sees; keep the first anyway
        _, first = np.unique(nodes, return_index=True)
        first.sort()
        nodes, scores = nodes[first], scores[first]
    if spec.accept is None:
        if spec.k is not None:
            nodes, scores = nodes[: spec.k], scores[: spec.k]
        return Hits(nodes, scores, strategy)
    return _accepted(nodes, scores, spec, strategy)


def _accepted(nodes: np.ndarray, scores: np.ndarray, spec: SearchSpec, strategy: str) -> Hits:
    assert spec.accept is not None
    wanted = len(nodes) if spec.k is None else spec.k
    kept: list[int] = []
    checked = spec.checked
    start = 0
    # enough for `wanted` to pass at the estimated selectivity, with a margin
    selectivity = max(spec.selectivity, _MIN_SELECTIVITY)
    chunk = max(64, math.ceil(1.25 * wanted / selectivity))
    while len(kept) < wanted and start < len(nodes):
        block = nodes[start : start + chunk]
        unknown = [node for node in block.tolist() if node not in checked]
        if unknown:
            mask = spec.accept(np.asarray(unknown, dtype=np.int64))
            checked.update(zip(unknown, mask.tolist(), strict=True))
        for offset, node in enumerate(block.tolist()):
            if checked[node]:
                kept.append(start + offset)
                if len(kept) == wanted:
                    break
        start += chunk
        chunk *= 2
    positions = np.asarray(kept, dtype=np.int64)
    return Hits(nodes[positions], scores[positions], strategy)


def _filtered(
    index: HnswIndex, query: np.ndarray, snapshot: int, slots: np.ndarray, spec: SearchSpec
) -> Hits:
    fraction = len(slots) / max(index.count, 1)
    if fraction < _CALLBACK_FRACTION:
        # few candidates scattered over a large index: hnswlib's filter finds them
        allowed = set(slots.tolist())
        return _refine(index, query, snapshot, spec, allowed, lambda: slots, "hnsw+filter")
    # many candidates: unfiltered HNSW results checked for membership in batches (a
    # Python filter call per visited element costs more than fetching a few more)
    assert spec.candidates is not None
    members, accept = spec.candidates, spec.accept

    def inside(nodes: np.ndarray) -> np.ndarray:
        mask = np.isin(nodes, members)
        if accept is not None and mask.any():
            mask[mask] = accept(nodes[mask])
        return mask

    growing = replace(spec, accept=inside, selectivity=min(spec.selectivity, fraction), checked={})
    return _refine(index, query, snapshot, growing, None, lambda: slots, "hnsw+filter")


def _growing(index: HnswIndex, query: np.ndarray, snapshot: int, spec: SearchSpec) -> Hits:
    return _refine(
        index, query, snapshot, spec, None, lambda: index.visible_slots(snapshot), "hnsw"
    )


def _refine(
    index: HnswIndex,
    query: np.ndarray,
    snapshot: int,
    spec: SearchSpec,
    allowed: set[int] | None,
    everything: Callable[[], np.ndarray],
    strategy: str,
) -> Hits:
    """HNSW top results, fetching more while too few pass; exact when that is cheaper."""
    assert spec.k is not None
    total = index.count if allowed is None else len(allowed)
    retired = (
        [entry.slot for entry in index.retired_visible(snapshot)] if index.retired_count else []
    )
    if allowed is not None:
        retired = [slot for slot in retired if slot in allowed]
    retired_slots = np.asarray(retired, dtype=np.int64)
    accept = None if allowed is None else allowed.__contains__
    fetch = min(total, _first_fetch(spec))
    while True:
        if fetch > spec.exact_limit and 2 * fetch > total:
            return _exact(index, query, everything(), spec, "exact")
        found = index.knn(query, fetch, snapshot, accept)
        if found is None:
            return _exact(index, query, everything(), spec, "exact")
        pool = np.concatenate([found, retired_slots]) if len(retired_slots) else found
        hits = _exact(index, query, pool, spec, strategy)
        if len(hits.nodes) >= spec.k or fetch >= total:
            return hits
        if spec.threshold is not None and len(found) and _worst_below(index, found, query, spec):
            return hits
        fetch = min(total, fetch * _GROWTH)


def _first_fetch(spec: SearchSpec) -> int:
    assert spec.k is not None
    wanted = spec.k + len(spec.exclude)
    if spec.accept is None:
        # a margin of neighbours (free within hnswlib's ef) lets ties at the k-th score
        # resolve by node id, as an exact ranking does
        return max(2 * wanted, wanted + _TIE_MARGIN)
    selectivity = max(spec.selectivity, _MIN_SELECTIVITY)
    return max(wanted, math.ceil(1.5 * wanted / selectivity))


def _worst_below(index: HnswIndex, found: np.ndarray, query: np.ndarray, spec: SearchSpec) -> bool:
    """Whether the farthest of the fetched vectors already fails the threshold."""
    assert spec.threshold is not None
    worst = float(index.scores(found, query).min())
    return worst < spec.threshold or (worst == spec.threshold and not spec.inclusive)
