"""GraphQL server for engram: strawberry on Starlette, served by uvicorn."""

from __future__ import annotations
