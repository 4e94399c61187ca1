"""The GraphQL endpoint: strawberry's ASGI view bound to the live schema and the request context.

The view always serves the current schema of the `SchemaManager`, also to WebSocket
connections opened before a regeneration (each new operation uses the newest schema).
A WebSocket client authenticates in its `connection_init` payload
(``{"Authorization": "Bearer <key>"}``, or ``{"apiKey": "<key>"}``) unless the
handshake already carried a valid key.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.schema import BaseSchema
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.types.unset import UnsetType

from engram.server import graphiql
from engram.server.auth import ANONYMOUS, bearer_token
from engram.server.context import RequestContext, ServerState
from engram.server.http import PRINCIPAL
from engram.server.logs import request_id_var

__all__ = ["GraphQLView"]


class _LiveSchemaHandler(BaseGraphQLTransportWSHandler[RequestContext, None]):
    """graphql-transport-ws handler that runs each operation on the newest schema."""

    @property
    def schema(self) -> BaseSchema:
        """The view's current schema."""
        view: GraphQLView = self.view  # type: ignore[assignment]  # strawberry types it loosely
        return view.schema

    @schema.setter
    def schema(self, value: BaseSchema) -> None:
        """Ignored: the view's current schema is always used."""


class GraphQLView(GraphQL[RequestContext, None]):
    """strawberry's view with engram's context, authentication and GraphiQL page."""

    graphql_transport_ws_handler_class = _LiveSchemaHandler

    def __init__(self, state: ServerState) -> None:
        self.state = state
        limits = state.settings.limits
        super().__init__(
            schema=state.schemas.schema,
            graphql_ide="graphiql" if state.settings.graphiql else None,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
            max_subscriptions_per_connection=limits.max_subscriptions_per_connection,
        )

    @property
    def schema(self) -> BaseSchema:
        """The schema live now."""
        return self.state.schemas.schema

    @schema.setter
    def schema(self, value: BaseSchema) -> None:
        """Ignored: the schema manager owns the schema."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> RequestContext:
        """The context of one request (or of one WebSocket connection)."""
        principal = request.scope.get(PRINCIPAL)
        if principal is None and self.state.keys is None:
            principal = ANONYMOUS
        return RequestContext(
            state=self.state,
            request_id=request_id_var.get(),
            principal=principal,
            request=request,
            response=response,
        )

    async def on_ws_connect(self, context: RequestContext) -> UnsetType | dict[str, object] | None:
        """Authenticate a WebSocket connection from its `connection_init` payload."""
        if context.principal is not None:
            return {"role": context.principal.role.value}
        params = context.connection_params or {}
        token = None
        for name in ("Authorization", "authorization"):
            if isinstance(params.get(name), str):
                token = bearer_token(params[name])
        if token is None and isinstance(params.get("apiKey"), str):
            token = params["apiKey"]
        keys = self.state.keys
        principal = keys.verify(token) if keys is not None else ANONYMOUS
        if principal is None:
            raise ConnectionRejectionError({"message": "a valid API key is required"})
        context.principal = principal
        return {"role": principal.role.value}

    def should_render_graphql_ide(self, request: Any) -> bool:
        """A browser navigating to the endpoint gets GraphiQL (also with ``?query=``)."""
        if not self.state.settings.graphiql:
            return False
        has_query = request.query_params.get("query") is not None
        return graphiql.wants_page(request.method, request.headers.get("accept", ""), has_query)

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL with engram's key field, assets served locally."""
        return graphiql.page(request.url.path)

    def decode_json(self, data: str | bytes) -> object:
        """JSON, refusing documents nested too deeply to parse (as invalid JSON)."""
        try:
            return json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "", 0) from None
