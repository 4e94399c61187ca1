"""The key-value backend: rocksdict behind a small interface (get, multi-get, scan, batch).

Everything above this module sees only `KeyValueBackend`, so another ordered,
transactional key-value engine could replace RocksDB. Hot read methods are bound
straight to rocksdict's (no extra Python frame per call); failures surface as
`StorageError` at transaction boundaries (see `engram.storage.errors`).

Notes on rocksdict 0.3.29 that shaped this module:

- `ReadOptions.set_iterate_lower_bound` behaves like an upper bound, so scans seek to
  their low key and only set an upper bound.
- `Rdict.write(..., sync=True)` holds the GIL through the fsync, while `flush_wal(True)`
  releases it; commits therefore write without sync and then sync the WAL (see
  `engram.storage.commit` and docs/storage.md, "Durability and group commit").
- `Rdict.delete_range` on the default column family deletes key by key; a
  `WriteBatch.delete_range` writes a real range tombstone.
- An iterator does not keep its upper-bound bytes alive: scans pin them (`_pinned`).
- An iterator that meets a damaged block (checksum mismatch) just ends, or turns
  invalid, as if the range were exhausted; only `status()` tells. Scans therefore check,
  once they end, that nothing lies between their last key and their bound, and cursors
  check `status()` whenever they turn invalid (`CheckedCursor`): damage raises
  `CorruptionError` instead of silently dropping the rest of the range.
- A secondary can keep replayed memtable entries older than the table file the writer
  just flushed, so point reads and iterators disagree until it is reopened; the store
  checks after every catch-up (`Store._follower_consistent`).
- Reopening with only `options` applies the column family options saved in the
  database's OPTIONS file instead (the block cache falls back to 8 MB), so the default
  column family's options are passed explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, Final, Protocol, TypeVar, cast

from rocksdict import (
    AccessType,
    BlockBasedOptions,
    Cache,
    Checkpoint,
    DBCompressionType,
    DBRecoveryMode,
    IngestExternalFileOptions,
    Options,
    Rdict,
    ReadOptions,
    WriteBatch,
    WriteOptions,
)

from engram.errors import CorruptionError, DatabaseLocked, StorageError

__all__ = ["BLOCK_CACHE_BYTES", "Batch", "Cursor", "KeyValueBackend", "RocksBackend"]

#: bloom filter bits per key of the database's table files
BLOOM_BITS: Final = 10
#: RocksDB block cache per open database (an upper bound; filled by reads)
BLOCK_CACHE_BYTES: Final = 256 * 1024 * 1024


class Cursor(Protocol):
    """A positioned iterator over the ordered key space (a consistent view)."""

    def seek(self, key: bytes) -> None:
        """Position at the first key >= `key`."""
        ...

    def seek_for_prev(self, key: bytes) -> None:
        """Position at the last key <= `key`."""
        ...

    def valid(self) -> bool:
        """Whether the cursor is on an entry."""
        ...

    def key(self) -> bytes:
        """The current key."""
        ...

    def value(self) -> bytes:
        """The current value."""
        ...

    def next(self) -> None:
        """Move to the next key."""
        ...

    def prev(self) -> None:
        """Move to the previous key."""
        ...


class Batch(Protocol):
    """An atomic group of writes."""

    def put(self, key: bytes, value: bytes) -> None:
        """Set `key` to `value`."""
        ...

    def delete(self, key: bytes) -> None:
        """Remove `key`."""
        ...

    def delete_range(self, begin: bytes, end: bytes) -> None:
        """Remove every key in [begin, end)."""
        ...

    def len(self) -> int:
        """Number of operations."""
        ...

    def size_in_bytes(self) -> int:
        """Encoded size of the batch."""
        ...


class KeyValueBackend(Protocol):
    """The ordered key-value interface the graph store is written against."""

    def get(self, key: bytes) -> bytes | None:
        """The value of `key`, or None."""
        ...

    def multi_get(self, keys: list[bytes]) -> list[bytes | None]:
        """Values of many keys (None where missing)."""
        ...

    def scan(self, low: bytes, high: bytes) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs with low <= key < high, in key order."""
        ...

    def scan_keys(self, low: bytes, high: bytes) -> Iterator[bytes]:
        """Keys with low <= key < high, in key order."""
        ...

    def cursor(self) -> Cursor:
        """A cursor over a consistent view taken now."""
        ...

    def new_batch(self) -> Batch:
        """An empty batch."""
        ...

    def write(self, batch: Batch, *, sync: bool) -> None:
        """Apply a batch atomically (fsync the log first if `sync`)."""
        ...

    def sync_wal(self) -> None:
        """Make everything written so far durable."""
        ...

    def ingest(self, paths: list[str]) -> None:
        """Move sorted table files into the database, atomically."""
        ...

    def catch_up(self) -> None:
        """Follower instances: apply what the primary wrote since last time."""
        ...

    def checkpoint(self, destination: str) -> None:
        """A consistent copy of the database in `destination`."""
        ...

    def close(self) -> None:
        """Close the backend."""
        ...


def _options(*, create: bool, secondary: bool, filters: bool = True, lz4: bool = False) -> Options:
    options = Options(raw_mode=True)
    options.create_if_missing(create)
    options.increase_parallelism(max(2, os.cpu_count() or 2))
    options.set_max_background_jobs(4)
    options.set_write_buffer_size(64 * 1024 * 1024)
    options.set_wal_recovery_mode(DBRecoveryMode.tolerate_corrupted_tail_records())
    table = BlockBasedOptions()
    if filters:
        # bloom filters make misses cheap: history look-ups and existence checks are misses
        table.set_bloom_filter(BLOOM_BITS, False)
    table.set_cache_index_and_filter_blocks(True)
    table.set_pin_l0_filter_and_index_blocks_in_cache(True)
    # random point reads (records of many ids) live or die by the block cache; it only
    # takes memory for blocks actually read
    table.set_block_cache(Cache(BLOCK_CACHE_BYTES))
    options.set_block_based_table_factory(table)
    if secondary:
        options.set_max_open_files(-1)
    if lz4:
        options.set_compression_type(DBCompressionType.lz4())
    return options


def translate_open_error(error: Exception, path: str) -> Exception:
    """Map a RocksDB open failure to engram's error for it."""
    text = str(error)
    lowered = text.lower()
    if "lock" in lowered and ("hold" in lowered or "unavailable" in lowered):
        return DatabaseLocked(f"the database at '{path}' is open in another process ({text})")
    if "corruption" in lowered:
        return CorruptionError(f"the database at '{path}' is damaged: {text}")
    if "does not exist" in lowered:
        return StorageError(f"no database at '{path}'")
    return StorageError(f"cannot open the database at '{path}': {text}")


T = TypeVar("T")


def damaged(error: Exception) -> CorruptionError:
    """The error for a RocksDB status that reports damage on disk."""
    return CorruptionError(f"the database is damaged: {error}")


def _check_status(iterator: Any) -> None:
    try:
        iterator.status()
    except Exception as error:
        raise damaged(error) from error


class CheckedCursor:
    """A rocksdict iterator whose `valid()` raises `CorruptionError` instead of lying.

    Every method but `valid` is the iterator's own bound method (no extra frame).
    """

    __slots__ = ("_iterator", "key", "next", "prev", "seek", "seek_for_prev", "value")

    def __init__(self, iterator: Any) -> None:
        self._iterator = iterator
        self.seek = iterator.seek
        self.seek_for_prev = iterator.seek_for_prev
        self.key = iterator.key
        self.value = iterator.value
        self.next = iterator.next
        self.prev = iterator.prev

    def valid(self) -> bool:
        """Whether the cursor is on an entry; raises if it left the range on damage."""
        if self._iterator.valid():
            return True
        _check_status(self._iterator)
        return False


def _pinned(db: Rdict, iterator: Iterator[T], low: bytes, *keep: object) -> Iterator[T]:
    """`iterator` from `low`, keeping `keep` alive, checked for an early end on damage.

    rocksdict's iterators borrow the upper-bound bytes of their `ReadOptions` without
    owning them: if the bound object is freed, the scan stops early (or reads garbage).
    The generator frame holds the bound for as long as the iterator lives. When the
    iterator ends, one seek past its last key checks that it did not end on damage (an
    iterator meeting a damaged block ends without an error).
    """
    last: Any = None
    for last in iterator:
        yield last
    if last is None:
        resume = low
    else:
        key = last if isinstance(last, bytes) else last[0]
        resume = key + b"\x00"
    # the probe reads the block the scan would have read next: if the scan ended on
    # damage, so does the probe, and its status says so (a probe finding a key below
    # `high` is a commit newer than the scan's snapshot, not damage)
    probe = db.iter()
    probe.seek(resume)
    if not probe.valid():
        _check_status(probe)
    del keep


class RocksBackend:
    """`KeyValueBackend` over one rocksdict `Rdict` in raw mode.

    Args:
        path: the RocksDB directory.
        create: create the database when missing.
        secondary_path: open as a RocksDB secondary instance (read-only, following a
            primary that may be running in another process); the directory holds the
            secondary's own logs.
    """

    def __init__(self, path: str, *, create: bool, secondary_path: str | None = None) -> None:
        self.path = path
        self.is_secondary = secondary_path is not None
        options = _options(create=create, secondary=self.is_secondary)
        # rocksdict reopens an existing database with the column family options saved in
        # its OPTIONS file (and a default 8 MB block cache) unless they are given
        families = {"default": _options(create=create, secondary=self.is_secondary)}
        try:
            if secondary_path is not None:
                access = AccessType.secondary(secondary_path)
                self._db = Rdict(path, options, column_families=families, access_type=access)
            else:
                self._db = Rdict(path, options, column_families=families)
        except Exception as error:
            raise translate_open_error(error, path) from error
        self._sync_options = WriteOptions()
        self._sync_options.sync = True
        self._async_options = WriteOptions()
        # bound rocksdict methods: no Python frame between callers and RocksDB
        self.get: Any = self._db.get
        self.multi_get: Any = self._db.__getitem__
        self._iter = self._db.iter

    def cursor(self) -> CheckedCursor:
        """A cursor over a consistent view taken now."""
        return CheckedCursor(self._iter())

    def scan(self, low: bytes, high: bytes) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs with low <= key < high, in key order."""
        options = ReadOptions()
        options.set_iterate_upper_bound(high)
        items = self._db.items(from_key=low, read_opt=options)
        return _pinned(self._db, cast(Iterator[tuple[bytes, bytes]], items), low, high, options)

    def scan_keys(self, low: bytes, high: bytes) -> Iterator[bytes]:
        """Keys with low <= key < high, in key order."""
        options = ReadOptions()
        options.set_iterate_upper_bound(high)
        keys = self._db.keys(from_key=low, read_opt=options)
        return _pinned(self._db, cast(Iterator[bytes], keys), low, high, options)

    def scan_reverse(self, low: bytes, high: bytes) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) pairs with low <= key < high, in descending key order."""
        cursor = self.cursor()
        cursor.seek_for_prev(high)
        if cursor.valid() and cursor.key() >= high:
            cursor.prev()
        while cursor.valid():
            key = cursor.key()
            if key < low:
                return
            yield key, cursor.value()
            cursor.prev()

    def new_batch(self) -> WriteBatch:
        """An empty batch for `write`."""
        return WriteBatch(raw_mode=True)

    def write(self, batch: Batch, *, sync: bool) -> None:
        """Apply a batch atomically; with `sync`, fsync the WAL before returning.

        Raises:
            StorageError: RocksDB refused the write (I/O error, read-only instance).
        """
        try:
            options = self._sync_options if sync else self._async_options
            self._db.write(cast(WriteBatch, batch), options)
        except Exception as error:
            raise StorageError(f"write failed: {error}") from error

    def ingest(self, paths: list[str]) -> None:
        """Move sorted table files (made with the database's options) into the database.

        Atomic: every file's keys become visible together, or none do.

        Raises:
            StorageError: RocksDB refused the files.
        """
        options = IngestExternalFileOptions()
        options.set_move_files(True)
        try:
            self._db.ingest_external_file(paths, options)
        except Exception as error:
            raise StorageError(f"ingesting {len(paths)} table file(s) failed: {error}") from error

    @property
    def options(self) -> Options:
        """Options for table files this database can ingest."""
        return _options(create=True, secondary=False)

    def ingest_options(self, *, filtered: bool = True) -> Options:
        """Options for the table files of a bulk load (`engram.storage.ingest`).

        They are LZ4-compressed (faster to write than the default Snappy, as small).
        Without `filtered`, they have no bloom filters, for key families no look-up
        misses: a whole-key filter only saves work on a look-up of a missing key, and
        relationship records are read by the ids of relationships that exist while
        type members are only scanned; their files are written faster without one.
        """
        return _options(create=True, secondary=False, filters=filtered, lz4=True)

    def sync_wal(self) -> None:
        """Fsync the write-ahead log (releases the GIL while it waits for the disk)."""
        try:
            self._db.flush_wal(True)
        except Exception as error:
            raise StorageError(f"syncing the write-ahead log failed: {error}") from error

    def catch_up(self) -> None:
        """Secondary instances: apply what the primary wrote since the last catch-up."""
        try:
            self._db.try_catch_up_with_primary()
        except Exception as error:
            raise StorageError(f"catching up with the writer failed: {error}") from error

    def checkpoint(self, destination: str) -> None:
        """A consistent copy of the database in `destination` (hard links where possible)."""
        try:
            Checkpoint(self._db).create_checkpoint(destination)
        except Exception as error:
            raise StorageError(f"checkpoint to '{destination}' failed: {error}") from error

    def flush(self) -> None:
        """Flush memtables to table files (shortens the next open's WAL replay)."""
        try:
            self._db.flush(True)
        except Exception as error:
            raise StorageError(f"flush failed: {error}") from error

    def close(self) -> None:
        """Close the database; later calls fail."""
        try:
            self._db.close()
        except Exception as error:
            raise StorageError(f"closing the database failed: {error}") from error
