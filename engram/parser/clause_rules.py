"""Transformer rules for statements, queries, clauses, projections and subqueries."""

# Each public method is named after the grammar rule it builds; grammar/*.lark documents
# every rule with an example, so the methods carry no docstrings of their own.
# ruff: noqa: D102

from __future__ import annotations

from typing import Final

from engram.errors import Span
from engram.parser.ast import (
    Call,
    Clause,
    Create,
    Delete,
    ExistsSubquery,
    ExplainMode,
    Expr,
    Foreach,
    Match,
    Merge,
    MergeAction,
    PathPattern,
    Projection,
    ProjectionItem,
    PropertyAccess,
    Remove,
    RemoveLabels,
    RemoveProperty,
    Return,
    SchemaCommand,
    Set,
    SetItem,
    SetLabels,
    SetProperty,
    SetVariable,
    SingleQuery,
    SortItem,
    Statement,
    UnionQuery,
    Unwind,
    Variable,
    With,
    YieldItem,
)
from engram.parser.lexer import Lexeme
from engram.parser.rule_base import RuleBase

__all__ = ["YIELD_STAR", "ClauseRules"]

#: what the `yield_star` rule returns: `YIELD *`
YIELD_STAR: Final = "*"

_Query = SingleQuery | UnionQuery
_Items = tuple[bool, tuple[ProjectionItem, ...]]
_Yield = tuple[tuple[YieldItem, ...], Expr | None]


class ClauseRules(RuleBase):
    """Rule methods that build statements, queries and clauses."""

    # -- statements and queries ------------------------------------------------------------

    def statement(
        self, span: Span, explain: ExplainMode | None, body: _Query | SchemaCommand
    ) -> Statement:
        return Statement(body=body, explain=explain, span=span)

    def explain_mode(self, span: Span, token: Lexeme) -> ExplainMode:
        return ExplainMode(token.text.upper())

    def standalone_expression(self, span: Span, expr: Expr) -> Expr:
        self.allow_predicate(expr)
        return expr

    def query(self, span: Span, *parts: SingleQuery | bool) -> _Query:
        queries = tuple(part for part in parts if isinstance(part, SingleQuery))
        if len(queries) == 1:
            return queries[0]
        flags = tuple(part for part in parts if isinstance(part, bool))
        return UnionQuery(queries=queries, all=flags, span=span)

    def union(self, span: Span, *keywords: Lexeme | None) -> bool:
        return any(keyword is not None and keyword.type == "ALL" for keyword in keywords)

    def single_query(self, span: Span, *clauses: Clause) -> SingleQuery:
        return SingleQuery(clauses=clauses, span=span)

    # -- reading clauses -------------------------------------------------------------------

    def match_clause(
        self,
        span: Span,
        optional: bool | None,
        patterns: tuple[PathPattern, ...],
        where: Expr | None,
    ) -> Match:
        return Match(patterns=patterns, where=where, optional=bool(optional), span=span)

    def optional(self, span: Span, token: Lexeme) -> bool:
        return True

    def pattern(self, span: Span, *parts: PathPattern) -> tuple[PathPattern, ...]:
        return parts

    def where(self, span: Span, expr: Expr) -> Expr:
        self.allow_predicate(expr)
        return expr

    def unwind_clause(self, span: Span, expr: Expr, variable: Variable) -> Unwind:
        return Unwind(expression=expr, variable=variable, span=span)

    def call_clause(
        self,
        span: Span,
        procedure: str,
        args: tuple[Expr, ...] | None,
        yielded: str | _Yield | None,
    ) -> Call:
        if yielded == YIELD_STAR:
            call = Call(procedure=procedure, args=args, yield_star=True, span=span)
            self.yield_stars.append(call)
            return call
        items, where = yielded if isinstance(yielded, tuple) else (None, None)
        return Call(
            procedure=procedure,
            args=args,
            yield_items=items,
            where=where,
            span=span,
        )

    def procedure_name(self, span: Span, *parts: Lexeme) -> str:
        return ".".join(self.name(part) for part in parts)

    def procedure_arguments(self, span: Span, *args: Expr) -> tuple[Expr, ...]:
        return args

    def yield_star(self, span: Span) -> str:
        return YIELD_STAR

    def yield_items(self, span: Span, *items: YieldItem | Expr | None) -> _Yield:
        *fields, where = items
        assert where is None or isinstance(where, Expr)
        return tuple(item for item in fields if isinstance(item, YieldItem)), where

    def yield_item(self, span: Span, field: Variable, alias: Variable | None) -> YieldItem:
        return YieldItem(field=field, alias=alias, span=span)

    # -- projections -----------------------------------------------------------------------

    def with_clause(self, span: Span, body: Projection, where: Expr | None) -> With:
        return With(projection=body, where=where, span=span)

    def return_clause(self, span: Span, body: Projection) -> Return:
        return Return(projection=body, span=span)

    def projection_body(
        self,
        span: Span,
        distinct: bool | None,
        items: _Items,
        order_by: tuple[SortItem, ...] | None,
        skip: Expr | None,
        limit: Expr | None,
    ) -> Projection:
        star, projected = items
        return Projection(
            items=projected,
            distinct=bool(distinct),
            star=star,
            order_by=order_by or (),
            skip=skip,
            limit=limit,
            span=span,
        )

    def star_projection_items(self, span: Span, *items: ProjectionItem) -> _Items:
        return True, items

    def projection_items(self, span: Span, *items: ProjectionItem) -> _Items:
        return False, items

    def projection_item(self, span: Span, expr: Expr, alias: Variable | None) -> ProjectionItem:
        return ProjectionItem(expression=expr, alias=alias, text=self.text_of(expr), span=span)

    def order_by(self, span: Span, *items: SortItem) -> tuple[SortItem, ...]:
        return items

    def sort_item(self, span: Span, expr: Expr, descending: bool | None) -> SortItem:
        return SortItem(expression=expr, descending=bool(descending), span=span)

    def sort_direction(self, span: Span, token: Lexeme) -> bool:
        return token.text.upper().startswith("DESC")

    def skip(self, span: Span, expr: Expr) -> Expr:
        return expr

    def limit(self, span: Span, expr: Expr) -> Expr:
        return expr

    # -- updating clauses ------------------------------------------------------------------

    def create_clause(self, span: Span, patterns: tuple[PathPattern, ...]) -> Create:
        return Create(patterns=patterns, span=span)

    def merge_clause(self, span: Span, pattern: PathPattern, *actions: MergeAction) -> Merge:
        return Merge(pattern=pattern, actions=actions, span=span)

    def on_create(self, span: Span, clause: Set) -> MergeAction:
        return MergeAction(on_create=True, items=clause.items, span=span)

    def on_match(self, span: Span, clause: Set) -> MergeAction:
        return MergeAction(on_create=False, items=clause.items, span=span)

    def set_clause(self, span: Span, *items: SetItem) -> Set:
        return Set(items=items, span=span)

    def set_assign(self, span: Span, target: Expr, value: Expr) -> SetItem:
        if isinstance(target, PropertyAccess) and not self.is_parenthesized(target):
            return SetProperty(target=target, value=value, span=span)
        if isinstance(target, Variable) and not self.is_parenthesized(target):
            return SetVariable(variable=target, value=value, span=span)
        raise self.error(
            "SET can only assign to a property or a variable",
            self.outer_span(target),
            hint="SET n.key = value, SET n = {key: value} or SET n += {key: value}",
        )

    def set_merge(self, span: Span, target: Expr, value: Expr) -> SetVariable:
        if isinstance(target, Variable) and not self.is_parenthesized(target):
            return SetVariable(variable=target, value=value, merge=True, span=span)
        raise self.error(
            "'+=' needs a variable on its left",
            self.outer_span(target),
            hint="SET n += {key: value} adds the map's entries to the properties of n",
        )

    def set_labels(self, span: Span, variable: Variable, labels: tuple[str, ...]) -> SetLabels:
        return SetLabels(variable=variable, labels=labels, span=span)

    def remove_clause(self, span: Span, *items: RemoveLabels | RemoveProperty) -> Remove:
        return Remove(items=items, span=span)

    def remove_labels(
        self, span: Span, variable: Variable, labels: tuple[str, ...]
    ) -> RemoveLabels:
        return RemoveLabels(variable=variable, labels=labels, span=span)

    def remove_property(self, span: Span, target: Expr) -> RemoveProperty:
        if isinstance(target, PropertyAccess) and not self.is_parenthesized(target):
            return RemoveProperty(target=target, span=span)
        raise self.error(
            "REMOVE takes properties (n.key) or labels (n:Label)",
            self.outer_span(target),
        )

    def delete_clause(self, span: Span, detach: bool | None, *exprs: Expr) -> Delete:
        return Delete(expressions=exprs, detach=bool(detach), span=span)

    def detach(self, span: Span, token: Lexeme) -> bool:
        return True

    def foreach_clause(
        self, span: Span, variable: Variable, source: Expr, *clauses: Clause
    ) -> Foreach:
        return Foreach(variable=variable, source=source, clauses=clauses, span=span)

    # -- subqueries ------------------------------------------------------------------------

    def exists_subquery(self, span: Span, query: _Query) -> ExistsSubquery:
        return ExistsSubquery(query=query, span=span)

    def exists_pattern(
        self, span: Span, patterns: tuple[PathPattern, ...], where: Expr | None
    ) -> ExistsSubquery:
        self.extra_levels += 2
        match = Match(patterns=patterns, where=where, span=span)
        return ExistsSubquery(query=SingleQuery(clauses=(match,), span=span), span=span)
