"""The one place the test runners touch engram's query API: open, run, explain, procedures.

Both the `.test` runner and the TCK runner go through these functions, so an engine knob
(the optimizer switch, how plans of each stage are obtained, timeouts) is wired here once.
Everything else in the runners works on the plain `QueryResult` this module returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

import engram

__all__ = [
    "QUERY_TIMEOUT_SECONDS",
    "EngineNotWired",
    "QueryResult",
    "QueryTarget",
    "engine_available",
    "engine_missing_reason",
    "explain_plan",
    "open_database",
    "register_procedure",
    "run_query",
]

#: every query a runner issues gets this timeout, so an engine bug fails one test
#: instead of hanging the whole run
QUERY_TIMEOUT_SECONDS: Final = 60.0
_OPEN: Final = "open"


class EngineNotWired(Exception):
    """A runner feature needs an engine knob that this module does not reach yet."""


class QueryTarget(Protocol):
    """What the runners execute queries on: a Database (or a transaction)."""

    def execute(self, query: str, params: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
        """Run one query and return an engram Result."""
        ...


@dataclass(frozen=True, slots=True)
class QueryResult:
    """A fully consumed result: column names and rows, exactly as the engine produced them."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]


def engine_available() -> bool:
    """Whether the query engine exists (`engram.Database` with `execute`, and `engram.open`)."""
    database = getattr(engram, "Database", None)
    return callable(getattr(engram, "open", None)) and hasattr(database, "execute")


def engine_missing_reason() -> str:
    """The skip reason used while the engine does not exist yet."""
    return "the query engine is not built yet (engram.Database has no 'execute')"


def open_database() -> Any:
    """A fresh database on a private temporary RocksDB directory (`engram.open()`)."""
    # looked up by name so this module type-checks before and after the engine lands
    opener: Callable[[], Any] = getattr(engram, _OPEN)
    return opener()


def run_query(
    db: QueryTarget,
    query: str,
    params: Mapping[str, Any] | None,
    *,
    optimize: bool,
) -> QueryResult:
    """Run `query` and consume its whole result (errors raised while streaming surface here).

    Args:
        db: the database or transaction to run on.
        query: the query text.
        params: query parameters, or None.
        optimize: False runs with every optimizer rule disabled (the differential mode).

    Raises:
        EngineNotWired: `optimize=False` while the engine has no switch for it yet.
        engram.QueryError: whatever the engine raises for the query.
    """
    options: dict[str, Any] = {"timeout": QUERY_TIMEOUT_SECONDS}
    if not optimize:
        # TODO(#4): pass the engine's switch that disables every optimizer rule, e.g.
        # options["_disabled_rules"] = ("*",), once db.execute accepts it.
        raise EngineNotWired(
            "run_query(optimize=False): the optimizer switch is not wired yet "
            "(tests/support/engine.py)"
        )
    result = db.execute(query, dict(params) if params else None, **options)
    columns = tuple(result.columns)
    rows = tuple(tuple(row) for row in result)
    return QueryResult(columns, rows)


def explain_plan(
    db: Any,
    query: str,
    params: Mapping[str, Any] | None,
    *,
    stage: str,
    rules: Sequence[str] | None,
) -> str:
    """The rendered plan of `query` at `stage` (logical, optimized or physical).

    `rules` is None for the default rule set, `()` for `rules=none`, or the names of the only
    rules to enable. Only the default optimized plan is reachable through the public API
    (`str(db.explain(query))`); the other forms need an engine knob, wired here.

    Raises:
        EngineNotWired: the requested stage or rule selection is not reachable yet.
    """
    if stage == "optimized" and rules is None:
        plan = db.explain(query, dict(params)) if params else db.explain(query)
        return str(plan).rstrip("\n")
    # TODO(#4): reach the logical and physical plans and rule selection through the engine.
    selection = "default rules" if rules is None else f"rules={','.join(rules) or 'none'}"
    raise EngineNotWired(
        f"explain {stage} with {selection} is not wired yet (tests/support/engine.py)"
    )


def register_procedure(
    db: Any, signature: str, implementation: Callable[..., Iterable[tuple[Any, ...]]]
) -> None:
    """Register a test procedure (`db.register_procedure(signature, implementation)`)."""
    db.register_procedure(signature, implementation)
