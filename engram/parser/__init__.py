"""Parse stage: query text to an AST (`parse`); the only entry into this stage.

>>> from engram.parser import parse
>>> statement = parse("MATCH (p:Person) WHERE p.age > 30 RETURN p.name AS name")
>>> type(statement.body).__name__
'SingleQuery'
>>> from engram.parser.printer import print_statement
>>> print_statement(statement)
'MATCH (p:Person) WHERE p.age > 30 RETURN p.name AS name'

Every error is an `engram.errors.CypherSyntaxError` (kind ``SyntaxError``) carrying the
query text, so ``str(error)`` shows the offending line with a caret.

What a parsed tree guarantees to the later stages:

- it is at most `MAX_DEPTH` (200) levels deep, so they may walk it recursively;
- integer literals fit a signed 64-bit integer; a minus written before a number is
  part of the literal (`-5` is ``Literal(-5)``, `-(5)` is a negation);
- `a < b < c` arrives as ``(a < b) AND (b < c)``, left-deep;
- a `PatternExpression` appears only where a truth value is expected (WHERE, under
  NOT / AND / OR / XOR, a CASE WHEN condition, the argument of ``exists``);
- `count(*)` is ``CountStar``; function names keep the case and dots they were
  written with; `exists(x)` is a ``FunctionCall`` named as written;
- every ``ProjectionItem.text`` is the expression's source text, the column name of an
  unaliased item;
- clause order, scopes, aggregation and every other semantic rule are not checked.
"""

from __future__ import annotations

from engram.errors import QueryError
from engram.parser.ast import Expr, Statement
from engram.parser.checks import MAX_DEPTH, check_text
from engram.parser.keywords import KEYWORDS, NON_RESERVED, RESERVED
from engram.parser.lalr import ParseFailure
from engram.parser.syntax_errors import syntax_error
from engram.parser.transformer import build_expression, build_statement

__all__ = ["KEYWORDS", "MAX_DEPTH", "NON_RESERVED", "RESERVED", "parse", "parse_expression"]


def parse(text: str) -> Statement:
    """Parse one statement: a query or schema command, optionally under EXPLAIN/PROFILE.

    Args:
        text: the query text; a trailing ``;`` is allowed.

    Returns:
        The statement's AST, every node carrying its span in `text`.

    Raises:
        CypherSyntaxError: the text is not a statement of the language; the error
            carries the text, the span of the offending part and, where one helps, a hint.
        TypeError: `text` is not a string.
    """
    _check_type(text)
    try:
        check_text(text)
        statement = build_statement(text)
    except ParseFailure as failure:
        raise syntax_error(failure, text).with_source(text) from None
    except QueryError as error:
        raise error.with_source(text) from None
    return statement


def parse_expression(text: str) -> Expr:
    """Parse one expression, e.g. ``n.age > 30 AND n.name STARTS WITH 'A'``.

    Raises:
        CypherSyntaxError: the text is not one expression of the language.
        TypeError: `text` is not a string.
    """
    _check_type(text)
    try:
        check_text(text)
        expression = build_expression(text)
    except ParseFailure as failure:
        raise syntax_error(failure, text).with_source(text) from None
    except QueryError as error:
        raise error.with_source(text) from None
    return expression


def _check_type(text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"query text must be a str, not {type(text).__name__}")
