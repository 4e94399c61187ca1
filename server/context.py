"""Per-server state and per-request context handed to every resolver.

`ServerState` holds what one app owns (the database, keys, runner, metrics, rate
limiter, schema manager, change hub); `RequestContext` is what a resolver sees as
`info.context`: the state, the caller's principal, the request id and per-request caches
(data loaders for nested fields).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from engram import Database
from engram.server.auth import KeyStore, Principal, Role
from engram.server.errors import Forbidden, Unauthenticated
from engram.server.metrics import ServerMetrics
from engram.server.ratelimit import RateLimiter
from engram.server.runner import QueryRunner
from engram.server.settings import ServerSettings

if TYPE_CHECKING:
    from engram.server.schema import SchemaManager
    from engram.server.subscriptions import ChangeHub

__all__ = ["RequestContext", "ServerState"]


@dataclass(eq=False)
class ServerState:
    """Everything one server instance owns."""

    db: Database
    settings: ServerSettings
    keys: KeyStore | None
    runner: QueryRunner
    metrics: ServerMetrics
    rate_limiter: RateLimiter
    schemas: SchemaManager
    changes: ChangeHub
    started: float = field(default_factory=time.monotonic)
    ready: bool = False


@dataclass(eq=False)
class RequestContext:
    """`info.context` of every resolver."""

    state: ServerState
    request_id: str
    principal: Principal | None
    request: Any = None
    response: Any = None
    connection_params: dict[str, Any] | None = None
    loaders: dict[Any, Any] = field(default_factory=dict)

    def require(self, role: Role) -> Principal:
        """The caller, who must hold at least `role`."""
        principal = self.principal
        if principal is None:
            raise Unauthenticated("an API key is required")
        if not principal.may(role):
            raise Forbidden(
                f"this needs the {role.value} role; the key '{principal.name}' is a "
                f"{principal.role.value}",
                role=principal.role.value,
                required=role.value,
            )
        return principal
