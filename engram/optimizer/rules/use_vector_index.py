"""Turn `ORDER BY <similarity to a constant> DESC LIMIT k` over a label into a VectorSearch.

Why: ranking every node of a label by similarity reads every vector (a property read
and a dot product per node); a vector index finds the top k in a few hundred distance
computations. The rule fires when the only sort key is `vector.similarity.cosine` (or
`.euclidean`) of an indexed property of the scanned node against a parameter, constant
or outer-row value, descending, under LIMIT, and the label and property have a vector
index with the matching metric (cosine, or l2 for euclidean). The scan's filters are
applied during the search (an index seek supplies explicit candidates); a filter
`similarity > t` becomes the search's threshold. The similarity the query projects is
the score the search computed. Without an outer row the Top disappears (the search
returns rows in order); otherwise a Top over the score keeps the global order.

Before::

    Top: by=vector.similarity.cosine(d.emb, $q) DESC, limit=10
      Project: items=d.title
        Filter: predicate=d.year > 2020
          LabelScan: node=d:Doc

After::

    Select: variables=d.title
      Project: items=d.title
        VectorSearch: index=doc_emb, node=d:Doc(emb),
                      by=vector.similarity.cosine(d.emb, $q) DESC, limit=10,
                      filter=d.year > 2020, strategy=hnsw, why=...
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from engram.binder.bound import (
    BBinary,
    BExpr,
    BFunction,
    BList,
    BLiteral,
    BParameter,
    BProperty,
    BUnary,
    BVariable,
    Symbol,
)
from engram.optimizer.cost.vector import VectorIndexInfo, plan_vector_search
from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.parser.ast import BinaryOp
from engram.planner import operators as lp
from engram.planner.expressions import free_symbols, transform, walk
from engram.planner.patterns import internal_symbol, plan_naively
from engram.types import FLOAT, INTEGER

__all__ = ["UseVectorIndex"]

_FUNCTIONS = {"vector.similarity.cosine": "cosine", "vector.similarity.euclidean": "euclidean"}
_THRESHOLDS = {BinaryOp.GT: False, BinaryOp.GE: True}
_FLIPPED = {BinaryOp.LT: False, BinaryOp.LE: True}
_ID_FUNCTIONS = frozenset({"id", "elementid"})


class UseVectorIndex:
    """Top (or Limit over Sort) by a similarity over a label scan -> VectorSearch."""

    name: ClassVar[str] = "use_vector_index"
    # top-down: a ranking must be seen before the threshold filter under it
    order: ClassVar[ApplyOrder] = ApplyOrder.TOP_DOWN

    def apply(self, op: lp.LogicalOp, ctx: RuleContext) -> lp.LogicalOp | None:
        """Rewrite a ranking by similarity (or a similarity threshold) an index covers."""
        if not ctx.vector_indexes:
            return None
        if isinstance(op, lp.Filter):
            return _threshold_only(op, ctx)
        shape = _ordering(op)
        if shape is None:
            return None
        items, limit, skip, below = shape
        if len(items) != 1 or not items[0][1]:
            return None
        if isinstance(below, lp.Select) and isinstance(below.child, lp.Project):
            below = below.child  # a WITH that drops the node: the result's Select trims it
        project = below if isinstance(below, lp.Project) else None
        if project is not None:
            inner = project.child
            if isinstance(inner, lp.Select) and isinstance(inner.child, lp.Project):
                inner = inner.child  # the WITH dropped variables its RETURN does not use
            if isinstance(inner, lp.Project):
                project = _merged(project, inner)  # WITH n, similarity AS s RETURN ...
                if project is None:
                    return None
        access, filters = _access(project.child if project is not None else below)
        if access is None:
            return None
        key = _resolve(items[0][0], project)
        found = _similarity(key, access.symbol, access.child.fields)
        if found is None:
            return None
        function, prop, query = found
        index = _index(ctx.vector_indexes, access.label, prop, function)
        if index is None:
            _advise(ctx, access.label, prop, function)
            return None
        return _rewrite(op, ctx, index, access, filters, project, key, query, limit, skip)


def _ordering(
    op: lp.LogicalOp,
) -> tuple[tuple[tuple[BExpr, bool], ...], BExpr, BExpr | None, lp.LogicalOp] | None:
    match op:
        case lp.Top(child=child, items=items, limit=limit, skip=skip):
            return items, limit, skip, child
        case lp.Limit(child=lp.Sort(child=child, items=items), count=limit):
            return items, limit, None, child
        case lp.Limit(child=lp.Skip(child=lp.Sort(child=child, items=items), count=skip)):
            return items, op.count, skip, child
    return None


def _access(
    op: lp.LogicalOp,
) -> tuple[lp.LabelScan | lp.IndexSeek | None, tuple[BExpr, ...]]:
    """The scan under a chain of filters, and the filters' predicates."""
    if isinstance(op, lp.MatchPattern):
        if len(op.patterns) != 1 or len(op.patterns[0].elements) != 1:
            return None, ()
        op = plan_naively(op)
    predicates: list[BExpr] = []
    while isinstance(op, lp.Filter):
        predicates.extend(op.predicates)
        op = op.child
    if isinstance(op, lp.LabelScan | lp.IndexSeek) and op.symbol not in op.child.fields:
        return op, tuple(predicates)
    return None, ()


#: expressions that may be computed where they are used instead of where they are named
_INLINABLE = (BVariable, BProperty, BParameter, BLiteral, BFunction, BList, BBinary, BUnary)


def _merged(upper: lp.Project, lower: lp.Project) -> lp.Project | None:
    """One Project computing both (`lower`'s named values inlined into `upper`'s items).

    `WITH n, similarity(...) AS s RETURN n.title, s ORDER BY s DESC LIMIT k` plans as
    two Projects under the Top; merged, the ranking is seen like the one-clause form.
    None when a value of `lower` is not safe to compute in another place (a
    non-deterministic function, a subquery, an aggregate) or `lower` is a Project too.
    """
    if isinstance(lower.child, lp.Project):
        return None
    named = {
        symbol: value
        for symbol, value in lower.items
        if not (isinstance(value, BVariable) and value.symbol == symbol)
    }
    for value in named.values():
        for part in walk(value):
            if not isinstance(part, _INLINABLE):
                return None
            if isinstance(part, BFunction) and not part.spec.deterministic:
                return None

    def inline(node: BExpr) -> BExpr | None:
        if isinstance(node, BVariable) and node.symbol in named:
            return named[node.symbol]
        return None

    items = dict(lower.items)
    for symbol, value in upper.items:
        items[symbol] = transform(value, inline)
    return lp.Project(child=lower.child, items=tuple(items.items()))


def _resolve(expr: BExpr, project: lp.Project | None) -> BExpr:
    if isinstance(expr, BVariable) and project is not None:
        for symbol, value in project.items:
            if symbol == expr.symbol:
                return value
    return expr


def _similarity(
    expr: BExpr, node: Symbol, outer: tuple[Symbol, ...]
) -> tuple[str, str, BExpr] | None:
    """(function, property key, query) of `similarity(node.key, query)` (either order)."""
    if not isinstance(expr, BFunction) or len(expr.args) != 2:
        return None
    function = _FUNCTIONS.get(expr.spec.name)
    if function is None:
        return None
    for subject, query in (expr.args, expr.args[::-1]):
        if (
            isinstance(subject, BProperty)
            and isinstance(subject.subject, BVariable)
            and subject.subject.symbol == node
            and free_symbols(query) <= set(outer)
        ):
            return function, subject.key, query
    return None


def _index(
    indexes: tuple[VectorIndexInfo, ...], label: str, key: str, function: str
) -> VectorIndexInfo | None:
    for index in indexes:
        if index.label == label and index.key == key and index.function == function:
            return index
    return None


def _advise(ctx: RuleContext, label: str, key: str, function: str) -> None:
    metric = "cosine" if function == "cosine" else "l2"
    note = (
        f"no vector index on :{label}({key}) with metric '{metric}': every vector is read; "
        f"`CREATE VECTOR INDEX FOR (n:{label}) ON (n.{key}) OPTIONS {{dimensions: <n>, "
        f"metric: '{metric}'}}` would make this ranking an HNSW search"
    )
    if note not in ctx.notes:
        ctx.notes.append(note)


def _threshold(
    predicate: BExpr, similarity: BExpr, outer: set[Symbol]
) -> tuple[BExpr, bool] | None:
    if not isinstance(predicate, BBinary):
        return None
    if predicate.op in _THRESHOLDS and predicate.left == similarity:
        bound, inclusive = predicate.right, _THRESHOLDS[predicate.op]
    elif predicate.op in _FLIPPED and predicate.right == similarity:
        bound, inclusive = predicate.left, _FLIPPED[predicate.op]
    else:
        return None
    return (bound, inclusive) if free_symbols(bound) <= outer else None


def _rewrite(
    op: lp.LogicalOp,
    ctx: RuleContext,
    index: VectorIndexInfo,
    access: lp.LabelScan | lp.IndexSeek,
    filters: tuple[BExpr, ...],
    project: lp.Project | None,
    similarity: BExpr,
    query: BExpr,
    limit: BExpr,
    skip: BExpr | None,
) -> lp.LogicalOp:
    outer = access.child
    threshold: tuple[BExpr, bool] | None = None
    predicates: list[BExpr] = []
    for predicate in filters:
        found = _threshold(predicate, similarity, set(outer.fields)) if threshold is None else None
        if found is not None:
            threshold = found
        else:
            predicates.append(predicate)
    single = isinstance(outer, lp.Start)
    items = project.items if project is not None else ()
    # the search binds the similarity: to the item that projects it, when there is one
    score = next((symbol for symbol, value in items if value == similarity), None)
    items = tuple(item for item in items if item[0] != score)
    if score is None and (not single or any(_uses(v, similarity) for _, v in items)):
        score = replace(internal_symbol("score"), type=FLOAT)
    search = plan_vector_search(
        ctx.statistics,
        index,
        access,
        tuple(predicates),
        query,
        score,
        limit=limit if single or skip is None else _plus(skip, limit),
        skip=skip if single else None,
        threshold=threshold,
    )
    if project is not None and not _reads_node(items, access.symbol):
        search = replace(search, fetch=False)
    result: lp.LogicalOp = search
    if score is not None:
        scored = BVariable(symbol=score, origin=similarity.origin, type=FLOAT)
        items = tuple(
            (symbol, transform(value, lambda node: scored if node == similarity else None))
            for symbol, value in items
        )
        if not single:
            result = lp.Top(child=result, items=((scored, True),), limit=limit, skip=skip)
    if project is not None and items:
        result = _project_under_top(result, items)
    if set(result.fields) != set(op.fields):
        result = lp.Select(child=result, symbols=op.fields)
    return result


def _project_under_top(
    result: lp.LogicalOp, items: tuple[tuple[Symbol, BExpr], ...]
) -> lp.LogicalOp:
    if isinstance(result, lp.Top):
        return replace(result, child=lp.Project(child=result.child, items=items))
    return lp.Project(child=result, items=items)


def _reads_node(items: tuple[tuple[Symbol, BExpr], ...], node: Symbol) -> bool:
    """Whether the projection needs more of `node` than its id."""
    for _, value in items:
        ids = [
            arg
            for call in walk(value)
            if isinstance(call, BFunction) and call.spec.name in _ID_FUNCTIONS
            for arg in call.args
        ]
        for part in walk(value):
            reads = isinstance(part, BVariable) and part.symbol == node
            if reads and not any(part is arg for arg in ids):
                return True
    return False


def _uses(expr: BExpr, part: BExpr) -> bool:
    return any(node == part for node in walk(expr))


def _threshold_only(op: lp.Filter, ctx: RuleContext) -> lp.LogicalOp | None:
    """`WHERE similarity > t` over a scan: exact scoring of the index's vectors."""
    access, filters = _access(op)
    if access is None:
        return None
    outer = set(access.child.fields)
    for position, predicate in enumerate(filters):
        if not isinstance(predicate, BBinary):
            continue
        for side in (predicate.left, predicate.right):
            found = _similarity(side, access.symbol, access.child.fields)
            if found is None:
                continue
            function, prop, query = found
            index = _index(ctx.vector_indexes, access.label, prop, function)
            bound = _threshold(predicate, side, outer)
            if index is None or bound is None:
                continue
            rest = filters[:position] + filters[position + 1 :]
            return plan_vector_search(
                ctx.statistics,
                index,
                access,
                rest,
                query,
                None,
                limit=None,
                skip=None,
                threshold=bound,
            )
    return None


def _plus(left: BExpr, right: BExpr) -> BExpr:
    return BBinary(op=BinaryOp.ADD, left=left, right=right, origin=right.origin, type=INTEGER)
