"""Running statements for the API: auto-commit and explicit transactions, EXPLAIN/PROFILE.

`QuerySession` belongs to one `Database`: it owns the query engine (plan cache) and the
procedure registry, chooses the transaction a statement needs, converts values at the
boundary, and guarantees that a failing statement changes nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from itertools import chain
from typing import Any, NamedTuple

from engram.engine import CompiledQuery, QueryEngine
from engram.errors import RESULT_BUFFER, AccessModeError
from engram.execution import builtins
from engram.execution.context import ExecContext, UpdateCounters
from engram.execution.gc_pause import gc_paused
from engram.execution.graph import StoreGraph
from engram.execution.memory import (
    POINTER,
    Holding,
    MemoryBudget,
    batch_size,
    default_memory_limit,
)
from engram.execution.procedures import ProcedureRegistry, ProcedureSpec, parse_signature
from engram.execution.profile import plan_lines
from engram.execution.values import rows_to_python
from engram.parser.ast import ExplainMode
from engram.results import Plan, Result, ResultStats
from engram.storage import ReadTransaction, Store, WriteTransaction

__all__ = ["Limits", "QuerySession", "query_text"]

_PROCEDURES = ProcedureRegistry()
builtins.install(_PROCEDURES)


def query_text(query: Any, params: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The text and parameters of a query given as a string or a query-builder object."""
    if isinstance(query, str):
        return query, params if type(params) is dict else dict(params)
    parameters = getattr(query, "parameters", None)
    if parameters is not None and hasattr(query, "statement"):
        merged = dict(parameters)
        merged.update(params)
        return str(query), merged
    raise TypeError(f"a query is a string or a query-builder query, not {type(query).__name__}")


def _stats(counters: UpdateCounters) -> ResultStats:
    return ResultStats(**counters.as_dict())


class Limits(NamedTuple):
    """One statement's limits: its deadline, cancellation event and memory budget.

    A named tuple: every statement makes one, and a frozen dataclass costs three times
    as much to build.
    """

    deadline: float | None
    cancel: threading.Event | None
    memory: MemoryBudget

    @property
    def remaining(self) -> float | None:
        """Seconds left before the deadline (None: no timeout)."""
        return None if self.deadline is None else max(0.0, self.deadline - time.monotonic())


class QuerySession:
    """Compiles and runs statements against one store."""

    def __init__(self, store: Store, *, memory_limit: int | None = None) -> None:
        self._store = store
        #: the memory budget of a statement that gives none, in bytes
        self.memory_limit = default_memory_limit() if memory_limit is None else memory_limit
        self.procedures = ProcedureRegistry(parent=_PROCEDURES)
        self.engine = QueryEngine(self.procedures)
        #: rule names to switch off (`{"*"}` disables the optimizer), for testing
        self.disabled_rules: frozenset[str] = frozenset()
        self.verify_rules = False

    # -- procedures ----------------------------------------------------------------------------

    def register_procedure(self, signature: str, implementation: Callable[..., Any]) -> None:
        """Add a Python procedure callable from CALL (see `Database.register_procedure`)."""
        name, inputs, outputs = parse_signature(signature)
        spec = ProcedureSpec(
            name=name, inputs=inputs, outputs=outputs, implementation=implementation
        )
        self.procedures.register(spec)
        self.engine.clear()

    # -- compiling -----------------------------------------------------------------------------

    def limits(
        self,
        timeout: float | None,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
    ) -> Limits:
        """A statement's limits, its deadline counted from now."""
        deadline = None if timeout is None else time.monotonic() + timeout
        budget = self.memory_limit if memory_limit is None else memory_limit
        return Limits(deadline, cancel, MemoryBudget(budget))

    def compile(
        self,
        text: str,
        view: ReadTransaction | WriteTransaction,
        limits: Limits | None = None,
    ) -> CompiledQuery:
        """The compiled statement, planned against the transaction's schema and statistics."""
        return self.engine.compile(
            text,
            view.catalog,
            view.statistics,
            disabled=self.disabled_rules,
            verify=self.verify_rules,
            deadline=None if limits is None else limits.deadline,
            cancel=None if limits is None else limits.cancel,
            memory=None if limits is None else limits.memory,
        )

    def explain(self, text: str) -> Plan:
        """The plan of `text` without running it."""
        view = self._store.begin_read()
        try:
            compiled = self.compile(text, view)
        finally:
            view.close()
        return Plan(
            tuple(plan_lines(compiled.physical, dict(compiled.estimates), None)), compiled.notes
        )

    # -- auto-commit ---------------------------------------------------------------------------

    def run(
        self,
        text: str,
        params: Mapping[str, Any],
        *,
        timeout: float | None,
        profile: bool,
        read_only: bool = False,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
    ) -> Result:
        """Run one statement in its own transaction.

        With `read_only`, a statement that writes fails with `AccessModeError` before it
        runs; setting `cancel` stops the statement (`QueryTimeout`, nothing changed).
        The timeout counts from this call (compiling included); `memory_limit` (bytes)
        replaces the session's for this statement.
        """
        limits = self.limits(timeout, cancel, memory_limit)
        snapshot = self._store.begin_read()
        try:
            compiled = self.compile(text, snapshot, limits)
        except BaseException:
            snapshot.close()
            raise
        statement = compiled.statement
        mode = statement.explain
        if mode is ExplainMode.EXPLAIN:
            snapshot.close()
            return _plan_result(self.explain(text))
        profiled = profile or mode is ExplainMode.PROFILE
        if statement.is_updating:
            snapshot.close()
            if read_only:
                raise AccessModeError("this statement writes, and only reads are allowed here")
            if self._store.read_only:
                raise AccessModeError("the database is open read-only: this statement writes")
            return self._run_write(text, params, limits, profiled, mode)
        return self._run_read(compiled, snapshot, params, limits, profiled)

    def _run_write(
        self,
        text: str,
        params: Mapping[str, Any],
        limits: Limits,
        profile: bool,
        mode: ExplainMode | None,
    ) -> Result:
        writer = self._store.begin_write(limits.remaining)
        try:
            compiled = self.compile(text, writer, limits)
            with gc_paused():
                rows, ctx, plan = self._materialise(
                    compiled, StoreGraph(writer), params, limits, profile
                )
                writer.commit()
        except BaseException:
            if writer.is_open:
                writer.rollback()
            raise
        if mode is ExplainMode.PROFILE and plan is not None:
            return _plan_result(plan, _stats(ctx.counters))
        return Result(list(compiled.columns), iter(rows), _stats(ctx.counters), plan=plan)

    def _materialise(
        self,
        compiled: CompiledQuery,
        graph: StoreGraph,
        params: Mapping[str, Any],
        limits: Limits,
        profile: bool,
    ) -> tuple[list[tuple[Any, ...]], ExecContext, Plan | None]:
        produced, ctx = self._start(compiled, graph, params, limits, profile)
        rows = _buffered(produced, graph, ctx.memory)
        graph.check_deleted_nodes_detached()
        plan = None
        if profile:
            plan = Plan(
                tuple(plan_lines(compiled.physical, dict(compiled.estimates), ctx.profiler)),  # type: ignore[arg-type]
                compiled.notes,
                profiled=True,
            )
        return rows, ctx, plan

    def _start(
        self,
        compiled: CompiledQuery,
        graph: StoreGraph,
        params: Mapping[str, Any],
        limits: Limits,
        profile: bool,
    ) -> tuple[Iterator[list[tuple[Any, ...]]], ExecContext]:
        return self.engine.run(
            compiled,
            graph,
            params,
            profile=profile,
            cancel=limits.cancel,
            deadline=limits.deadline,
            memory=limits.memory,
        )

    def _run_read(
        self,
        compiled: CompiledQuery,
        snapshot: ReadTransaction,
        params: Mapping[str, Any],
        limits: Limits,
        profile: bool,
    ) -> Result:
        graph = StoreGraph(snapshot)
        try:
            produced, ctx = self._start(compiled, graph, params, limits, profile)
            if compiled.statement.explain is ExplainMode.PROFILE:
                for _ in produced:
                    pass
                plan = _profiled_plan(compiled, ctx)
                snapshot.close()
                return _plan_result(plan)
            stream = _converted(produced, graph, snapshot)
            with gc_paused():  # the first batch can be the whole work of the query
                first = next(stream, None)
        except BaseException:
            snapshot.close()
            raise
        # rows leave batch by batch; the flattening runs in C, not a generator per row
        rows: Iterator[tuple[Any, ...]] = (
            iter(()) if first is None else chain.from_iterable(chain((first,), stream))
        )
        plan_of: Callable[[], Plan | None] | None = None
        if profile:
            plan_of = lambda: _profiled_plan(compiled, ctx)  # noqa: E731
        held = Holding(ctx.memory, RESULT_BUFFER)

        def close() -> None:
            snapshot.close()
            held.close()

        return Result(
            list(compiled.columns),
            rows,
            lambda: _stats(ctx.counters),
            plan=plan_of,
            on_close=close,
            hold=lambda kept: held.add(POINTER * len(kept) + batch_size(kept)),
        )

    # -- explicit transactions -----------------------------------------------------------------

    def run_in(
        self,
        transaction: ReadTransaction | WriteTransaction,
        text: str,
        params: Mapping[str, Any],
        *,
        timeout: float | None,
        profile: bool,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
    ) -> Result:
        """Run one statement inside an open transaction; a failure undoes only it."""
        limits = self.limits(timeout, cancel, memory_limit)
        compiled = self.compile(text, transaction, limits)
        if compiled.explain is ExplainMode.EXPLAIN:
            return _plan_result(self.explain(text))
        if compiled.is_updating and transaction.read_only:
            raise AccessModeError("this transaction is read-only: the statement writes")
        saved = _savepoint(transaction)
        graph = StoreGraph(transaction)
        profiled = profile or compiled.explain is ExplainMode.PROFILE
        try:
            rows, ctx, plan = self._materialise(compiled, graph, params, limits, profiled)
        except BaseException:
            _restore(transaction, saved)
            raise
        if compiled.explain is ExplainMode.PROFILE and plan is not None:
            return _plan_result(plan, _stats(ctx.counters))
        return Result(list(compiled.columns), iter(rows), _stats(ctx.counters), plan=plan)


def _buffered(
    produced: Iterator[list[tuple[Any, ...]]], graph: StoreGraph, memory: MemoryBudget
) -> list[tuple[Any, ...]]:
    """Every result row as Python values, the buffer charged to the budget per batch."""
    rows: list[tuple[Any, ...]] = []
    held = memory.holding(RESULT_BUFFER)
    try:
        for batch in produced:
            converted = rows_to_python(batch, graph)
            rows.extend(converted)
            if converted:
                held.add(POINTER * len(converted) + batch_size(converted))
    finally:
        held.close()
    return rows


def _converted(
    produced: Iterator[list[tuple[Any, ...]]], graph: StoreGraph, snapshot: ReadTransaction
) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of Python rows; the snapshot closes when they run out (or on close)."""
    try:
        for batch in produced:
            yield rows_to_python(batch, graph)
    finally:
        snapshot.close()


def _profiled_plan(compiled: CompiledQuery, ctx: ExecContext) -> Plan:
    lines = plan_lines(compiled.physical, dict(compiled.estimates), ctx.profiler)  # type: ignore[arg-type]
    return Plan(tuple(lines), compiled.notes, profiled=True)


def _plan_result(plan: Plan, stats: ResultStats | None = None) -> Result:
    return Result(plan.columns, iter(plan.rows()), stats or ResultStats(), plan=plan)


def _savepoint(transaction: ReadTransaction | WriteTransaction) -> Any:
    if isinstance(transaction, WriteTransaction):
        return transaction.savepoint()
    return None


def _restore(transaction: ReadTransaction | WriteTransaction, saved: Any) -> None:
    if saved is not None and isinstance(transaction, WriteTransaction) and transaction.is_open:
        transaction.rollback_to(saved)
