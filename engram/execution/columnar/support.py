"""Which plans the columnar engine runs: the shape of an aggregation's input chain.

A chain is a leaf (a scan of a label or of every node, or any other plan whose rows are
turned into columns) under single-hop `Expand`s and `Filter`s whose predicates are
comparisons of node properties with constants or parameters, label tests, node and
relationship (in)equality, relationship uniqueness, IS [NOT] NULL and their AND / OR /
XOR / NOT combinations. The aggregation groups by nodes or node properties and folds
count, sum, avg, min and max of node properties (count also over nodes, DISTINCT too).
The optimizer rule `columnar_aggregate` asks `columnar_chain`; lowering builds the
same chain again, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from engram import deadline
from engram.binder.bound import (
    BAggregate,
    BBinary,
    BExpr,
    BHasLabels,
    BinaryOp,
    BIsNull,
    BLiteral,
    BParameter,
    BProperty,
    BUnary,
    BVariable,
    Symbol,
    UnaryOp,
    VarKind,
)
from engram.planner import operators as lp

__all__ = ["COMPARISONS", "Chain", "columnar_chain", "node_property"]

COMPARISONS: Final = frozenset(
    {BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE}
)
_LOGICAL: Final = frozenset({BinaryOp.AND, BinaryOp.OR, BinaryOp.XOR})
_FOLDS: Final = frozenset({"count", "sum", "avg", "min", "max"})
_ENTITIES: Final = (VarKind.NODE, VarKind.RELATIONSHIP)
_WRITES: Final = (
    lp.Create,
    lp.Merge,
    lp.SetItems,
    lp.RemoveItems,
    lp.Delete,
    lp.Foreach,
    lp.ProcedureCall,
    lp.SchemaOp,
)


@dataclass(frozen=True, slots=True)
class Chain:
    """An aggregation input the columnar engine runs: leaf first, then the stages."""

    leaf: lp.LogicalOp
    stages: tuple[lp.Expand | lp.VarExpand | lp.Filter, ...]


def columnar_chain(op: lp.Aggregate) -> Chain | None:
    """The chain under `op` when every part of it runs on columns, else None."""
    stages: list[lp.Expand | lp.VarExpand | lp.Filter] = []
    current = op.child
    while True:
        deadline.check()  # a long chain costs a type analysis per stage
        if not _stage(current):
            break
        assert isinstance(current, lp.Expand | lp.VarExpand | lp.Filter)
        stages.append(current)
        current = current.child
    if not stages and not _native_leaf(current):
        return None
    if not _reads_only(current):
        return None  # the row plan may have to run the leaf again
    kinds = _kinds(op.child)
    if not all(_key(expr, kinds) for _, expr in op.keys):
        return None
    if not all(_aggregate(call, kinds) for _, call in op.aggregates):
        return None
    return Chain(current, tuple(reversed(stages)))


def _stage(op: lp.LogicalOp) -> bool:
    if isinstance(op, lp.Expand):
        return True
    if isinstance(op, lp.VarExpand):
        return op.distinct_targets
    if isinstance(op, lp.Filter):
        return all(_predicate(p, _kinds(op.child)) for p in op.predicates)
    return False


def _reads_only(op: lp.LogicalOp) -> bool:
    pending = [op]
    while pending:
        current = pending.pop()
        if isinstance(current, _WRITES):
            return False
        pending.extend(current.children)
        if isinstance(current, lp.Union):
            pending.extend(current.parts)
        if isinstance(current, lp.Optional):
            pending.append(current.inner)
    return True


def _native_leaf(op: lp.LogicalOp) -> bool:
    return isinstance(op, lp.LabelScan | lp.AllNodesScan) and _is_root(op.child)


def _is_root(op: lp.LogicalOp) -> bool:
    return isinstance(op, lp.Start) and not op.arguments


def _kinds(op: lp.LogicalOp) -> dict[Symbol, VarKind]:
    return {symbol: symbol.kind for symbol in op.fields}


def node_property(expr: BExpr, kinds: dict[Symbol, VarKind]) -> Symbol | None:
    """The node symbol of `n.key` when `expr` is a property of a node in the row."""
    if isinstance(expr, BProperty) and isinstance(expr.subject, BVariable):
        symbol = expr.subject.symbol
        if kinds.get(symbol) == VarKind.NODE:
            return symbol
    return None


def _entity(expr: BExpr, kinds: dict[Symbol, VarKind]) -> bool:
    return isinstance(expr, BVariable) and kinds.get(expr.symbol) in _ENTITIES


def _constant(expr: BExpr) -> bool:
    # a parameter's value is checked when the query runs (lists and maps fall back)
    return isinstance(expr, BParameter | BLiteral)


def _predicate(expr: BExpr, kinds: dict[Symbol, VarKind]) -> bool:
    match expr:
        case BLiteral(value=value):
            return value is None or isinstance(value, bool)
        case BBinary(op=op, left=left, right=right) if op in _LOGICAL:
            return _predicate(left, kinds) and _predicate(right, kinds)
        case BUnary(op=UnaryOp.NOT, operand=operand):
            return _predicate(operand, kinds)
        case BBinary(op=op, left=left, right=right) if op in COMPARISONS:
            if node_property(left, kinds) is not None and _constant(right):
                return True
            if node_property(right, kinds) is not None and _constant(left):
                return True
            return op in (BinaryOp.EQ, BinaryOp.NE) and _same_kind_entities(left, right, kinds)
        case BHasLabels(subject=BVariable(symbol=symbol)):
            return kinds.get(symbol) == VarKind.NODE
        case BIsNull(operand=operand):
            return node_property(operand, kinds) is not None
        case lp.PlanUnique(left=left, right=right):
            return kinds.get(left) == VarKind.RELATIONSHIP == kinds.get(right)
    return False


def _same_kind_entities(left: BExpr, right: BExpr, kinds: dict[Symbol, VarKind]) -> bool:
    if not (_entity(left, kinds) and _entity(right, kinds)):
        return False
    assert isinstance(left, BVariable)
    assert isinstance(right, BVariable)
    return kinds[left.symbol] == kinds[right.symbol]


def _key(expr: BExpr, kinds: dict[Symbol, VarKind]) -> bool:
    if isinstance(expr, BVariable):
        return kinds.get(expr.symbol) == VarKind.NODE
    return node_property(expr, kinds) is not None


def _aggregate(call: BAggregate, kinds: dict[Symbol, VarKind]) -> bool:
    name = call.spec.name
    if call.star:
        return name == "count"
    if name not in _FOLDS or len(call.args) != 1:
        return False
    (arg,) = call.args
    if name == "count":
        return _key(arg, kinds)
    return node_property(arg, kinds) is not None and not (call.distinct and name in ("sum", "avg"))
