"""Running engram statements for the server: worker threads, limits, cancellation, shutdown.

The database API is synchronous, so every statement runs in a worker thread (at most
`max_concurrent_queries` at once) and the event loop stays free. Reads run with
``read_only=True`` so a statement that writes is refused before it runs. Writes run in
an explicit transaction so the server can check the outcome before committing: too many
rows, or a schema change by a key that may not make one, rolls everything back.
Every running statement is registered with a cancel event: an abandoned request, an
admin's `cancelQuery` and shutdown set it, and the engine stops at its next check.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from engram import Database, Plan, QueryTimeout, Result, ResultStats
from engram.server.auth import Principal
from engram.server.errors import Forbidden, ResultTooLarge, ShuttingDown
from engram.server.metrics import ServerMetrics
from engram.server.settings import Limits

__all__ = ["Outcome", "QueryRunner", "RunningQuery", "StreamHandle"]

_log = logging.getLogger("engram.server")
T = TypeVar("T")

_SCHEMA_COUNTERS = ("indexes_added", "indexes_removed", "constraints_added", "constraints_removed")


@dataclass(frozen=True, slots=True)
class Outcome:
    """The complete result of one statement."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    stats: ResultStats


@dataclass(slots=True)
class RunningQuery:
    """A statement being run, as admins see it."""

    id: str
    text: str
    mode: str
    principal: Principal
    started: float
    cancel: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    #: the client was told the statement timed out: it must not commit any more
    abandoned: bool = False
    #: the statement is committing: it will finish, whatever the deadline says
    committing: bool = False
    #: the current phase (waiting for a thread, for the writer slot, running) and the
    #: seconds it may take before the client is answered anyway
    phase_started: float = 0.0
    phase_allowance: float | None = None
    #: set once it was asked to stop: the client is answered within this many seconds
    stop_allowance: float | None = None

    def begin_phase(self, allowance: float | None) -> None:
        """Start a phase that may take `allowance` seconds; refuse if already abandoned."""
        with self.lock:
            if self.abandoned:
                raise QueryTimeout("the statement waited past its timeout; nothing was changed")
            if self.stop_allowance is not None:
                allowance = min(allowance or self.stop_allowance, self.stop_allowance)
            self.phase_started = time.monotonic()
            self.phase_allowance = allowance

    def stop(self, allowance: float = 1.0) -> None:
        """Ask it to stop; its client is answered within `allowance` seconds either way."""
        self.cancel.set()
        with self.lock:
            self.stop_allowance = allowance
            if self.committing:
                return
            now = time.monotonic()
            deadline = self.deadline
            if deadline is None or deadline > now + allowance:
                self.phase_started = now
                self.phase_allowance = allowance

    @property
    def deadline(self) -> float | None:
        """When the client is answered even if the statement has not finished."""
        if self.phase_allowance is None:
            return None
        return self.phase_started + self.phase_allowance

    def begin_commit(self) -> None:
        """Called just before committing: refuse if the client was already answered."""
        with self.lock:
            if self.abandoned:
                raise QueryTimeout("the statement ran past its timeout; nothing was changed")
            self.committing = True

    def abandon(self) -> bool:
        """Give up waiting (hard deadline); False if it is already committing."""
        with self.lock:
            if self.committing:
                return False
            self.abandoned = True
        self.cancel.set()
        return True

    @property
    def elapsed(self) -> float:
        """Seconds since it started."""
        return time.monotonic() - self.started


@dataclass(slots=True)
class StreamHandle:
    """An open streaming read: its columns and the batches still to come."""

    columns: list[str]
    batches: AsyncIterator[list[Any]]


def _hard(timeout: float) -> float:
    """Seconds after which the client is answered although the engine has not stopped."""
    return timeout * 1.5 + 0.5


def _too_many(limit: int) -> ResultTooLarge:
    return ResultTooLarge(
        f"the result has more than {limit} rows, the server's limit",
        hint="add LIMIT, page through the typed fields, or stream it with the "
        "cypherStream subscription",
        limit=limit,
    )


class QueryRunner:
    """Runs statements for resolvers; one per server."""

    def __init__(self, db: Database, limits: Limits, metrics: ServerMetrics) -> None:
        self.db = db
        self.limits = limits
        self.metrics = metrics
        self._limiter = anyio.CapacityLimiter(limits.max_concurrent_queries)
        self._running: dict[str, RunningQuery] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- registry ------------------------------------------------------------------------

    def _register(self, text: str, mode: str, principal: Principal) -> RunningQuery:
        with self._lock:
            if self._closing:
                raise ShuttingDown("the server is shutting down and takes no new queries")
            query = RunningQuery(f"q{next(self._ids)}", text, mode, principal, time.monotonic())
            # waiting for a worker thread counts against the statement's time
            query.phase_started = query.started
            query.phase_allowance = _hard(self.limits.query_timeout)
            self._running[query.id] = query
        self.metrics.queries_running.add(1)
        return query

    def _release(self, query: RunningQuery) -> None:
        with self._lock:
            if self._running.pop(query.id, None) is None:
                return
        self.metrics.queries_running.add(-1)
        self.metrics.query_seconds.observe(query.elapsed, query.mode)

    def running(self) -> list[RunningQuery]:
        """Statements running now, oldest first."""
        with self._lock:
            return sorted(self._running.values(), key=lambda query: query.started)

    def cancel(self, query_id: str) -> bool:
        """Ask a running statement to stop; False if there is none with that id."""
        with self._lock:
            query = self._running.get(query_id)
        if query is None:
            return False
        query.stop()
        return True

    # -- running ---------------------------------------------------------------------------

    async def _in_thread(
        self, work: Callable[[], T], query: RunningQuery, allowance: float | None
    ) -> T:
        """Run `work` in a worker thread; answer by the deadline of each phase.

        The engine stops a statement at its timeout by itself; should it overrun (a
        long stretch without a check), the client is answered anyway once the phase's
        allowance has passed, and the statement is cancelled (a write that has not begun
        to commit is then rolled back instead of committed).
        """
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        box: list[tuple[bool, Any]] = []
        gate = threading.Lock()
        state = {"started": False, "dropped": False}

        def run() -> None:
            with gate:
                if state["dropped"]:
                    return
                state["started"] = True
            try:
                query.begin_phase(allowance)
                box.append((True, work()))
            except BaseException as error:
                box.append((False, error))
            finally:
                self._release(query)
                loop.call_soon_threadsafe(done.set)

        task = loop.create_task(
            anyio.to_thread.run_sync(run, abandon_on_cancel=True, limiter=self._limiter)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            await self._wait(done, query)
        except anyio.get_cancelled_exc_class():
            # the request went away: stop the statement (its thread releases it), or
            # make sure it never starts
            query.cancel.set()
            with gate:
                state["dropped"] = not state["started"]
            if state["dropped"]:
                task.cancel()
                self._release(query)
            raise
        ok, value = box[0]
        if ok:
            return value  # type: ignore[no-any-return]  # the box holds work()'s T
        raise value

    @staticmethod
    async def _wait(done: asyncio.Event, query: RunningQuery) -> None:
        while not done.is_set():
            deadline = query.deadline
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                if query.abandon():
                    if query.stop_allowance is not None:
                        raise QueryTimeout("the query was cancelled; nothing was changed")
                    raise QueryTimeout(
                        "the statement ran past its timeout and was stopped; nothing was changed"
                    )
                await done.wait()  # it is committing: the commit decides the outcome
                return
            # the deadline moves when a new phase begins: look again at least every 0.2 s
            with anyio.move_on_after(0.2 if remaining is None else min(remaining, 0.2)):
                await done.wait()

    async def read(
        self,
        text: str,
        params: Mapping[str, Any],
        principal: Principal,
        *,
        timeout: float | None = None,
    ) -> Outcome:
        """Run a statement that must not write; at most `max_rows` rows."""
        query = self._register(text, "read", principal)
        limit = self.limits.max_rows
        seconds = self._timeout(timeout)

        def work() -> Outcome:
            result = self.db.execute(
                text,
                dict(params),
                timeout=seconds,
                read_only=True,
                cancel=query.cancel,
                memory_limit=self.limits.memory_limit,
            )
            with result:
                rows = []
                for row in result:
                    rows.append(row)
                    if len(rows) > limit:
                        raise _too_many(limit)
                return Outcome(list(result.columns), rows, result.stats)

        return await self._in_thread(work, query, _hard(seconds))

    async def write(
        self,
        text: str,
        params: Mapping[str, Any],
        principal: Principal,
        *,
        timeout: float | None = None,
        may_change_schema: bool = False,
    ) -> Outcome:
        """Run a statement in a write transaction; committed only if it is within limits."""
        query = self._register(text, "write", principal)
        limit = self.limits.max_rows
        seconds = self._timeout(timeout)

        def work() -> Outcome:
            with self.db.transaction(timeout=self.limits.write_lock_timeout) as tx:
                query.begin_phase(_hard(seconds))
                result = tx.execute(
                    text,
                    dict(params),
                    timeout=seconds,
                    cancel=query.cancel,
                    memory_limit=self.limits.memory_limit,
                )
                rows = result.rows()
                stats = result.stats
                if len(rows) > limit:
                    raise _too_many(limit)
                if not may_change_schema and any(stats[name] for name in _SCHEMA_COUNTERS):
                    raise Forbidden(
                        "creating or dropping indexes and constraints needs the admin role",
                        role=principal.role.value,
                    )
                query.begin_commit()
                return Outcome(list(result.columns), rows, stats)

        return await self._in_thread(work, query, self.limits.write_lock_timeout + 1.0)

    async def explain(self, text: str, principal: Principal) -> Plan:
        """The plan of a statement (nothing runs)."""
        query = self._register(text, "explain", principal)
        return await self._in_thread(
            lambda: self.db.explain(text), query, _hard(self.limits.query_timeout)
        )

    @asynccontextmanager
    async def stream(
        self,
        text: str,
        params: Mapping[str, Any],
        principal: Principal,
        batch_size: int,
        convert: Callable[[tuple[Any, ...]], Any] = tuple,
    ) -> AsyncIterator[StreamHandle]:
        """Open a streaming read; batches are read only as the consumer asks for them.

        `convert` turns each row into what the batch holds (in the worker thread).
        """
        query = self._register(text, "stream", principal)
        try:
            result = await self._pull(
                lambda: self.db.execute(
                    text,
                    dict(params),
                    timeout=self.limits.stream_timeout,
                    read_only=True,
                    cancel=query.cancel,
                    memory_limit=self.limits.memory_limit,
                ),
                query,
            )
        except BaseException:
            self._release(query)
            raise
        try:
            batches = self._batches(result, query, batch_size, convert)
            yield StreamHandle(list(result.columns), batches)
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(result.close)
            self._release(query)

    async def _batches(
        self,
        result: Result,
        query: RunningQuery,
        batch_size: int,
        convert: Callable[[tuple[Any, ...]], Any],
    ) -> AsyncIterator[list[Any]]:
        rows = result.stream()
        while True:
            batch = await self._pull(
                lambda: [convert(row) for row in itertools.islice(rows, batch_size)], query
            )
            if not batch:
                return
            yield batch

    async def _pull(self, work: Callable[[], T], query: RunningQuery) -> T:
        """Run `work` in a thread; if cancelled, stop the statement and wait for the thread.

        The result must not be touched by two threads at once, so a cancelled pull waits
        for its thread, unless the thread never started (then it will not run `work`).
        """
        finished = threading.Event()
        lock = threading.Lock()
        state = {"started": False, "dropped": False}

        def run() -> T | None:
            with lock:
                if state["dropped"]:
                    return None
                state["started"] = True
            try:
                return work()
            finally:
                finished.set()

        try:
            value = await anyio.to_thread.run_sync(
                run, abandon_on_cancel=True, limiter=self._limiter
            )
        except anyio.get_cancelled_exc_class():
            query.cancel.set()
            with lock:
                state["dropped"] = not state["started"]
            if not state["dropped"]:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(finished.wait)
            raise
        return value  # type: ignore[return-value]  # None only when dropped, never returned

    def _timeout(self, requested: float | None) -> float:
        limit = self.limits.query_timeout
        if requested is None or requested <= 0:
            return limit
        return min(requested, limit)

    # -- shutdown ------------------------------------------------------------------------

    def begin_shutdown(self, grace: float) -> None:
        """Refuse new statements now and cancel the running ones after `grace` seconds.

        Called from the signal handler, so clients of statements still running when the
        grace period ends get an error response before their connections close.
        """
        with self._lock:
            if self._closing:
                return
            self._closing = True
        timer = threading.Timer(grace, self.cancel_all)
        timer.daemon = True
        timer.start()

    def cancel_all(self) -> int:
        """Ask every running statement to stop; returns how many there were."""
        running = self.running()
        for query in running:
            query.stop()
        return len(running)

    async def drain(self, grace: float) -> int:
        """Refuse new statements, let running ones finish for `grace` seconds, cancel the rest.

        Returns how many statements had to be cancelled.
        """
        with self._lock:
            self._closing = True
        deadline = time.monotonic() + grace
        while self.running() and time.monotonic() < deadline:
            await anyio.sleep(0.02)
        left = self.cancel_all()
        if left:
            _log.warning("cancelled %d running queries at shutdown", left)
        # cancelled statements stop at their next check; wait for their threads to return
        deadline = time.monotonic() + max(5.0, grace)
        while self.running() and time.monotonic() < deadline:
            await anyio.sleep(0.02)
        return left

    @property
    def closing(self) -> bool:
        """Whether shutdown has begun."""
        return self._closing
