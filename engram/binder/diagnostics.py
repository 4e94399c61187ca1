"""Constructors for the binder's compile-time errors: kind, detail, message, span and hint.

Every semantic error the binder raises is built here, so messages stay uniform
(lower-case, specific, quoting names) and the openCypher kind / detail pairs live in one
place.
"""

from __future__ import annotations

from collections.abc import Iterable

from engram.binder.suggestions import did_you_mean
from engram.errors import ErrorDetail, ErrorKind, SemanticError, Span

__all__ = [
    "fail",
    "type_error",
    "undefined_variable",
]


def fail(
    detail: ErrorDetail,
    message: str,
    span: Span | None,
    *,
    hint: str | None = None,
    kind: ErrorKind = ErrorKind.SYNTAX_ERROR,
) -> SemanticError:
    """A compile-time `SemanticError` (openCypher kind SyntaxError unless told otherwise)."""
    return SemanticError(message, detail=detail, span=_real(span), kind=kind, hint=hint)


def type_error(message: str, span: Span | None, *, hint: str | None = None) -> SemanticError:
    """A compile-time openCypher TypeError with detail InvalidArgumentType."""
    return fail(
        ErrorDetail.INVALID_ARGUMENT_TYPE,
        message,
        span,
        hint=hint,
        kind=ErrorKind.TYPE_ERROR,
    )


def undefined_variable(name: str, span: Span | None, visible: Iterable[str]) -> SemanticError:
    """`variable 'x' is not defined`, with a suggestion among the visible names."""
    return fail(
        ErrorDetail.UNDEFINED_VARIABLE,
        f"variable '{name}' is not defined",
        span,
        hint=did_you_mean(name, visible),
    )


def _real(span: Span | None) -> Span | None:
    # the query builder's nodes carry an empty span: no caret is better than a wrong one
    if span is None or span.end <= span.start:
        return None
    return span
