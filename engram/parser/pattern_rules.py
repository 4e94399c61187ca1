"""Transformer rules for patterns: nodes, relationships, paths, pattern predicates."""

# Each public method is named after the grammar rule it builds; grammar/*.lark documents
# every rule with an example, so the methods carry no docstrings of their own.
# ruff: noqa: D102

from __future__ import annotations

import dataclasses

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser import literals
from engram.parser.ast import (
    Direction,
    Expr,
    HasLabels,
    MapEntry,
    MapLiteral,
    MapProjection,
    NodePattern,
    Parameter,
    PathPattern,
    PatternExpression,
    RelationshipPattern,
    ShortestKind,
    Variable,
    VariableLength,
)
from engram.parser.checks import MAX_PATTERN_LENGTH, pattern_length_error
from engram.parser.lexer import Lexeme
from engram.parser.rule_base import RuleBase

__all__ = ["PatternRules"]

_Chain = tuple[RelationshipPattern, NodePattern]
_Properties = MapLiteral | Parameter
_Detail = tuple[Variable | None, tuple[str, ...], VariableLength | None, _Properties | None]
_LEFT_OPENINGS = frozenset({"REL_OPEN_LEFT", "REL_PLAIN_LEFT", "REL_PLAIN_BOTH"})
_RIGHT_CLOSINGS = frozenset({"REL_CLOSE_RIGHT", "REL_PLAIN_RIGHT", "REL_PLAIN_BOTH"})
_NODE_HINT = "a node pattern is (variable:Label {key: value}); every part is optional"


def _check_length(chains: tuple[_Chain, ...], span: Span) -> None:
    if len(chains) > MAX_PATTERN_LENGTH:
        raise pattern_length_error(len(chains), span)


class PatternRules(RuleBase):
    """Rule methods that build pattern nodes."""

    # -- pattern predicates: the first node was parsed as an expression (the cover) --------

    def pattern_predicate(
        self, span: Span, start: NodePattern | Expr, *chains: _Chain
    ) -> PatternExpression:
        first = start if isinstance(start, NodePattern) else self._node_from_expression(start)
        _check_length(chains, span)
        elements: list[NodePattern | RelationshipPattern] = [first]
        for relationship, node in chains:
            elements.extend((relationship, node))
        path = PathPattern(variable=None, elements=tuple(elements), span=span)
        pattern = PatternExpression(pattern=path, span=span)
        self.patterns.append(pattern)
        self.extra_levels += 1
        return pattern

    def _node_from_expression(self, expr: Expr) -> NodePattern:
        """Re-read `(n)`, `(n:A)`, `(n {k: 1})`, `({k: 1})` or `($p)` as a node pattern."""
        span = self.outer_span(expr)
        inner = expr
        if isinstance(inner, Variable):
            return NodePattern(variable=inner, labels=(), properties=None, span=span)
        if isinstance(inner, HasLabels) and self._is_plain_variable(inner.subject):
            assert isinstance(inner.subject, Variable)
            return NodePattern(
                variable=inner.subject, labels=inner.labels, properties=None, span=span
            )
        if isinstance(inner, MapLiteral | Parameter):
            return NodePattern(variable=None, labels=(), properties=inner, span=span)
        if isinstance(inner, MapProjection) and all(
            isinstance(item, MapEntry) for item in inner.items
        ):
            properties = self._projection_as_map(inner)
            return NodePattern(variable=inner.subject, labels=(), properties=properties, span=span)
        raise self.error("invalid node pattern", span, hint=_NODE_HINT)

    def _is_plain_variable(self, expr: Expr) -> bool:
        return isinstance(expr, Variable) and not self.is_parenthesized(expr)

    def _projection_as_map(self, projection: MapProjection) -> MapLiteral:
        entries = tuple(item for item in projection.items if isinstance(item, MapEntry))
        start = self.source.find("{", projection.subject.span.end)
        return MapLiteral(entries=entries, span=Span(start, projection.span.end))

    def empty_node_cover(self, span: Span) -> NodePattern:
        return NodePattern(variable=None, labels=(), properties=None, span=span)

    def labels_node_cover(
        self, span: Span, labels: tuple[str, ...], properties: _Properties | None
    ) -> NodePattern:
        return NodePattern(variable=None, labels=labels, properties=properties, span=span)

    def labelled_node_cover(
        self, span: Span, labelled: HasLabels, properties: _Properties
    ) -> NodePattern:
        if not self._is_plain_variable(labelled.subject):
            raise self.error("invalid node pattern", span, hint=_NODE_HINT)
        assert isinstance(labelled.subject, Variable)
        return NodePattern(
            variable=labelled.subject,
            labels=labelled.labels,
            properties=properties,
            span=span,
        )

    def parameter_node_cover(self, span: Span, variable: Variable, token: Lexeme) -> NodePattern:
        properties = Parameter(name=literals.decode_parameter(token.text), span=token.span)
        return NodePattern(variable=variable, labels=(), properties=properties, span=span)

    # -- paths -----------------------------------------------------------------------------

    def pattern_part(
        self, span: Span, variable: Variable | None, element: PathPattern
    ) -> PathPattern:
        if variable is None:
            return element
        return dataclasses.replace(element, variable=variable, span=span)

    def path(self, span: Span, node: NodePattern, *chains: _Chain) -> PathPattern:
        _check_length(chains, span)
        elements: list[NodePattern | RelationshipPattern] = [node]
        for relationship, next_node in chains:
            elements.extend((relationship, next_node))
        return PathPattern(variable=None, elements=tuple(elements), span=span)

    def shortest_kind(self, span: Span, token: Lexeme) -> ShortestKind:
        lowered = token.text.lower()
        return next(kind for kind in ShortestKind if kind.value.lower() == lowered)

    def shortest_path(self, span: Span, kind: ShortestKind, element: PathPattern) -> PathPattern:
        if element.shortest is not None:
            raise self.error(f"{kind.value} cannot contain {element.shortest.value}", element.span)
        return dataclasses.replace(element, shortest=kind, span=span)

    def pattern_chain(
        self, span: Span, relationship: RelationshipPattern, node: NodePattern
    ) -> _Chain:
        return relationship, node

    # -- nodes and relationships -----------------------------------------------------------

    def node_pattern(
        self,
        span: Span,
        variable: Variable | None,
        labels: tuple[str, ...] | None,
        properties: _Properties | None,
    ) -> NodePattern:
        return NodePattern(variable=variable, labels=labels or (), properties=properties, span=span)

    def node_labels(self, span: Span, *names: Lexeme) -> tuple[str, ...]:
        return tuple(self.name(name) for name in names)

    def relationship_pattern(self, span: Span, *children: Lexeme | _Detail) -> RelationshipPattern:
        opening, closing = children[0], children[-1]
        assert isinstance(opening, Lexeme)
        assert isinstance(closing, Lexeme)
        detail: _Detail = (None, (), None, None)
        if len(children) == 3:
            middle = children[1]
            assert not isinstance(middle, Lexeme)
            detail = middle
        left = opening.type in _LEFT_OPENINGS
        right = closing.type in _RIGHT_CLOSINGS
        if left == right:
            direction = Direction.BOTH
        else:
            direction = Direction.INCOMING if left else Direction.OUTGOING
        variable, types, length, properties = detail
        return RelationshipPattern(
            variable=variable,
            types=types,
            direction=direction,
            length=length,
            properties=properties,
            span=span,
        )

    def relationship_detail(
        self,
        span: Span,
        variable: Variable | None,
        types: tuple[str, ...] | None,
        length: VariableLength | None,
        properties: _Properties | None,
    ) -> _Detail:
        return variable, types or (), length, properties

    def relationship_types(self, span: Span, *names: Lexeme) -> tuple[str, ...]:
        return tuple(self.name(name) for name in names)

    def any_length(self, span: Span) -> VariableLength:
        return VariableLength(min=None, max=None, span=span)

    def exact_length(self, span: Span, bound: Lexeme) -> VariableLength:
        hops = self._bound(bound)
        return VariableLength(min=hops, max=hops, span=span)

    def length_range(self, span: Span, low: Lexeme | None, high: Lexeme | None) -> VariableLength:
        return VariableLength(
            min=None if low is None else self._bound(low),
            max=None if high is None else self._bound(high),
            span=span,
        )

    def _bound(self, token: Lexeme) -> int:
        span = token.span
        value = literals.parse_number(token.text, span.start)
        if not isinstance(value, int):
            raise CypherSyntaxError(
                f"invalid relationship pattern: the length bound '{token}' is not an integer",
                detail=ErrorDetail.INVALID_RELATIONSHIP_PATTERN,
                span=span,
                hint="variable-length relationships are written -[*2..5]->",
            )
        return literals.check_integer(value, token.text, span)
