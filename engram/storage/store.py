"""Store lifecycle: open and format checks, the writer lock, commit, group commit, publication.

One `Store` per open database directory. Readers begin by taking the published
`VersionState` (one attribute read under a tiny bookkeeping lock) and read at its
version; they never wait for writers. Writers are serialised by a lock (with a timeout)
and start from the latest *written* state.

Commit (see docs/storage.md, "Durability and group commit"): under the writer lock the
batch is built and written without sync, then the lock is released so the next writer
can start; the committer then makes the WAL durable with `flush_wal(sync=True)`, which
releases the GIL while the disk works. Committers that arrive while a sync is running
queue on the sync lock, and the next sync covers all of them at once (group commit). A
version becomes visible to new readers only once it is durable.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import struct
import tempfile
import threading
import weakref
from collections.abc import Callable
from typing import Final

from engram.catalog import Catalog, Statistics
from engram.errors import CorruptionError, StorageError, TransactionError
from engram.faults import crash_point
from engram.storage import keys as layout
from engram.storage.commit import (
    FORMAT_KEY,
    STATE_KEY,
    CommitPlan,
    Counters,
    build_commit,
    decode_catalog,
    decode_counters,
    encode_counters,
)
from engram.storage.ingest import IngestFiles, ingest, pending_version, recover, undo
from engram.storage.locking import LOCK_FILE, DirectoryLock
from engram.storage.mvcc import HistoryLog, ReaderRegistry, VersionedReader
from engram.storage.records import ChangeSet, VersionState
from engram.storage.rocks import BLOOM_BITS, Batch, RocksBackend
from engram.storage.statistics import decode_statistics
from engram.storage.transaction import ReadTransaction, WriteTransaction

__all__ = ["DEFAULT_WRITE_TIMEOUT", "FORMAT_VERSION", "Store"]

#: on-disk format this build reads and writes (2: float vectors beside node records;
#: format 1 stores open as they are and are marked 2 by the first writer that opens them)
FORMAT_VERSION: Final = 2
#: seconds a second writer waits for the first before giving up
DEFAULT_WRITE_TIMEOUT: Final = 30.0

_FORMAT = FORMAT_VERSION.to_bytes(4, "big")
_LOG = logging.getLogger(__name__)
_BEFORE_WRITE = Callable[[WriteTransaction, int, Batch], None]
_AFTER_WRITE = Callable[[WriteTransaction, int], None]


def _discard(kv: RocksBackend, lock: DirectoryLock | None, directory: str) -> None:
    """Close and delete a temporary database (at close, garbage collection or exit)."""
    with contextlib.suppress(StorageError):  # closed already by Store.close
        kv.close()
    if lock is not None:
        lock.release()
    shutil.rmtree(directory, ignore_errors=True)


def _check_directory(path: str, *, create: bool) -> None:
    if os.path.isfile(path):
        raise StorageError(f"'{path}' is a file, not a database directory")
    if not os.path.isdir(path):
        if not create:
            raise StorageError(f"no database at '{path}'")
        os.makedirs(path, exist_ok=True)
        return
    entries = set(os.listdir(path)) - {LOCK_FILE}
    if entries and "CURRENT" not in entries:
        raise CorruptionError(f"'{path}' is not an engram database (it holds other files)")
    if not entries and not create:
        raise StorageError(f"no database at '{path}'")


class Store:
    """An open database directory: RocksDB plus the MVCC and commit machinery.

    Args:
        path: the database directory (created if missing, unless `read_only`).
        read_only: open as a RocksDB secondary beside a possibly running writer; every
            read transaction first catches up with the writer's committed data.
        sync: fsync every commit (durable); False trades durability on power loss for
            speed, as for bulk loads.
        write_timeout: seconds `begin_write` waits for another writer by default.

    Raises:
        DatabaseLocked: another process (or this one) has the directory open for writing.
        CorruptionError: the directory is not an engram database, or has a newer format.
        StorageError: RocksDB could not open it.
    """

    def __init__(
        self,
        path: str,
        *,
        read_only: bool = False,
        sync: bool = True,
        write_timeout: float = DEFAULT_WRITE_TIMEOUT,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.sync = sync
        self.write_timeout = write_timeout
        self._lock: DirectoryLock | None = None
        self._secondary_dir: str | None = None
        self._closed = False
        self._failure: BaseException | None = None
        self._readers = ReaderRegistry()
        self._history = HistoryLog()
        self._writer = threading.Lock()
        self._writer_owner: int | None = None
        self._writer_token: object | None = None
        self._active_write: weakref.ref[WriteTransaction] | None = None
        self._sync_lock = threading.Lock()
        self._publish_lock = threading.Lock()
        self._next_node = self._next_rel = self._next_index = 0
        self._cleanup: weakref.finalize[..., Store] | None = None
        self._before_write: list[_BEFORE_WRITE] = []
        self._after_write: list[_AFTER_WRITE] = []
        self._close_hooks: list[Callable[[Store], None]] = []
        #: per-store state of extensions (the vector indexes), by extension name
        self.extensions: dict[str, object] = {}
        self._listeners: list[Callable[[ChangeSet], None]] = []
        _check_directory(path, create=not read_only)
        self._kv = self._open_backend()
        try:
            self._load()
        except BaseException as error:
            self._release_resources()
            if type(error) is Exception and str(error).startswith("Corruption"):
                # rocksdict's bare status exception from a damaged block read at open
                raise CorruptionError(f"the database at '{path}' is damaged: {error}") from error
            raise

    # opening -------------------------------------------------------------------------

    def _open_backend(self) -> RocksBackend:
        if self.read_only:
            self._secondary_dir = tempfile.mkdtemp(prefix="engram-reader-")
            try:
                return RocksBackend(self.path, create=False, secondary_path=self._secondary_dir)
            except BaseException:
                shutil.rmtree(self._secondary_dir, ignore_errors=True)
                raise
        self._lock = DirectoryLock(self.path)
        try:
            return RocksBackend(self.path, create=True)
        except BaseException:
            self._lock.release()
            raise

    def _settle_follower(self) -> None:
        # a follower opened while the writer switches its log can miss the writer's data
        # or see an inconsistent view (see `_follower_consistent`): catch up and check
        for _ in range(5):
            self._kv.catch_up()
            if self._kv.get(FORMAT_KEY) is not None and self._follower_consistent():
                return
            self._reopen_follower()

    def _load(self) -> None:
        if self.read_only:
            self._settle_follower()
        raw_format = self._kv.get(FORMAT_KEY)
        if raw_format is None:
            self._initialise()
            raw_format = _FORMAT
        self._check_format(raw_format)
        if not self.read_only and raw_format != _FORMAT:
            batch = self._kv.new_batch()  # older layouts read as they are
            batch.put(FORMAT_KEY, _FORMAT)
            self._kv.write(batch, sync=True)
        raw_state = self._kv.get(STATE_KEY)
        if raw_state is None:
            raise CorruptionError(f"the database at '{self.path}' has no state record")
        try:
            counters = decode_counters(raw_state)
        except struct.error:
            raise CorruptionError(
                f"the database at '{self.path}' has a damaged state record"
            ) from None
        if not self.read_only:
            recover(self._kv, self.path)
            self._drop_leftovers(counters)
        state = VersionState(counters.version, self._read_catalog(), self._read_statistics())
        self._set_counters(counters)
        self._published = self._head = state
        self._synced = counters.version
        # a follower may see the records of an ingestion whose commit has not landed
        self._write_horizon = max(counters.version, pending_version(self._kv))

    def _initialise(self) -> None:
        if self.read_only:
            raise CorruptionError(f"the database at '{self.path}' is not initialised")
        if next(iter(self._kv.scan_keys(b"\x00", b"\xff")), None) is not None:
            raise CorruptionError(f"'{self.path}' is a RocksDB database but not an engram one")
        batch = self._kv.new_batch()
        batch.put(FORMAT_KEY, _FORMAT)
        batch.put(STATE_KEY, encode_counters(Counters(0, 0, 0, 0)))
        self._kv.write(batch, sync=True)

    def _check_format(self, raw: bytes) -> None:
        if len(raw) != 4:
            raise CorruptionError(f"the database at '{self.path}' has a damaged format record")
        found = int.from_bytes(raw, "big")
        if found > FORMAT_VERSION:
            raise CorruptionError(
                f"the database at '{self.path}' has format version {found}, newer than the "
                f"version {FORMAT_VERSION} this engram supports; upgrade engram to open it"
            )
        if found < 1:
            raise CorruptionError(f"the database at '{self.path}' has unknown format {found}")

    def _drop_leftovers(self, counters: Counters) -> None:
        # no reader survives a restart: history is garbage; so are entries of indexes
        # dropped by a commit whose deferred range delete never ran
        batch = self._kv.new_batch()
        low, high = layout.family_range(layout.HISTORY)
        batch.delete_range(low, high)
        known = {index.id for index in self._read_catalog().indexes}
        for tag in (layout.INDEX, layout.UNIQUE, layout.DERIVED):
            for index_id in self._index_ids(tag):
                if index_id not in known:
                    prefix = bytes([tag]) + index_id.to_bytes(4, "big")
                    batch.delete_range(prefix, layout.prefix_end(prefix))
        self._kv.write(batch, sync=True)

    def _index_ids(self, tag: int) -> list[int]:
        found = []
        cursor = self._kv.cursor()
        cursor.seek(bytes([tag]))
        while cursor.valid():
            key = cursor.key()
            if key[0] != tag:
                break
            index_id = int.from_bytes(key[1:5], "big")
            found.append(index_id)
            cursor.seek(layout.prefix_end(key[:5]))
        return found

    def _read_catalog(self) -> Catalog:
        low, high = layout.family_range(layout.CATALOG)
        return decode_catalog(list(self._kv.scan(low, high)))

    def _read_statistics(self) -> Statistics:
        low, high = layout.family_range(layout.STATS)
        return decode_statistics(self._kv.scan(low, high))

    # clock and ids ---------------------------------------------------------------------

    @property
    def write_horizon(self) -> int:
        """Highest version whose batch is being or has been written (readers' history hint)."""
        return self._write_horizon

    @property
    def published(self) -> VersionState:
        """The latest durable, visible version."""
        return self._published

    @property
    def counters(self) -> Counters:
        """The next ids to hand out and the latest written version."""
        return Counters(self._head.version, self._next_node, self._next_rel, self._next_index)

    def next_node_id(self) -> int:
        """A new node id (writer only)."""
        node_id = self._next_node
        self._next_node = node_id + 1
        return node_id

    def next_rel_id(self) -> int:
        """A new relationship id (writer only)."""
        rel_id = self._next_rel
        self._next_rel = rel_id + 1
        return rel_id

    def ingest_files(self) -> IngestFiles | None:
        """New table files for a bulk load's records (None when this store cannot ingest)."""
        if self.read_only:
            return None
        kv = self._kv
        return IngestFiles(
            self.path,
            kv.ingest_options(),
            kv.ingest_options(filtered=False),
            bloom_bits=BLOOM_BITS,
        )

    def allocate_node_ids(self, count: int) -> int:
        """The first of `count` consecutive new node ids (writer only)."""
        first = self._next_node
        self._next_node = first + count
        return first

    def allocate_rel_ids(self, count: int) -> int:
        """The first of `count` consecutive new relationship ids (writer only)."""
        first = self._next_rel
        self._next_rel = first + count
        return first

    def next_index_id(self) -> int:
        """A new index id (writer only)."""
        index_id = self._next_index
        self._next_index = index_id + 1
        return index_id

    def _set_counters(self, counters: Counters) -> None:
        self._next_node = counters.next_node
        self._next_rel = counters.next_rel
        self._next_index = counters.next_index

    # transactions --------------------------------------------------------------------

    def _check_usable(self) -> None:
        if self._closed:
            raise TransactionError("the database is closed")
        if self._failure is not None:
            raise StorageError(
                "an earlier commit could not be made durable; reopen the database"
            ) from self._failure

    def begin_read(self) -> ReadTransaction:
        """Start a read transaction at the latest published version (never blocks on writers)."""
        self._check_usable()
        registry = self._readers
        with registry.lock:
            if self.read_only and not registry.has_readers():
                self._catch_up()
            state = self._published
            registry.add(state.version)
        reader = VersionedReader(self._kv, state.version, self)
        return ReadTransaction(self, reader, state)

    def _catch_up(self) -> None:
        self._kv.catch_up()
        for _ in range(3):
            if self._follower_consistent():
                break
            self._reopen_follower()
        else:
            raise StorageError(f"cannot get a consistent view of '{self.path}' as a follower")
        raw_state = self._kv.get(STATE_KEY)
        if raw_state is None:
            return
        counters = decode_counters(raw_state)
        if counters.version != self._published.version:
            state = VersionState(counters.version, self._read_catalog(), self._read_statistics())
            self._set_counters(counters)
            self._published = self._head = state
            self._synced = counters.version
        self._write_horizon = max(self._published.version, pending_version(self._kv))

    def _follower_consistent(self) -> bool:
        # After the writer flushes its memtable and drops its log, a RocksDB secondary can
        # keep replayed memtable entries older than the new table file's entries for the
        # same keys: point reads then return the older value while iterators see the
        # newer one. Every commit rewrites the state record, so comparing its two reads
        # detects exactly that.
        by_get: bytes | None = self._kv.get(STATE_KEY)
        by_scan = next(iter(self._kv.scan(STATE_KEY, STATE_KEY + b"\x00")), (None, None))[1]
        return by_get == by_scan

    def _reopen_follower(self) -> None:
        old_kv, old_dir = self._kv, self._secondary_dir
        self._secondary_dir = tempfile.mkdtemp(prefix="engram-reader-")
        self._kv = RocksBackend(self.path, create=False, secondary_path=self._secondary_dir)
        old_kv.close()
        if old_dir is not None:
            shutil.rmtree(old_dir, ignore_errors=True)

    def end_read(self, version: int) -> None:
        """Called by a read transaction when it is closed."""
        self._readers.remove(version)

    def abandon_read(self, version: int) -> None:
        """Called by the finalizer of a read transaction that was never closed."""
        self._readers.release_later(version)

    def begin_write(self, timeout: float | None = None) -> WriteTransaction:
        """Start the write transaction, waiting up to `timeout` seconds for another one.

        Raises:
            TransactionError: the database is read-only or closed, this thread already has
                a write transaction, or the wait timed out.
        """
        self._check_usable()
        if self.read_only:
            raise TransactionError("the database is open read-only; writes are not allowed")
        if self._writer_owner == threading.get_ident():
            raise TransactionError("this thread already has an open write transaction")
        wait = self.write_timeout if timeout is None else timeout
        if not self._writer.acquire(timeout=max(wait, 0.0)):
            raise TransactionError(
                f"another write transaction is in progress; gave up after {wait:g} s"
            )
        try:
            self._check_usable()
        except BaseException:
            self._writer.release()
            raise
        self._writer_owner = threading.get_ident()
        state = self._head
        reader = VersionedReader(self._kv, state.version, self)
        transaction = WriteTransaction(self, reader, state, ids=self)
        self._writer_token = transaction.token
        self._active_write = weakref.ref(transaction)
        return transaction

    def end_write(self, token: object) -> None:
        """Release the writer lock held by the transaction with `token` (idempotent)."""
        if self._writer_token is token and token is not None:
            self._writer_token = None
            self._active_write = None
            self._writer_owner = None
            self._writer.release()

    def commit(self, transaction: WriteTransaction) -> int:
        """Write `transaction` atomically and make it durable; returns its version.

        Called by `WriteTransaction.commit` with the writer lock held; releases it.
        """
        overlay = transaction.overlay
        if overlay.is_empty:
            self.end_write(transaction.token)
            return self._head.version
        try:
            plan = self._build(transaction)
        except BaseException:
            self.end_write(transaction.token)
            raise
        version = plan.state.version
        try:
            for hook in self._before_write:
                hook(transaction, version, plan.batch)
            self._write_horizon = version
            crash_point("commit.before_write")
            if plan.ingest is not None:
                ingest(self._kv, plan.ingest, version)
            self._write(plan)
            crash_point("commit.after_write")
        except BaseException:
            self._write_horizon = self._head.version
            self.end_write(transaction.token)
            raise
        self._history.add(version, plan.history, plan.dropped_ranges)
        self._head = plan.state
        self._run_after_write(transaction, version)
        self.end_write(transaction.token)
        self._make_durable(version)
        crash_point("commit.after_sync")
        self._publish(plan.state)
        for listener in self._listeners:
            listener(plan.changes)
        return version

    def _write(self, plan: CommitPlan) -> None:
        """Write the batch; if that fails after an ingestion, take the ingested records out."""
        try:
            self._kv.write(plan.batch, sync=False)
        except BaseException:
            if plan.ingest is not None:
                try:
                    undo(self._kv)
                except StorageError as error:
                    # the intent stays: the next open removes them
                    self._failure = error
            raise

    def _build(self, transaction: WriteTransaction) -> CommitPlan:
        counters = Counters(
            self._head.version + 1, self._next_node, self._next_rel, self._next_index
        )
        try:
            plan = build_commit(
                self._kv, transaction.overlay, self._head, counters, transaction.index_bounds
            )
        except BaseException:
            for part in transaction.overlay.bulk:
                if part.files is not None:
                    part.files.discard()
            raise
        horizon = self._published.version
        oldest = self._readers.oldest()
        if oldest is not None:
            horizon = min(horizon, oldest)
        keys, ranges = self._history.collect(horizon)
        for key in keys:
            plan.batch.delete(key)
        for low, high in ranges:
            plan.batch.delete_range(low, high)
        return plan

    def _make_durable(self, version: int) -> None:
        if not self.sync:
            self._synced = max(self._synced, version)
            return
        with self._sync_lock:
            if self._synced >= version:
                return
            target = self._head.version
            try:
                self._kv.sync_wal()
            except StorageError as error:
                self._failure = error
                raise
            self._synced = target

    def _publish(self, state: VersionState) -> None:
        with self._publish_lock:
            if state.version > self._published.version:
                self._published = state

    @property
    def is_temporary(self) -> bool:
        """Whether the directory is removed at close (derived files need not be saved)."""
        return self._cleanup is not None

    def remove_on_close(self) -> None:
        """Delete the database directory when the store closes, is dropped, or at exit.

        For private temporary databases (`engram.open()` without a path): even one that
        is never closed does not outlive its process.
        """
        self._cleanup = weakref.finalize(self, _discard, self._kv, self._lock, self.path)

    # hooks ---------------------------------------------------------------------------

    def add_before_write(self, hook: _BEFORE_WRITE) -> None:
        """Run `hook(transaction, version, batch)` before each commit's batch is written.

        Extensions (vector indexes) add their own bookkeeping writes to the batch.
        """
        self._before_write.append(hook)

    def add_listener(self, listener: Callable[[ChangeSet], None]) -> None:
        """Call `listener(changes)` after each commit becomes visible."""
        self._listeners.append(listener)

    def add_after_write(self, hook: _AFTER_WRITE) -> None:
        """Run `hook(transaction, version)` once each commit's batch is written.

        It runs under the writer lock, before the version is published to readers, so
        derived structures (vector indexes) updated here are current for every reader
        that can see the version. The commit has happened: a hook must not raise (an
        exception is logged and ignored).
        """
        self._after_write.append(hook)

    def add_close_hook(self, hook: Callable[[Store], None]) -> None:
        """Run `hook(store)` when the store closes, with the writer lock held."""
        self._close_hooks.append(hook)

    def _run_after_write(self, transaction: WriteTransaction, version: int) -> None:
        for hook in self._after_write:
            try:
                hook(transaction, version)
            except Exception:
                _LOG.exception("a commit hook failed at version %d", version)

    # derived records -------------------------------------------------------------------

    def read_derived(self, key: bytes) -> bytes | None:
        """An unversioned record of the derived family (see `engram.storage.derived_feed`)."""
        self._check_usable()
        found: bytes | None = self._kv.get(key)
        return found

    def scan_derived(self, low: bytes, high: bytes) -> list[tuple[bytes, bytes]]:
        """The derived-family records with low <= key < high."""
        self._check_usable()
        if low[:1] != bytes([layout.DERIVED]):
            raise StorageError("scan_derived reads only the derived family")
        return list(self._kv.scan(low, high))

    def write_derived(
        self,
        puts: dict[bytes, bytes],
        delete_ranges: tuple[tuple[bytes, bytes], ...] = (),
    ) -> None:
        """Write derived-family records atomically and durably (outside any commit)."""
        self._check_usable()
        if self.read_only:
            raise TransactionError("the database is open read-only; writes are not allowed")
        tag = bytes([layout.DERIVED])
        batch = self._kv.new_batch()
        for low, high in delete_ranges:
            if low[:1] != tag:
                raise StorageError("write_derived writes only the derived family")
            batch.delete_range(low, high)
        for key, value in puts.items():
            if key[:1] != tag:
                raise StorageError("write_derived writes only the derived family")
            batch.put(key, value)
        self._kv.write(batch, sync=self.sync)

    def oldest_snapshot(self) -> int:
        """The oldest version an open reader (or a future one) may read."""
        oldest = self._readers.oldest()
        published = self._published.version
        return published if oldest is None else min(oldest, published)

    # maintenance ---------------------------------------------------------------------

    def checkpoint(self, destination: str) -> int:
        """A consistent on-disk copy of the database in `destination`; returns its version.

        RocksDB checkpoints are atomic with respect to batches, so the copy holds a prefix
        of the commits (possibly including a commit whose sync is still in flight).
        """
        self._check_usable()
        self._kv.checkpoint(destination)
        return self._head.version

    def analyze(self) -> Statistics:
        """Recompute every statistic from the data and persist it (takes the writer lock).

        Incremental maintenance keeps counts exact, but estimates drift (maximum degrees
        after deletions, distinct values after deletions, pattern counts after label
        changes on connected nodes); this resets them.
        """
        from engram.storage.statistics import encode_statistics
        from engram.storage.verify import recompute_statistics

        transaction = self.begin_write()
        try:
            statistics = recompute_statistics(transaction)
            batch = self._kv.new_batch()
            low, high = layout.family_range(layout.STATS)
            batch.delete_range(low, high)
            for key, value in encode_statistics(statistics).items():
                batch.put(key, value)
            self._kv.write(batch, sync=self.sync)
            crash_point("analyze.after_write")
            state = VersionState(
                self._head.version, self._head.catalog, statistics, self._head.caches
            )
            self._head = state
            self._make_durable(state.version)
            with self._publish_lock:
                if state.version >= self._published.version:
                    self._published = state
        finally:
            transaction.rollback()
        return statistics

    def flush(self) -> None:
        """Flush memtables to table files (makes the next open replay less WAL)."""
        self._kv.flush()

    @property
    def closed(self) -> bool:
        """Whether `close` has run."""
        return self._closed

    def close(self) -> None:
        """Roll back an open write transaction and close the database (idempotent)."""
        if self._closed:
            return
        active = self._active_write() if self._active_write is not None else None
        if active is not None and active.is_open:
            active.rollback()
        acquired = self._writer.acquire(timeout=self.write_timeout)
        for hook in self._close_hooks:
            try:
                hook(self)
            except Exception:
                _LOG.exception("a close hook failed")
        self._closed = True
        try:
            if not self.read_only and self._failure is None:
                self._clear_history()
        finally:
            if acquired:
                self._writer.release()
            self._release_resources()

    def _clear_history(self) -> None:
        keys, ranges = self._history.collect(self._head.version)
        if not keys and not ranges:
            return
        batch = self._kv.new_batch()
        low, high = layout.family_range(layout.HISTORY)
        batch.delete_range(low, high)
        for range_low, range_high in ranges:
            batch.delete_range(range_low, range_high)
        self._kv.write(batch, sync=self.sync)

    def _release_resources(self) -> None:
        try:
            self._kv.close()
        finally:
            if self._lock is not None:
                self._lock.release()
            if self._secondary_dir is not None:
                shutil.rmtree(self._secondary_dir, ignore_errors=True)
            if self._cleanup is not None:
                self._cleanup()
