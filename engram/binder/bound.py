"""Bound expression, pattern and clause dataclasses: resolved symbols, functions and types.

The binder turns the AST into these; the planner builds plans only from them. Compared
with the AST:

- every variable occurrence is a `Symbol` (unique per introduction, so `WITH a AS b,
  1 AS a` and shadowing inside comprehensions are unambiguous; anonymous pattern parts
  get symbols too);
- functions and procedures are resolved to their registry specs; aggregates are
  `BAggregate`, never `BFunction`;
- every expression has a logical `type` and keeps the span it came from in `origin`;
- projections know their output symbols, column names and which clause scope ORDER BY
  sees; all semantic checks have been made.

Property keys, labels and relationship types stay names: they are resolved against the
catalog when the plan runs (a label created later in the same query still matches).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, TypeAlias

from engram.errors import Span
from engram.parser.ast import (
    BinaryOp,
    Direction,
    ExplainMode,
    QuantifierKind,
    ShortestKind,
    UnaryOp,
)
from engram.parser.ast import SchemaCommand as AstSchemaCommand
from engram.types import ANY, CypherType

if TYPE_CHECKING:
    from engram.execution.functions.spec import FunctionSpec
    from engram.execution.procedures import ProcedureSpec

__all__ = [
    "BAggregate",
    "BBinary",
    "BCall",
    "BCase",
    "BClause",
    "BCreate",
    "BDelete",
    "BExists",
    "BExpr",
    "BForeach",
    "BFunction",
    "BHasLabels",
    "BIsNull",
    "BList",
    "BListComprehension",
    "BLiteral",
    "BMap",
    "BMapProjection",
    "BMatch",
    "BMerge",
    "BNodePattern",
    "BNote",
    "BParameter",
    "BPathPattern",
    "BPatternComprehension",
    "BProjection",
    "BProjectionItem",
    "BProperty",
    "BQuantifier",
    "BReduce",
    "BRelPattern",
    "BRemove",
    "BRemoveLabels",
    "BRemoveProperty",
    "BReturn",
    "BSchemaCommand",
    "BSet",
    "BSetLabels",
    "BSetProperties",
    "BSetProperty",
    "BSingleQuery",
    "BSlice",
    "BSortItem",
    "BStatement",
    "BSubscript",
    "BUnary",
    "BUnion",
    "BUnwind",
    "BVariable",
    "BWith",
    "BinaryOp",
    "BoundQuery",
    "Direction",
    "ExplainMode",
    "QuantifierKind",
    "ShortestKind",
    "Symbol",
    "UnaryOp",
    "VarKind",
]


class VarKind(enum.StrEnum):
    """What a symbol holds, as far as the binder knows."""

    NODE = "node"
    RELATIONSHIP = "relationship"
    #: the list of relationships bound by a variable-length pattern `[r*1..3]`
    RELATIONSHIP_LIST = "relationship list"
    PATH = "path"
    VALUE = "value"


@dataclass(frozen=True, slots=True, eq=False)
class Symbol:
    """One introduction of a variable; equal only to itself (compared and hashed by `id`).

    Attributes:
        name: the name as written; anonymous pattern parts get `  anon_<n>` (leading
            spaces make them impossible to write in a query).
        id: unique within one bound statement.
        kind: node, relationship, relationship list, path or value.
        type: the inferred logical type of its values.
        anonymous: the user did not name it.
    """

    name: str
    id: int
    kind: VarKind
    type: CypherType = ANY
    anonymous: bool = False

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Symbol) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"{self.name.strip()}#{self.id}"


# ---------------------------------------------------------------------------------------
# expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class BExpr:
    """Base of bound expressions."""

    origin: Span = field(compare=False, repr=False)
    type: CypherType = field(default=ANY, compare=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class BLiteral(BExpr):
    """A constant scalar (`None`, bool, int, float, str)."""

    value: bool | int | float | str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BList(BExpr):
    """`[a, b]`."""

    items: tuple[BExpr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BMap(BExpr):
    """`{k: v, ...}`; keys unique (a later duplicate key wins, as in openCypher)."""

    entries: tuple[tuple[str, BExpr], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BParameter(BExpr):
    """`$name`."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BVariable(BExpr):
    """A reference to a symbol."""

    symbol: Symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class BProperty(BExpr):
    """`subject.key` on a node, relationship, map or temporal value."""

    subject: BExpr
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BSubscript(BExpr):
    """`subject[index]`."""

    subject: BExpr
    index: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class BSlice(BExpr):
    """`subject[start..end]`."""

    subject: BExpr
    start: BExpr | None
    end: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BUnary(BExpr):
    """`NOT x`, `-x`, `+x`."""

    op: UnaryOp
    operand: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class BBinary(BExpr):
    """`left op right` (AND / OR / XOR, comparisons, arithmetic, IN, string predicates)."""

    op: BinaryOp
    left: BExpr
    right: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class BIsNull(BExpr):
    """`x IS [NOT] NULL`."""

    operand: BExpr
    negated: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BHasLabels(BExpr):
    """`n:A:B`: true when the node has all the labels."""

    subject: BExpr
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BFunction(BExpr):
    """A call of a scalar function resolved in the function registry."""

    spec: FunctionSpec
    args: tuple[BExpr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BAggregate(BExpr):
    """An aggregate call: `count(*)` has `star` and no args; DISTINCT variants set `distinct`."""

    spec: FunctionSpec
    args: tuple[BExpr, ...]
    distinct: bool = False
    star: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BCase(BExpr):
    """Both CASE forms; the simple form has a `subject` compared with each `when` value."""

    subject: BExpr | None
    whens: tuple[tuple[BExpr, BExpr], ...]
    default: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BListComprehension(BExpr):
    """`[x IN source WHERE where | projection]`; `variable` is scoped to the comprehension."""

    variable: Symbol
    source: BExpr
    where: BExpr | None
    projection: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BQuantifier(BExpr):
    """`all/any/none/single(x IN source WHERE where)`."""

    kind: QuantifierKind
    variable: Symbol
    source: BExpr
    where: BExpr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class BReduce(BExpr):
    """`reduce(acc = init, x IN source | expression)`."""

    accumulator: Symbol
    init: BExpr
    variable: Symbol
    source: BExpr
    expression: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class BMapProjection(BExpr):
    """`subject {.a, .*, x, k: expr}`.

    `items` are, in written order: `("property", key, None)`, `("all", "", None)` or
    `("entry", key, expression)` (a bare variable `x` becomes the entry `x: x`).
    """

    subject: BExpr
    items: tuple[tuple[str, str, BExpr | None], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BExists(BExpr):
    """A correlated existence test: pattern predicates and `EXISTS { ... }`.

    `body` is a bound single query whose reading clauses may refer to outer symbols
    (listed in `outer`); it is true when the body produces at least one row.
    """

    body: BSingleQuery
    outer: tuple[Symbol, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BPatternComprehension(BExpr):
    """`[p = pattern WHERE where | projection]`, correlated on `outer` symbols."""

    #: fields evaluated in the comprehension's own rows, not the outer row
    scoped_fields: ClassVar[frozenset[str]] = frozenset({"where", "projection"})

    pattern: BPathPattern
    where: BExpr | None
    projection: BExpr
    outer: tuple[Symbol, ...]


# ---------------------------------------------------------------------------------------
# patterns


@dataclass(frozen=True, slots=True, kw_only=True)
class BNodePattern:
    """A node in a pattern.

    `is_new` is true on the occurrence that introduces the symbol and false when the
    symbol was bound before: by an earlier clause, or earlier in this clause's patterns
    (`(a)-->(b)-->(a)`: the second `a` is not new). A pattern that is not new refers to
    that node; its labels / properties are extra filters.
    """

    origin: Span = field(compare=False, repr=False)
    symbol: Symbol
    labels: tuple[str, ...]
    properties: BExpr | None
    is_new: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class BRelPattern:
    """A relationship in a pattern; `length` is (min, max) for variable length.

    For a variable-length relationship the symbol's kind is RELATIONSHIP_LIST and
    `max` None means unbounded (never silently capped); `*` is `(1, None)`, `*..3` is
    `(1, 3)`. `direction` is as written left to right, relative to the node before it in
    the path. `is_new` as for nodes; a relationship that is not new was bound by an
    earlier clause (one MATCH never uses a relationship variable twice).
    """

    origin: Span = field(compare=False, repr=False)
    symbol: Symbol
    types: tuple[str, ...]
    direction: Direction
    length: tuple[int, int | None] | None
    properties: BExpr | None
    is_new: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class BPathPattern:
    """Alternating node and relationship patterns, optionally named and shortest."""

    origin: Span = field(compare=False, repr=False)
    path_symbol: Symbol | None
    elements: tuple[BNodePattern | BRelPattern, ...]
    shortest: ShortestKind | None = None

    @property
    def nodes(self) -> tuple[BNodePattern, ...]:
        """The node patterns, in order."""
        return tuple(e for e in self.elements if isinstance(e, BNodePattern))

    @property
    def relationships(self) -> tuple[BRelPattern, ...]:
        """The relationship patterns, in order."""
        return tuple(e for e in self.elements if isinstance(e, BRelPattern))


# ---------------------------------------------------------------------------------------
# clauses


@dataclass(frozen=True, slots=True, kw_only=True)
class BClause:
    """Base of bound clauses."""

    origin: Span = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class BMatch(BClause):
    """`[OPTIONAL] MATCH`. Relationship uniqueness holds across all `patterns`."""

    patterns: tuple[BPathPattern, ...]
    where: BExpr | None
    optional: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BUnwind(BClause):
    """`UNWIND expression AS symbol`."""

    expression: BExpr
    symbol: Symbol


@dataclass(frozen=True, slots=True, kw_only=True)
class BProjectionItem:
    """One projected column: `expression AS symbol`; `name` is the column name.

    A bare variable projected under its own name (`WITH a`, `WITH a AS a`, the items of
    `*`) keeps its symbol, so `symbol` is then the projected variable's symbol itself;
    any other item gets a new symbol.
    """

    symbol: Symbol
    expression: BExpr
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BSortItem:
    """`expression [DESC]`; the expression is bound in the projection's ORDER BY scope."""

    expression: BExpr
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BProjection:
    """What WITH and RETURN share.

    - `items` are the output columns in order (`RETURN *` / `WITH *` expand to the
      visible user variables, sorted by name, and then any explicit items).
    - `is_aggregating` when any item contains a `BAggregate`; the grouping keys are the
      items without aggregates.
    - ORDER BY expressions may refer to item symbols and, when the projection neither
      aggregates nor is DISTINCT, to symbols visible before it; an ORDER BY expression
      equal to a projected expression (`RETURN count(*) ORDER BY count(*)`) is rewritten
      to refer to that item's symbol.
    - `skip` and `limit` are constant expressions (literals or parameters), checked.
    """

    items: tuple[BProjectionItem, ...]
    distinct: bool = False
    order_by: tuple[BSortItem, ...] = ()
    skip: BExpr | None = None
    limit: BExpr | None = None
    is_aggregating: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BWith(BClause):
    """`WITH projection [WHERE predicate]`; after it only `projection.items` are visible.

    `where` is bound like ORDER BY (see `BProjection`): when the projection neither
    aggregates nor is DISTINCT it may refer to symbols visible before the WITH
    (`MATCH (a) WITH a.x AS x WHERE a.y = 1`), so it is evaluated before those are
    dropped; expressions equal to projected ones refer to the item symbols.
    """

    projection: BProjection
    where: BExpr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BReturn(BClause):
    """`RETURN projection`; the column names are the items' names."""

    projection: BProjection


@dataclass(frozen=True, slots=True, kw_only=True)
class BCreate(BClause):
    """`CREATE patterns`: new nodes have `is_new`; every relationship is new and typed."""

    patterns: tuple[BPathPattern, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BSetProperty:
    """`target.key = value` (target evaluates to a node or relationship, or null)."""

    target: BExpr
    key: str
    value: BExpr


@dataclass(frozen=True, slots=True, kw_only=True)
class BSetProperties:
    """`target = map` (replace) or `target += map` (merge); map may be a node/relationship."""

    target: BExpr
    value: BExpr
    merge: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BSetLabels:
    """`target:A:B`."""

    target: BExpr
    labels: tuple[str, ...]


BSetItem: TypeAlias = BSetProperty | BSetProperties | BSetLabels


@dataclass(frozen=True, slots=True, kw_only=True)
class BMerge(BClause):
    """`MERGE pattern ON CREATE SET ... ON MATCH SET ...`."""

    pattern: BPathPattern
    on_create: tuple[BSetItem, ...] = ()
    on_match: tuple[BSetItem, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BSet(BClause):
    """`SET items`."""

    items: tuple[BSetItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BRemoveProperty:
    """`target.key`."""

    target: BExpr
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BRemoveLabels:
    """`target:A:B`."""

    target: BExpr
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BRemove(BClause):
    """`REMOVE items`."""

    items: tuple[BRemoveProperty | BRemoveLabels, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BDelete(BClause):
    """`[DETACH] DELETE expressions` (each a node, relationship, path, or null)."""

    expressions: tuple[BExpr, ...]
    detach: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class BForeach(BClause):
    """`FOREACH (symbol IN source | clauses)`; `clauses` are updating clauses only."""

    symbol: Symbol
    source: BExpr
    clauses: tuple[BClause, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class BCall(BClause):
    """A procedure call.

    `args` are bound argument expressions, already filled from parameters for the
    implicit form of a standalone CALL. `yields` pairs each yielded output field with
    the symbol it binds (all outputs for `YIELD *` or a standalone CALL without YIELD).
    `standalone` is a CALL that is the whole query (its yields are the result columns).
    """

    procedure: ProcedureSpec
    args: tuple[BExpr, ...]
    yields: tuple[tuple[str, Symbol], ...]
    where: BExpr | None = None
    standalone: bool = False


# ---------------------------------------------------------------------------------------
# queries


@dataclass(frozen=True, slots=True, kw_only=True)
class BSingleQuery:
    """A bound single query; `columns` are the RETURN column names (empty without RETURN).

    A standalone CALL's columns are its yielded fields. The body of an EXISTS subquery
    or pattern predicate is a single query too, without RETURN.
    """

    clauses: tuple[BClause, ...]
    columns: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class BUnion:
    """`q1 UNION [ALL] q2 ...`; all parts have the same column names; `all` for UNION ALL."""

    queries: tuple[BSingleQuery, ...]
    all: bool
    columns: tuple[str, ...]


BoundQuery: TypeAlias = BSingleQuery | BUnion


@dataclass(frozen=True, slots=True, kw_only=True)
class BSchemaCommand:
    """An index or constraint command, passed through from the AST after checking."""

    command: AstSchemaCommand


@dataclass(frozen=True, slots=True, kw_only=True)
class BNote:
    """A remark that is not an error, shown by EXPLAIN: e.g. a label the graph lacks.

    Catalog remarks are made only when `bind` is given a catalog; `hint` is a suggestion
    (`did you mean ':Person'?`).
    """

    message: str
    span: Span = field(compare=False)
    hint: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BStatement:
    """The binder's output.

    Attributes:
        body: the bound query or schema command.
        explain: EXPLAIN / PROFILE, or None.
        parameters: names of every parameter the statement uses (checked against the
            supplied parameters before execution starts).
        is_updating: whether the statement can write (CREATE, MERGE, SET, REMOVE, DELETE,
            FOREACH, writing procedures, schema commands).
        notes: remarks for EXPLAIN: labels, types or property keys the catalog lacks, and
            MATCH patterns that share no variable (a cartesian product).
    """

    body: BoundQuery | BSchemaCommand
    explain: ExplainMode | None = None
    parameters: frozenset[str] = frozenset()
    is_updating: bool = False
    notes: tuple[BNote, ...] = ()
