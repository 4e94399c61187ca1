"""Tokens and reductions → AST with spans; no name resolution, no catalog or storage.

The rule methods (one per grammar rule or alias, named after it) live in the mixins
this module combines. `engram.parser.lalr` calls them as it reduces: each receives the
rule's span and its children, already built, and returns AST nodes or small
intermediate values (tuples of names, flags). No Lark parse tree is built, and nothing
here recurses, so a query nested ten thousand levels deep costs no Python stack; the
depth limit is enforced afterwards by `engram.parser.checks`.
"""

from __future__ import annotations

import functools
import threading

from engram.parser.ast import Expr, Statement
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


@functools.cache
def _cached_driver() -> LalrDriver:
    return LalrDriver(get_parser(), AstBuilder)


def get_driver() -> LalrDriver:
    """The process-wide LALR driver, built on first use (thread-safe, read-only after)."""
    with _LOCK:
        return _cached_driver()


def build_statement(text: str) -> Statement:
    """Parse `text` as a statement and build its AST.

    Raises:
        ParseFailure: the text is not a statement (see `engram.parser.syntax_errors`).
        CypherSyntaxError: a literal or construct the grammar lets through is invalid.
    """
    result = get_driver().parse(text, START_STATEMENT, AstBuilder(text))
    assert isinstance(result, Statement)
    return result


def build_expression(text: str) -> Expr:
    """Parse `text` as one expression and build its AST."""
    result = get_driver().parse(text, START_EXPRESSION, AstBuilder(text))
    assert isinstance(result, Expr)
    return result
