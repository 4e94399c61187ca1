"""Read and write transactions: lifecycle, read-your-writes state, commit and rollback.

A `ReadTransaction` reads one published version until it is closed. A
`WriteTransaction` holds the store's writer lock from `begin_write` until `commit` or
`rollback`; its reads see its own writes. Both are context managers (a write
transaction commits on normal exit and rolls back on an exception) and are meant for
one thread. If one is dropped without being ended, a finalizer ends it (a write
transaction is rolled back), so a leak never blocks other writers.

Failures of the storage engine inside any call surface as `StorageError` (or
`TransactionError` once the database is closed), never as the backend's own exceptions.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TypeVar

from rocksdict import DbClosedError

from engram.errors import CorruptionError, EngramError, StorageError, TransactionError
from engram.storage import keys as layout
from engram.storage.index_reads import IndexReads
from engram.storage.mvcc import VersionedReader
from engram.storage.ordered import skip_values
from engram.storage.overlay import TxState
from engram.storage.reads import GraphView
from engram.storage.records import VersionState
from engram.storage.writes import GraphWriter, IdAllocator

if TYPE_CHECKING:
    from engram.storage.store import Store

__all__ = ["ReadTransaction", "WriteTransaction"]

F = TypeVar("F", bound=Callable[..., Any])

_ITERATORS: Final = frozenset({"scan_nodes", "scan_label", "scan_relationships"})
_LIFECYCLE: Final = frozenset({"commit", "rollback", "close"})
#: reads of the version's in-memory caches: no storage failure to translate, and only a
#: running statement calls them (on the way of every search that reads properties)
_CACHE_READS: Final = frozenset({"cached_column", "column_by_node", "label_reads"})


def _translated(error: Exception) -> EngramError | None:
    if isinstance(error, DbClosedError):
        return TransactionError("the database is closed")
    if type(error) is Exception:
        # rocksdict raises bare Exception for RocksDB status errors; a failed block
        # checksum is damage on disk, never a transient failure
        if str(error).startswith("Corruption"):
            return CorruptionError(f"the database is damaged: {error}")
        return StorageError(f"storage failure: {error}")
    return None


def _guard_iterator(iterator: Iterator[Any]) -> Iterator[Any]:
    try:
        yield from iterator
    except Exception as error:
        translated = _translated(error)
        if translated is None:
            raise
        raise translated from error


def _guard(method: F, *, iterator: bool) -> F:
    @functools.wraps(method)
    def guarded(self: _Transaction, *args: Any, **kwargs: Any) -> Any:
        if self._ended:
            raise TransactionError(f"the transaction has {self._ended}")
        try:
            result = method(self, *args, **kwargs)
        except Exception as error:
            translated = _translated(error)
            if translated is None:
                raise
            raise translated from error
        return _guard_iterator(result) if iterator else result

    return guarded  # type: ignore[return-value]  # same signature, wrapped


def _guard_public_methods(cls: type) -> None:
    for base in reversed(cls.__mro__):
        if base not in (GraphView, IndexReads, GraphWriter):
            continue
        for name, member in vars(base).items():
            if name.startswith("_") or name in _LIFECYCLE or name in _CACHE_READS:
                continue
            if not callable(member):
                continue
            setattr(cls, name, _guard(member, iterator=name in _ITERATORS))


class _Transaction:
    """Shared lifecycle state; `_ended` is '' while open, else how it ended."""

    _ended: str = ""
    _store: Store

    @property
    def store(self) -> Store:
        """The store this transaction belongs to (derived indexes find theirs through it)."""
        return self._store

    @property
    def is_open(self) -> bool:
        """Whether the transaction can still be used."""
        return not self._ended


class ReadTransaction(_Transaction, GraphView):
    """A snapshot of one committed version; never blocks and is never blocked."""

    def __init__(self, store: Store, reader: VersionedReader, state: VersionState) -> None:
        GraphView.__init__(self, reader, state, None)
        self._store = store

    def __del__(self) -> None:
        # a transaction dropped unclosed releases its version (`abandon_read` never
        # blocks: it may run inside any other call, as collections do); `__del__` rather
        # than `weakref.finalize`, which costs more than the rest of `begin_read`
        reader = getattr(self, "_reader", None)  # None: __init__ failed
        if not self._ended and reader is not None:
            self._store.abandon_read(reader.version)

    @property
    def read_only(self) -> bool:
        """Always True: a read transaction cannot write."""
        return True

    def close(self) -> None:
        """End the transaction (idempotent)."""
        if not self._ended:
            self._ended = "ended"
            self._store.end_read(self._reader.version)

    commit = close
    rollback = close

    def __enter__(self) -> ReadTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _abandon(store: weakref.ref[Store], token: object) -> None:
    found = store()
    if found is not None:
        found.end_write(token)


class WriteTransaction(_Transaction, GraphWriter):
    """The single write transaction; its reads include its own uncommitted writes."""

    def __init__(
        self, store: Store, reader: VersionedReader, state: VersionState, ids: IdAllocator
    ) -> None:
        GraphWriter.__init__(self, reader, state, TxState(state.catalog), ids=ids)
        self._store = store
        self.token = object()
        self._release = weakref.finalize(self, _abandon, weakref.ref(store), self.token)
        self.committed_version: int | None = None

    @property
    def read_only(self) -> bool:
        """Always False."""
        return False

    @property
    def overlay(self) -> TxState:
        """The buffered changes (for the commit builder)."""
        return self._overlay

    def _ensure_active(self) -> None:
        if self._ended:
            raise TransactionError(f"the transaction has {self._ended}")

    def commit(self) -> int:
        """Check deferred constraints, write everything atomically, make it durable.

        Returns:
            The commit version (unchanged if the transaction wrote nothing).

        Raises:
            QueryRuntimeError: a node deleted in this transaction still has relationships
                (the transaction is rolled back).
            StorageError: the write or the sync failed (nothing was applied, or the store
                must be reopened).
            TransactionError: the transaction has already ended.
        """
        self._ensure_active()
        try:
            self.check_deleted_nodes()
        except BaseException:
            self.rollback()
            raise
        self._ended = "been committed"
        self._release.detach()
        try:
            version = self._store.commit(self)
        except Exception as error:
            self._ended = "failed to commit"
            translated = _translated(error)
            if translated is None:
                raise
            raise translated from error
        self.committed_version = version
        return version

    def rollback(self) -> None:
        """Discard every change (idempotent); nothing reached the disk."""
        if self._ended:
            return
        self._ended = "been rolled back"
        self._overlay = TxState(self._state.catalog)
        self._release()

    close = rollback

    def final_view(self) -> GraphView:
        """An unguarded view of what this transaction commits, for commit hooks.

        The transaction's own methods refuse calls once `commit` has started; hooks that
        must read its final state (building a derived index it created) read this view.
        """
        return GraphView(self._reader, self._state, self._overlay)

    def index_bounds(self, index_id: int) -> tuple[bytes | None, bytes | None]:
        """(smallest, largest) value key of an index in this transaction's view."""
        index = self._overlay.catalog.index_by_id(index_id)
        if index is None:
            return None, None
        tag = layout.UNIQUE if index.unique else layout.INDEX
        prefix = bytes([tag]) + index_id.to_bytes(4, "big")
        delta = self._overlay.indexes.get(index_id)
        hidden = delta.hides if delta is not None else (lambda key: False)
        candidates = [*self._committed_ends(prefix, hidden)]
        if delta is not None and delta.added:
            candidates.extend((min(delta.added), max(delta.added)))
        if not candidates:
            return None, None
        count = len(index.property_key_ids)
        low, high = min(candidates), max(candidates)
        return low[5 : skip_values(low, 5, count)], high[5 : skip_values(high, 5, count)]

    def _committed_ends(self, prefix: bytes, hidden: Callable[[bytes], bool]) -> list[bytes]:
        # the writer reads the latest committed data, so a raw cursor is its view
        cursor = self._reader.current_cursor()
        if cursor is None:
            keys = [key for key, _ in self._reader.scan_prefix(prefix) if not hidden(key)]
            return [min(keys), max(keys)] if keys else []
        ends = []
        cursor.seek(prefix)
        while cursor.valid() and cursor.key().startswith(prefix) and hidden(cursor.key()):
            cursor.next()
        if cursor.valid() and cursor.key().startswith(prefix):
            ends.append(cursor.key())
        cursor.seek_for_prev(layout.prefix_end(prefix))
        while cursor.valid() and cursor.key().startswith(prefix) and hidden(cursor.key()):
            cursor.prev()
        if cursor.valid() and cursor.key().startswith(prefix):
            ends.append(cursor.key())
        return ends

    def __enter__(self) -> WriteTransaction:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._ended:
            if exc_type is None:
                self.commit()
            else:
                self.rollback()


_guard_public_methods(ReadTransaction)
_guard_public_methods(WriteTransaction)
