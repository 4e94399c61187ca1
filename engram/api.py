"""The embedded API: `engram.open`, `Database` and `Transaction`.

`Database` owns one open store and its query session; `db.execute` runs a statement in
its own transaction, `Database.transaction()` groups statements (commit on normal exit
of a ``with`` block, rollback on an exception). The storage transaction stays reachable
as `Transaction.storage`, and `begin_read` / `begin_write` give storage transactions
directly for bulk work. `keywords()`, `functions()` and `Database.procedures()` describe
the language for tools (the shell's completion and highlighting).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from engram.changes import ChangeFeed, CommitEvent
from engram.errors import TransactionError
from engram.execution.functions.registry import all_functions
from engram.index.manager import vector_indexes
from engram.introspection import DEFAULT_SAMPLE, GraphSchema, read_graph_schema
from engram.parser import KEYWORDS
from engram.results import Plan, Result
from engram.session import QuerySession, query_text
from engram.storage import DEFAULT_WRITE_TIMEOUT, ReadTransaction, Store, WriteTransaction
from engram.storage.backup import BackupInfo, backup_store

if TYPE_CHECKING:
    from engram.importer import BadRow, CsvSpec, FrameSpec, ImportSummary

__all__ = [
    "Database",
    "FunctionInfo",
    "ProcedureInfo",
    "Transaction",
    "functions",
    "keywords",
    "open",
]


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    """A function of the language, as tools show it.

    Attributes:
        name: the documented spelling, dotted for namespaces (`toLower`, `date.truncate`).
        signature: e.g. ``toLower(input :: STRING) :: STRING``.
        description: one sentence.
        is_aggregate: whether it aggregates rows (`count`, `collect`, ...).
    """

    name: str
    signature: str
    description: str
    is_aggregate: bool


@dataclass(frozen=True, slots=True)
class ProcedureInfo:
    """A procedure callable with CALL, as tools show it.

    Attributes:
        name: the dotted name (`db.labels`).
        signature: e.g. ``db.labels() :: (label :: STRING)``.
        description: one line.
    """

    name: str
    signature: str
    description: str


def keywords() -> tuple[str, ...]:
    """The language's keywords, sorted (upper case but for `shortestPath`-style ones).

    >>> import engram
    >>> "MATCH" in engram.keywords()
    True
    """
    return tuple(sorted(KEYWORDS, key=str.upper))


def functions() -> tuple[FunctionInfo, ...]:
    """Every function of the language, sorted by name.

    >>> import engram
    >>> [f.signature for f in engram.functions() if f.name == "toLower"]
    ['toLower(input :: STRING) :: STRING']
    """
    return tuple(
        FunctionInfo(spec.display_name, spec.signature, spec.description, spec.is_aggregate)
        for spec in all_functions()
    )


class Transaction:
    """One transaction of a `Database`: commit or roll back, or use it as a context manager.

    A database opened read-only gives read transactions: they cannot write, and
    `commit` simply ends them.
    """

    def __init__(self, database: Database, storage: ReadTransaction | WriteTransaction):
        self._database = database
        self.storage = storage

    @property
    def database(self) -> Database:
        """The database this transaction belongs to."""
        return self._database

    @property
    def is_open(self) -> bool:
        """Whether the transaction has neither committed nor rolled back yet."""
        return self.storage.is_open

    @property
    def read_only(self) -> bool:
        """Whether this transaction can only read."""
        return self.storage.read_only

    def execute(
        self,
        query: Any,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
        **kwargs: Any,
    ) -> Result:
        """Run a statement inside this transaction (see `Database.execute`).

        A failing (or cancelled, or over its memory limit) statement undoes only its own
        changes; the transaction stays open.
        """
        return self._run(query, params, kwargs, timeout, cancel, memory_limit, profile=False)

    def profile(
        self,
        query: Any,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
        **kwargs: Any,
    ) -> Result:
        """Run a statement inside this transaction and measure it (see `Database.profile`)."""
        return self._run(query, params, kwargs, timeout, cancel, memory_limit, profile=True)

    def _run(
        self,
        query: Any,
        params: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
        timeout: float | None,
        cancel: threading.Event | None,
        memory_limit: int | None,
        *,
        profile: bool,
    ) -> Result:
        if not self.storage.is_open:
            raise TransactionError("the transaction has already ended")
        text, values = query_text(query, {**(params or {}), **kwargs})
        return self._database.session.run_in(
            self.storage,
            text,
            values,
            timeout=timeout,
            profile=profile,
            cancel=cancel,
            memory_limit=_checked_limit(memory_limit),
        )

    def commit(self) -> None:
        """Make every change durable and visible; ends the transaction.

        Raises:
            TransactionError: the transaction has already ended.
        """
        if not self.storage.is_open:
            raise TransactionError("the transaction has already ended")
        self.storage.commit()

    def rollback(self) -> None:
        """Discard every change; ends the transaction (a no-op if it has ended)."""
        self.storage.rollback()

    def __enter__(self) -> Transaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.storage.is_open:
            return
        if exc_type is None:
            self.storage.commit()
        else:
            self.storage.rollback()


class Database:
    """An open engram database (a directory), usable as a context manager."""

    def __init__(
        self, store: Store, *, temporary_dir: str | None = None, memory_limit: int | None = None
    ) -> None:
        self._store = store
        self._temporary_dir = temporary_dir
        self.session = QuerySession(store, memory_limit=_checked_limit(memory_limit))
        vector_indexes(store)  # loads the vector indexes and follows commits from now on
        self._changes = ChangeFeed(store)

    def execute(
        self,
        query: Any,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | None = None,
        read_only: bool = False,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
        **kwargs: Any,
    ) -> Result:
        """Run one statement in its own transaction and return its result.

        >>> import engram
        >>> with engram.open() as db:
        ...     _ = db.execute("CREATE (:Person {name: 'Ada', age: 36})")
        ...     db.execute("MATCH (p:Person {name: $name}) RETURN p.age", name="Ada").scalar()
        36

        Args:
            query: the statement text (or a query-builder query).
            params: parameters by name.
            timeout: seconds before the statement is stopped with `QueryTimeout` (it
                then changes nothing); counted from this call, so compiling counts.
            read_only: refuse a statement that writes (`AccessModeError`, before it runs).
            cancel: an event another thread may set to stop the statement
                (`QueryTimeout`; nothing is changed).
            memory_limit: bytes the statement's rows and values may hold (sorts, groups,
                collect(), DISTINCT, hash tables, the buffered result); None: the
                database's `memory_limit`.
            **kwargs: more parameters by name.

        Raises:
            QueryError: the statement is invalid or failed (nothing was changed).
            QueryTimeout: the timeout passed or `cancel` was set.
            MemoryLimitExceeded: the statement needed more than its memory limit
                (nothing was changed).
            AccessModeError: `read_only` was given and the statement writes.
        """
        return self._run(query, params, kwargs, timeout, cancel, memory_limit, read_only=read_only)

    def explain(self, query: Any) -> Plan:
        """The plan the statement would run with, with estimated rows (nothing runs)."""
        text, _ = query_text(query, {})
        return self.session.explain(text)

    def profile(
        self,
        query: Any,
        params: Mapping[str, Any] | None = None,
        /,
        *,
        timeout: float | None = None,
        cancel: threading.Event | None = None,
        memory_limit: int | None = None,
        **kwargs: Any,
    ) -> Result:
        """Run the statement and measure it; `result.plan` has actual rows, reads and time.

        `timeout`, `cancel` and `memory_limit` work as for `execute`.
        """
        return self._run(query, params, kwargs, timeout, cancel, memory_limit, profile=True)

    def _run(
        self,
        query: Any,
        params: Mapping[str, Any] | None,
        kwargs: Mapping[str, Any],
        timeout: float | None,
        cancel: threading.Event | None,
        memory_limit: int | None,
        *,
        profile: bool = False,
        read_only: bool = False,
    ) -> Result:
        text, values = query_text(query, {**(params or {}), **kwargs})
        return self.session.run(
            text,
            values,
            timeout=timeout,
            profile=profile,
            read_only=read_only,
            cancel=cancel,
            memory_limit=_checked_limit(memory_limit),
        )

    def register_procedure(self, signature: str, implementation: Callable[..., Any]) -> None:
        """Make a Python function callable as a procedure.

        `signature` declares it, e.g. ``"my.scale(x :: FLOAT) :: (y :: FLOAT)"``; the
        function receives the arguments and returns an iterable of rows (tuples in
        output order, or dicts by output name).
        """
        self.session.register_procedure(signature, implementation)

    def procedures(self) -> tuple[ProcedureInfo, ...]:
        """The procedures this database can CALL (built-in and registered), sorted by name."""
        return tuple(
            ProcedureInfo(spec.name, spec.signature, spec.description)
            for spec in self.session.procedures
        )

    def subscribe(self, callback: Callable[[CommitEvent], None]) -> Callable[[], None]:
        """Call `callback(event)` after every commit; returns a function that unsubscribes.

        Events arrive in commit order, once each commit is durable and visible, on the
        committing thread: a callback should be quick (hand the event to a queue) and
        must not write to this database. Exceptions it raises are logged and dropped.

        >>> import engram
        >>> with engram.open() as db:
        ...     seen = []
        ...     stop = db.subscribe(seen.append)
        ...     _ = db.execute("CREATE (:Person {name: 'Ada'})")
        ...     stop()
        ...     [(c.change, sorted(c.labels), dict(c.properties)) for c in seen[0].nodes]
        [(<ChangeKind.CREATED: 'created'>, ['Person'], {'name': 'Ada'})]
        """
        return self._changes.subscribe(callback)

    def graph_schema(self, *, sample: int = DEFAULT_SAMPLE) -> GraphSchema:
        """Labels, relationship types, patterns, property types and indexes in use.

        Counts are exact; property keys and their value types are read from every node
        of a label (relationship of a type) with at most `sample` of them, and from
        `sample` evenly spaced ones otherwise.
        """
        view = self._store.begin_read()
        try:
            return read_graph_schema(view, sample)
        finally:
            view.close()

    @property
    def path(self) -> str:
        """The database directory."""
        return self._store.path

    @property
    def read_only(self) -> bool:
        """Whether the database was opened read-only."""
        return self._store.read_only

    @property
    def closed(self) -> bool:
        """Whether `close` has run."""
        return self._store.closed

    def transaction(self, *, timeout: float | None = None) -> Transaction:
        """Begin a transaction (a write transaction unless the database is read-only).

        Args:
            timeout: seconds to wait for another write transaction to finish (default
                `DEFAULT_WRITE_TIMEOUT`); then `TransactionError`.
        """
        if self._store.read_only:
            return Transaction(self, self._store.begin_read())
        return Transaction(self, self._store.begin_write(timeout))

    def begin_read(self) -> ReadTransaction:
        """A storage read transaction at the latest committed version."""
        return self._store.begin_read()

    def begin_write(self, timeout: float | None = None) -> WriteTransaction:
        """The storage write transaction (waits up to `timeout` for another writer)."""
        return self._store.begin_write(timeout)

    def import_csv(
        self,
        nodes: CsvSpec | None = None,
        relationships: CsvSpec | None = None,
        *,
        delimiter: str = ",",
        array_delimiter: str = ";",
        skip_bad_rows: bool = False,
        id_type: str = "auto",
        batch_size: int | None = None,
        progress: bool = False,
        on_bad_row: Callable[[BadRow], None] | None = None,
        commit_nodes_first: bool = False,
    ) -> ImportSummary:
        """Bulk-load CSV files with typed headers (``id:ID``, ``:START_ID``, ``age:int``).

        Args:
            nodes: label -> file (or files): ``{"Person": "persons.csv"}``; labels
                joined with ``:`` give several; a bare file takes labels from :LABEL.
            relationships: type -> file(s): ``{"KNOWS": "knows.csv"}``.
            delimiter: the field delimiter.
            array_delimiter: separates the items of list cells (``a;b;c``).
            skip_bad_rows: skip and report bad rows (`ImportSummary.bad_rows`) instead
                of stopping at the first one with nothing imported.
            id_type: "auto" (integer ids when the first id is an integer), "integer",
                or "string".
            batch_size: commit every so many nodes plus relationships (default: one
                commit for the whole import).
            progress: show progress bars on standard error.
            on_bad_row: called with each bad row as it is found.
            commit_nodes_first: commit the nodes, then read the relationship files and
                commit them (two commits instead of one; a relationship file that stops
                the import leaves the nodes in place). The summary times both phases.

        Raises:
            BulkImportError: a file or header is invalid, or a row is bad (see above).
        """
        from engram.importer import import_csv

        return import_csv(
            self._store,
            nodes,
            relationships,
            delimiter=delimiter,
            array_delimiter=array_delimiter,
            skip_bad_rows=skip_bad_rows,
            id_type=id_type,
            batch_size=batch_size,
            progress=progress,
            on_bad_row=on_bad_row,
            commit_nodes_first=commit_nodes_first,
        )

    def import_dataframe(
        self,
        nodes: FrameSpec | None = None,
        relationships: FrameSpec | None = None,
        *,
        id: str | None = "id",
        start: str = "start",
        end: str = "end",
        skip_bad_rows: bool = False,
        id_type: str = "auto",
        batch_size: int | None = None,
        commit_nodes_first: bool = False,
    ) -> ImportSummary:
        """Bulk-load pandas or polars data frames: label -> frame, type -> frame.

        A node frame's `id` column is its import id (stored as a property too); a
        relationship frame's `start` and `end` columns name those ids. Other columns
        are properties (NaN and None mean "no property"); typed names such as
        ``since:int`` or ``:START_ID`` work as in CSV headers. `commit_nodes_first`
        commits the nodes before the relationships, as in `import_csv`.

        Raises:
            BulkImportError: a frame lacks a column, or a row is bad (see `import_csv`).
        """
        from engram.importer import import_frames

        return import_frames(
            self._store,
            nodes,
            relationships,
            id=id,
            start=start,
            end=end,
            skip_bad_rows=skip_bad_rows,
            id_type=id_type,
            batch_size=batch_size,
            commit_nodes_first=commit_nodes_first,
        )

    def to_networkx(
        self, labels: Sequence[str] | None = None, types: Sequence[str] | None = None
    ) -> Any:
        """The graph (or a projection) as a networkx.MultiDiGraph keyed by ids.

        Only the nodes with any of `labels` and the relationships of `types` between
        them, when given (see docs/algorithms.md).
        """
        from engram.graphs import to_networkx

        return to_networkx(self, labels, types)

    def from_networkx(
        self,
        graph: Any,
        *,
        label: str | None = None,
        type: str = "RELATED",
        key_property: str | None = None,
    ) -> dict[Any, int]:
        """Load a networkx graph in one transaction; returns networkx key -> node id.

        Attributes become properties; a ``labels`` / ``type`` attribute names the labels
        of a node / the type of an edge, else `label` / `type`. `key_property` stores the
        networkx node key as a property.
        """
        from engram.graphs import from_networkx

        return from_networkx(self, graph, label=label, type=type, key_property=key_property)

    def backup(self, destination: str | os.PathLike[str]) -> BackupInfo:
        """An online, consistent backup into `destination` (a new directory).

        Writes from other threads may continue; the backup holds every commit that
        finished before it started. Restore with `engram restore`.
        """
        return backup_store(self._store, destination)

    def close(self) -> None:
        """Close the database (rolling back an open write transaction); idempotent."""
        try:
            self._store.close()
        finally:
            if self._temporary_dir is not None:
                shutil.rmtree(self._temporary_dir, ignore_errors=True)
                self._temporary_dir = None

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        state = "closed" if self.closed else mode
        return f"<engram.Database {self.path!r} ({state})>"


def open(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    sync: bool = True,
    write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    memory_limit: int | None = None,
) -> Database:
    """Open (or create) the database in directory `path`.

    >>> import engram
    >>> with engram.open() as db:
    ...     with db.transaction() as tx:
    ...         person = tx.storage.intern_label("Person")
    ...         node = tx.storage.create_node([person])
    ...     db.begin_read().count_nodes(person)
    1

    Args:
        path: the database directory, created if missing; None gives a private temporary
            database that is removed on close.
        read_only: open beside a running writer (in another process) without writing.
        sync: fsync every commit; False is faster and loses only the last commits on a
            power failure (never on a process crash).
        write_timeout: default seconds a write transaction waits for another one.
        memory_limit: default bytes one statement may hold (`MemoryLimitExceeded`
            beyond); None: a quarter of the machine's memory (or of the process's
            cgroup limit), see docs/adr/0009-query-memory-budget.md.

    Raises:
        DatabaseLocked: another process has the directory open for writing.
        CorruptionError: the directory is not an engram database or has a newer format.
        StorageError: the directory cannot be opened.
    """
    if path is None:
        if read_only:
            raise TransactionError("a temporary database cannot be opened read-only")
        directory = tempfile.mkdtemp(prefix="engram-")
        try:
            store = Store(directory, sync=sync, write_timeout=write_timeout)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        store.remove_on_close()
        return Database(store, temporary_dir=directory, memory_limit=memory_limit)
    store = Store(os.fspath(path), read_only=read_only, sync=sync, write_timeout=write_timeout)
    return Database(store, memory_limit=memory_limit)


def _checked_limit(memory_limit: int | None) -> int | None:
    """A memory limit as given, refused unless it is a positive number of bytes."""
    if memory_limit is None:
        return None
    if isinstance(memory_limit, bool) or not isinstance(memory_limit, int | float):
        raise TypeError(f"memory_limit is a number of bytes, not {type(memory_limit).__name__}")
    if not memory_limit > 0 or memory_limit == float("inf"):
        raise TypeError(f"memory_limit must be a positive number of bytes, got {memory_limit}")
    return int(memory_limit)
