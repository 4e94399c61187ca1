"""Logical operator dataclasses, in the order they appear bottom-up in typical plans.

Plans are chains: every operator except `Start` extends or reshapes the rows of its
`child`, and nested plans (OPTIONAL MATCH, MERGE, FOREACH, subquery expressions) start
from a `Start` leaf that receives the outer row. Operators are frozen and compare by
structure, so the optimizer detects a fixpoint with `==`. Each operator knows its
output `fields` (the symbols of its rows, in slot order) and its EXPLAIN parameters.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import ClassVar, Self

from engram.binder.bound import (
    BAggregate,
    BBinary,
    BExpr,
    BPathPattern,
    BProperty,
    BSetItem,
    BVariable,
    Direction,
    Symbol,
)
from engram.execution.procedures import ProcedureSpec

__all__ = [
    "Aggregate",
    "AllNodesScan",
    "Create",
    "CreateNode",
    "CreateRel",
    "Delete",
    "Distinct",
    "Eager",
    "Expand",
    "Filter",
    "Foreach",
    "IndexSeek",
    "LabelScan",
    "Limit",
    "LogicalOp",
    "MatchPattern",
    "Merge",
    "NodeByIdSeek",
    "Optional",
    "PlanCollect",
    "PlanExists",
    "PlanMapMatch",
    "PlanPath",
    "PlanUnique",
    "ProcedureCall",
    "ProduceResults",
    "Project",
    "RelEndpoints",
    "RemoveEntry",
    "RemoveItems",
    "SchemaOp",
    "SeekKind",
    "Select",
    "SetItems",
    "ShortestPath",
    "Skip",
    "Sort",
    "Start",
    "Top",
    "Union",
    "Unwind",
    "ValueHashJoin",
    "VarExpand",
    "VectorSearch",
]


_INPUTS = frozenset({"child", "left", "right"})


@dataclass(frozen=True, slots=True, kw_only=True)
class LogicalOp:
    """Base of all logical operators."""

    _fields: tuple[Symbol, ...] = field(init=False, repr=False, compare=False, default=())

    @property
    def children(self) -> tuple[LogicalOp, ...]:
        """Direct inputs (nested plans such as an Optional's `inner` are not children)."""
        return tuple(
            getattr(self, f.name)
            for f in dataclass_fields(self)
            if f.name in _INPUTS and isinstance(getattr(self, f.name), LogicalOp)
        )

    def with_children(self, *children: LogicalOp) -> Self:
        """A copy with the direct inputs replaced, in `children` order."""
        names = [
            f.name
            for f in dataclass_fields(self)
            if f.name in _INPUTS and isinstance(getattr(self, f.name), LogicalOp)
        ]
        # the keyword arguments are operator fields, checked by the strict zip
        return replace(self, **dict(zip(names, children, strict=True)))  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        # computed once, bottom-up as plans are built: no recursion over deep plans
        object.__setattr__(self, "_fields", self._compute_fields())

    @property
    def fields(self) -> tuple[Symbol, ...]:
        """Output symbols in slot order."""
        return self._fields

    def _compute_fields(self) -> tuple[Symbol, ...]:
        raise NotImplementedError

    @property
    def name(self) -> str:
        """Operator name for EXPLAIN."""
        return type(self).__name__


# ---------------------------------------------------------------------------------------
# leaves and scans


@dataclass(frozen=True, slots=True, kw_only=True)
class Start(LogicalOp):
    """One row holding `arguments`: the outer row of a nested plan, or nothing at the top."""

    arguments: tuple[Symbol, ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.arguments


@dataclass(frozen=True, slots=True, kw_only=True)
class MatchPattern(LogicalOp):
    """Match `patterns` with `predicates` for each input row (planned by the optimizer).

    Until the optimizer's `plan_patterns` rule turns it into scans and expands (or
    lowering does so naively when rules are off), it is one opaque step. Symbols of the
    child are already bound. Relationship uniqueness holds across all patterns.
    """

    child: LogicalOp
    patterns: tuple[BPathPattern, ...]
    predicates: tuple[BExpr, ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        out = list(self.child.fields)
        seen = set(out)
        for pattern in self.patterns:
            for element in pattern.elements:
                if element.symbol not in seen:
                    seen.add(element.symbol)
                    out.append(element.symbol)
            if pattern.path_symbol is not None and pattern.path_symbol not in seen:
                seen.add(pattern.path_symbol)
                out.append(pattern.path_symbol)
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class AllNodesScan(LogicalOp):
    """Every node, for each input row."""

    child: LogicalOp
    symbol: Symbol

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, self.symbol)


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelScan(LogicalOp):
    """Every node with `label`, in id order, for each input row."""

    child: LogicalOp
    symbol: Symbol
    label: str

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, self.symbol)


class SeekKind(enum.StrEnum):
    """How an index seek finds its keys."""

    EQUAL = "="
    IN = "IN"
    RANGE = "range"
    PREFIX = "STARTS WITH"


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexSeek(LogicalOp):
    """Nodes of `label` found through the property index `index` on `keys`.

    EQUAL / IN: `values` holds one expression per key (IN: one list expression).
    RANGE: `lower` / `upper` bounds with inclusiveness flags on a single key.
    PREFIX: `values` holds the prefix expression.
    """

    child: LogicalOp
    symbol: Symbol
    label: str
    index: str
    keys: tuple[str, ...]
    kind: SeekKind
    values: tuple[BExpr, ...] = ()
    lower: BExpr | None = None
    lower_inclusive: bool = True
    upper: BExpr | None = None
    upper_inclusive: bool = True
    unique: bool = False

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, self.symbol)


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeByIdSeek(LogicalOp):
    """Nodes whose id is `ids` (an expression giving one id or a list of ids)."""

    child: LogicalOp
    symbol: Symbol
    ids: BExpr

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, self.symbol)


@dataclass(frozen=True, slots=True, kw_only=True)
class VectorSearch(LogicalOp):
    """Nodes of `label` ranked by `function` similarity of `key` to `query`, best first.

    Runs once per input row through the vector index `index` and binds `symbol` and (when
    the query uses it) its similarity `score`. Nodes whose similarity is null (no vector)
    come first, as in `ORDER BY ... DESC`. It yields at most `limit` rows after dropping
    `skip` (no limit: every node with `score` above `threshold`). `predicates` (on
    `symbol` and the input row) and `candidates` (a plan from
    `Start(arguments=child.fields)` binding `symbol`, such as an index seek) restrict the
    nodes during the search. `strategy` and `reason` are the planner's choice, shown by
    EXPLAIN; `selectivity` is its estimate of the fraction of nodes the predicates keep.
    """

    child: LogicalOp
    symbol: Symbol
    score: Symbol | None
    label: str
    key: str
    index: str
    function: str
    query: BExpr
    limit: BExpr | None = None
    skip: BExpr | None = None
    threshold: BExpr | None = None
    inclusive: bool = False
    predicates: tuple[BExpr, ...] = ()
    candidates: LogicalOp | None = None
    strategy: str = "hnsw"
    reason: str = ""
    selectivity: float = 1.0
    #: the query reads the found nodes' labels or properties: fetch them in one batch
    fetch: bool = True

    def _compute_fields(self) -> tuple[Symbol, ...]:
        if self.score is None:
            return (*self.child.fields, self.symbol)
        return (*self.child.fields, self.symbol, self.score)

    @property
    def optional_candidates(self) -> bool:
        """Whether the candidates are a range or prefix seek whose predicate is kept too.

        Such a seek only narrows the search: when it finds too many nodes to score
        exactly, the search may drop it and check the predicate on HNSW's results.
        """
        seek = self.candidates
        if not isinstance(seek, IndexSeek) or len(seek.keys) != 1:
            return False
        if seek.kind not in (SeekKind.RANGE, SeekKind.PREFIX):
            return False
        for predicate in self.predicates:
            if isinstance(predicate, BBinary) and any(
                isinstance(side, BProperty)
                and side.key == seek.keys[0]
                and isinstance(side.subject, BVariable)
                and side.subject.symbol == seek.symbol
                for side in (predicate.left, predicate.right)
            ):
                return True
        return False


# ---------------------------------------------------------------------------------------
# graph operators


@dataclass(frozen=True, slots=True, kw_only=True)
class Expand(LogicalOp):
    """Follow relationships of `types` from bound `source` to `target`.

    `direction` is relative to `source`. When `into` the target is already bound and
    only relationships between the two are produced (ExpandInto).
    """

    child: LogicalOp
    source: Symbol
    rel: Symbol
    target: Symbol
    types: tuple[str, ...]
    direction: Direction
    into: bool = False

    def _compute_fields(self) -> tuple[Symbol, ...]:
        if self.into:
            return (*self.child.fields, self.rel)
        return (*self.child.fields, self.rel, self.target)


@dataclass(frozen=True, slots=True, kw_only=True)
class VarExpand(LogicalOp):
    """Variable-length expansion: every trail of `min`..`max` relationships.

    Relationships are unique within each path; `max` None is unbounded. `rel` binds the
    list of relationships of each path. `predicates` are checked on every relationship
    (`rel_symbol` and `node_symbol` stand for the relationship and its far node inside
    them), e.g. the pattern's relationship property map.
    """

    child: LogicalOp
    source: Symbol
    rel: Symbol
    target: Symbol
    types: tuple[str, ...]
    direction: Direction
    min: int
    max: int | None
    into: bool = False
    rel_predicate: BExpr | None = None
    step_symbol: Symbol | None = None
    #: the expansion runs from the pattern's right node: the relationship list is
    #: reversed before it is bound, so it is always in the pattern's written order
    reversed: bool = False
    #: set by the distinct_reachability rule: each reachable target once per input row
    #: (breadth first), `rel` bound to null; only when nothing above counts paths
    distinct_targets: bool = False

    def _compute_fields(self) -> tuple[Symbol, ...]:
        if self.into:
            return (*self.child.fields, self.rel)
        return (*self.child.fields, self.rel, self.target)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShortestPath(LogicalOp):
    """shortestPath / allShortestPaths between two bound nodes (bidirectional BFS)."""

    child: LogicalOp
    source: Symbol
    target: Symbol
    rel: Symbol
    path: Symbol | None
    types: tuple[str, ...]
    direction: Direction
    min: int
    max: int | None
    all: bool = False
    rel_predicate: BExpr | None = None
    step_symbol: Symbol | None = None

    def _compute_fields(self) -> tuple[Symbol, ...]:
        out = (*self.child.fields, self.rel)
        return (*out, self.path) if self.path is not None else out


@dataclass(frozen=True, slots=True, kw_only=True)
class RelEndpoints(LogicalOp):
    """Bind (or check) the end nodes of an already bound relationship in a pattern.

    `direction` is as written from `left` to `right`; an undirected pattern gives both
    orientations (one for a self-loop).
    """

    child: LogicalOp
    rel: Symbol
    left: Symbol
    right: Symbol
    direction: Direction
    types: tuple[str, ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        out = list(self.child.fields)
        for symbol in (self.left, self.right):
            if symbol not in out:
                out.append(symbol)
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class ValueHashJoin(LogicalOp):
    """Join the rows of `child` with the rows of `right` where `left_key = right_key`.

    `right` is an independent plan (it starts from `Start()`), run once and hashed by
    `right_key`; each input row probes with `left_key`. Cypher equality: null never joins,
    1 joins 1.0.
    """

    child: LogicalOp
    right: LogicalOp
    left_key: BExpr
    right_key: BExpr

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, *self.right.fields)


# ---------------------------------------------------------------------------------------
# relational operators


@dataclass(frozen=True, slots=True, kw_only=True)
class Filter(LogicalOp):
    """Keep rows for which every predicate is TRUE (null and false drop the row)."""

    child: LogicalOp
    predicates: tuple[BExpr, ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Project(LogicalOp):
    """Append computed columns `symbol = expression` to each row."""

    child: LogicalOp
    items: tuple[tuple[Symbol, BExpr], ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        new = [symbol for symbol, _ in self.items]
        kept = [symbol for symbol in self.child.fields if symbol not in new]
        return (*kept, *new)


@dataclass(frozen=True, slots=True, kw_only=True)
class Select(LogicalOp):
    """Keep exactly `symbols`, in this order."""

    child: LogicalOp
    symbols: tuple[Symbol, ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.symbols


@dataclass(frozen=True, slots=True, kw_only=True)
class Aggregate(LogicalOp):
    """Group by `keys` and compute `aggregates` per group; output keys then aggregates.

    With no keys there is exactly one output row, even for empty input.
    """

    child: LogicalOp
    keys: tuple[tuple[Symbol, BExpr], ...]
    aggregates: tuple[tuple[Symbol, BAggregate], ...]
    #: set by the columnar_aggregate rule: the input chain runs over numpy columns
    columnar: bool = False

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return tuple(s for s, _ in self.keys) + tuple(s for s, _ in self.aggregates)


@dataclass(frozen=True, slots=True, kw_only=True)
class Distinct(LogicalOp):
    """Drop rows equivalent (openCypher equivalence) to an earlier row on all fields."""

    child: LogicalOp

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Sort(LogicalOp):
    """Order rows by `items` (expression, descending) with Cypher's total order."""

    child: LogicalOp
    items: tuple[tuple[BExpr, bool], ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Top(LogicalOp):
    """Sort + Limit fused: keep the first `limit` rows in `items` order (a heap)."""

    child: LogicalOp
    items: tuple[tuple[BExpr, bool], ...]
    limit: BExpr
    skip: BExpr | None = None

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Skip(LogicalOp):
    """Drop the first `count` rows."""

    child: LogicalOp
    count: BExpr

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Limit(LogicalOp):
    """Stop after `count` rows."""

    child: LogicalOp
    count: BExpr

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Unwind(LogicalOp):
    """One row per element of `expression` (a list; null gives none; a scalar gives one)."""

    child: LogicalOp
    expression: BExpr
    symbol: Symbol

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, self.symbol)


@dataclass(frozen=True, slots=True, kw_only=True)
class Optional(LogicalOp):
    """OPTIONAL MATCH: run `inner` per input row; no match gives one row of nulls.

    `inner` starts from `Start(arguments=child.fields)`; `new_symbols` are the fields
    it adds (set to null when nothing matched).
    """

    child: LogicalOp
    inner: LogicalOp
    new_symbols: tuple[Symbol, ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, *self.new_symbols)


@dataclass(frozen=True, slots=True, kw_only=True)
class Union(LogicalOp):
    """Rows of every part, renamed to `symbols`; without `all`, distinct rows only."""

    parts: tuple[LogicalOp, ...]
    symbols: tuple[Symbol, ...]
    all: bool = False

    @property
    def children(self) -> tuple[LogicalOp, ...]:
        return self.parts

    def with_children(self, *children: LogicalOp) -> Self:
        return replace(self, parts=tuple(children))

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.symbols


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcedureCall(LogicalOp):
    """Call a procedure per input row and add its yielded fields."""

    child: LogicalOp
    procedure: ProcedureSpec
    args: tuple[BExpr, ...]
    yields: tuple[tuple[str, Symbol], ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, *(symbol for _, symbol in self.yields))


@dataclass(frozen=True, slots=True, kw_only=True)
class Eager(LogicalOp):
    """Materialise every input row before passing any on (clause-by-clause semantics)."""

    child: LogicalOp

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class ProduceResults(LogicalOp):
    """The top of a query: the named result columns, in order."""

    child: LogicalOp
    columns: tuple[tuple[str, Symbol], ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return tuple(symbol for _, symbol in self.columns)


# ---------------------------------------------------------------------------------------
# subquery expressions (bound expressions whose body has been planned)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanExists(BExpr):
    """True when `plan` (starting from the current row) produces a row."""

    plan: LogicalOp


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanCollect(BExpr):
    """The list of `projection` over the rows of `plan` (pattern comprehensions)."""

    scoped_fields: ClassVar[frozenset[str]] = frozenset({"projection"})

    plan: LogicalOp
    projection: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanPath(BExpr):
    """Build a path value from pattern parts: ("node", n), ("rel", r) or ("rels", rs)."""

    parts: tuple[tuple[str, Symbol], ...]

    def referenced_symbols(self) -> tuple[Symbol, ...]:
        """The symbols read from the row."""
        return tuple(symbol for _, symbol in self.parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanUnique(BExpr):
    """True when two relationship (or relationship-list) symbols share no relationship."""

    left: Symbol
    right: Symbol

    def referenced_symbols(self) -> tuple[Symbol, ...]:
        """The symbols read from the row."""
        return (self.left, self.right)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanMapMatch(BExpr):
    """True when the entity `subject` has every property of the map `properties` equal."""

    subject: BExpr
    properties: BExpr


# ---------------------------------------------------------------------------------------
# writes


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateNode:
    """A node to create: symbol, labels, property map expression (or None)."""

    symbol: Symbol
    labels: tuple[str, ...]
    properties: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateRel:
    """A relationship to create from `start` to `end` (already oriented)."""

    symbol: Symbol
    type: str
    start: Symbol
    end: Symbol
    properties: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Create(LogicalOp):
    """Create nodes, then relationships, for each input row; paths are projected after."""

    child: LogicalOp
    nodes: tuple[CreateNode, ...]
    rels: tuple[CreateRel, ...]
    paths: tuple[tuple[Symbol, tuple[Symbol, ...]], ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        new = [n.symbol for n in self.nodes] + [r.symbol for r in self.rels]
        new += [path for path, _ in self.paths]
        return (*self.child.fields, *new)


@dataclass(frozen=True, slots=True, kw_only=True)
class Merge(LogicalOp):
    """MERGE: per input row, the rows of `match`, or the created pattern when none match.

    ON MATCH items apply to matched rows, ON CREATE items to the created one.
    """

    child: LogicalOp
    match: LogicalOp
    create: Create
    new_symbols: tuple[Symbol, ...]
    on_match: tuple[BSetItem, ...] = ()
    on_create: tuple[BSetItem, ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return (*self.child.fields, *self.new_symbols)


@dataclass(frozen=True, slots=True, kw_only=True)
class SetItems(LogicalOp):
    """SET property, properties (`=` / `+=`) and labels, for each input row."""

    child: LogicalOp
    items: tuple[BSetItem, ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveEntry:
    """A REMOVE item: a property (`key`) or labels of `target`."""

    target: BExpr
    key: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveItems(LogicalOp):
    """REMOVE properties and labels, for each input row."""

    child: LogicalOp
    items: tuple[RemoveEntry, ...]

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete(LogicalOp):
    """[DETACH] DELETE the entities (or paths) the expressions give, for each input row."""

    child: LogicalOp
    expressions: tuple[BExpr, ...]
    detach: bool = False

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class Foreach(LogicalOp):
    """Run the updating plan `inner` once per element of `source`, per input row."""

    child: LogicalOp
    symbol: Symbol
    source: BExpr
    inner: LogicalOp

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return self.child.fields


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaOp(LogicalOp):
    """An index or constraint command (or SHOW), run once; `command` is the AST node."""

    command: object
    columns: tuple[tuple[str, Symbol], ...] = ()

    def _compute_fields(self) -> tuple[Symbol, ...]:
        return tuple(symbol for _, symbol in self.columns)
