"""BStatement to the initial logical plan, one method per clause.

The initial plan keeps each MATCH as a `MatchPattern`; choosing scans, seeks and expand
order is the optimizer's job (`plan_patterns`), and lowering falls back to a naive
left-to-right plan when the optimizer is off. Writes are fenced with `Eager` so that
every clause sees exactly the effects of the clauses before it.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from engram.binder.bound import (
    BAggregate,
    BCall,
    BClause,
    BCreate,
    BDelete,
    BExists,
    BExpr,
    BForeach,
    BMatch,
    BMerge,
    BNodePattern,
    BPathPattern,
    BPatternComprehension,
    BProjection,
    BRelPattern,
    BRemove,
    BRemoveLabels,
    BReturn,
    BSchemaCommand,
    BSet,
    BSetItem,
    BSetLabels,
    BSetProperties,
    BSetProperty,
    BSingleQuery,
    BStatement,
    BUnion,
    BUnwind,
    BVariable,
    BWith,
    Direction,
    Symbol,
    VarKind,
)
from engram.errors import InternalError
from engram.parser import ast
from engram.planner.expressions import conjuncts, contains_aggregate, transform
from engram.planner.operators import (
    Aggregate,
    Create,
    CreateNode,
    CreateRel,
    Delete,
    Distinct,
    Eager,
    Filter,
    Foreach,
    Limit,
    LogicalOp,
    MatchPattern,
    Merge,
    Optional,
    PlanCollect,
    PlanExists,
    ProcedureCall,
    ProduceResults,
    Project,
    RemoveEntry,
    RemoveItems,
    SchemaOp,
    Select,
    SetItems,
    Skip,
    Sort,
    Start,
    Union,
    Unwind,
)

__all__ = ["SCHEMA_COLUMNS", "plan"]

#: result columns of the schema commands that return rows
SCHEMA_COLUMNS: dict[type, tuple[str, ...]] = {
    ast.ShowIndexes: ast.ShowIndexes.columns,
    ast.ShowConstraints: ast.ShowConstraints.columns,
}

_UPDATES = (BCreate, BMerge, BSet, BRemove, BDelete, BForeach)


def plan(statement: BStatement) -> LogicalOp:
    """The initial logical plan of a bound statement (its top is `ProduceResults`)."""
    return _Planner().statement(statement)


class _Planner:
    """Holds the counter for symbols the planner introduces (negative ids)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)

    def new_symbol(self, name: str, kind: VarKind = VarKind.VALUE) -> Symbol:
        """A symbol no binder symbol can clash with."""
        return Symbol(name=f"  {name}", id=-next(self._ids), kind=kind, anonymous=True)

    # -- statements and queries ------------------------------------------------------------

    def statement(self, statement: BStatement) -> LogicalOp:
        body = statement.body
        if isinstance(body, BSchemaCommand):
            names = SCHEMA_COLUMNS.get(type(body.command), ())
            columns = tuple((name, self.new_symbol(name)) for name in names)
            return ProduceResults(
                child=SchemaOp(command=body.command, columns=columns), columns=columns
            )
        if isinstance(body, BUnion):
            parts = []
            for part in body.queries:
                part_plan, columns = self.single(part, Start())
                parts.append(Select(child=part_plan, symbols=tuple(s for _, s in columns)))
            symbols = tuple(self.new_symbol(name) for name in body.columns)
            union = Union(parts=tuple(parts), symbols=symbols, all=body.all)
            return ProduceResults(
                child=union, columns=tuple(zip(body.columns, symbols, strict=True))
            )
        query_plan, columns = self.single(body, Start())
        return ProduceResults(child=query_plan, columns=columns)

    def single(
        self, query: BSingleQuery, start: LogicalOp
    ) -> tuple[LogicalOp, tuple[tuple[str, Symbol], ...]]:
        """Plan the clauses of one single query on top of `start`."""
        current = start
        columns: tuple[tuple[str, Symbol], ...] = ()
        previous_wrote = False
        for clause in _merge_creates(query.clauses):
            writes = isinstance(clause, _UPDATES) or (
                isinstance(clause, BCall) and clause.procedure.writes
            )
            if writes or previous_wrote:
                current = _barrier(current)
            current = self.clause(current, clause)
            previous_wrote = writes
            if isinstance(clause, BReturn):
                columns = tuple((item.name, item.symbol) for item in clause.projection.items)
            elif isinstance(clause, BCall) and clause.standalone:
                columns = tuple((name, symbol) for name, symbol in clause.yields)
        return current, columns

    # -- clauses ---------------------------------------------------------------------------

    def clause(self, current: LogicalOp, clause: BClause) -> LogicalOp:
        match clause:
            case BMatch(optional=False):
                return MatchPattern(
                    child=current,
                    patterns=self.patterns(clause.patterns),
                    predicates=conjuncts(self.expr_opt(clause.where)),
                )
            case BMatch(optional=True):
                return self.optional_match(current, clause)
            case BUnwind():
                return Unwind(
                    child=current, expression=self.expr(clause.expression), symbol=clause.symbol
                )
            case BWith():
                return self.projection(current, clause.projection, clause.where)
            case BReturn():
                return self.projection(current, clause.projection)
            case BCreate():
                return self.create(current, self.patterns(clause.patterns))
            case BMerge():
                return self.merge(current, clause)
            case BSet():
                return SetItems(child=current, items=tuple(self.set_item(i) for i in clause.items))
            case BRemove():
                return RemoveItems(child=current, items=self.remove_items(clause))
            case BDelete():
                exprs = tuple(self.expr(e) for e in clause.expressions)
                return Delete(child=current, expressions=exprs, detach=clause.detach)
            case BForeach():
                inner_query = BSingleQuery(clauses=clause.clauses)
                start = Start(arguments=(*current.fields, clause.symbol))
                inner, _ = self.single(inner_query, start)
                return Foreach(
                    child=current,
                    symbol=clause.symbol,
                    source=self.expr(clause.source),
                    inner=inner,
                )
            case BCall():
                call = ProcedureCall(
                    child=current,
                    procedure=clause.procedure,
                    args=tuple(self.expr(a) for a in clause.args),
                    yields=clause.yields,
                )
                if clause.where is None:
                    return call
                return Filter(child=call, predicates=conjuncts(self.expr(clause.where)))
            case _:
                raise InternalError(f"planner: no plan for clause {type(clause).__name__}")

    def optional_match(self, current: LogicalOp, clause: BMatch) -> LogicalOp:
        patterns = self.patterns(clause.patterns)
        inner = MatchPattern(
            child=Start(arguments=current.fields),
            patterns=patterns,
            predicates=conjuncts(self.expr_opt(clause.where)),
        )
        bound = set(current.fields)
        new = tuple(symbol for symbol in inner.fields if symbol not in bound)
        return Optional(child=current, inner=inner, new_symbols=new)

    def projection(
        self, current: LogicalOp, projection: BProjection, where: BExpr | None = None
    ) -> LogicalOp:
        items = projection.items
        if projection.is_aggregating:
            current = self.aggregate(current, projection)
        else:
            current = Project(
                child=current, items=tuple((i.symbol, self.expr(i.expression)) for i in items)
            )
        symbols = tuple(item.symbol for item in items)
        if projection.distinct:
            current = Distinct(child=Select(child=current, symbols=symbols))
        if projection.order_by:
            current = Sort(
                child=current,
                items=tuple((self.expr(o.expression), o.descending) for o in projection.order_by),
            )
        if projection.skip is not None:
            current = Skip(child=current, count=self.expr(projection.skip))
        if projection.limit is not None:
            current = Limit(child=current, count=self.expr(projection.limit))
        if where is not None:
            # WITH ... WHERE may read variables from before the projection
            current = Filter(child=current, predicates=conjuncts(self.expr(where)))
        if current.fields != symbols:
            current = Select(child=current, symbols=symbols)
        return current

    def aggregate(self, current: LogicalOp, projection: BProjection) -> LogicalOp:
        keys: list[tuple[Symbol, BExpr]] = []
        aggregates: list[tuple[Symbol, BAggregate]] = []
        post: list[tuple[Symbol, BExpr]] = []
        planned = [(item.symbol, self.expr(item.expression)) for item in projection.items]
        keys = [(symbol, e) for symbol, e in planned if not contains_aggregate(e)]
        key_symbols = {expression: symbol for symbol, expression in keys}

        def extract(node: BExpr) -> BExpr | None:
            if isinstance(node, BAggregate):
                symbol = self.new_symbol(f"agg{len(aggregates)}")
                aggregates.append((symbol, node))
                return BVariable(symbol=symbol, origin=node.origin, type=node.type)
            return None

        def use_keys(node: BExpr) -> BExpr | None:
            symbol = key_symbols.get(node)
            if symbol is None:
                return None
            return BVariable(symbol=symbol, origin=node.origin, type=node.type)

        for item_symbol, expression in planned:
            if not contains_aggregate(expression):
                continue
            rewritten = transform(transform(expression, extract), use_keys)
            if isinstance(rewritten, BVariable) and rewritten.symbol == aggregates[-1][0]:
                # a bare aggregate: the aggregate column is the item itself
                aggregates[-1] = (item_symbol, aggregates[-1][1])
                continue
            post.append((item_symbol, rewritten))
        current = Aggregate(child=current, keys=tuple(keys), aggregates=tuple(aggregates))
        if post:
            current = Project(child=current, items=tuple(post))
        return current

    def create(self, current: LogicalOp, patterns: tuple[BPathPattern, ...]) -> Create:
        nodes: list[CreateNode] = []
        rels: list[CreateRel] = []
        paths: list[tuple[Symbol, tuple[Symbol, ...]]] = []
        bound = set(current.fields)
        for pattern in patterns:
            elements = pattern.elements
            for element in elements:
                if isinstance(element, BNodePattern) and element.symbol not in bound:
                    bound.add(element.symbol)
                    nodes.append(
                        CreateNode(
                            symbol=element.symbol,
                            labels=element.labels,
                            properties=element.properties,
                        )
                    )
            for index in range(1, len(elements), 2):
                rel = elements[index]
                left, right = elements[index - 1], elements[index + 1]
                assert isinstance(rel, BRelPattern)
                start, end = (
                    (right.symbol, left.symbol)
                    if rel.direction is Direction.INCOMING
                    else (left.symbol, right.symbol)
                )
                rels.append(
                    CreateRel(
                        symbol=rel.symbol,
                        type=rel.types[0],
                        start=start,
                        end=end,
                        properties=rel.properties,
                    )
                )
            if pattern.path_symbol is not None:
                paths.append((pattern.path_symbol, tuple(e.symbol for e in elements)))
        return Create(child=current, nodes=tuple(nodes), rels=tuple(rels), paths=tuple(paths))

    def merge(self, current: LogicalOp, clause: BMerge) -> LogicalOp:
        (pattern,) = self.patterns((clause.pattern,))
        start = Start(arguments=current.fields)
        match = MatchPattern(child=start, patterns=(pattern,))
        create = self.create(start, (pattern,))
        bound = set(current.fields)
        new = tuple(symbol for symbol in match.fields if symbol not in bound)
        return Merge(
            child=current,
            match=match,
            create=create,
            new_symbols=new,
            on_match=tuple(self.set_item(i) for i in clause.on_match),
            on_create=tuple(self.set_item(i) for i in clause.on_create),
        )

    def set_item(self, item: BSetItem) -> BSetItem:
        match item:
            case BSetProperty():
                return replace(item, target=self.expr(item.target), value=self.expr(item.value))
            case BSetProperties():
                return replace(item, target=self.expr(item.target), value=self.expr(item.value))
            case BSetLabels():
                return replace(item, target=self.expr(item.target))
        raise InternalError(f"planner: unknown SET item {type(item).__name__}")

    def remove_items(self, clause: BRemove) -> tuple[RemoveEntry, ...]:
        out = []
        for item in clause.items:
            if isinstance(item, BRemoveLabels):
                out.append(RemoveEntry(target=self.expr(item.target), labels=item.labels))
            else:
                out.append(RemoveEntry(target=self.expr(item.target), key=item.key))
        return tuple(out)

    # -- patterns and expressions ---------------------------------------------------------------

    def patterns(self, patterns: tuple[BPathPattern, ...]) -> tuple[BPathPattern, ...]:
        return tuple(self.pattern(p) for p in patterns)

    def pattern(self, pattern: BPathPattern) -> BPathPattern:
        elements = tuple(
            replace(e, properties=self.expr_opt(e.properties)) for e in pattern.elements
        )
        return replace(pattern, elements=elements)

    def expr_opt(self, expression: BExpr | None) -> BExpr | None:
        return None if expression is None else self.expr(expression)

    def expr(self, expression: BExpr) -> BExpr:
        """Plan the subqueries inside an expression (EXISTS, pattern comprehensions)."""
        return transform(expression, self._subquery)

    def _subquery(self, node: BExpr) -> BExpr | None:
        if isinstance(node, BExists):
            body, _ = self.single(node.body, Start(arguments=node.outer))
            return PlanExists(plan=body, origin=node.origin, type=node.type)
        if isinstance(node, BPatternComprehension):
            inner = MatchPattern(
                child=Start(arguments=node.outer),
                patterns=(self.pattern(node.pattern),),
                predicates=conjuncts(self.expr_opt(node.where)),
            )
            return PlanCollect(
                plan=inner,
                projection=self.expr(node.projection),
                origin=node.origin,
                type=node.type,
            )
        return None


def _merge_creates(clauses: tuple[BClause, ...]) -> list[BClause]:
    """Adjacent CREATE clauses as one: same effect, no barrier between them."""
    out: list[BClause] = []
    for clause in clauses:
        previous = out[-1] if out else None
        if isinstance(clause, BCreate) and isinstance(previous, BCreate):
            out[-1] = BCreate(patterns=previous.patterns + clause.patterns, origin=previous.origin)
        else:
            out.append(clause)
    return out


def _barrier(current: LogicalOp) -> LogicalOp:
    if isinstance(current, Start | Eager):
        return current
    return Eager(child=current)
