"""GraphQL server for engram: strawberry on Starlette, served by uvicorn.

>>> import engram
>>> from engram.server import ServerSettings, create_app
>>> with engram.open() as db:
...     app = create_app(db, ServerSettings(auth=False))
...     sorted(route.path for route in app.routes)[:3]
['/graphiql/static/{name}', '/graphql', '/graphql']

`create_app(db, settings)` builds the ASGI app (no module-level state); `engram serve`
runs it. docs/server.md describes the API, the typed schema, roles, limits and
operations.
"""

from __future__ import annotations

from engram.server.app import create_app
from engram.server.settings import Limits, ServerSettings

__all__ = ["Limits", "ServerSettings", "create_app"]
