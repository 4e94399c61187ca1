"""Transformer rules for expressions: operators, literals, calls, lists, CASE, names."""

# Each public method is named after the grammar rule it builds; grammar/*.lark documents
# every rule with an example, so the methods carry no docstrings of their own.
# ruff: noqa: D102

from __future__ import annotations

import dataclasses

from engram.errors import Span
from engram.parser import literals
from engram.parser.ast import (
    AllPropertiesSelector,
    Binary,
    BinaryOp,
    Case,
    CaseWhen,
    CountStar,
    Expr,
    FunctionCall,
    HasLabels,
    IsNull,
    ListComprehension,
    ListLiteral,
    Literal,
    MapEntry,
    MapLiteral,
    MapProjection,
    MapProjectionItem,
    Parameter,
    PatternComprehension,
    PatternExpression,
    PropertyAccess,
    PropertySelector,
    Quantifier,
    QuantifierKind,
    Reduce,
    Slice,
    Subscript,
    Unary,
    UnaryOp,
    Variable,
    VariableSelector,
)
from engram.parser.checks import MAX_DEPTH, depth_error
from engram.parser.lexer import Lexeme
from engram.parser.rule_base import RuleBase

__all__ = ["ExpressionRules"]

# operators that bind more loosely than IN, or as loosely and to its left: in
# `[x IN a OR b | ...]` they were parsed around `x IN a` and must move inside it
_LOOSER_THAN_IN = frozenset(
    {
        BinaryOp.OR,
        BinaryOp.XOR,
        BinaryOp.AND,
        BinaryOp.EQ,
        BinaryOp.NE,
        BinaryOp.LT,
        BinaryOp.LE,
        BinaryOp.GT,
        BinaryOp.GE,
        BinaryOp.IN,
        BinaryOp.STARTS_WITH,
        BinaryOp.ENDS_WITH,
        BinaryOp.CONTAINS,
        BinaryOp.REGEX,
    }
)
_COMPARISONS = {op.value: op for op in (BinaryOp.EQ, BinaryOp.NE, BinaryOp.LT, BinaryOp.LE)}
_COMPARISONS.update({op.value: op for op in (BinaryOp.GT, BinaryOp.GE)})


class ExpressionRules(RuleBase):
    """Rule methods that build expression nodes."""

    # -- boolean and comparison operators --------------------------------------------------

    def or_expr(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._boolean(BinaryOp.OR, span, left, right)

    def xor_expr(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._boolean(BinaryOp.XOR, span, left, right)

    def and_expr(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._boolean(BinaryOp.AND, span, left, right)

    def _boolean(self, op: BinaryOp, span: Span, left: Expr, right: Expr) -> Binary:
        self.allow_predicate(left)
        self.allow_predicate(right)
        return Binary(op=op, left=left, right=right, span=span)

    def not_expr(self, span: Span, operand: Expr) -> Unary:
        self.allow_predicate(operand)
        return Unary(op=UnaryOp.NOT, operand=operand, span=span)

    def comparison_operator(self, span: Span, token: Lexeme) -> BinaryOp:
        return _COMPARISONS[token.text]

    def comparison(self, span: Span, *items: Expr | BinaryOp) -> Expr:
        """`a < b <= c` is `a < b AND b <= c`: every operand but the ends appears twice."""
        result: Expr | None = None
        if len(items) // 2 > MAX_DEPTH:  # the ANDs below nest one level per comparison
            too_deep = items[2 * MAX_DEPTH]
            raise depth_error(too_deep.span if isinstance(too_deep, Expr) else None)
        self.extra_levels += len(items) // 2
        for index in range(1, len(items), 2):
            left, op, right = items[index - 1], items[index], items[index + 1]
            assert isinstance(left, Expr)
            assert isinstance(op, BinaryOp)
            assert isinstance(right, Expr)
            pair = Binary(
                op=op,
                left=left,
                right=right,
                span=self.outer_span(left).cover(self.outer_span(right)),
            )
            if result is None:
                result = pair
            else:
                span = result.span.cover(pair.span)
                result = Binary(op=BinaryOp.AND, left=result, right=pair, span=span)
        assert result is not None
        return result

    # -- predicates and arithmetic ---------------------------------------------------------

    def _binary(self, op: BinaryOp, span: Span, left: Expr, right: Expr) -> Binary:
        return Binary(op=op, left=left, right=right, span=span)

    def starts_with(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.STARTS_WITH, span, left, right)

    def ends_with(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.ENDS_WITH, span, left, right)

    def contains(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.CONTAINS, span, left, right)

    def regex_match(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.REGEX, span, left, right)

    def in_list(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.IN, span, left, right)

    def is_null(self, span: Span, operand: Expr) -> IsNull:
        return IsNull(operand=operand, span=span)

    def is_not_null(self, span: Span, operand: Expr) -> IsNull:
        return IsNull(operand=operand, negated=True, span=span)

    def add(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.ADD, span, left, right)

    def subtract(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.SUB, span, left, right)

    def multiply(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.MUL, span, left, right)

    def divide(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.DIV, span, left, right)

    def modulo(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.MOD, span, left, right)

    def power(self, span: Span, left: Expr, right: Expr) -> Binary:
        return self._binary(BinaryOp.POW, span, left, right)

    def negate(self, span: Span, operand: Expr) -> Expr:
        """`-x`; a minus written right before a number is part of the number literal.

        That is how `-9223372036854775808` is a valid integer although
        `9223372036854775808` alone overflows (the overflow check after parsing finds
        the unnegated 2**63).
        """
        value = operand.value if isinstance(operand, Literal) else None
        is_number = isinstance(value, int | float) and not isinstance(value, bool)
        if is_number and not self.is_parenthesized(operand) and self._is_unsigned(operand):
            assert isinstance(value, int | float)
            self.negated.add(id(operand))
            return Literal(value=-value, span=span)
        return Unary(op=UnaryOp.NEGATE, operand=operand, span=span)

    def _is_unsigned(self, literal: Expr) -> bool:
        first = self.source[literal.span.start : literal.span.start + 1]
        return first.isdigit() or first == "."

    def unary_plus(self, span: Span, operand: Expr) -> Unary:
        return Unary(op=UnaryOp.PLUS, operand=operand, span=span)

    # -- postfix ---------------------------------------------------------------------------

    def has_labels(self, span: Span, subject: Expr, labels: tuple[str, ...]) -> HasLabels:
        return HasLabels(subject=subject, labels=labels, span=span)

    def property_lookup(self, span: Span, subject: Expr, key: Lexeme) -> PropertyAccess:
        return PropertyAccess(subject=subject, key=self.name(key), span=span)

    def subscript(self, span: Span, subject: Expr, index: Expr) -> Subscript:
        return Subscript(subject=subject, index=index, span=span)

    def slice(self, span: Span, subject: Expr, start: Expr | None, end: Expr | None) -> Slice:
        return Slice(subject=subject, start=start, end=end, span=span)

    def distinct(self, span: Span, token: Lexeme) -> bool:
        return True

    def arguments(self, span: Span, *args: Expr) -> tuple[Expr, ...]:
        return args

    def call(
        self, span: Span, subject: Expr, distinct: bool | None, args: tuple[Expr, ...] | None
    ) -> FunctionCall:
        """`name(args)`: the callee was parsed as an expression and must be a dotted name."""
        name = self._function_name(subject)
        if distinct and not args:
            raise self.error("DISTINCT needs an argument", span)
        return FunctionCall(name=name, args=args or (), distinct=bool(distinct), span=span)

    def call_star(self, span: Span, subject: Expr) -> CountStar:
        name = self._function_name(subject)
        if name.lower() != "count":
            raise self.error(
                f"'*' is not an argument of '{name}'",
                span,
                hint="only count(*) takes '*'",
            )
        return CountStar(span=span)

    def _function_name(self, callee: Expr) -> str:
        parts: list[str] = []
        node = callee
        while isinstance(node, PropertyAccess) and not self.is_parenthesized(node):
            parts.append(node.key)
            node = node.subject
        if not isinstance(node, Variable) or self.is_parenthesized(node):
            raise self.error(
                "only a function name can be called",
                self.outer_span(callee),
                hint="function names are identifiers, optionally with a namespace: "
                "toUpper(s), date.truncate('day', d)",
            )
        parts.append(node.name)
        return ".".join(reversed(parts))

    # -- atoms -----------------------------------------------------------------------------

    def parameter(self, span: Span, token: Lexeme) -> Parameter:
        return Parameter(name=literals.decode_parameter(token.text), span=token.span)

    def number(self, span: Span, token: Lexeme) -> Literal:
        span = token.span
        value = literals.parse_number(token.text, span.start)
        if isinstance(value, int) and value > literals.MAX_INTEGER + 1:
            literals.check_integer(value, token.text, span)
        literal = Literal(value=value, span=span)
        if isinstance(value, int) and value > literals.MAX_INTEGER:
            self.unsigned_limits.append(literal)
        return literal

    def string(self, span: Span, token: Lexeme) -> Literal:
        span = token.span
        return Literal(value=literals.decode_string(token.text, span.start), span=span)

    def true(self, span: Span) -> Literal:
        return Literal(value=True, span=span)

    def false(self, span: Span) -> Literal:
        return Literal(value=False, span=span)

    def null(self, span: Span) -> Literal:
        return Literal(value=None, span=span)

    def map_literal(self, span: Span, *entries: MapEntry) -> MapLiteral:
        return MapLiteral(entries=entries, span=span)

    def map_entry(self, span: Span, key: Lexeme, value: Expr) -> MapEntry:
        return MapEntry(key=self.name(key), value=value, span=span)

    def map_projection(
        self, span: Span, subject: Variable, *items: MapProjectionItem | MapEntry
    ) -> MapProjection:
        return MapProjection(subject=subject, items=items, span=span)

    def property_selector(self, span: Span, key: Lexeme) -> PropertySelector:
        return PropertySelector(key=self.name(key), span=span)

    def all_properties_selector(self, span: Span) -> AllPropertiesSelector:
        return AllPropertiesSelector(span=span)

    def variable_selector(self, span: Span, variable: Variable) -> VariableSelector:
        return VariableSelector(variable=variable, span=span)

    def paren_expression(self, span: Span, expr: Expr) -> Expr:
        # keep the outermost parentheses: the transformer builds inner ones first
        self.parens[id(expr)] = (expr, span)
        return expr

    def exists_function(
        self, span: Span, keyword: Lexeme, _open: Lexeme, arg: Expr, _close: Lexeme
    ) -> FunctionCall:
        self.allow_predicate(arg)
        return FunctionCall(name=keyword.text, args=(arg,), span=span)

    def variable(self, span: Span, token: Lexeme) -> Variable:
        return Variable(name=self.name(token), span=token.span)

    # -- CASE, quantifiers, reduce ---------------------------------------------------------

    def case_alternative(self, span: Span, condition: Expr, result: Expr) -> CaseWhen:
        self.allow_predicate(condition)
        return CaseWhen(condition=condition, result=result, span=span)

    def case_default(self, span: Span, expr: Expr) -> Expr:
        return expr

    def case_expression(self, span: Span, subject: Expr | None, *rest: CaseWhen | None) -> Case:
        *whens, default = rest
        assert default is None or isinstance(default, Expr)
        alternatives = tuple(when for when in whens if isinstance(when, CaseWhen))
        return Case(subject=subject, whens=alternatives, default=default, span=span)

    def quantifier_kind(self, span: Span, token: Lexeme) -> QuantifierKind:
        return QuantifierKind(token.text.lower())

    def quantifier(
        self,
        span: Span,
        kind: QuantifierKind,
        variable: Variable,
        source: Expr,
        where: Expr | None,
    ) -> Quantifier:
        self.allow_predicate(where)
        return Quantifier(kind=kind, variable=variable, source=source, where=where, span=span)

    def reduce_expression(
        self,
        span: Span,
        accumulator: Variable,
        init: Expr,
        variable: Variable,
        source: Expr,
        expression: Expr,
    ) -> Reduce:
        return Reduce(
            accumulator=accumulator,
            init=init,
            variable=variable,
            source=source,
            expression=expression,
            span=span,
        )

    # -- lists and comprehensions ----------------------------------------------------------

    def empty_list(self, span: Span) -> ListLiteral:
        return ListLiteral(items=(), span=span)

    def list_literal(self, span: Span, *items: Expr) -> Expr:
        """`[a, b]`; `[x IN list]` (one unparenthesised `variable IN ...`) is a comprehension."""
        if len(items) == 1:
            head = self._split_in(items[0])
            if head is not None:
                variable, source = head
                return ListComprehension(
                    variable=variable,
                    source=source,
                    where=None,
                    projection=None,
                    span=span,
                )
        return ListLiteral(items=items, span=span)

    def filtered_comprehension(
        self, span: Span, head: Expr, where: Expr, projection: Expr | None
    ) -> Expr:
        return self._comprehension(span, head, where, projection)

    def mapped_comprehension(self, span: Span, head: Expr, projection: Expr) -> Expr:
        return self._comprehension(span, head, None, projection)

    def _comprehension(
        self, span: Span, head: Expr, where: Expr | None, projection: Expr | None
    ) -> Expr:
        """Re-read the head of `[head WHERE ... | ...]` as a list or pattern comprehension."""
        self.allow_predicate(where)
        pattern = self._comprehension_pattern(head)
        if pattern is not None:
            if projection is None:
                raise self.error(
                    "a pattern comprehension needs a projection",
                    span,
                    hint="add '| expression' before ']', e.g. [(a)-->(b) | b.name]",
                )
            return PatternComprehension(
                pattern=pattern.pattern, where=where, projection=projection, span=span
            )
        split = self._split_in(head)
        if split is None:
            raise self.error(
                "a list comprehension starts with 'variable IN list'",
                self.outer_span(head),
                hint="e.g. [x IN range(1, 5) WHERE x > 2 | x * 10]",
            )
        variable, source = split
        return ListComprehension(
            variable=variable, source=source, where=where, projection=projection, span=span
        )

    def _comprehension_pattern(self, head: Expr) -> PatternExpression | None:
        """The pattern of a pattern comprehension's head `(a)-->(b)` or `p = (a)-->(b)`."""
        if self.is_parenthesized(head):
            return None
        match head:
            case PatternExpression():
                self.allow_predicate(head)
                return head
            case Binary(
                op=BinaryOp.EQ, left=Variable() as name, right=PatternExpression() as found
            ):
                if self.is_parenthesized(name) or self.is_parenthesized(found):
                    return None
                self.allow_predicate(found)
                named = dataclasses.replace(found.pattern, variable=name, span=head.span)
                return PatternExpression(pattern=named, span=head.span)
        return None

    def _split_in(self, head: Expr) -> tuple[Variable, Expr] | None:
        """Split `x IN source` off the head of a comprehension, or None if it is not one.

        The grammar parsed the head as an expression, so in `[x IN a OR b | ...]` it
        built `(x IN a) OR b`; openCypher reads `x IN (a OR b)`. Walk down the left
        spine of looser operators to the `x IN ...` and rebuild the spine around its
        right side.
        """
        spine: list[Binary | IsNull] = []
        node = head
        while not self.is_parenthesized(node):
            if self._is_in_head(node):
                assert isinstance(node, Binary)
                assert isinstance(node.left, Variable)
                return node.left, self._rebuild_spine(spine, node.right)
            if isinstance(node, Binary) and node.op in _LOOSER_THAN_IN:
                spine.append(node)
                node = node.left
            elif isinstance(node, IsNull):
                spine.append(node)
                node = node.operand
            else:
                return None
        return None

    def _is_in_head(self, node: Expr) -> bool:
        """Whether `node` is `variable IN ...` with the variable unparenthesised."""
        if not isinstance(node, Binary) or node.op is not BinaryOp.IN:
            return False
        return isinstance(node.left, Variable) and not self.is_parenthesized(node.left)

    @staticmethod
    def _rebuild_spine(spine: list[Binary | IsNull], source: Expr) -> Expr:
        rebuilt = source
        for parent in reversed(spine):
            span = Span(rebuilt.span.start, max(parent.span.end, rebuilt.span.end))
            if isinstance(parent, Binary):
                rebuilt = dataclasses.replace(parent, left=rebuilt, span=span)
            else:
                rebuilt = dataclasses.replace(parent, operand=rebuilt, span=span)
        return rebuilt
