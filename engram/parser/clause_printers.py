"""Canonical text of statements, queries, clauses and schema commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Final, TypeVar, cast

from engram.parser.ast import (
    AstNode,
    Call,
    Create,
    CreateConstraint,
    CreateIndex,
    CreateVectorIndex,
    Delete,
    DropConstraint,
    DropIndex,
    Foreach,
    Match,
    Merge,
    MergeAction,
    Projection,
    ProjectionItem,
    Remove,
    RemoveLabels,
    RemoveProperty,
    Return,
    Set,
    SetLabels,
    SetProperty,
    SetVariable,
    ShowConstraints,
    ShowIndexes,
    SingleQuery,
    SortItem,
    Statement,
    UnionQuery,
    Unwind,
    Variable,
    With,
    YieldItem,
)
from engram.parser.precedence import Printed, joined
from engram.parser.tokens import format_index_name, format_name, format_schema_name

__all__ = ["CLAUSE_PRINTERS"]

#: node class → its printer
CLAUSE_PRINTERS: Final[dict[type[AstNode], Callable[[AstNode], Printed | str]]] = {}

_Node = TypeVar("_Node", bound=AstNode)


def _prints(
    kind: type[_Node],
) -> Callable[[Callable[[_Node], Printed | str]], Callable[[_Node], Printed | str]]:
    def register(printer: Callable[[_Node], Printed | str]) -> Callable[[_Node], Printed | str]:
        CLAUSE_PRINTERS[kind] = cast(Callable[[AstNode], Printed | str], printer)
        return printer

    return register


def _labels(labels: tuple[str, ...]) -> str:
    return "".join(f":{format_schema_name(label)}" for label in labels)


# -- statements and queries ----------------------------------------------------------------


@_prints(Statement)
def _statement(node: Statement) -> Printed:
    body = yield node.body
    return body if node.explain is None else f"{node.explain.value} {body}"


@_prints(SingleQuery)
def _single_query(node: SingleQuery) -> Printed:
    return (yield from joined(node.clauses, " "))


@_prints(UnionQuery)
def _union_query(node: UnionQuery) -> Printed:
    text = yield node.queries[0]
    for query, is_all in zip(node.queries[1:], node.all, strict=False):
        text += (" UNION ALL " if is_all else " UNION ") + (yield query)
    return text


# -- reading clauses and projections -------------------------------------------------------


@_prints(Match)
def _match(node: Match) -> Printed:
    text = ("OPTIONAL MATCH " if node.optional else "MATCH ") + (yield from joined(node.patterns))
    if node.where is not None:
        text += " WHERE " + (yield node.where)
    return text


@_prints(Unwind)
def _unwind(node: Unwind) -> Printed:
    expression = yield node.expression
    return f"UNWIND {expression} AS {(yield node.variable)}"


@_prints(With)
def _with(node: With) -> Printed:
    text = "WITH " + (yield node.projection)
    if node.where is not None:
        text += " WHERE " + (yield node.where)
    return text


@_prints(Return)
def _return(node: Return) -> Printed:
    return "RETURN " + (yield node.projection)


@_prints(Projection)
def _projection(node: Projection) -> Printed:
    items = yield from joined(node.items)
    if node.star:
        items = f"*, {items}" if items else "*"
    text = ("DISTINCT " if node.distinct else "") + items
    if node.order_by:
        text += " ORDER BY " + (yield from joined(node.order_by))
    if node.skip is not None:
        text += " SKIP " + (yield node.skip)
    if node.limit is not None:
        text += " LIMIT " + (yield node.limit)
    return text


@_prints(ProjectionItem)
def _projection_item(node: ProjectionItem) -> Printed:
    expression = yield node.expression
    return expression if node.alias is None else f"{expression} AS {(yield node.alias)}"


@_prints(SortItem)
def _sort_item(node: SortItem) -> Printed:
    expression = yield node.expression
    return f"{expression} DESC" if node.descending else expression


@_prints(Call)
def _call(node: Call) -> Printed:
    name = ".".join(format_schema_name(part) for part in node.procedure.split("."))
    text = f"CALL {name}"
    if node.args is not None:
        text += "(" + (yield from joined(node.args)) + ")"
    if node.yield_star:
        text += " YIELD *"
    elif node.yield_items is not None:
        text += " YIELD " + (yield from joined(node.yield_items))
        if node.where is not None:
            text += " WHERE " + (yield node.where)
    return text


@_prints(YieldItem)
def _yield_item(node: YieldItem) -> Printed:
    field = yield node.field
    return field if node.alias is None else f"{field} AS {(yield node.alias)}"


# -- updating clauses ----------------------------------------------------------------------


@_prints(Create)
def _create(node: Create) -> Printed:
    return "CREATE " + (yield from joined(node.patterns))


@_prints(Merge)
def _merge(node: Merge) -> Printed:
    text = "MERGE " + (yield node.pattern)
    for action in node.actions:
        text += " " + (yield action)
    return text


@_prints(MergeAction)
def _merge_action(node: MergeAction) -> Printed:
    items = yield from joined(node.items)
    return ("ON CREATE SET " if node.on_create else "ON MATCH SET ") + items


@_prints(Set)
def _set(node: Set) -> Printed:
    return "SET " + (yield from joined(node.items))


@_prints(SetProperty)
def _set_property(node: SetProperty) -> Printed:
    target = yield node.target
    return f"{target} = {(yield node.value)}"


@_prints(SetVariable)
def _set_variable(node: SetVariable) -> Printed:
    variable = yield node.variable
    return f"{variable} {'+=' if node.merge else '='} {(yield node.value)}"


@_prints(SetLabels)
def _set_labels(node: SetLabels) -> Printed:
    return (yield node.variable) + _labels(node.labels)


@_prints(Remove)
def _remove(node: Remove) -> Printed:
    return "REMOVE " + (yield from joined(node.items))


@_prints(RemoveProperty)
def _remove_property(node: RemoveProperty) -> Printed:
    return (yield node.target)


@_prints(RemoveLabels)
def _remove_labels(node: RemoveLabels) -> Printed:
    return (yield node.variable) + _labels(node.labels)


@_prints(Delete)
def _delete(node: Delete) -> Printed:
    expressions = yield from joined(node.expressions)
    return ("DETACH DELETE " if node.detach else "DELETE ") + expressions


@_prints(Foreach)
def _foreach(node: Foreach) -> Printed:
    variable = yield node.variable
    source = yield node.source
    clauses = yield from joined(node.clauses, " ")
    return f"FOREACH ({variable} IN {source} | {clauses})"


# -- schema commands -----------------------------------------------------------------------


def _schema_head(
    command: str, name: str | None, if_not_exists: bool, variable: Variable, label: str
) -> str:
    text = command
    if name is not None:
        text += " " + format_index_name(name)
    if if_not_exists:
        text += " IF NOT EXISTS"
    return f"{text} FOR ({format_name(variable.name)}:{format_schema_name(label)})"


def _references(variable: Variable, keys: tuple[str, ...]) -> list[str]:
    return [f"{format_name(variable.name)}.{format_schema_name(key)}" for key in keys]


@_prints(CreateIndex)
def _create_index(node: CreateIndex) -> str:
    head = _schema_head("CREATE INDEX", node.name, node.if_not_exists, node.variable, node.label)
    return f"{head} ON ({', '.join(_references(node.variable, node.properties))})"


@_prints(CreateVectorIndex)
def _create_vector_index(node: CreateVectorIndex) -> Printed:
    head = _schema_head(
        "CREATE VECTOR INDEX", node.name, node.if_not_exists, node.variable, node.label
    )
    (reference,) = _references(node.variable, (node.property,))
    text = f"{head} ON ({reference})"
    if node.options is not None:
        text += " OPTIONS " + (yield node.options)
    return text


@_prints(CreateConstraint)
def _create_constraint(node: CreateConstraint) -> str:
    head = _schema_head(
        "CREATE CONSTRAINT", node.name, node.if_not_exists, node.variable, node.label
    )
    references = _references(node.variable, node.properties)
    required = references[0] if len(references) == 1 else f"({', '.join(references)})"
    return f"{head} REQUIRE {required} IS UNIQUE"


@_prints(DropIndex)
def _drop_index(node: DropIndex) -> str:
    suffix = " IF EXISTS" if node.if_exists else ""
    return f"DROP INDEX {format_index_name(node.name)}{suffix}"


@_prints(DropConstraint)
def _drop_constraint(node: DropConstraint) -> str:
    suffix = " IF EXISTS" if node.if_exists else ""
    return f"DROP CONSTRAINT {format_index_name(node.name)}{suffix}"


@_prints(ShowIndexes)
def _show_indexes(node: ShowIndexes) -> str:
    return "SHOW INDEXES"


@_prints(ShowConstraints)
def _show_constraints(node: ShowConstraints) -> str:
    return "SHOW CONSTRAINTS"
