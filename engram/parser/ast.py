"""Frozen AST dataclasses for the whole language; every node carries a `Span`.

The parser builds these, the query builder builds the same nodes, the printer turns them
back into canonical text, and the binder consumes them. Nothing here knows about the
catalog or storage. Spans and verbatim source texts are excluded from equality, so
``parse(print(tree)) == tree`` holds structurally.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import ClassVar, TypeAlias

from engram.errors import Span

__all__ = [
    "NO_SPAN",
    "AllPropertiesSelector",
    "AstNode",
    "Binary",
    "BinaryOp",
    "Call",
    "Case",
    "CaseWhen",
    "Clause",
    "CountStar",
    "Create",
    "CreateConstraint",
    "CreateIndex",
    "CreateVectorIndex",
    "Delete",
    "Direction",
    "DropConstraint",
    "DropIndex",
    "ExistsSubquery",
    "ExplainMode",
    "Expr",
    "Foreach",
    "FunctionCall",
    "HasLabels",
    "IsNull",
    "ListComprehension",
    "ListLiteral",
    "Literal",
    "MapEntry",
    "MapLiteral",
    "MapProjection",
    "MapProjectionItem",
    "Match",
    "Merge",
    "MergeAction",
    "NodePattern",
    "Parameter",
    "PathPattern",
    "PatternComprehension",
    "PatternExpression",
    "Projection",
    "ProjectionItem",
    "PropertyAccess",
    "PropertySelector",
    "Quantifier",
    "QuantifierKind",
    "Query",
    "Reduce",
    "RelationshipPattern",
    "Remove",
    "RemoveItem",
    "RemoveLabels",
    "RemoveProperty",
    "Return",
    "SchemaCommand",
    "Set",
    "SetItem",
    "SetLabels",
    "SetProperty",
    "SetVariable",
    "ShortestKind",
    "ShowConstraints",
    "ShowIndexes",
    "SingleQuery",
    "Slice",
    "SortItem",
    "Statement",
    "Subscript",
    "Unary",
    "UnaryOp",
    "UnionQuery",
    "Unwind",
    "Variable",
    "VariableLength",
    "VariableSelector",
    "With",
    "YieldItem",
    "children",
    "walk",
]

#: span of nodes that do not come from query text (the query builder's)
NO_SPAN = Span(0, 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class AstNode:
    """Base of every AST node."""

    span: Span = field(default=NO_SPAN, compare=False, repr=False)


# ---------------------------------------------------------------------------------------
# expressions


@dataclass(frozen=True, slots=True, kw_only=True)
class Expr(AstNode):
    """Base of expressions."""


LiteralValue: TypeAlias = bool | int | float | str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Literal(Expr):
    """A scalar literal: `null`, `true`, `42`, `0x2A`, `1.5e3`, `'text'`."""

    value: LiteralValue


@dataclass(frozen=True, slots=True, kw_only=True)
class ListLiteral(Expr):
    """`[a, b, c]`."""

    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MapEntry(AstNode):
    """`key: value` inside a map literal."""

    key: str
    value: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class MapLiteral(Expr):
    """`{name: 'Ada', age: 36}`; entries keep their written order."""

    entries: tuple[MapEntry, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameter(Expr):
    """`$name` or `$0` (the name is then ``"0"``)."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Variable(Expr):
    """A variable, where it is used and where it is introduced (patterns, aliases)."""

    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertyAccess(Expr):
    """`subject.key`, e.g. `p.name`."""

    subject: Expr
    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Subscript(Expr):
    """`subject[index]`: list element, map value by key, dynamic property."""

    subject: Expr
    index: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Slice(Expr):
    """`subject[start..end]`, either bound optional."""

    subject: Expr
    start: Expr | None
    end: Expr | None


class UnaryOp(enum.StrEnum):
    """Prefix operators."""

    NOT = "NOT"
    NEGATE = "-"
    PLUS = "+"


@dataclass(frozen=True, slots=True, kw_only=True)
class Unary(Expr):
    """`NOT x`, `-x`, `+x`."""

    op: UnaryOp
    operand: Expr


class BinaryOp(enum.StrEnum):
    """Infix operators; chained comparisons are desugared to AND of pairs by the parser."""

    OR = "OR"
    XOR = "XOR"
    AND = "AND"
    EQ = "="
    NE = "<>"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    POW = "^"
    IN = "IN"
    STARTS_WITH = "STARTS WITH"
    ENDS_WITH = "ENDS WITH"
    CONTAINS = "CONTAINS"
    REGEX = "=~"


@dataclass(frozen=True, slots=True, kw_only=True)
class Binary(Expr):
    """`left op right`."""

    op: BinaryOp
    left: Expr
    right: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class IsNull(Expr):
    """`x IS NULL` or, with `negated`, `x IS NOT NULL`."""

    operand: Expr
    negated: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class HasLabels(Expr):
    """A label predicate in an expression: `n:Person:Admin`."""

    subject: Expr
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FunctionCall(Expr):
    """`name(args)`, `count(DISTINCT x)`, `duration.between(a, b)`.

    `name` is as written (case preserved, dots kept); the binder resolves it.
    """

    name: str
    args: tuple[Expr, ...]
    distinct: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CountStar(Expr):
    """`count(*)`."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseWhen(AstNode):
    """`WHEN condition THEN result`."""

    condition: Expr
    result: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class Case(Expr):
    """`CASE [subject] WHEN ... THEN ... [ELSE default] END`."""

    subject: Expr | None
    whens: tuple[CaseWhen, ...]
    default: Expr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ListComprehension(Expr):
    """`[x IN source WHERE predicate | projection]`."""

    variable: Variable
    source: Expr
    where: Expr | None
    projection: Expr | None


class QuantifierKind(enum.StrEnum):
    """List predicate quantifiers."""

    ALL = "all"
    ANY = "any"
    NONE = "none"
    SINGLE = "single"


@dataclass(frozen=True, slots=True, kw_only=True)
class Quantifier(Expr):
    """`all(x IN source WHERE predicate)` and any / none / single."""

    kind: QuantifierKind
    variable: Variable
    source: Expr
    where: Expr | None


@dataclass(frozen=True, slots=True, kw_only=True)
class Reduce(Expr):
    """`reduce(acc = init, x IN source | expression)`."""

    accumulator: Variable
    init: Expr
    variable: Variable
    source: Expr
    expression: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternComprehension(Expr):
    """`[p = (a)-->(b) WHERE predicate | projection]`."""

    pattern: PathPattern
    where: Expr | None
    projection: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class PatternExpression(Expr):
    """A relationship pattern used as a predicate: `WHERE (a)-[:KNOWS]->()`."""

    pattern: PathPattern


@dataclass(frozen=True, slots=True, kw_only=True)
class ExistsSubquery(Expr):
    """`EXISTS { MATCH ... WHERE ... }`; the short form `EXISTS { (a)-->(b) }` is a MATCH."""

    query: Query


@dataclass(frozen=True, slots=True, kw_only=True)
class MapProjectionItem(AstNode):
    """Base of map projection items."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PropertySelector(MapProjectionItem):
    """`.key` in a map projection."""

    key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AllPropertiesSelector(MapProjectionItem):
    """`.*` in a map projection."""


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableSelector(MapProjectionItem):
    """A bare variable `x` in a map projection: the entry `x: x`."""

    variable: Variable


@dataclass(frozen=True, slots=True, kw_only=True)
class MapProjection(Expr):
    """`subject {.name, .*, other, key: expression}`; `entries` holds `MapEntry` items too."""

    subject: Variable
    items: tuple[MapProjectionItem | MapEntry, ...]


# ---------------------------------------------------------------------------------------
# patterns


class Direction(enum.StrEnum):
    """Relationship direction as written, left to right."""

    OUTGOING = "->"
    INCOMING = "<-"
    BOTH = "--"


@dataclass(frozen=True, slots=True, kw_only=True)
class NodePattern(AstNode):
    """`(variable:Label:Other {key: value})`; properties are a map literal or a parameter."""

    variable: Variable | None
    labels: tuple[str, ...]
    properties: MapLiteral | Parameter | None


@dataclass(frozen=True, slots=True, kw_only=True)
class VariableLength(AstNode):
    """`*`, `*2`, `*1..3`, `*..5`, `*2..`: a missing bound is None."""

    min: int | None
    max: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class RelationshipPattern(AstNode):
    """`-[variable:TYPE|OTHER *1..3 {key: value}]->`."""

    variable: Variable | None
    types: tuple[str, ...]
    direction: Direction
    length: VariableLength | None
    properties: MapLiteral | Parameter | None


class ShortestKind(enum.StrEnum):
    """`shortestPath(...)` or `allShortestPaths(...)`."""

    SHORTEST = "shortestPath"
    ALL_SHORTEST = "allShortestPaths"


@dataclass(frozen=True, slots=True, kw_only=True)
class PathPattern(AstNode):
    """`[p =] (a)-[r]->(b)<-[s]-(c)`, optionally wrapped in shortestPath / allShortestPaths.

    `elements` alternates node and relationship patterns and starts and ends with a node.
    """

    variable: Variable | None
    elements: tuple[NodePattern | RelationshipPattern, ...]
    shortest: ShortestKind | None = None

    @property
    def nodes(self) -> tuple[NodePattern, ...]:
        """The node patterns, in order."""
        return tuple(e for e in self.elements if isinstance(e, NodePattern))

    @property
    def relationships(self) -> tuple[RelationshipPattern, ...]:
        """The relationship patterns, in order."""
        return tuple(e for e in self.elements if isinstance(e, RelationshipPattern))


# ---------------------------------------------------------------------------------------
# clauses


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause(AstNode):
    """Base of clauses."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Match(Clause):
    """`[OPTIONAL] MATCH pattern, ... [WHERE predicate]`."""

    patterns: tuple[PathPattern, ...]
    where: Expr | None
    optional: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Unwind(Clause):
    """`UNWIND expression AS variable`."""

    expression: Expr
    variable: Variable


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectionItem(AstNode):
    """`expression [AS alias]`; `text` is the verbatim source of the expression.

    The column name of an unaliased item is `text` (openCypher: the expression as
    written, case and inner spaces kept). Nodes built without source text (the query
    builder) leave it empty and the printer's canonical text is used.
    """

    expression: Expr
    alias: Variable | None
    text: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True, kw_only=True)
class SortItem(AstNode):
    """`expression [ASC|DESC]`."""

    expression: Expr
    descending: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Projection(AstNode):
    """The body shared by WITH and RETURN."""

    items: tuple[ProjectionItem, ...]
    distinct: bool = False
    star: bool = False
    order_by: tuple[SortItem, ...] = ()
    skip: Expr | None = None
    limit: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class With(Clause):
    """`WITH projection [WHERE predicate]`."""

    projection: Projection
    where: Expr | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Return(Clause):
    """`RETURN projection`."""

    projection: Projection


@dataclass(frozen=True, slots=True, kw_only=True)
class Create(Clause):
    """`CREATE pattern, ...`."""

    patterns: tuple[PathPattern, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class SetItem(AstNode):
    """Base of SET items."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SetProperty(SetItem):
    """`target.key = value` (target is any expression evaluating to an entity)."""

    target: PropertyAccess
    value: Expr


@dataclass(frozen=True, slots=True, kw_only=True)
class SetVariable(SetItem):
    """`n = map` (replace all properties) or, with `merge`, `n += map`."""

    variable: Variable
    value: Expr
    merge: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class SetLabels(SetItem):
    """`n:Label:Other`."""

    variable: Variable
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeAction(AstNode):
    """`ON CREATE SET ...` or `ON MATCH SET ...`."""

    on_create: bool
    items: tuple[SetItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Merge(Clause):
    """`MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`."""

    pattern: PathPattern
    actions: tuple[MergeAction, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Set(Clause):
    """`SET item, ...`."""

    items: tuple[SetItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveItem(AstNode):
    """Base of REMOVE items."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveProperty(RemoveItem):
    """`n.key`."""

    target: PropertyAccess


@dataclass(frozen=True, slots=True, kw_only=True)
class RemoveLabels(RemoveItem):
    """`n:Label:Other`."""

    variable: Variable
    labels: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Remove(Clause):
    """`REMOVE item, ...`."""

    items: tuple[RemoveItem, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Delete(Clause):
    """`[DETACH] DELETE expression, ...`."""

    expressions: tuple[Expr, ...]
    detach: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Foreach(Clause):
    """`FOREACH (variable IN source | clause ...)`; only updating clauses inside."""

    variable: Variable
    source: Expr
    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class YieldItem(AstNode):
    """`field [AS alias]` in `YIELD`."""

    field: Variable
    alias: Variable | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Call(Clause):
    """`CALL ns.proc(args) [YIELD items [WHERE predicate]]`.

    `args` is None for the implicit-arguments form `CALL ns.proc` (no parentheses);
    `yield_star` is `YIELD *`; `yield_items` is None when there is no YIELD at all.
    """

    procedure: str
    args: tuple[Expr, ...] | None
    yield_items: tuple[YieldItem, ...] | None = None
    yield_star: bool = False
    where: Expr | None = None


# ---------------------------------------------------------------------------------------
# queries and statements


@dataclass(frozen=True, slots=True, kw_only=True)
class SingleQuery(AstNode):
    """A sequence of clauses: reading clauses, updates, WITH boundaries, an optional RETURN."""

    clauses: tuple[Clause, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class UnionQuery(AstNode):
    """`q1 UNION [ALL] q2 ...`; `all[i]` says whether the i-th UNION is `UNION ALL`."""

    queries: tuple[SingleQuery, ...]
    all: tuple[bool, ...]


Query: TypeAlias = SingleQuery | UnionQuery


@dataclass(frozen=True, slots=True, kw_only=True)
class SchemaCommand(AstNode):
    """Base of index and constraint commands (engram's extensions)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateIndex(SchemaCommand):
    """`CREATE INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.a[, n.b])`."""

    name: str | None
    if_not_exists: bool
    variable: Variable
    label: str
    properties: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateVectorIndex(SchemaCommand):
    """`CREATE VECTOR INDEX name [IF NOT EXISTS] FOR (n:Label) ON (n.p) [OPTIONS {...}]`."""

    name: str | None
    if_not_exists: bool
    variable: Variable
    label: str
    property: str
    options: MapLiteral | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreateConstraint(SchemaCommand):
    """`CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR (n:Label) REQUIRE n.p IS UNIQUE`."""

    name: str | None
    if_not_exists: bool
    variable: Variable
    label: str
    properties: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DropIndex(SchemaCommand):
    """`DROP INDEX name [IF EXISTS]`."""

    name: str
    if_exists: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class DropConstraint(SchemaCommand):
    """`DROP CONSTRAINT name [IF EXISTS]`."""

    name: str
    if_exists: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowIndexes(SchemaCommand):
    """`SHOW INDEXES`.

    With `YIELD`, `WHERE` or later clauses it is a query over the procedure `procedure`
    (`SHOW INDEXES YIELD name WHERE ... RETURN ...` is `CALL db.indexes() YIELD ...`).
    """

    columns: ClassVar[tuple[str, ...]] = (
        "name",
        "type",
        "entityType",
        "labelsOrTypes",
        "properties",
        "state",
        "options",
        "size",
    )
    procedure: ClassVar[str] = "db.indexes"


@dataclass(frozen=True, slots=True, kw_only=True)
class ShowConstraints(SchemaCommand):
    """`SHOW CONSTRAINTS` (with a tail, a query over `db.constraints`: see `ShowIndexes`)."""

    columns: ClassVar[tuple[str, ...]] = (
        "name",
        "type",
        "entityType",
        "labelsOrTypes",
        "properties",
        "ownedIndex",
    )
    procedure: ClassVar[str] = "db.constraints"


class ExplainMode(enum.StrEnum):
    """`EXPLAIN` or `PROFILE` in front of a query."""

    EXPLAIN = "EXPLAIN"
    PROFILE = "PROFILE"


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement(AstNode):
    """One statement: a query or a schema command, optionally under EXPLAIN / PROFILE."""

    body: SingleQuery | UnionQuery | SchemaCommand
    explain: ExplainMode | None = None


# ---------------------------------------------------------------------------------------
# traversal


def children(node: AstNode) -> Iterator[AstNode]:
    """The direct child nodes of `node`, in field order (tuples are flattened)."""
    for item in fields(node):
        value = getattr(node, item.name)
        if isinstance(value, AstNode):
            yield value
        elif isinstance(value, tuple):
            for element in value:
                if isinstance(element, AstNode):
                    yield element


def walk(node: AstNode) -> Iterator[AstNode]:
    """`node` and all its descendants, depth first, pre-order (iterative, no recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(list(children(current))))
