"""Cardinality estimates from graph statistics (pure functions over a statistics view).

`GraphStatistics` is what the cost model needs to know about the stored graph; the
database adapts its per-commit statistics to it. `estimate_rows` estimates the output of
every operator of a plan, for EXPLAIN and for the pattern strategy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from engram.binder.bound import BBinary, BExpr, BHasLabels, BLiteral, BVariable, Symbol
from engram.parser.ast import BinaryOp
from engram.planner import operators as lp

__all__ = [
    "DEFAULT_SELECTIVITY",
    "EQUALITY_SELECTIVITY",
    "FixedStatistics",
    "GraphStatistics",
    "estimate_rows",
    "predicate_selectivity",
]

EQUALITY_SELECTIVITY = 0.1
DEFAULT_SELECTIVITY = 0.3


class GraphStatistics(Protocol):
    """Counts and averages of the stored graph (estimates are fine)."""

    def node_count(self, label: str | None = None) -> float:
        """Nodes in total, or with `label`."""
        ...

    def relationship_count(self, rel_type: str | None = None) -> float:
        """Relationships in total, or of `rel_type`."""
        ...

    def average_degree(self, types: tuple[str, ...], direction: str, label: str | None) -> float:
        """Average relationships of `types` per node (of `label`) in `direction`."""
        ...

    def distinct_values(self, label: str, key: str) -> float | None:
        """Distinct values of an indexed property, when known."""
        ...


@dataclass(frozen=True)
class FixedStatistics:
    """Statistics given as plain numbers (tests, and databases without statistics yet)."""

    nodes: float = 1000.0
    labels: dict[str, float] = field(default_factory=dict)
    relationships: float = 5000.0
    types: dict[str, float] = field(default_factory=dict)
    distinct: dict[tuple[str, str], float] = field(default_factory=dict)

    def node_count(self, label: str | None = None) -> float:
        """Nodes in total or with a label."""
        return self.nodes if label is None else self.labels.get(label, 0.0)

    def relationship_count(self, rel_type: str | None = None) -> float:
        """Relationships in total or of a type."""
        return self.relationships if rel_type is None else self.types.get(rel_type, 0.0)

    def average_degree(self, types: tuple[str, ...], direction: str, label: str | None) -> float:
        """Relationships of the types spread over the nodes (of the label)."""
        rels = sum(self.relationship_count(t) for t in types) if types else self.relationships
        nodes = max(self.node_count(label), 1.0)
        factor = 2.0 if direction == "--" else 1.0
        return factor * rels / nodes

    def distinct_values(self, label: str, key: str) -> float | None:
        """Known distinct counts."""
        return self.distinct.get((label, key))


def predicate_selectivity(predicate: BExpr, statistics: GraphStatistics) -> float:
    """The fraction of rows a predicate keeps (a crude but stable guess)."""
    match predicate:
        case BHasLabels(labels=labels):
            total = max(statistics.node_count(None), 1.0)
            fraction = 1.0
            for label in labels:
                fraction *= min(1.0, statistics.node_count(label) / total)
            return fraction
        case BBinary(op=BinaryOp.EQ):
            return EQUALITY_SELECTIVITY
        case BBinary(op=BinaryOp.AND, left=left, right=right):
            return predicate_selectivity(left, statistics) * predicate_selectivity(
                right, statistics
            )
        case BBinary(op=BinaryOp.OR, left=left, right=right):
            a = predicate_selectivity(left, statistics)
            b = predicate_selectivity(right, statistics)
            return min(1.0, a + b - a * b)
    return DEFAULT_SELECTIVITY


def estimate_rows(op: lp.LogicalOp, statistics: GraphStatistics) -> dict[int, float]:
    """Estimated output rows of every operator of a plan, keyed by `id(op)`."""
    out: dict[int, float] = {}
    _estimate(op, statistics, out, {})
    return out


def _known_labels(op: lp.LogicalOp, labels: dict[Symbol, str]) -> None:
    """Remember which label each node symbol is known to have (for degree estimates)."""
    match op:
        case (
            lp.LabelScan(symbol=symbol, label=label)
            | lp.IndexSeek(symbol=symbol, label=label)
            | lp.VectorSearch(symbol=symbol, label=label)
        ):
            labels[symbol] = label
        case lp.Filter(predicates=predicates):
            for predicate in predicates:
                if isinstance(predicate, BHasLabels) and isinstance(predicate.subject, BVariable):
                    labels.setdefault(predicate.subject.symbol, predicate.labels[0])


def _estimate(
    op: lp.LogicalOp, stats: GraphStatistics, out: dict[int, float], labels: dict[Symbol, str]
) -> float:
    inputs = [_estimate(child, stats, out, labels) for child in op.children]
    _known_labels(op, labels)
    rows = inputs[0] if inputs else 1.0
    match op:
        case lp.Start():
            rows = 1.0
        case lp.AllNodesScan():
            rows *= stats.node_count(None)
        case lp.LabelScan(label=label):
            rows *= stats.node_count(label)
        case lp.IndexSeek(label=label, keys=keys, kind=kind, unique=unique):
            count = stats.node_count(label)
            if kind is lp.SeekKind.EQUAL:
                distinct = stats.distinct_values(label, keys[0]) if len(keys) == 1 else None
                rows *= (
                    1.0 if unique else (count / distinct if distinct else max(1.0, count * 0.01))
                )
            elif kind is lp.SeekKind.IN:
                rows *= max(1.0, count * 0.05)
            else:
                rows *= max(
                    1.0, count * (0.1 if kind is lp.SeekKind.PREFIX else DEFAULT_SELECTIVITY)
                )
        case lp.NodeByIdSeek():
            rows *= 1.0
        case lp.VectorSearch(label=label, limit=wanted, selectivity=selectivity):
            found = stats.node_count(label) * selectivity
            if isinstance(wanted, BLiteral) and isinstance(wanted.value, int):
                found = min(found, float(wanted.value))
            elif wanted is not None:
                found = min(found, 10.0)
            rows *= max(found, 1.0)
        case lp.Expand(source=source, types=types, direction=direction, into=into):
            degree = stats.average_degree(types, direction.value, labels.get(source))
            rows *= degree if not into else min(1.0, degree * 0.1)
        case lp.VarExpand(types=types, direction=direction, min=low, max=high):
            degree = max(stats.average_degree(types, direction.value, None), 1.0)
            top = min(high if high is not None else 5, 5)
            rows *= sum(degree**k for k in range(low, top + 1)) or 1.0
        case lp.Filter(predicates=predicates):
            for predicate in predicates:
                rows *= predicate_selectivity(predicate, stats)
        case lp.Aggregate(keys=keys):
            rows = 1.0 if not keys else max(1.0, rows * 0.5)
        case lp.Distinct():
            rows = max(1.0, rows * 0.7)
        case lp.Limit(count=count) | lp.Top(limit=count):
            limit = count.value if isinstance(count, BLiteral) else None
            rows = min(rows, float(limit) if isinstance(limit, int) else 100.0)
        case lp.Union():
            rows = sum(inputs)
        case lp.ValueHashJoin():
            rows = inputs[0] * inputs[1] * EQUALITY_SELECTIVITY
        case lp.Optional(inner=inner):
            rows *= max(1.0, _estimate(inner, stats, out, dict(labels)))
        case lp.MatchPattern():
            rows *= stats.node_count(None)
    out[id(op)] = rows
    return rows
