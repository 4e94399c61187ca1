"""MatchPattern to scans, seeks, expands and filters, in the order a strategy picks.

The builder knows what each step means (which symbols it binds, which predicates it
consumes, where filters go, how relationship uniqueness and named paths are enforced);
a `Strategy` only picks the next step among the candidates the builder offers. The
naive strategy (used when the optimizer is off) follows the patterns as written; the
cost-based one lives in `engram.optimizer.cost`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from engram import deadline
from engram.binder.bound import (
    BBinary,
    BExpr,
    BFunction,
    BHasLabels,
    BList,
    BMap,
    BNodePattern,
    BParameter,
    BProperty,
    BRelPattern,
    BVariable,
    Direction,
    ShortestKind,
    Symbol,
    VarKind,
)
from engram.errors import Span
from engram.parser.ast import BinaryOp
from engram.planner.expressions import free_symbols
from engram.planner.operators import (
    AllNodesScan,
    Expand,
    Filter,
    IndexSeek,
    LabelScan,
    LogicalOp,
    MatchPattern,
    NodeByIdSeek,
    PlanMapMatch,
    PlanPath,
    PlanUnique,
    Project,
    RelEndpoints,
    SeekKind,
    ShortestPath,
    Start,
    ValueHashJoin,
    VarExpand,
)
from engram.types import BOOLEAN

__all__ = [
    "EdgeStep",
    "IndexInfo",
    "JoinStep",
    "NaiveStrategy",
    "PatternBuilder",
    "ScanStep",
    "Step",
    "Strategy",
    "internal_symbol",
    "plan_naively",
]

_counter = itertools.count(1_000_000_000)


def internal_symbol(name: str, kind: VarKind = VarKind.VALUE) -> Symbol:
    """A fresh symbol for plan-internal use (ids far below the planner's)."""
    return Symbol(name=f"  {name}", id=-next(_counter), kind=kind, anonymous=True)


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """A property index the planner may seek: name, label, keys, uniqueness."""

    name: str
    label: str
    keys: tuple[str, ...]
    unique: bool = False


@dataclass(frozen=True, slots=True)
class Edge:
    """A relationship pattern between two node symbols (left and right as written)."""

    rel: BRelPattern
    left: Symbol
    right: Symbol
    order: int
    shortest: ShortestKind | None = None
    path: Symbol | None = None


@dataclass(frozen=True, slots=True)
class ScanStep:
    """Bind `node` by a scan or seek; `consumed` are predicates the access path enforces."""

    node: Symbol
    operator: str  # "all", "label", "seek", "id"
    label: str | None = None
    seek: IndexSeek | None = None
    ids: BExpr | None = None
    consumed: tuple[BExpr, ...] = ()
    order: int = 0


@dataclass(frozen=True, slots=True)
class EdgeStep:
    """Follow `edge` from the bound `source` end (`into` when the other end is bound too)."""

    edge: Edge
    source: Symbol
    target: Symbol
    into: bool
    #: the relationship was bound before this MATCH: its ends are read, not searched
    rel_bound: bool = False


@dataclass(frozen=True, slots=True)
class JoinStep:
    """Bind `node` through a hash join on an equality with already bound symbols.

    All nodes with `label` are hashed on `right_key` (the node's side of the equality);
    each input row probes with `left_key` (the bound side).
    """

    node: Symbol
    label: str | None
    left_key: BExpr
    right_key: BExpr
    consumed: tuple[BExpr, ...]
    order: int = 0


Step = ScanStep | EdgeStep | JoinStep


class Strategy(Protocol):
    """Picks the next step; `bound` are the symbols bound so far."""

    def pick(self, candidates: Sequence[Step], builder: PatternBuilder) -> Step:
        """One of `candidates`."""
        ...


class NaiveStrategy:
    """Follow the patterns as written: first unbound node, then its relationships in order."""

    def pick(self, candidates: Sequence[Step], builder: PatternBuilder) -> Step:
        """Expansions before scans, each in pattern order; scans by label, never seeks."""
        edges = [c for c in candidates if isinstance(c, EdgeStep)]
        if edges:
            return min(
                edges, key=lambda c: (not c.rel_bound, c.edge.order, c.source != c.edge.left)
            )
        scans = [
            c for c in candidates if isinstance(c, ScanStep) and c.operator in ("all", "label")
        ]
        return min(scans, key=lambda c: (c.order, c.operator != "label"))


@dataclass
class PatternBuilder:
    """Turns one MatchPattern into a chain of operators, step by step."""

    match: MatchPattern
    indexes: tuple[IndexInfo, ...] = ()
    plan: LogicalOp = field(init=False)
    bound: set[Symbol] = field(init=False)
    labels: dict[Symbol, tuple[str, ...]] = field(init=False)
    predicates: list[BExpr] = field(init=False)
    edges: list[Edge] = field(init=False)
    node_order: dict[Symbol, int] = field(init=False)
    notes: list[str] = field(default_factory=list)
    #: free symbols of each predicate, by id (the predicate is kept alive beside them)
    _free: dict[int, tuple[BExpr, frozenset[Symbol]]] = field(init=False)
    #: the predicates other than uniqueness checks, by the symbols they read; rebuilt
    #: when the predicate list changes (keyed by the list's identity and length)
    _near: dict[Symbol, list[BExpr]] = field(init=False)
    _near_of: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.plan = self.match.child
        self.bound = set(self.match.child.fields)
        self.labels = {}
        self.predicates = []
        self.edges = []
        self.node_order = {}
        self._free = {}
        self._near = {}
        self._near_of = (0, -1)
        self._collect()

    def symbols_of(self, predicate: BExpr) -> frozenset[Symbol]:
        """The free symbols of one of the builder's predicates (computed once)."""
        known = self._free.get(id(predicate))
        if known is not None and known[0] is predicate:
            return known[1]
        if isinstance(predicate, PlanUnique):
            symbols = frozenset((predicate.left, predicate.right))
        else:
            symbols = frozenset(free_symbols(predicate))
        self._free[id(predicate)] = (predicate, symbols)
        return symbols

    def near(self, symbol: Symbol) -> list[BExpr]:
        """The predicates reading `symbol`, in list order, uniqueness checks left out.

        Seeks, joins and label lookups only ever use these: with n relationships there
        are n^2 / 2 uniqueness checks, and scanning them for every candidate of every
        step made planning long patterns cubic.
        """
        key = (id(self.predicates), len(self.predicates))
        if key != self._near_of:
            self._near_of = key
            self._near = {}
            for predicate in self.predicates:
                if isinstance(predicate, PlanUnique):
                    continue
                for read in self.symbols_of(predicate):
                    self._near.setdefault(read, []).append(predicate)
        return self._near.get(symbol, [])

    # -- analysis --------------------------------------------------------------------------

    def _collect(self) -> None:
        order = itertools.count()
        for pattern in self.match.patterns:
            nodes = pattern.nodes
            for node in nodes:
                self.node_order.setdefault(node.symbol, next(order))
                self._node_predicates(node)
            rels = pattern.relationships
            for index, rel in enumerate(rels):
                edge = Edge(
                    rel=rel,
                    left=nodes[index].symbol,
                    right=nodes[index + 1].symbol,
                    order=len(self.edges),
                    shortest=pattern.shortest,
                    path=pattern.path_symbol if pattern.shortest else None,
                )
                self.edges.append(edge)
                if rel.length is None and rel.properties is not None:
                    self.predicates.extend(_property_predicates(rel.symbol, rel.properties))
        self.predicates.extend(self.match.predicates)
        self._uniqueness()

    def _node_predicates(self, node: BNodePattern) -> None:
        known = self.labels.get(node.symbol, ())
        new = tuple(label for label in node.labels if label not in known)
        self.labels[node.symbol] = known + new
        for label in new:
            self.predicates.append(_has_label(node.symbol, label, node.origin))
        if node.properties is not None:
            self.predicates.extend(_property_predicates(node.symbol, node.properties))

    def _uniqueness(self) -> None:
        rels = [e.rel.symbol for e in self.edges if not e.shortest]
        seen: set[tuple[int, int]] = set()
        for left, right in itertools.combinations(rels, 2):
            if left == right or (left.id, right.id) in seen:
                continue
            seen.add((left.id, right.id))
            self.predicates.append(
                PlanUnique(left=left, right=right, origin=Span(0, 0), type=BOOLEAN)
            )

    # -- candidates --------------------------------------------------------------------------

    def candidates(self) -> list[Step]:
        """Every step that can be taken now."""
        out: list[Step] = []
        for edge in self.edges:
            left_bound, right_bound = edge.left in self.bound, edge.right in self.bound
            if edge.rel.symbol in self.bound:
                out.append(EdgeStep(edge, edge.left, edge.right, into=False, rel_bound=True))
                continue
            if edge.shortest is not None:
                if left_bound and right_bound:
                    out.append(EdgeStep(edge=edge, source=edge.left, target=edge.right, into=True))
                continue
            if left_bound:
                out.append(EdgeStep(edge, edge.left, edge.right, into=right_bound))
            if right_bound and not left_bound:
                out.append(EdgeStep(edge, edge.right, edge.left, into=False))
        for node, order in self.node_order.items():
            if node not in self.bound:
                deadline.check()
                out.extend(self.scan_candidates(node, order))
        return out

    def scan_candidates(self, node: Symbol, order: int) -> list[ScanStep | JoinStep]:
        """Access paths for an unbound node: all nodes, each label, index seeks, id seeks."""
        out: list[ScanStep | JoinStep] = [ScanStep(node=node, operator="all", order=order)]
        for label in self.labels.get(node, ()):
            consumed = (self._label_predicate(node, label),)
            out.append(ScanStep(node, "label", label=label, consumed=consumed, order=order))
            out.extend(self._seeks(node, label, order))
        out.extend(self._id_seeks(node, order))
        out.extend(self._joins(node, order))
        return out

    def _joins(self, node: Symbol, order: int) -> list[JoinStep]:
        """Hash joins on `new.x = <bound expression>` predicates (a new component only)."""
        if not self.bound or self._touches_bound(node):
            return []
        labels = self.labels.get(node, ())
        out = []
        for predicate in self.near(node):
            if not (isinstance(predicate, BBinary) and predicate.op is BinaryOp.EQ):
                continue
            sides = (predicate.left, predicate.right)
            for mine, other in (sides, sides[::-1]):
                own, theirs = free_symbols(mine), free_symbols(other)
                if own == {node} and theirs and theirs <= self.bound:
                    label = labels[0] if labels else None
                    consumed: tuple[BExpr, ...] = (predicate,)
                    if label is not None:
                        consumed += (self._label_predicate(node, label),)
                    out.append(JoinStep(node, label, other, mine, consumed, order))
        return out

    def _touches_bound(self, node: Symbol) -> bool:
        """Whether a relationship pattern links `node` to a bound node (then expand)."""
        return any(
            (edge.left == node and edge.right in self.bound)
            or (edge.right == node and edge.left in self.bound)
            for edge in self.edges
        )

    def _label_predicate(self, node: Symbol, label: str) -> BExpr:
        for predicate in self.near(node):
            if (
                isinstance(predicate, BHasLabels)
                and _is_var(predicate.subject, node)
                and predicate.labels == (label,)
            ):
                return predicate
        raise LookupError(label)

    def _available(self, expr: BExpr) -> bool:
        return free_symbols(expr) <= self.bound

    def _seeks(self, node: Symbol, label: str, order: int) -> list[ScanStep]:
        out = []
        label_predicate = self._label_predicate(node, label)
        for index in self.indexes:
            if index.label != label:
                continue
            step = self._seek_for(node, label, index, order, label_predicate)
            if step is not None:
                out.append(step)
        return out

    def _seek_for(
        self, node: Symbol, label: str, index: IndexInfo, order: int, label_predicate: BExpr
    ) -> ScanStep | None:
        equal: dict[str, tuple[BExpr, BExpr]] = {}
        others: list[ScanStep] = []
        for predicate in self.near(node):
            match predicate:
                case BBinary(op=BinaryOp.EQ, left=BProperty(subject=s, key=k), right=v) if (
                    _is_var(s, node) and k in index.keys and self._available(v)
                ):
                    equal.setdefault(k, (v, predicate))
                case BBinary(op=BinaryOp.EQ, left=v, right=BProperty(subject=s, key=k)) if (
                    _is_var(s, node) and k in index.keys and self._available(v)
                ):
                    equal.setdefault(k, (v, predicate))
                case BBinary(op=op, left=BProperty(subject=s, key=k), right=v) if (
                    len(index.keys) == 1
                    and k == index.keys[0]
                    and _is_var(s, node)
                    and self._available(v)
                ):
                    seek = self._single_key_seek(node, label, index, op, v)
                    if seek is not None:
                        consumed: tuple[BExpr, ...] = (
                            (label_predicate, predicate)
                            if seek.kind is SeekKind.IN
                            else (label_predicate,)
                        )
                        others.append(
                            ScanStep(node, "seek", label, seek, consumed=consumed, order=order)
                        )
        if len(equal) == len(index.keys):
            values = tuple(equal[k][0] for k in index.keys)
            eq_consumed = (label_predicate, *(equal[k][1] for k in index.keys))
            seek = IndexSeek(
                child=self.plan,
                symbol=node,
                label=label,
                index=index.name,
                keys=index.keys,
                kind=SeekKind.EQUAL,
                values=values,
                unique=index.unique,
            )
            return ScanStep(node, "seek", label, seek, consumed=eq_consumed, order=order)
        return others[0] if others else None

    def _single_key_seek(
        self, node: Symbol, label: str, index: IndexInfo, op: BinaryOp, value: BExpr
    ) -> IndexSeek | None:
        base = IndexSeek(
            child=self.plan,
            symbol=node,
            label=label,
            index=index.name,
            keys=index.keys,
            kind=SeekKind.EQUAL,
        )
        match op:
            case BinaryOp.IN:
                return replace(base, kind=SeekKind.IN, values=(value,))
            case BinaryOp.STARTS_WITH:
                return replace(base, kind=SeekKind.PREFIX, values=(value,))
            case BinaryOp.LT | BinaryOp.LE:
                return replace(
                    base, kind=SeekKind.RANGE, upper=value, upper_inclusive=op is BinaryOp.LE
                )
            case BinaryOp.GT | BinaryOp.GE:
                return replace(
                    base, kind=SeekKind.RANGE, lower=value, lower_inclusive=op is BinaryOp.GE
                )
        return None

    def _id_seeks(self, node: Symbol, order: int) -> list[ScanStep]:
        out = []
        for predicate in self.near(node):
            match predicate:
                case BBinary(
                    op=BinaryOp.EQ | BinaryOp.IN as op, left=BFunction(args=(arg,)) as f, right=v
                ) if f.spec.name == "id" and _is_var(arg, node) and self._available(v):
                    ids = v if op is BinaryOp.IN else BList(items=(v,), origin=v.origin)
                    out.append(ScanStep(node, "id", ids=ids, consumed=(predicate,), order=order))
        return out

    # -- building ---------------------------------------------------------------------------

    def build(self, strategy: Strategy) -> LogicalOp:
        """Apply steps until every node and relationship is bound; then paths."""
        self._filter()
        while True:
            deadline.check()
            options = self.candidates()
            if not options:
                break
            self.apply(strategy.pick(options, self))
        self._paths()
        if self.predicates:
            self.plan = Filter(child=self.plan, predicates=tuple(self.predicates))
            self.predicates = []
        return self.plan

    def apply(self, step: Step) -> None:
        """Add the operator for `step` and the filters that became possible."""
        if isinstance(step, ScanStep):
            self._scan(step)
        elif isinstance(step, JoinStep):
            self._join(step)
        else:
            self._expand(step)
        self._filter()

    def _join(self, step: JoinStep) -> None:
        start = Start()
        right: LogicalOp = (
            LabelScan(child=start, symbol=step.node, label=step.label)
            if step.label is not None
            else AllNodesScan(child=start, symbol=step.node)
        )
        self.plan = ValueHashJoin(
            child=self.plan, right=right, left_key=step.left_key, right_key=step.right_key
        )
        self.bound.add(step.node)
        self.predicates = [p for p in self.predicates if all(p is not c for c in step.consumed)]

    def _scan(self, step: ScanStep) -> None:
        match step.operator:
            case "all":
                self.plan = AllNodesScan(child=self.plan, symbol=step.node)
            case "label":
                assert step.label is not None
                self.plan = LabelScan(child=self.plan, symbol=step.node, label=step.label)
            case "seek":
                assert step.seek is not None
                self.plan = _rechild(step.seek, self.plan)
            case _:
                assert step.ids is not None
                self.plan = NodeByIdSeek(child=self.plan, symbol=step.node, ids=step.ids)
        self.bound.add(step.node)
        self.predicates = [p for p in self.predicates if all(p is not c for c in step.consumed)]

    def _expand(self, step: EdgeStep) -> None:
        edge = step.edge
        rel = edge.rel
        direction = rel.direction
        if step.source != edge.left and direction is not Direction.BOTH:
            direction = (
                Direction.INCOMING if direction is Direction.OUTGOING else Direction.OUTGOING
            )
        self.edges.remove(edge)
        if step.rel_bound:
            self.plan = RelEndpoints(
                child=self.plan,
                rel=rel.symbol,
                left=edge.left,
                right=edge.right,
                direction=rel.direction,
                types=rel.types,
            )
            self.bound.update((edge.left, edge.right))
            return
        if edge.shortest is not None:
            self._shortest(step, direction)
            return
        if rel.length is None:
            self.plan = Expand(
                child=self.plan,
                source=step.source,
                rel=rel.symbol,
                target=step.target,
                types=rel.types,
                direction=direction,
                into=step.into,
            )
        else:
            minimum, maximum = rel.length
            step_symbol, predicate = _step_predicate(rel)
            self.plan = VarExpand(
                child=self.plan,
                source=step.source,
                rel=rel.symbol,
                target=step.target,
                types=rel.types,
                direction=direction,
                min=minimum,
                max=maximum,
                into=step.into,
                rel_predicate=predicate,
                step_symbol=step_symbol,
                reversed=step.source != edge.left,
            )
        self.bound.update((rel.symbol, step.target))

    def _shortest(self, step: EdgeStep, direction: Direction) -> None:
        edge, rel = step.edge, step.edge.rel
        minimum, maximum = rel.length if rel.length is not None else (1, 1)
        step_symbol, predicate = _step_predicate(rel)
        self.plan = ShortestPath(
            child=self.plan,
            source=edge.left,
            target=edge.right,
            rel=rel.symbol,
            path=edge.path,
            types=rel.types,
            direction=direction,
            min=minimum,
            max=maximum,
            all=edge.shortest is ShortestKind.ALL_SHORTEST,
            rel_predicate=predicate,
            step_symbol=step_symbol,
        )
        self.bound.add(rel.symbol)
        if edge.path is not None:
            self.bound.add(edge.path)

    def _filter(self) -> None:
        ready = [p for p in self.predicates if self.symbols_of(p) <= self.bound]
        if ready:
            self.plan = Filter(child=self.plan, predicates=tuple(ready))
            placed = {id(p) for p in ready}
            self.predicates = [p for p in self.predicates if id(p) not in placed]

    def _paths(self) -> None:
        items = []
        for pattern in self.match.patterns:
            if pattern.path_symbol is None or pattern.shortest is not None:
                continue
            parts: list[tuple[str, Symbol]] = []
            for element in pattern.elements:
                if isinstance(element, BNodePattern):
                    parts.append(("node", element.symbol))
                else:
                    parts.append(("rels" if element.length is not None else "rel", element.symbol))
            path = PlanPath(parts=tuple(parts), origin=pattern.origin)
            items.append((pattern.path_symbol, path))
        if items:
            self.plan = Project(child=self.plan, items=tuple(items))
            self.bound.update(symbol for symbol, _ in items)
            self._filter()


def _reverse(direction: Direction) -> Direction:
    if direction is Direction.OUTGOING:
        return Direction.INCOMING
    return Direction.OUTGOING if direction is Direction.INCOMING else direction


def _rechild(seek: IndexSeek, child: LogicalOp) -> IndexSeek:
    return seek if seek.child is child else seek.with_children(child)


def _is_var(expr: BExpr, symbol: Symbol) -> bool:
    return isinstance(expr, BVariable) and expr.symbol == symbol


def _has_label(symbol: Symbol, label: str, origin: Span) -> BExpr:
    subject = BVariable(symbol=symbol, origin=origin)
    return BHasLabels(subject=subject, labels=(label,), origin=origin, type=BOOLEAN)


def _property_predicates(symbol: Symbol, properties: BExpr) -> list[BExpr]:
    subject = BVariable(symbol=symbol, origin=properties.origin)
    if isinstance(properties, BMap):
        return [
            BBinary(
                op=BinaryOp.EQ,
                left=BProperty(subject=subject, key=key, origin=value.origin),
                right=value,
                origin=value.origin,
                type=BOOLEAN,
            )
            for key, value in properties.entries
        ]
    assert isinstance(properties, BParameter | BExpr)
    return [
        PlanMapMatch(subject=subject, properties=properties, origin=properties.origin, type=BOOLEAN)
    ]


def _and(predicates: list[BExpr]) -> BExpr | None:
    if not predicates:
        return None
    result = predicates[0]
    for predicate in predicates[1:]:
        result = BBinary(
            op=BinaryOp.AND, left=result, right=predicate, origin=result.origin, type=BOOLEAN
        )
    return result


def plan_naively(match: MatchPattern) -> LogicalOp:
    """The plan of `match` following the patterns as written (no statistics, no indexes)."""
    return PatternBuilder(match).build(NaiveStrategy())


def _step_predicate(rel: BRelPattern) -> tuple[Symbol, BExpr | None]:
    """A variable-length relationship's step symbol and the predicate on every step.

    The predicate comes from the relationship's property map (None without one).
    """
    step_symbol = internal_symbol("step", VarKind.RELATIONSHIP)
    if rel.properties is None:
        return step_symbol, None
    return step_symbol, _and(_property_predicates(step_symbol, rel.properties))
