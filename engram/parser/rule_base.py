"""State and helpers shared by the transformer's rule methods (names, parentheses).

The rule methods live in mixins (expressions, patterns, clauses, schema) that the
transformer combines. Each method is named after a grammar rule or alias and receives
the rule's span and its already-built children (tokens arrive as `Lexeme`s).
"""

from __future__ import annotations

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser.ast import AstNode, Call, Expr, Literal, PatternExpression, Statement
from engram.parser.checks import is_standalone, pattern_error, yield_star_error
from engram.parser.lexer import Lexeme
from engram.parser.literals import check_integer, decode_name

__all__ = ["RuleBase"]


class RuleBase:
    """What every rule method may use: the query text and the parenthesised expressions.

    Parentheses leave no node in the AST, but a few re-readings depend on them:
    `[(x IN list)]` is a list, not a comprehension; `-(9223372036854775808)` overflows
    while `-9223372036854775808` does not; a column's name keeps its parentheses. The
    transformer records, for each parenthesised expression, the span of its outermost
    parentheses (keyed by identity, holding the node so the key stays valid).
    """

    def __init__(self, source: str) -> None:
        self.source = source
        self.parens: dict[int, tuple[Expr, Span]] = {}
        # what `finish` checks once the whole tree is built (see engram.parser.checks)
        self.patterns: list[PatternExpression] = []
        self.predicates: set[int] = set()
        self.unsigned_limits: list[Literal] = []  # 9223372036854775808, valid only negated
        self.negated: set[int] = set()
        self.yield_stars: list[Call] = []
        # AST levels a rule adds beyond one (a chain `a < b < c` is two), for the depth bound
        self.extra_levels = 0

    def allow_predicate(self, expr: Expr | None) -> None:
        """`expr` sits where a truth value is expected: a pattern may stand there."""
        if type(expr) is PatternExpression:
            self.predicates.add(id(expr))

    def finish(self, root: AstNode) -> None:
        """Check what could only be decided once the tree was complete.

        Raises:
            CypherSyntaxError: an integer that only fits negated and is not negated, a
                pattern outside a predicate position, or YIELD * in a CALL that is not
                the whole statement.
        """
        for literal in self.unsigned_limits:
            if id(literal) not in self.negated:
                check_integer(literal.value, str(literal.value), literal.span)  # type: ignore[arg-type]
        misplaced = [pattern for pattern in self.patterns if id(pattern) not in self.predicates]
        if misplaced:
            raise pattern_error(min(misplaced, key=lambda pattern: pattern.span.start))
        for call in self.yield_stars:
            if not (isinstance(root, Statement) and is_standalone(root, call)):
                raise yield_star_error(call)

    def is_parenthesized(self, expr: Expr) -> bool:
        """Whether `expr` was written inside its own parentheses."""
        return id(expr) in self.parens

    def outer_span(self, expr: Expr) -> Span:
        """The span of `expr` including any parentheses around it."""
        entry = self.parens.get(id(expr))
        return entry[1] if entry is not None else expr.span

    def text_of(self, expr: Expr) -> str:
        """The verbatim source text of `expr`, parentheses included."""
        span = self.outer_span(expr)
        return self.source[span.start : span.end]

    @staticmethod
    def name(token: Lexeme) -> str:
        """The name an identifier or keyword token stands for."""
        return decode_name(token.text)

    @staticmethod
    def error(message: str, span: Span, *, hint: str | None = None) -> CypherSyntaxError:
        """A syntax error (UnexpectedSyntax) for a construct the grammar lets through."""
        return CypherSyntaxError(
            message, detail=ErrorDetail.UNEXPECTED_SYNTAX, span=span, hint=hint
        )
