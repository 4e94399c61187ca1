"""Transformer rules for engram's schema commands: indexes, constraints, SHOW."""

# Each public method is named after the grammar rule it builds; grammar/*.lark documents
# every rule with an example, so the methods carry no docstrings of their own.
# ruff: noqa: D102

from __future__ import annotations

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser.ast import (
    Call,
    Clause,
    CreateConstraint,
    CreateIndex,
    CreateVectorIndex,
    DropConstraint,
    DropIndex,
    Expr,
    MapLiteral,
    ShowConstraints,
    ShowIndexes,
    SingleQuery,
    Variable,
    YieldItem,
)
from engram.parser.clause_rules import YIELD_STAR
from engram.parser.lexer import Lexeme
from engram.parser.rule_base import RuleBase

__all__ = ["SchemaRules"]

_Target = tuple[Variable, str]
#: what follows SHOW INDEXES: (YIELD * | (items, WHERE) | a WHERE's expression, clauses)
_ShowTail = tuple[str | tuple[tuple[YieldItem, ...], Expr | None] | Expr, tuple[Clause, ...]]
_Reference = tuple[Variable, str]


def _show_query(
    command: type[ShowIndexes] | type[ShowConstraints], span: Span, tail: _ShowTail
) -> SingleQuery:
    """`SHOW INDEXES YIELD ... WHERE ... RETURN ...` as the query over its procedure.

    `YIELD *` and a bare `WHERE` yield every column, so later clauses may use them all.
    """
    first, clauses = tail
    items: tuple[YieldItem, ...] | None = None
    where: Expr | None = None
    if isinstance(first, Expr):
        where = first
    elif isinstance(first, tuple):
        items, where = first
    elif first != YIELD_STAR:
        raise CypherSyntaxError(
            f"unexpected {first!r} after SHOW", detail=ErrorDetail.UNEXPECTED_SYNTAX, span=span
        )
    if items is None:
        items = tuple(
            YieldItem(field=Variable(name=column, span=span), span=span)
            for column in command.columns
        )
    call = Call(procedure=command.procedure, args=(), yield_items=items, where=where, span=span)
    return SingleQuery(clauses=(call, *clauses), span=span)


class SchemaRules(RuleBase):
    """Rule methods that build schema commands."""

    def create_index(
        self,
        span: Span,
        name: Lexeme | None,
        if_not_exists: bool | None,
        target: _Target,
        *references: _Reference,
    ) -> CreateIndex:
        variable, label = target
        return CreateIndex(
            name=None if name is None else self.name(name),
            if_not_exists=bool(if_not_exists),
            variable=variable,
            label=label,
            properties=self._keys(variable, references),
            span=span,
        )

    def create_vector_index(
        self,
        span: Span,
        name: Lexeme | None,
        if_not_exists: bool | None,
        target: _Target,
        reference: _Reference,
        options: MapLiteral | None,
    ) -> CreateVectorIndex:
        variable, label = target
        (key,) = self._keys(variable, (reference,))
        return CreateVectorIndex(
            name=None if name is None else self.name(name),
            if_not_exists=bool(if_not_exists),
            variable=variable,
            label=label,
            property=key,
            options=options,
            span=span,
        )

    def index_options(self, span: Span, options: MapLiteral) -> MapLiteral:
        return options

    def create_constraint(
        self,
        span: Span,
        name: Lexeme | None,
        if_not_exists: bool | None,
        target: _Target,
        references: tuple[_Reference, ...],
    ) -> CreateConstraint:
        variable, label = target
        return CreateConstraint(
            name=None if name is None else self.name(name),
            if_not_exists=bool(if_not_exists),
            variable=variable,
            label=label,
            properties=self._keys(variable, references),
            span=span,
        )

    def constraint_properties(self, span: Span, *references: _Reference) -> tuple[_Reference, ...]:
        return references

    def index_target(self, span: Span, variable: Variable, label: Lexeme) -> _Target:
        return variable, self.name(label)

    def property_reference(self, span: Span, variable: Variable, key: Lexeme) -> _Reference:
        return variable, self.name(key)

    def if_not_exists(self, span: Span, *keywords: Lexeme) -> bool:
        return True

    def if_exists(self, span: Span, *keywords: Lexeme) -> bool:
        return True

    def drop_index(self, span: Span, name: Lexeme, if_exists: bool | None) -> DropIndex:
        return DropIndex(name=self.name(name), if_exists=bool(if_exists), span=span)

    def drop_constraint(self, span: Span, name: Lexeme, if_exists: bool | None) -> DropConstraint:
        return DropConstraint(name=self.name(name), if_exists=bool(if_exists), span=span)

    def show_indexes(self, span: Span, tail: _ShowTail | None) -> ShowIndexes | SingleQuery:
        if tail is None:
            return ShowIndexes(span=span)
        return _show_query(ShowIndexes, span, tail)

    def show_constraints(self, span: Span, tail: _ShowTail | None) -> ShowConstraints | SingleQuery:
        if tail is None:
            return ShowConstraints(span=span)
        return _show_query(ShowConstraints, span, tail)

    def show_tail(
        self,
        span: Span,
        first: str | tuple[tuple[YieldItem, ...], Expr | None] | Expr,
        *clauses: Clause,
    ) -> _ShowTail:
        return first, clauses

    @staticmethod
    def _keys(variable: Variable, references: tuple[_Reference, ...]) -> tuple[str, ...]:
        """The property keys, after checking each `v.key` uses the pattern's variable."""
        for used, _key in references:
            if used.name != variable.name:
                raise CypherSyntaxError(
                    f"unknown variable '{used.name}'",
                    detail=ErrorDetail.UNDEFINED_VARIABLE,
                    span=used.span,
                    hint=f"the properties belong to '{variable.name}': {variable.name}.key",
                )
        return tuple(key for _used, key in references)
