"""The cost-based pattern strategy: greedy choice of the cheapest next step.

Each candidate step (scan or seek for an unbound node, expansion from a bound one) is
scored by the estimated rows after it and after the filters it makes possible; the
cheapest wins, so selective seeks and label scans start a pattern and expansions go
towards the side with the fewer relationships.
"""

from __future__ import annotations

from collections.abc import Sequence

from engram.binder.bound import BExpr, Symbol
from engram.optimizer.cost.cardinality import (
    EQUALITY_SELECTIVITY,
    GraphStatistics,
    predicate_selectivity,
)
from engram.planner.operators import SeekKind
from engram.planner.patterns import EdgeStep, JoinStep, PatternBuilder, ScanStep, Step

__all__ = ["CostStrategy"]


class CostStrategy:
    """Greedy, estimate-driven step choice; keeps the running row estimate."""

    def __init__(self, statistics: GraphStatistics) -> None:
        self.statistics = statistics
        self.rows = 1.0
        self.choices: list[tuple[Step, float]] = []
        # the builder's predicates by the symbols they read, rebuilt when the list changes:
        # a pattern of n relationships has n^2 / 2 uniqueness predicates, and scoring
        # every candidate against all of them made planning O(n^4)
        self._indexed: list[BExpr] | None = None
        self._by_symbol: dict[Symbol, list[int]] = {}
        self._symbols: list[frozenset[Symbol]] = []

    def pick(self, candidates: Sequence[Step], builder: PatternBuilder) -> Step:
        """The cheapest candidate: rows it touches plus rows it leaves (ties: pattern order)."""
        scored = []
        for step in candidates:
            if isinstance(step, JoinStep):
                # build the hash table once, probe once per row
                build = self.statistics.node_count(step.label)
                touched = build + self.rows
                produced = self.rows * build * EQUALITY_SELECTIVITY
                left = self._rows_after(step, builder, produced)
            else:
                touched = self.rows * self._step_factor(step, builder)
                left = self._rows_after(step, builder, touched)
            scored.append((touched + left, left, _tie(step), step))
        _, best_rows, _, best = min(scored, key=lambda item: (item[0], item[2]))
        self.rows = max(best_rows, 1e-9)
        self.choices.append((best, best_rows))
        return best

    def _index(self, predicates: list[BExpr], builder: PatternBuilder) -> None:
        if self._indexed is predicates and len(self._symbols) == len(predicates):
            return
        self._indexed = predicates
        self._symbols = [builder.symbols_of(predicate) for predicate in predicates]
        self._by_symbol = {}
        for position, symbols in enumerate(self._symbols):
            for symbol in symbols:
                self._by_symbol.setdefault(symbol, []).append(position)

    def _rows_after(self, step: Step, builder: PatternBuilder, touched: float) -> float:
        """`touched` times the selectivity of the predicates `step` makes evaluable."""
        rows = touched
        already = builder.bound
        new = [symbol for symbol in _binds(step) if symbol not in already]
        if not new:
            return rows
        predicates = builder.predicates
        self._index(predicates, builder)
        bound = set(already)
        bound.update(new)
        consumed = step.consumed if isinstance(step, ScanStep | JoinStep) else ()
        positions = sorted({p for symbol in new for p in self._by_symbol.get(symbol, ())})
        for position in positions:  # in list order: the same product as a full pass
            predicate = predicates[position]
            if any(predicate is c for c in consumed):
                continue
            if self._symbols[position] <= bound:
                rows *= predicate_selectivity(predicate, self.statistics)
        return rows

    def _step_factor(self, step: Step, builder: PatternBuilder) -> float:
        stats = self.statistics
        if isinstance(step, ScanStep):
            match step.operator:
                case "all":
                    # reading every node costs more than the rows it keeps
                    return stats.node_count(None) * 1.05 + 1.0
                case "label":
                    return stats.node_count(step.label)
                case "id":
                    return 1.0
            seek = step.seek
            assert seek is not None
            count = stats.node_count(seek.label)
            if seek.kind is SeekKind.EQUAL:
                if seek.unique:
                    return min(1.0, count)
                distinct = stats.distinct_values(seek.label, seek.keys[0])
                return count / distinct if distinct else max(1.0, count * EQUALITY_SELECTIVITY**2)
            if seek.kind is SeekKind.IN:
                return max(1.0, count * 0.05)
            return max(1.0, count * (0.1 if seek.kind is SeekKind.PREFIX else 0.3))
        assert isinstance(step, EdgeStep)
        edge = step.edge
        if step.rel_bound:
            return 1.0 if edge.rel.direction.value != "--" else 2.0
        direction = edge.rel.direction.value
        if step.source != edge.left and direction != "--":
            direction = "<-" if direction == "->" else "->"
        label = _first_label(builder, step.source)
        degree = stats.average_degree(edge.rel.types, direction, label)
        if edge.rel.length is not None:
            low, high = edge.rel.length
            top = min(high if high is not None else 5, 5)
            degree = sum(max(degree, 1.0) ** k for k in range(low, top + 1)) or 1.0
        if step.into:
            target_count = max(stats.node_count(_first_label(builder, step.target)), 1.0)
            return min(1.0, degree / target_count) if edge.rel.length is None else degree
        return degree


def _binds(step: Step) -> tuple[Symbol, ...]:
    if isinstance(step, ScanStep | JoinStep):
        return (step.node,)
    if step.rel_bound:
        return (step.edge.left, step.edge.right)
    return (step.edge.rel.symbol, step.target)


def _first_label(builder: PatternBuilder, symbol: Symbol) -> str | None:
    labels = builder.labels.get(symbol)
    return labels[0] if labels else None


_SCAN_RANK = {"id": 0, "seek": 1, "label": 2, "all": 3}


def _tie(step: Step) -> tuple[int, int, int]:
    if isinstance(step, EdgeStep):
        return (0, 0 if step.rel_bound else 1, step.edge.order)
    if isinstance(step, JoinStep):
        return (1, len(_SCAN_RANK), step.order)
    return (1, _SCAN_RANK[step.operator], step.order)
