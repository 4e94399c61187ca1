"""The fixed root fields: `cypher`, `explain`, API key management, running queries, schema info.

Resolvers are thin: they check the caller's role, hand the statement to the runner and
wrap what comes back in the types of `engram.server.types`. The field factories build
fresh `StrawberryField`s each time, because each regenerated schema needs its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types.field import StrawberryField

from engram.server.auth import Role
from engram.server.context import RequestContext
from engram.server.errors import BadUserInput, NotFound
from engram.server.fields import resolver_field
from engram.server.types import (
    ApiKeyInfo,
    CypherResult,
    NewApiKey,
    PlanOperator,
    QueryPlan,
    RoleName,
    RunningQueryInfo,
    SchemaInfo,
    result_of,
)

__all__ = ["check_params", "mutation_fields", "query_fields"]

Info = strawberry.Info[RequestContext, None]

_MAX_PARAM_DEPTH = 64


def check_params(params: Any) -> dict[str, Any]:
    """Query parameters from a JSON argument: an object, nested at most 64 levels."""
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise BadUserInput("params must be a JSON object of parameter names to values")
    stack: list[tuple[Any, int]] = [(params, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > _MAX_PARAM_DEPTH:
            raise BadUserInput(f"params nest deeper than {_MAX_PARAM_DEPTH} levels")
        if isinstance(value, Mapping):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return {str(key): value for key, value in params.items()}


async def query_cypher(
    info: Info,
    query: str,
    params: JSON | None = None,
    timeout: float | None = None,
) -> CypherResult:
    """Run a statement that only reads (statements that write go through the mutation)."""
    context = info.context
    principal = context.require(Role.READER)
    outcome = await context.state.runner.read(
        query, check_params(params), principal, timeout=timeout
    )
    return result_of(outcome.columns, outcome.rows, outcome.stats)


async def mutation_cypher(
    info: Info,
    query: str,
    params: JSON | None = None,
    timeout: float | None = None,
) -> CypherResult:
    """Run a statement in its own write transaction (writer role; schema changes: admin)."""
    context = info.context
    principal = context.require(Role.WRITER)
    outcome = await context.state.runner.write(
        query,
        check_params(params),
        principal,
        timeout=timeout,
        may_change_schema=principal.may(Role.ADMIN),
    )
    await context.state.schemas.settle()
    return result_of(outcome.columns, outcome.rows, outcome.stats)


async def explain(info: Info, query: str) -> QueryPlan:
    """The plan a statement would run with, with estimated rows (nothing runs)."""
    context = info.context
    principal = context.require(Role.READER)
    plan = await context.state.runner.explain(query, principal)
    operators = [
        PlanOperator(
            operator=line.operator,
            details=line.details,
            depth=line.depth,
            estimated_rows=line.estimated_rows,
        )
        for line in plan.lines
    ]
    return QueryPlan(text=str(plan), operators=operators, notes=list(plan.notes))


def me(info: Info) -> ApiKeyInfo:
    """The key making this request."""
    principal = info.context.require(Role.READER)
    keys = info.context.state.keys
    created = ""
    if keys is not None:
        record = next((key for key in keys if key.id == principal.key_id), None)
        created = record.created if record is not None else ""
    return ApiKeyInfo(
        id=strawberry.ID(principal.key_id),
        name=principal.name,
        role=RoleName(principal.role.value),
        created=created,
    )


def _keys(info: Info) -> Any:
    info.context.require(Role.ADMIN)
    keys = info.context.state.keys
    if keys is None:
        raise BadUserInput("the server runs without authentication: there are no keys")
    return keys


def api_keys(info: Info) -> list[ApiKeyInfo]:
    """Every API key (admin)."""
    return [
        ApiKeyInfo(
            id=strawberry.ID(key.id),
            name=key.name,
            role=RoleName(key.role.value),
            created=key.created,
        )
        for key in _keys(info)
    ]


async def create_api_key(info: Info, name: str, role: RoleName) -> NewApiKey:
    """Issue a key (admin); its secret is in this response only."""
    keys = _keys(info)
    if not name.strip():
        raise BadUserInput("a key needs a name")
    record, secret = keys.create(name.strip(), Role(role.value))
    key = ApiKeyInfo(
        id=strawberry.ID(record.id),
        name=record.name,
        role=RoleName(record.role.value),
        created=record.created,
    )
    return NewApiKey(key=key, secret=secret)


async def revoke_api_key(info: Info, id: strawberry.ID) -> bool:
    """Delete a key (admin); requests with it fail from now on."""
    keys = _keys(info)
    if not keys.revoke(str(id)):
        raise NotFound(f"there is no API key '{id}'")
    return True


def running_queries(info: Info) -> list[RunningQueryInfo]:
    """Statements running now (admin)."""
    info.context.require(Role.ADMIN)
    return [
        RunningQueryInfo(
            id=strawberry.ID(query.id),
            query=query.text,
            mode=query.mode,
            key_id=query.principal.key_id,
            elapsed_seconds=round(query.elapsed, 6),
        )
        for query in info.context.state.runner.running()
    ]


def cancel_query(info: Info, id: strawberry.ID) -> bool:
    """Stop a running statement (admin); it fails with QUERY_TIMEOUT and changes nothing."""
    info.context.require(Role.ADMIN)
    if not info.context.state.runner.cancel(str(id)):
        raise NotFound(f"there is no running query '{id}'")
    return True


def schema_info(info: Info) -> SchemaInfo:
    """The typed schema now being served."""
    info.context.require(Role.READER)
    return info.context.state.schemas.info()


async def refresh_schema(info: Info) -> SchemaInfo:
    """Regenerate the typed schema now (admin)."""
    info.context.require(Role.ADMIN)
    await info.context.state.schemas.refresh(force=True)
    return info.context.state.schemas.info()


def query_fields() -> list[StrawberryField]:
    """Fresh fixed Query fields."""
    return [
        resolver_field(query_cypher, name="cypher"),
        resolver_field(explain),
        resolver_field(me),
        resolver_field(api_keys),
        resolver_field(running_queries),
        resolver_field(schema_info),
    ]


def mutation_fields() -> list[StrawberryField]:
    """Fresh fixed Mutation fields."""
    return [
        resolver_field(mutation_cypher, kind="mutation", name="cypher"),
        resolver_field(create_api_key, kind="mutation"),
        resolver_field(revoke_api_key, kind="mutation"),
        resolver_field(cancel_query, kind="mutation"),
        resolver_field(refresh_schema, kind="mutation"),
    ]
