"""Errors as GraphQL errors: engram's query errors with their position, server errors by code.

Every error in a response carries ``extensions.code`` and ``extensions.requestId``.
An engram `QueryError` also carries its openCypher ``kind`` and ``detail``, the
``phase``, the ``line`` / ``column`` / ``offset`` / ``length`` of the offending text and
``rendered``, the diagnostic with its caret line. Anything that is not a deliberate,
user-facing error (engram bugs, storage failures, Python exceptions) is masked to
"internal error" and logged with its traceback and the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any, Final

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from engram import (
    AccessModeError,
    MemoryLimitExceeded,
    QueryError,
    QueryTimeout,
    TransactionError,
)
from engram.errors import render_diagnostic

__all__ = [
    "BadUserInput",
    "ErrorExtension",
    "Forbidden",
    "NotFound",
    "ReadOnlyOperation",
    "ResultTooLarge",
    "ServerError",
    "ShuttingDown",
    "SubscriberTooSlow",
    "Unauthenticated",
    "format_error",
]

_log = logging.getLogger("engram.server")

INTERNAL: Final = "INTERNAL_SERVER_ERROR"


class ServerError(Exception):
    """A deliberate, user-facing error of the server, identified by `code`."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, *, hint: str | None = None, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.extensions = extensions


class Unauthenticated(ServerError):
    """No API key, or one the server does not know."""

    code = "UNAUTHENTICATED"


class Forbidden(ServerError):
    """The key's role may not do this."""

    code = "FORBIDDEN"


class ReadOnlyOperation(ServerError):
    """A statement that writes, sent through a query or subscription."""

    code = "READ_ONLY_OPERATION"


class ResultTooLarge(ServerError):
    """More rows than the server's `max_rows` limit."""

    code = "RESULT_TOO_LARGE"


class BadUserInput(ServerError):
    """An argument the server cannot use (a malformed cursor or id, conflicting options)."""

    code = "BAD_USER_INPUT"


class NotFound(ServerError):
    """A node, relationship or key the request names does not exist."""

    code = "NOT_FOUND"


class ShuttingDown(ServerError):
    """The server is stopping and takes no new work."""

    code = "SHUTTING_DOWN"


class SubscriberTooSlow(ServerError):
    """A change subscription fell further behind than its buffer allows."""

    code = "SUBSCRIBER_TOO_SLOW"


def _query_error_extensions(error: QueryError) -> dict[str, Any]:
    extensions: dict[str, Any] = {
        "code": error.code,
        "kind": str(error.kind),
        "detail": str(error.detail),
        "phase": str(error.phase),
        "rendered": render_diagnostic(error),
    }
    if error.span is not None and error.source is not None:
        extensions.update(
            line=error.line,
            column=error.column,
            offset=error.span.start,
            length=max(1, error.span.end - error.span.start),
        )
    if error.hint:
        extensions["hint"] = error.hint
    return extensions


def _classify(original: BaseException) -> tuple[str, dict[str, Any]] | None:
    """Message and extensions of a deliberate error; None for errors to mask."""
    if isinstance(original, QueryError):
        return original.message, _query_error_extensions(original)
    if isinstance(original, ServerError):
        extensions: dict[str, Any] = {"code": original.code, **original.extensions}
        if original.hint:
            extensions["hint"] = original.hint
        return original.message, extensions
    if isinstance(original, QueryTimeout):
        return str(original), {"code": "QUERY_TIMEOUT"}
    if isinstance(original, MemoryLimitExceeded):
        return str(original), {
            "code": "MEMORY_LIMIT_EXCEEDED",
            "limit": original.limit,
            "operator": original.operator,
            "hint": original.hint,
        }
    if isinstance(original, AccessModeError):
        return str(original), {
            "code": ReadOnlyOperation.code,
            "hint": "statements that write run through the cypher mutation",
        }
    if isinstance(original, TransactionError):
        return str(original), {"code": "TRANSACTION_ERROR"}
    return None


def format_error(error: GraphQLError, request_id: str) -> GraphQLError:
    """The error as the client sees it (masked and logged if it is not user-facing)."""
    original = error.original_error
    if isinstance(original, GraphQLError):
        return format_error(original, request_id)
    if original is None:
        code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        extensions = {**(error.extensions or {}), "code": code, "requestId": request_id}
        return _rebuild(error, error.message, extensions)
    classified = _classify(original)
    if classified is None:
        _log.error(
            "internal error in %s",
            ".".join(str(part) for part in error.path or ()) or "request",
            exc_info=(type(original), original, original.__traceback__),
            extra={"request_id": request_id},
        )
        message = f"internal error; the server log has the details (request id {request_id})"
        return _rebuild(error, message, {"code": INTERNAL, "requestId": request_id})
    message, extensions = classified
    extensions["requestId"] = request_id
    return _rebuild(error, message, extensions)


def _rebuild(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


class ErrorExtension(SchemaExtension):
    """Rewrites every error of an operation with `format_error` (also for streamed results).

    Args:
        request_id: gives the current request id.
        on_error: called with each error's code (metrics).
    """

    def __init__(
        self, request_id: Callable[[], str], on_error: Callable[[str], None] | None = None
    ) -> None:
        self._request_id = request_id
        self._on_error = on_error

    def _rewrite(self, result: Any) -> None:
        errors = getattr(result, "errors", None)
        if not errors:
            return
        request_id = self._request_id()
        rewritten = []
        for error in errors:
            if error.original_error is None and "requestId" in (error.extensions or {}):
                rewritten.append(error)  # already rewritten (a stream's last result)
                continue
            formatted = format_error(error, request_id)
            if self._on_error is not None:
                self._on_error(str((formatted.extensions or {}).get("code", INTERNAL)))
            rewritten.append(formatted)
        result.errors = rewritten

    def on_operation(self) -> Iterator[None]:
        """Rewrite the errors of the finished operation."""
        yield
        result = self.execution_context.result
        if result is not None:
            self._rewrite(result)
            initial = getattr(result, "initial_result", None)
            if initial is not None:
                self._rewrite(initial)

    def on_stream_result(self, result: Any) -> Iterator[None]:
        """Rewrite the errors of each streamed result before it is sent."""
        self._rewrite(result)
        yield None
