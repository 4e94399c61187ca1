"""Tokens and reductions → AST with spans; no name resolution, no catalog or storage.

The rule methods (one per grammar rule or alias, named after it) live in the mixins
this module combines. `engram.parser.lalr` calls them as it reduces: each receives the
rule's span and its children, already built, and returns AST nodes or small
intermediate values (tuples of names, flags). No Lark parse tree is built, and nothing
here recurses, so a query nested ten thousand levels deep costs no Python stack. The
driver bounds the tree's depth as it goes; only when that bound exceeds `MAX_DEPTH` is
the tree measured exactly (`engram.parser.checks`).
"""

from __future__ import annotations

import functools
import threading
from typing import Final

from engram.parser.ast import AstNode, Expr, Statement
from engram.parser.checks import MAX_DEPTH, check_depth, measure_depth
from engram.parser.clause_rules import ClauseRules
from engram.parser.expression_rules import ExpressionRules
from engram.parser.grammar import START_EXPRESSION, START_STATEMENT, get_parser
from engram.parser.lalr import LalrDriver
from engram.parser.pattern_rules import PatternRules
from engram.parser.schema_rules import SchemaRules

__all__ = ["AstBuilder", "build_expression", "build_statement", "get_driver"]

_LOCK = threading.Lock()


class AstBuilder(ClauseRules, SchemaRules, PatternRules, ExpressionRules):
    """Every rule method, plus the state they share (query text, parentheses)."""


#: a relationship's closing `]-` / `]->` is one token, but after `x[a` (a subscript whose
#: index is a bare name) LALR's merged lookaheads let the lexer take the `] -` of
#: `x[a] - 1` as one: where the parser cannot go on with it, the `]` is read alone
_SPLITS: Final = {"REL_CLOSE": "]", "REL_CLOSE_RIGHT": "]"}


@functools.cache
def _cached_driver() -> LalrDriver:
    return LalrDriver(get_parser(), AstBuilder, _SPLITS)


def get_driver() -> LalrDriver:
    """The process-wide LALR driver, built on first use (thread-safe, read-only after)."""
    with _LOCK:
        return _cached_driver()


def build_statement(text: str) -> Statement:
    """Parse `text` as a statement and build its AST.

    Raises:
        ParseFailure: the text is not a statement (see `engram.parser.syntax_errors`).
        CypherSyntaxError: a literal or construct the grammar lets through is invalid,
            or the statement is nested deeper than `MAX_DEPTH`.
    """
    result = _build(text, START_STATEMENT)
    assert isinstance(result, Statement)
    return result


def build_expression(text: str) -> Expr:
    """Parse `text` as one expression and build its AST (see `build_statement`)."""
    result = _build(text, START_EXPRESSION)
    assert isinstance(result, Expr)
    return result


def _build(text: str, start: str) -> AstNode:
    builder = AstBuilder(text)
    result, depth = get_driver().parse(text, start, builder, limit=MAX_DEPTH, measure=measure_depth)
    assert isinstance(result, AstNode)
    if depth + builder.extra_levels > MAX_DEPTH:
        check_depth(result)  # the cheap bound is not conclusive: measure exactly
    builder.finish(result)
    return result
