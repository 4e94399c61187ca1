"""The GraphiQL page and its assets, served from the package (no internet access needed).

`page()` is the HTML a browser gets on GET /graphql: GraphiQL with an API key field
(kept in the browser's localStorage and sent as ``Authorization: Bearer``). The
assets are gzip files in `engram/server/static`, sent compressed to clients that accept
gzip and decompressed for the others.
"""

from __future__ import annotations

import gzip
import html
import json
from functools import lru_cache
from importlib import resources
from typing import Final

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

__all__ = ["ASSET_PREFIX", "asset", "page", "wants_page"]

ASSET_PREFIX: Final = "/graphiql/static"

_TYPES: Final = {
    ".js": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
_ASSETS: Final = frozenset(
    {
        "graphiql.min.js",
        "graphiql.min.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "engram-graphiql.js",
    }
)

_DEFAULT_QUERY: Final = """# Welcome to engram. Paste an API key above, then run (Ctrl-Enter).
query Overview {
  schemaInfo { labels relationshipTypes }
  cypher(query: "MATCH (n) RETURN labels(n) AS labels, count(*) AS nodes") {
    columns
    rows
  }
}
"""

_PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>engram GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{prefix}/graphiql.min.css">
<style>
  body {{ margin: 0; height: 100vh; display: flex; flex-direction: column;
         font-family: system-ui, sans-serif; }}
  #engram-bar {{ display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem;
                border-bottom: 1px solid #ddd; font-size: .9rem; }}
  #engram-bar input {{ flex: 1; max-width: 38rem; font-family: monospace; }}
  #graphiql {{ flex: 1; min-height: 0; }}
</style>
</head>
<body>
<form id="engram-key-form" autocomplete="off">
  <div id="engram-bar">
    <strong>engram</strong>
    <label for="engram-key">API key</label>
    <input id="engram-key" type="password" placeholder="egk_..." spellcheck="false">
    <button id="engram-key-save" type="submit">Use key</button>
  </div>
</form>
<div id="graphiql">Loading GraphiQL…</div>
<script id="engram-config" type="application/json">{config}</script>
<script src="{prefix}/react.production.min.js"></script>
<script src="{prefix}/react-dom.production.min.js"></script>
<script src="{prefix}/graphiql.min.js"></script>
<script src="{prefix}/engram-graphiql.js"></script>
</body>
</html>
"""


def wants_page(method: str, accept: str, has_query: bool) -> bool:
    """Whether a request to the GraphQL endpoint is a browser asking for GraphiQL.

    A browser's navigation prefers HTML (``Accept: text/html,...``), also when the link
    carries a ``?query=`` to prefill the editor; GraphQL clients sending a query by GET
    ask for JSON and are answered by the GraphQL endpoint.
    """
    if method != "GET":
        return False
    if accept.lstrip().lower().startswith("text/html"):
        return True
    return not has_query and "text/html" in accept


def page(endpoint: str = "/graphql") -> HTMLResponse:
    """The GraphiQL page for the GraphQL endpoint at `endpoint`."""
    config = json.dumps({"endpoint": endpoint, "defaultQuery": _DEFAULT_QUERY})
    # the JSON sits in a script element: keep "</" out of it
    config = config.replace("</", "<\\/")
    body = _PAGE.format(prefix=html.escape(ASSET_PREFIX), config=config)
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


@lru_cache(maxsize=16)
def _read(name: str) -> tuple[bytes, bool]:
    folder = resources.files("engram.server") / "static"
    compressed = folder / f"{name}.gz"
    if compressed.is_file():
        return compressed.read_bytes(), True
    return (folder / name).read_bytes(), False


async def asset(request: Request) -> Response:
    """One GraphiQL asset (cached by browsers for a day)."""
    name = request.path_params["name"]
    if name not in _ASSETS:
        return PlainTextResponse("not found", status_code=404)
    data, is_gzip = _read(name)
    media = _TYPES[name[name.rfind(".") :]]
    headers = {"Cache-Control": "public, max-age=86400"}
    if is_gzip:
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        else:
            data = gzip.decompress(data)
    return Response(data, media_type=media, headers=headers)
