"""State and helpers shared by the transformer's rule methods (names, parentheses).

The rule methods live in mixins (expressions, patterns, clauses, schema) that the
transformer combines. Each method is named after a grammar rule or alias and receives
the rule's span and its already-built children (tokens arrive as `Lexeme`s).
"""

from __future__ import annotations

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser.ast import Expr
from engram.parser.lexer import Lexeme
from engram.parser.literals import decode_name

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
