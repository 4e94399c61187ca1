"""HTTP and WebSocket gateway: request ids, API keys, rate limits, body size, metrics, access log.

`Gateway` wraps the Starlette app (pure ASGI, so streamed responses and WebSockets pass
through untouched). For every request it assigns the request id, checks the API key of
GraphQL requests (``Authorization: Bearer <key>`` or ``X-API-Key``; a browser's GET of
the GraphiQL page needs none), applies the per-key rate limit (429 with
`Retry-After`) and the body size limit (413), then counts and logs the request.
WebSocket handshakes carry no headers from browsers, so their key may come in the
`connection_init` payload instead; the GraphQL view checks it there.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any, Final

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engram.server import graphiql
from engram.server.auth import ANONYMOUS, Principal, bearer_token
from engram.server.context import ServerState
from engram.server.logs import new_request_id, request_id_var
from engram.server.metrics import CONTENT_TYPE
from engram.server.ratelimit import RateLimiter

__all__ = ["Gateway", "error_response", "health", "metrics_page", "ready"]

_log = logging.getLogger("engram.server.access")
PRINCIPAL: Final = "engram.principal"
_ROUTES: Final = ("/graphql", "/health", "/ready", "/metrics")


class BodyTooLarge(Exception):
    """The request body passed the size limit while it was being read."""


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    headers: Mapping[str, str] | None = None,
    **extensions: Any,
) -> JSONResponse:
    """A GraphQL-shaped error body with an HTTP status."""
    body = {
        "errors": [
            {
                "message": message,
                "extensions": {"code": code, "requestId": request_id_var.get(), **extensions},
            }
        ]
    }
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def _route(path: str) -> str:
    if path in _ROUTES:
        return path
    if path.startswith("/graphiql/static/"):
        return "/graphiql/static"
    return "other"


def _client(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _token(headers: Headers) -> str | None:
    return bearer_token(headers.get("authorization")) or headers.get("x-api-key")


class Gateway:
    """The ASGI middleware described in the module docstring."""

    def __init__(self, app: ASGIApp, state: ServerState) -> None:
        self.app = app
        self.state = state
        settings = state.settings
        # failed authentication is limited per client address, to slow down key guessing
        self._failures = RateLimiter(
            rate=settings.limits.failed_auth_rate, burst=settings.limits.failed_auth_burst
        )
        self._max_body = settings.limits.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request or WebSocket connection."""
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        token = request_id_var.set(new_request_id(headers.get("x-request-id")))
        try:
            if scope["type"] == "http":
                await self._http(scope, receive, send, headers)
            else:
                await self._websocket(scope, receive, send, headers)
        finally:
            request_id_var.reset(token)

    # -- authentication and limits ---------------------------------------------------------

    def _authenticate(self, headers: Headers, scope: Scope) -> Principal | Response:
        state = self.state
        if state.keys is None:
            return ANONYMOUS
        principal = state.keys.verify(_token(headers))
        if principal is not None:
            return principal
        wait = self._failures.acquire(_client(scope))
        if wait is not None:
            return self._too_many(wait)
        given = _token(headers) is not None
        message = "the API key is not valid" if given else "an API key is required"
        return error_response(
            401,
            "UNAUTHENTICATED",
            message,
            headers={"WWW-Authenticate": 'Bearer realm="engram"'},
            hint="send 'Authorization: Bearer <key>'; `engram serve` printed the first "
            "admin key when it created the database's key file",
        )

    def _too_many(self, wait: float) -> Response:
        self.state.metrics.rate_limited.inc()
        seconds = RateLimiter.retry_after(wait)
        return error_response(
            429,
            "RATE_LIMITED",
            f"too many requests; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
            retryAfter=seconds,
        )

    def _rate_limit(self, principal: Principal, scope: Scope) -> Response | None:
        key = principal.key_id if principal is not ANONYMOUS else f"ip:{_client(scope)}"
        wait = self.state.rate_limiter.acquire(key)
        return None if wait is None else self._too_many(wait)

    def _gate(self, scope: Scope, headers: Headers) -> Response | None:
        """A refusal for a GraphQL HTTP request, or None to let it through."""
        if self.state.runner.closing:
            return error_response(503, "SHUTTING_DOWN", "the server is shutting down")
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self._max_body:
            return self._body_too_large()
        principal = self._authenticate(headers, scope)
        if isinstance(principal, Response):
            return principal
        refused = self._rate_limit(principal, scope)
        if refused is not None:
            return refused
        scope[PRINCIPAL] = principal
        return None

    def _body_too_large(self) -> Response:
        return error_response(
            413,
            "BODY_TOO_LARGE",
            f"the request body is larger than {self._max_body} bytes",
            limit=self._max_body,
        )

    # -- HTTP ------------------------------------------------------------------------------

    async def _http(self, scope: Scope, receive: Receive, send: Send, headers: Headers) -> None:
        started = time.perf_counter()
        path = scope["path"]
        status = 500
        response_started = False
        request_id = request_id_var.get()

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        refusal = self._refusal(scope, headers, path)
        try:
            if refusal is not None:
                await refusal(scope, receive, send_with_id)
            else:
                await self.app(scope, self._limited(receive), send_with_id)
        except BodyTooLarge:
            if not response_started:
                await self._body_too_large()(scope, receive, send_with_id)
        finally:
            self._record(scope, path, status, time.perf_counter() - started)

    def _refusal(self, scope: Scope, headers: Headers, path: str) -> Response | None:
        if path == "/graphql":
            if self._is_page(scope, headers):
                return None
            return self._gate(scope, headers)
        if path == "/metrics" and self.state.settings.metrics_auth:
            principal = self._authenticate(headers, scope)
            return principal if isinstance(principal, Response) else None
        return None

    def _is_page(self, scope: Scope, headers: Headers) -> bool:
        if not self.state.settings.graphiql:
            return False
        has_query = b"query=" in scope.get("query_string", b"")
        return graphiql.wants_page(scope["method"], headers.get("accept", ""), has_query)

    def _limited(self, receive: Receive) -> Receive:
        received = 0
        limit = self._max_body

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        return limited

    def _record(self, scope: Scope, path: str, status: int, seconds: float) -> None:
        metrics = self.state.metrics
        route = _route(path)
        metrics.requests.inc(route, str(status))
        metrics.request_seconds.observe(seconds, route)
        principal = scope.get(PRINCIPAL)
        _log.info(
            "%s %s %d",
            scope["method"],
            path,
            status,
            extra={
                "request_id": request_id_var.get(),
                "method": scope["method"],
                "path": path,
                "status": status,
                "duration_ms": round(seconds * 1000, 3),
                "client": _client(scope),
                "key": principal.key_id if principal is not None else None,
            },
        )

    # -- WebSocket -------------------------------------------------------------------------

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, headers: Headers
    ) -> None:
        state = self.state
        if scope["path"] != "/graphql":
            await self.app(scope, receive, send)
            return
        if state.runner.closing:
            await send({"type": "websocket.close", "code": 1012})
            return
        if _token(headers) is not None:
            verified = self._authenticate(headers, scope)
            if isinstance(verified, Response):
                await send({"type": "websocket.close", "code": 4401})
                return
            scope[PRINCIPAL] = verified
        wait = state.rate_limiter.acquire(f"ws:{_client(scope)}")
        if wait is not None:
            state.metrics.rate_limited.inc()
            await send({"type": "websocket.close", "code": 4429})
            return
        started = time.perf_counter()
        state.metrics.websockets.add(1)
        try:
            await self.app(scope, receive, send)
        finally:
            state.metrics.websockets.add(-1)
            principal = scope.get(PRINCIPAL)
            _log.info(
                "websocket closed",
                extra={
                    "request_id": request_id_var.get(),
                    "path": scope["path"],
                    "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                    "client": _client(scope),
                    "key": principal.key_id if principal is not None else None,
                },
            )


async def health(request: Request) -> Response:
    """Liveness: 200 while the process serves requests."""
    state: ServerState = request.app.state.engram
    return JSONResponse(
        {"status": "ok", "uptimeSeconds": round(time.monotonic() - state.started, 3)}
    )


async def ready(request: Request) -> Response:
    """Readiness: 200 once started and until shutdown begins, else 503."""
    state: ServerState = request.app.state.engram
    if state.ready and not state.runner.closing and not state.db.closed:
        return JSONResponse({"status": "ready", "schemaGeneration": state.schemas.generation})
    reason = "shutting down" if state.runner.closing else "starting"
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


async def metrics_page(request: Request) -> Response:
    """Prometheus metrics in the text format."""
    state: ServerState = request.app.state.engram
    return PlainTextResponse(state.metrics.render(), media_type=CONTENT_TYPE)
