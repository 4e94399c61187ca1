"""The Starlette application: routes, gateway middleware, and a lifespan that starts and stops.

`create_app(db, settings)` builds one app for one open database (no module-level
state). Startup connects the commit feed and the schema regeneration task; shutdown
refuses new work, lets running statements finish for `shutdown_grace` seconds, cancels
what is left, ends subscriptions and, when the app owns the database, closes it.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route, WebSocketRoute

from engram import Database
from engram.server import graphiql
from engram.server.auth import KeyStore
from engram.server.context import ServerState
from engram.server.http import Gateway, health, metrics_page, ready
from engram.server.metrics import ServerMetrics
from engram.server.ratelimit import RateLimiter
from engram.server.runner import QueryRunner
from engram.server.schema import SchemaManager
from engram.server.settings import ServerSettings
from engram.server.subscriptions import ChangeHub
from engram.server.view import GraphQLView

__all__ = ["KEYS_FILE", "create_app", "keys_path"]

_log = logging.getLogger("engram.server")

#: name of the key file inside the database directory (unless settings say otherwise)
KEYS_FILE = "server-keys.json"


def keys_path(db: Database, settings: ServerSettings) -> str:
    """Where the server keeps its API keys."""
    return settings.keys_file or os.path.join(db.path, KEYS_FILE)


def _state(db: Database, settings: ServerSettings) -> ServerState:
    metrics = ServerMetrics()
    limits = settings.limits
    keys = KeyStore(keys_path(db, settings)) if settings.auth else None
    runner = QueryRunner(db, limits, metrics)
    changes = ChangeHub(db, metrics, limits.change_queue_size)
    schemas = SchemaManager(db, settings, metrics)
    changes.watch(schemas.watch)
    return ServerState(
        db=db,
        settings=settings,
        keys=keys,
        runner=runner,
        metrics=metrics,
        rate_limiter=RateLimiter(limits.rate_limit, limits.rate_burst),
        schemas=schemas,
        changes=changes,
    )


def create_app(
    db: Database, settings: ServerSettings | None = None, *, owns_database: bool = False
) -> Starlette:
    """The ASGI app serving `db` over GraphQL.

    Args:
        db: an open, writable database.
        settings: authentication, limits and the rest (defaults: `ServerSettings()`).
        owns_database: close the database when the app shuts down.

    Returns:
        A Starlette app; run it with uvicorn (``engram serve`` does).
    """
    settings = settings or ServerSettings()
    state = _state(db, settings)
    view = GraphQLView(state)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()
        state.changes.start(loop)
        state.schemas.start(loop)
        state.ready = True
        _log.info("engram server ready", extra={"database": db.path})
        try:
            yield
        finally:
            state.ready = False
            cancelled = await state.runner.drain(settings.shutdown_grace)
            state.changes.stop()
            await state.schemas.stop()
            if owns_database:
                db.close()
            _log.info("engram server stopped", extra={"cancelled_queries": cancelled})

    middleware = [Middleware(Gateway, state=state)]
    if settings.cors_origins:
        middleware.insert(
            0,
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "X-API-Key", "X-Request-ID"],
            ),
        )
    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/health", health),
            Route("/ready", ready),
            Route("/metrics", metrics_page),
            Route(f"{graphiql.ASSET_PREFIX}/{{name}}", graphiql.asset),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.engram = state
    return app
