"""Syntactic rules the grammar does not express, and the bound on nesting.

- Nesting: at most `MAX_DEPTH` levels of AST (and of brackets in the text), so that
  every later stage may walk the tree recursively; deeper input gets a clear error.
- An integer literal must fit 64 bits once a leading minus is applied
  (`-9223372036854775808` is fine, `9223372036854775808` overflows).
- A pattern such as `(a)-->(b)` is an expression only where its value is a truth
  value: in WHERE, under NOT / AND / OR / XOR, as a CASE condition or in exists();
  elsewhere openCypher reports UnexpectedSyntax (use a pattern comprehension).
- `YIELD *` belongs to a standalone CALL (the whole statement is that CALL).

The AST builder records what these rules need while it builds (`RuleBase.finish`);
this module holds the errors and the exact depth walk.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Final

from engram.errors import CypherSyntaxError, ErrorDetail, Span
from engram.parser.ast import AstNode, Call, PatternExpression, SingleQuery, Statement
from engram.parser.scanner import scan

__all__ = [
    "MAX_DEPTH",
    "check_depth",
    "check_text",
    "depth_error",
    "is_standalone",
    "measure_depth",
    "pattern_error",
    "yield_star_error",
]

#: the deepest AST (and bracket nesting) a query may have
MAX_DEPTH: Final = 200

_SKIPPED_FIELDS = frozenset({"span", "text"})
_SURROGATE = re.compile("[\ud800-\udfff]")
_CHILD_FIELDS: dict[type[AstNode], tuple[str, ...]] = {}


def depth_error(span: Span | None) -> CypherSyntaxError:
    """The error for input nested deeper than `MAX_DEPTH`."""
    return CypherSyntaxError(
        f"query is nested too deeply (more than {MAX_DEPTH} levels)",
        detail=ErrorDetail.RESOURCE_LIMIT,
        span=span,
        hint="split the expression, or pass large values as parameters",
    )


#: the most relationships one path pattern may spell out (variable-length ones count once)
MAX_PATTERN_LENGTH: Final = 100
_JOINT = re.compile(r"\)\s*<?-\s*(?:\[[^\]]*\]\s*)?-?>?\s*\(")


def pattern_length_error(count: int, span: Span) -> CypherSyntaxError:
    """The error for a path pattern of more than `MAX_PATTERN_LENGTH` relationships."""
    return CypherSyntaxError(
        f"a pattern may spell out at most {MAX_PATTERN_LENGTH:,} relationships; "
        f"this one has {count:,}",
        detail=ErrorDetail.RESOURCE_LIMIT,
        span=span,
        hint="use a variable-length relationship such as -[*5000]->",
    )


def _check_chains(text: str) -> None:
    """Refuse, before parsing, a chain `()-->()-->...` longer than a pattern may be.

    The pattern rule refuses it too, but only after the whole chain is parsed; a chain of
    thousands of joints would cost a long parse first. Joints separated by nothing but a
    node's inside (no parentheses) belong to one chain; anything unusual in between just
    ends the count here, and the pattern rule still has the last word.
    """
    if text.count("-") <= MAX_PATTERN_LENGTH:
        return
    run, previous = 0, -1
    for joint in _JOINT.finditer(text):
        gap = text[previous : joint.start()] if previous >= 0 else "("
        run = run + 1 if "(" not in gap and ")" not in gap else 1
        if run > MAX_PATTERN_LENGTH:
            raise pattern_length_error(run, Span(joint.start(), joint.end()))
        previous = joint.end()


def check_text(text: str) -> None:
    """Refuse, before parsing, text that is not Unicode or nests too deeply.

    A lone UTF-16 surrogate (which a Python string can hold, but no UTF-8 text can)
    would reach the store inside a string or a name; brackets nested deeper than
    `MAX_DEPTH` would only be refused after a long parse.

    Raises:
        CypherSyntaxError: InvalidUnicodeCharacter or ResourceLimit.
    """
    if not text.isascii():
        surrogate = _SURROGATE.search(text)
        if surrogate is not None:
            raise CypherSyntaxError(
                f"invalid character U+{ord(surrogate.group()):04X}: a lone UTF-16 surrogate",
                detail=ErrorDetail.INVALID_UNICODE_CHARACTER,
                span=Span(surrogate.start(), surrogate.end()),
                hint="the query text is not valid Unicode; decode it as UTF-8 first",
            )
    _check_chains(text)
    result = scan(text, limit=MAX_DEPTH)
    if result.max_depth > MAX_DEPTH:
        raise depth_error(Span(result.deepest_offset, result.deepest_offset + 1))


def check_depth(root: AstNode) -> None:
    """Refuse a tree deeper than `MAX_DEPTH` (an exact, iterative measurement).

    The driver bounds the depth cheaply while parsing; this walk runs only when that
    bound is not conclusive.
    """
    measure_depth(root)


def measure_depth(value: object) -> int:
    """The exact depth of `value` if it is an AST, refusing one deeper than `MAX_DEPTH`.

    Values that are not trees (tokens, lists of children) measure 0.

    Raises:
        CypherSyntaxError: ResourceLimit, at the first node found too deep.
    """
    if not isinstance(value, AstNode):
        return 0
    deepest = 0
    stack: list[tuple[AstNode, int]] = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise depth_error(node.span)
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest


def pattern_error(pattern: PatternExpression) -> CypherSyntaxError:
    """The error for a pattern used where a truth value is not expected."""
    return CypherSyntaxError(
        "a pattern can only be used as a predicate here",
        detail=ErrorDetail.UNEXPECTED_SYNTAX,
        span=pattern.span,
        hint="to collect matches use a pattern comprehension, [(a)-->(b) | b]; "
        "to test for a pattern use it in WHERE or in EXISTS { ... }",
    )


def yield_star_error(call: Call) -> CypherSyntaxError:
    """The error for `YIELD *` in a CALL that is not the whole statement."""
    return CypherSyntaxError(
        "YIELD * is only allowed when the CALL is the whole query",
        detail=ErrorDetail.UNEXPECTED_SYNTAX,
        span=call.span,
        hint="name the fields to yield: YIELD a, b",
    )


def is_standalone(statement: Statement, call: Call) -> bool:
    """Whether `call` is the whole statement (where `YIELD *` is allowed)."""
    body = statement.body
    return isinstance(body, SingleQuery) and body.clauses == (call,) and body.clauses[0] is call


def _children(node: AstNode) -> Iterator[AstNode]:
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = tuple(
            item.name for item in dataclasses.fields(node) if item.name not in _SKIPPED_FIELDS
        )
        _CHILD_FIELDS[type(node)] = names
    for name in names:
        value = getattr(node, name)
        if isinstance(value, AstNode):
            yield value
        elif isinstance(value, tuple):
            for element in value:
                if isinstance(element, AstNode):
                    yield element
