"""The one place the test runners touch engram's query API: open, run, explain, procedures.

Both the `.test` runner and the TCK runner go through these functions, so an engine knob
(the optimizer switch, how plans of each stage are obtained, timeouts) is wired here once.
Everything else in the runners works on the plain `QueryResult` this module returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
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
    with rules_disabled(db, frozenset() if optimize else frozenset({"*"})):
        result = db.execute(query, dict(params) if params else None, **options)
        columns = tuple(result.columns)
        rows = tuple(tuple(row) for row in result)
    return QueryResult(columns, rows)


@contextlib.contextmanager
def rules_disabled(db: Any, names: frozenset[str]) -> Iterator[None]:
    """Run with these optimizer rules switched off (`"*"`: the optimizer is off).

    Uses the session's test switch (`db.session.disabled_rules`); plans are cached per
    rule selection, so switching never reuses a plan made under other rules.
    """
    owner = db.database if isinstance(db, engram.Transaction) else db
    session = owner.session
    saved = session.disabled_rules
    session.disabled_rules = names
    try:
        yield
    finally:
        session.disabled_rules = saved


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
    from engram.optimizer import RULES

    if stage == "logical" or rules == ():
        disabled = frozenset({"*"})
    elif rules is None:
        disabled = frozenset()
    else:
        unknown = set(rules) - {rule.name for rule in RULES}
        if unknown:
            raise EngineNotWired(f"no optimizer rule named {', '.join(sorted(unknown))}")
        disabled = frozenset(rule.name for rule in RULES if rule.name not in rules)
    # `physical` renders the same tree: EXPLAIN shows the lowered plan by logical names
    with rules_disabled(db, disabled):
        plan = db.explain(query)
    return str(plan).rstrip("\n")


def register_procedure(
    db: Any, signature: str, implementation: Callable[..., Iterable[tuple[Any, ...]]]
) -> None:
    """Register a test procedure (`db.register_procedure(signature, implementation)`)."""
    db.register_procedure(signature, implementation)
