"""LogicalPlan to PhysicalPlan: one `lower` function per logical operator.

This is the only place that knows how a logical operator maps to a physical one: it
computes row slots from the operators' fields, compiles every expression, and plans a
`MatchPattern` left to right when the optimizer did not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from engram import deadline
from engram.binder.bound import (
    BExists,
    BExpr,
    BPatternComprehension,
    BProperty,
    BSetItem,
    BSetLabels,
    BSetProperties,
    BSetProperty,
    BVariable,
    Symbol,
)
from engram.binder.walk import bound_children
from engram.errors import InternalError, Span
from engram.execution.columnar import Chain, ColumnarAggregateExec, columnar_chain
from engram.execution.context import ExecContext
from engram.execution.expressions import (
    CompiledExpr,
    Layout,
    compile_expr,
    layout_of,
    slot_reader,
)
from engram.execution.operators.aggregate import AggregateCall, AggregateExec, CountStar
from engram.execution.operators.apply import ForeachExec, OptionalExec, ProcedureCallExec
from engram.execution.operators.expand import (
    ExpandExec,
    ReachExec,
    RelEndpointsExec,
    VarExpandExec,
)
from engram.execution.operators.join import ValueHashJoinExec
from engram.execution.operators.mutate import (
    CreateExec,
    DeleteExec,
    MergeExec,
    NodeSpec,
    RelSpec,
    SetExec,
    SetOp,
)
from engram.execution.operators.paths import ShortestPathExec
from engram.execution.operators.relational import (
    ColumnRead,
    DistinctExec,
    EagerExec,
    FilterExec,
    LimitExec,
    ProduceResultsExec,
    ProjectExec,
    ProjectSelectExec,
    SelectExec,
    SkipExec,
    UnionExec,
    UnwindExec,
)
from engram.execution.operators.scan import (
    AllNodesScanExec,
    IndexSeekExec,
    LabelScanExec,
    NodeByIdSeekExec,
    StartExec,
)
from engram.execution.operators.schema import SchemaExec
from engram.execution.operators.sort import SortExec, TopExec
from engram.execution.operators.vector import VectorSearchExec
from engram.execution.physical import Batch, PhysicalOp, Row
from engram.index.search import DEFAULT_EXACT_LIMIT
from engram.planner import operators as lp
from engram.planner.expressions import symbols_read
from engram.planner.patterns import plan_naively

__all__ = ["lower", "lower_nested", "output_layout"]

_NO_SPAN = Span(0, 0)


def output_layout(op: lp.LogicalOp) -> dict[Symbol, int]:
    """Slots of the rows `op` produces."""
    return layout_of(op.fields)


def lower_nested(
    plan: lp.LogicalOp, outer: Layout, *, seek_limit: int | None = None
) -> Callable[[Row, ExecContext], Iterator[Batch]]:
    """A nested plan as a function of the outer row (for subquery expressions).

    `seek_limit` lets a plan that is one index seek stop after that many nodes.
    """
    physical = lower(plan)
    if seek_limit is not None and isinstance(physical, IndexSeekExec):
        physical = replace(physical, limit=seek_limit)
    arguments = _start(plan).arguments
    slots = tuple(outer[symbol] for symbol in arguments)

    def run(row: Row, ctx: ExecContext) -> Iterator[Batch]:
        return physical.run(ctx, tuple([row[i] for i in slots]))

    return run


def _start(plan: lp.LogicalOp) -> lp.Start:
    current = plan
    while current.children:
        current = current.children[0]
    if not isinstance(current, lp.Start):
        raise InternalError("lowering: a nested plan must start from Start")
    return current


def _remap(produced: tuple[Symbol, ...], wanted: tuple[Symbol, ...]) -> tuple[int, ...] | None:
    layout = layout_of(produced)
    slots = tuple(layout[symbol] for symbol in wanted)
    return None if slots == tuple(range(len(produced))) else slots


@functools.singledispatch
def lower(op: lp.LogicalOp) -> PhysicalOp:
    """The physical operator tree for a logical plan."""
    raise InternalError(f"lowering: no physical operator for {op.name}")


def _compile(expr: BExpr, op: lp.LogicalOp) -> CompiledExpr:
    deadline.check()  # lowering a long plan compiles an expression list per operator
    return compile_expr(expr, output_layout(op))


@lower.register
def _start_op(op: lp.Start) -> PhysicalOp:
    return StartExec(logical=op)


@lower.register
def _match(op: lp.MatchPattern) -> PhysicalOp:
    # the naive plan binds symbols in the order it walks the pattern, (b)<-[r]-(a) from a
    # bound `a` gives r before b; operators above were laid out against op.fields
    planned = plan_naively(op)
    if planned.fields != op.fields:
        planned = lp.Select(child=planned, symbols=op.fields)
    return lower(planned)


@lower.register
def _all(op: lp.AllNodesScan) -> PhysicalOp:
    return AllNodesScanExec(logical=op, child=lower(op.child))


@lower.register
def _label(op: lp.LabelScan) -> PhysicalOp:
    return LabelScanExec(logical=op, child=lower(op.child), label=op.label)


@lower.register
def _seek(op: lp.IndexSeek) -> PhysicalOp:
    return IndexSeekExec(
        logical=op,
        child=lower(op.child),
        seek=op,
        values=tuple(_compile(v, op.child) for v in op.values),
        lower=None if op.lower is None else _compile(op.lower, op.child),
        upper=None if op.upper is None else _compile(op.upper, op.child),
    )


@lower.register
def _by_id(op: lp.NodeByIdSeek) -> PhysicalOp:
    return NodeByIdSeekExec(logical=op, child=lower(op.child), ids=_compile(op.ids, op.child))


@lower.register
def _vector_search(op: lp.VectorSearch) -> PhysicalOp:
    layout = output_layout(op.child)
    with_node = layout_of((*op.child.fields, op.symbol))
    candidates, slot = None, -1
    if op.candidates is not None:
        # an optional seek is dropped past the exact limit: one more id says so
        limit = DEFAULT_EXACT_LIMIT + 1 if op.optional_candidates else None
        candidates = lower_nested(op.candidates, layout, seek_limit=limit)
        slot = output_layout(op.candidates)[op.symbol]
    counted = op.limit if op.limit is not None else op.skip
    return VectorSearchExec(
        logical=op,
        child=lower(op.child),
        search=op,
        query=compile_expr(op.query, layout),
        limit=None if op.limit is None else compile_expr(op.limit, {}),
        skip=None if op.skip is None else compile_expr(op.skip, {}),
        threshold=None if op.threshold is None else compile_expr(op.threshold, layout),
        predicates=tuple(compile_expr(p, with_node) for p in op.predicates),
        candidates=candidates,
        candidate_slot=slot,
        optional_candidates=op.optional_candidates,
        origin=op.query.origin,
        count_origin=(counted or op.query).origin,
        function=f"vector.similarity.{op.function}",
    )


@lower.register
def _expand(op: lp.Expand) -> PhysicalOp:
    layout = output_layout(op.child)
    return ExpandExec(
        logical=op,
        child=lower(op.child),
        source=layout[op.source],
        target=layout[op.target] if op.into else -1,
        direction=op.direction.value,
        types=op.types,
        into=op.into,
    )


@lower.register
def _rel_endpoints(op: lp.RelEndpoints) -> PhysicalOp:
    layout = output_layout(op.child)
    return RelEndpointsExec(
        logical=op,
        child=lower(op.child),
        rel=layout[op.rel],
        left=layout.get(op.left, -1),
        right=layout.get(op.right, -1),
        same_node=op.left == op.right,
        direction=op.direction.value,
        types=op.types,
    )


def _step_predicate(predicate: BExpr | None, step: Symbol | None) -> CompiledExpr | None:
    if predicate is None or step is None:
        return None
    return compile_expr(predicate, {step: 0})


@lower.register
def _var_expand(op: lp.VarExpand) -> PhysicalOp:
    layout = output_layout(op.child)
    if op.distinct_targets:
        return ReachExec(
            logical=op,
            child=lower(op.child),
            source=layout[op.source],
            direction=op.direction.value,
            types=op.types,
            min=op.min,
            max=op.max,
        )
    return VarExpandExec(
        logical=op,
        child=lower(op.child),
        source=layout[op.source],
        target=layout[op.target] if op.into else -1,
        direction=op.direction.value,
        types=op.types,
        min=op.min,
        max=op.max,
        into=op.into,
        predicate=_step_predicate(op.rel_predicate, op.step_symbol),
        reversed=op.reversed,
    )


@lower.register
def _shortest(op: lp.ShortestPath) -> PhysicalOp:
    layout = output_layout(op.child)
    return ShortestPathExec(
        logical=op,
        child=lower(op.child),
        source=layout[op.source],
        target=layout[op.target],
        direction=op.direction.value,
        types=op.types,
        min=op.min,
        max=op.max,
        all=op.all,
        predicate=_step_predicate(op.rel_predicate, op.step_symbol),
        with_path=op.path is not None,
    )


@lower.register
def _hash_join(op: lp.ValueHashJoin) -> PhysicalOp:
    return ValueHashJoinExec(
        logical=op,
        child=lower(op.child),
        right=lower(op.right),
        left_key=_compile(op.left_key, op.child),
        right_key=_compile(op.right_key, op.right),
    )


@lower.register
def _filter(op: lp.Filter) -> PhysicalOp:
    return FilterExec(
        logical=op,
        child=lower(op.child),
        predicates=tuple(_compile(p, op.child) for p in op.predicates),
    )


@lower.register
def _project(op: lp.Project) -> PhysicalOp:
    layout = output_layout(op.child)
    new = {symbol for symbol, _ in op.items}
    keep = tuple(layout[s] for s in op.child.fields if s not in new)
    values = tuple(compile_expr(e, layout) for _, e in op.items)
    return ProjectExec(logical=op, child=lower(op.child), keep=keep, values=values)


@lower.register
def _select(op: lp.Select) -> PhysicalOp:
    layout = output_layout(op.child)
    slots = tuple(layout[s] for s in op.symbols)
    if slots == tuple(range(len(op.child.fields))):
        return lower(op.child)
    if isinstance(op.child, lp.Project):
        fused = _project_select(op.child, op)
        if fused is not None:
            return fused
    return SelectExec(logical=op, child=lower(op.child), slots=slots)


def _project_select(project: lp.Project, select: lp.Select) -> PhysicalOp | None:
    """Project and the Select above it as one operator, when that keeps the semantics.

    Every computed value must be selected, in the projection's order (an unselected
    value could still raise; a reordering could change which error is raised first).
    """
    computed = [symbol for symbol, _ in project.items]
    if [s for s in select.symbols if s in computed] != computed:
        return None
    layout = output_layout(project.child)
    expressions = dict(project.items)
    outputs = tuple(
        compile_expr(expressions[symbol], layout)
        if symbol in expressions
        else slot_reader(layout[symbol])
        for symbol in select.symbols
    )
    return ProjectSelectExec(
        logical=select,
        child=lower(project.child),
        outputs=outputs,
        project=project,
        reads=_column_reads(select.symbols, expressions, layout),
    )


def _column_reads(
    symbols: tuple[Symbol, ...], expressions: dict[Symbol, BExpr], layout: Layout
) -> tuple[ColumnRead, ...] | None:
    """The outputs as column reads (`ProjectSelectExec.reads`), or None if one is computed."""
    reads: list[ColumnRead] = []
    for symbol in symbols:
        expr = expressions.get(symbol)
        if expr is None:
            reads.append((layout[symbol], None))
        elif isinstance(expr, BVariable):
            reads.append((layout[expr.symbol], None))
        elif isinstance(expr, BProperty) and isinstance(expr.subject, BVariable):
            reads.append((layout[expr.subject.symbol], expr.key))
        else:
            return None
    return tuple(reads)


def _holds(name: str, distinct: bool) -> str:
    """How memory-limit errors name an aggregate that keeps its values ('' if it keeps none)."""
    if distinct:
        return f"{name}(DISTINCT ...)"
    if name.lower() in ("collect", "percentilecont", "percentiledisc"):
        return f"{name}()"
    return ""


@lower.register
def _aggregate(op: lp.Aggregate) -> PhysicalOp:
    layout = output_layout(op.child)
    calls = []
    for _, aggregate in op.aggregates:
        args = tuple(compile_expr(a, layout) for a in aggregate.args)
        holds = ""
        if aggregate.star:
            make: Callable[[], Any] = CountStar
        else:
            factory, distinct = aggregate.spec.bind(len(args)), aggregate.distinct
            make = functools.partial(factory, distinct)
            holds = _holds(aggregate.spec.display_name, distinct)
        calls.append(AggregateCall(make=make, args=args, origin=aggregate.origin, holds=holds))
    rows = AggregateExec(
        logical=op,
        child=lower(op.child),
        keys=tuple(compile_expr(e, layout) for _, e in op.keys),
        aggregates=tuple(calls),
    )
    chain = columnar_chain(op) if op.columnar else None
    if chain is None:
        return rows
    return ColumnarAggregateExec(
        logical=op,
        fallback=rows,
        chain=chain,
        fields=op.child.fields,
        keys=tuple(e for _, e in op.keys),
        key_exprs=rows.keys,
        aggregates=tuple(a for _, a in op.aggregates),
        parts=_parts(rows.child, chain.leaf),
        needed=_read_by(op, chain),
    )


def _read_by(op: lp.Aggregate, chain: Chain) -> frozenset[Symbol]:
    """Symbols the chain's filters, the keys and the aggregates read."""
    filters = [s.predicates for s in chain.stages if isinstance(s, lp.Filter)]
    return symbols_read([*_projected(op), *(p for predicates in filters for p in predicates)])


def _projected(op: lp.Aggregate) -> list[BExpr]:
    return [expr for _, expr in (*op.keys, *op.aggregates)]


def _parts(physical: PhysicalOp, leaf: lp.LogicalOp) -> dict[int, PhysicalOp]:
    """The physical operator of each logical operator from `physical` down to `leaf`."""
    found: dict[int, PhysicalOp] = {}
    current: PhysicalOp | None = physical
    while current is not None:
        found.setdefault(id(current.logical), current)
        if current.logical is leaf:
            break
        current = current.children[0] if current.children else None
    if id(leaf) not in found:
        raise InternalError("lowering: the columnar chain's leaf is not in the row plan")
    return found


@lower.register
def _distinct(op: lp.Distinct) -> PhysicalOp:
    return DistinctExec(logical=op, child=lower(op.child))


@lower.register
def _sort(op: lp.Sort) -> PhysicalOp:
    items = tuple((_compile(e, op.child), desc) for e, desc in op.items)
    return SortExec(logical=op, child=lower(op.child), items=items)


@lower.register
def _top(op: lp.Top) -> PhysicalOp:
    items = tuple((_compile(e, op.child), desc) for e, desc in op.items)
    return TopExec(
        logical=op,
        child=lower(op.child),
        items=items,
        limit=compile_expr(op.limit, {}),
        skip=None if op.skip is None else compile_expr(op.skip, {}),
        origin=op.limit.origin,
    )


@lower.register
def _skip(op: lp.Skip) -> PhysicalOp:
    return SkipExec(
        logical=op, child=lower(op.child), count=compile_expr(op.count, {}), origin=op.count.origin
    )


@lower.register
def _limit(op: lp.Limit) -> PhysicalOp:
    return LimitExec(
        logical=op, child=lower(op.child), count=compile_expr(op.count, {}), origin=op.count.origin
    )


@lower.register
def _unwind(op: lp.Unwind) -> PhysicalOp:
    return UnwindExec(
        logical=op, child=lower(op.child), expression=_compile(op.expression, op.child)
    )


@lower.register
def _optional(op: lp.Optional) -> PhysicalOp:
    return OptionalExec(
        logical=op,
        child=lower(op.child),
        inner=lower(op.inner),
        remap=_remap(op.inner.fields, op.fields),
        width=len(op.new_symbols),
    )


@lower.register
def _union(op: lp.Union) -> PhysicalOp:
    return UnionExec(logical=op, parts=tuple(lower(p) for p in op.parts), distinct=not op.all)


@lower.register
def _call(op: lp.ProcedureCall) -> PhysicalOp:
    outputs = [f.name for f in op.procedure.outputs]
    lowered = {name.lower(): index for index, name in enumerate(outputs)}
    yields = tuple(lowered[name.lower()] for name, _ in op.yields)
    origin = op.args[0].origin if op.args else _NO_SPAN
    return ProcedureCallExec(
        logical=op,
        child=lower(op.child),
        procedure=op.procedure,
        args=tuple(_compile(a, op.child) for a in op.args),
        yields=yields,
        origin=origin,
    )


@lower.register
def _eager(op: lp.Eager) -> PhysicalOp:
    return EagerExec(logical=op, child=lower(op.child))


@lower.register
def _produce(op: lp.ProduceResults) -> PhysicalOp:
    layout = output_layout(op.child)
    slots = tuple(layout[symbol] for _, symbol in op.columns)
    identity = slots == tuple(range(len(layout)))
    return ProduceResultsExec(logical=op, child=lower(op.child), slots=slots, identity=identity)


def _create_exec(op: lp.Create, *, reject_nulls: bool = False) -> CreateExec:
    layout = output_layout(op)
    nodes = tuple(
        NodeSpec(
            labels=n.labels,
            properties=None if n.properties is None else compile_expr(n.properties, layout),
            origin=n.properties.origin if n.properties is not None else _NO_SPAN,
        )
        for n in op.nodes
    )
    rels = tuple(
        RelSpec(
            type=r.type,
            start=layout[r.start],
            end=layout[r.end],
            properties=None if r.properties is None else compile_expr(r.properties, layout),
            origin=r.properties.origin if r.properties is not None else _NO_SPAN,
        )
        for r in op.rels
    )
    paths = tuple(tuple(layout[s] for s in parts) for _, parts in op.paths)
    expressions = [n.properties for n in op.nodes] + [r.properties for r in op.rels]
    return CreateExec(
        logical=op,
        child=lower(op.child),
        nodes=nodes,
        rels=rels,
        paths=paths,
        width=len(op.fields),
        reject_nulls=reject_nulls,
        batched=not reject_nulls and not any(_reads_graph(e) for e in expressions if e),
    )


def _reads_graph(expr: BExpr) -> bool:
    """Whether evaluating `expr` matches patterns against the graph (subqueries, patterns).

    Such an expression could see nodes and relationships that the same CREATE made for
    earlier rows, so those rows must be created one at a time.
    """
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, BExists | BPatternComprehension | lp.PlanExists | lp.PlanCollect):
            return True
        stack.extend(bound_children(node))
    return False


@lower.register
def _create(op: lp.Create) -> PhysicalOp:
    return _create_exec(op)


def _set_op(item: BSetItem, layout: Layout) -> SetOp:
    target = compile_expr(item.target, layout)
    match item:
        case BSetProperty():
            value = compile_expr(item.value, layout)
            return SetOp("property", target, item.value.origin, key=item.key, value=value)
        case BSetProperties():
            value = compile_expr(item.value, layout)
            kind = "merge" if item.merge else "replace"
            return SetOp(kind, target, item.value.origin, value=value)
        case BSetLabels():
            return SetOp("labels", target, item.target.origin, labels=item.labels)
    raise InternalError(f"lowering: unknown SET item {type(item).__name__}")


@lower.register
def _merge(op: lp.Merge) -> PhysicalOp:
    layout = output_layout(op)
    return MergeExec(
        logical=op,
        child=lower(op.child),
        match=lower(op.match),
        create=_create_exec(op.create, reject_nulls=True),
        remap=_remap(op.match.fields, op.fields),
        create_remap=_remap(op.create.fields, op.fields),
        on_match=tuple(_set_op(item, layout) for item in op.on_match),
        on_create=tuple(_set_op(item, layout) for item in op.on_create),
    )


@lower.register
def _set(op: lp.SetItems) -> PhysicalOp:
    layout = output_layout(op.child)
    ops = tuple(_set_op(item, layout) for item in op.items)
    return SetExec(logical=op, child=lower(op.child), ops=ops)


@lower.register
def _remove(op: lp.RemoveItems) -> PhysicalOp:
    layout = output_layout(op.child)
    ops = []
    for entry in op.items:
        target = compile_expr(entry.target, layout)
        if entry.key is not None:
            ops.append(SetOp("remove_property", target, entry.target.origin, key=entry.key))
        else:
            ops.append(SetOp("remove_labels", target, entry.target.origin, labels=entry.labels))
    return SetExec(logical=op, child=lower(op.child), ops=tuple(ops))


@lower.register
def _delete(op: lp.Delete) -> PhysicalOp:
    layout = output_layout(op.child)
    exprs = tuple((compile_expr(e, layout), e.origin) for e in op.expressions)
    return DeleteExec(logical=op, child=lower(op.child), expressions=exprs, detach=op.detach)


@lower.register
def _foreach(op: lp.Foreach) -> PhysicalOp:
    return ForeachExec(
        logical=op,
        child=lower(op.child),
        source=_compile(op.source, op.child),
        inner=lower(op.inner),
        origin=op.source.origin,
    )


@lower.register
def _schema(op: lp.SchemaOp) -> PhysicalOp:
    return SchemaExec(logical=op, command=op.command)
