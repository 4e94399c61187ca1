"""Large bulk commits written as RocksDB table files and ingested, crash-safely.

A bulk load's new records (`engram.storage.bulk`) are keys that did not exist before
the commit. When there are many, writing them through the write-ahead log and the
memtable (and flushing that later) costs more than writing one sorted table file and
handing it to RocksDB (`IngestExternalFile`, which moves the file into the tree). The
commit does this:

1. `IngestFiles` writes the records into sorted table files in the database directory's
   ``ingest`` folder, one per key family (one per label or type for memberships), as the
   load creates them (`engram.storage.bulk`) and at the commit; nothing in the database
   changes yet.
2. `ingest` first writes an *intent* record, synced: the commit version and the key
   range of each file. Then RocksDB ingests the files (atomic: all of them or none).
3. The commit's ordinary batch follows; it holds the state record (the new version and
   id counters) and deletes the intent, so the commit lands whole or not at all.

Readers never see the ingested records early: their values start with the commit
version, above every open snapshot, and the write horizon is raised first (see
`engram.storage.mvcc`). If the process dies between 2 and 3, the intent is still there
at the next open and `recover` deletes, in its ranges, every key whose value carries
the intent's version (all of them new keys), then the intent: the store is as it was
before the commit, and the version and ids are handed out again. A failure inside the
process does the same at once (`undo`).
"""

from __future__ import annotations

import os
import shutil
from collections import deque
from typing import Final

import msgpack
from rocksdict import Options, SstFileWriter

from engram.errors import InternalError, StorageError
from engram.faults import crash_point
from engram.storage import keys as layout
from engram.storage.bulk_records import Packed, Records
from engram.storage.rocks import KeyValueBackend
from engram.storage.table_process import TableProcess

__all__ = [
    "INGEST_DIRECTORY",
    "INTENT_KEY",
    "IngestFiles",
    "ingest",
    "pending_version",
    "recover",
    "undo",
]

#: the folder of a database directory where table files wait to be ingested
INGEST_DIRECTORY: Final = "ingest"
#: the intent record of an ingestion whose commit has not landed
INTENT_KEY: Final = bytes([layout.META]) + b"ingest"
#: whether large loads write their table files in a child process (tests turn it off)
CHILD_PROCESS = True


class _SortedFile:
    """One table file: its key range, and its writer when this process writes it.

    Args:
        path: where the file goes.
        options: the table format, or None when the child process writes the file.
        after: a key every key of the file must follow (the last of an earlier file
            of the same records).
        number: the child process's number of the file (None: written here).
    """

    def __init__(
        self,
        path: str,
        options: Options | None,
        after: bytes | None = None,
        number: int | None = None,
    ) -> None:
        self.path = path
        self.first: bytes | None = None
        self.last = after
        self.number = number
        self._writer: SstFileWriter | None = None
        if options is None:
            return
        try:
            self._writer = SstFileWriter(options=options)
            self._writer.open(path)
        except Exception as error:  # rocksdict raises bare exceptions for RocksDB statuses
            raise StorageError(f"cannot create the bulk table file: {error}") from error

    def extend(self, first: bytes, last: bytes) -> None:
        """Take keys `first` .. `last`, which must follow every key so far."""
        if (self.last is not None and first <= self.last) or last < first:
            raise InternalError("bulk records reached a table file out of key order")
        if self.first is None:
            self.first = first
        self.last = last

    def put(self, records: Records) -> None:
        if self._writer is None:
            raise InternalError("a bulk table file written elsewhere was given records")
        values = records.values
        if isinstance(values, bytes):
            values = [values] * len(records.keys)
        try:
            deque(map(self._writer.__setitem__, records.keys, values), maxlen=0)
        except Exception as error:
            raise StorageError(f"writing the bulk table file failed: {error}") from error

    def finish(self) -> None:
        if self._writer is None:
            return
        try:
            self._writer.finish()
        except Exception as error:
            raise StorageError(f"finishing the bulk table file failed: {error}") from error


class IngestFiles:
    """The table files one commit's new records go into, and the key ranges they cover.

    Records go to a named sequence of files (one per key family or group: node records,
    relationship records, the members of one label, ...); within a name their keys must
    ascend across calls (`add` checks it), and different names must cover disjoint key
    ranges, which the key layout gives when each holds one family or one label's or
    type's members. Files can be filled as records are created, long before the commit.

    With `bloom_bits` given, a child process (`engram.storage.table_process`) is started
    with the first records; once it is ready, the records of each name go on in a new
    file that the child writes, from byte matrices, spending its own core on the
    writer's one call per key. Until then (and for ``child=False``, and for good when
    the child cannot start) this process writes them.

    Args:
        directory: the database directory (the files go into its ``ingest`` folder).
        options: RocksDB options of the files (the database's table format).
        unfiltered: the same without bloom filters, for `add(..., filtered=False)`.
        bloom_bits: the bloom filter bits per key of `options`, for the child process
            (which writes LZ4-compressed files, so `options` must ask for LZ4); None:
            no child process.
    """

    def __init__(
        self,
        directory: str,
        options: Options,
        unfiltered: Options | None = None,
        *,
        bloom_bits: int | None = None,
    ) -> None:
        self.folder = os.path.join(directory, INGEST_DIRECTORY)
        self.records = 0
        self._options = options
        self._unfiltered = options if unfiltered is None else unfiltered
        self._files: list[_SortedFile] = []
        self._current: dict[str, _SortedFile] = {}  # the file each name goes on in
        self._bloom_bits = bloom_bits
        self._child: TableProcess | None = None
        self._started = False
        self._finished = False

    @property
    def paths(self) -> list[str]:
        """The files, in the order they were started."""
        return [found.path for found in self._files]

    @property
    def ranges(self) -> list[tuple[bytes, bytes]]:
        """(first key, last key) of each file."""
        return [(f.first, f.last) for f in self._files if f.first is not None and f.last]

    def add(
        self, name: str, records: Records | Packed, *, filtered: bool = True, child: bool = True
    ) -> None:
        """Write `records` into the files of `name`, after every key written there so far.

        `filtered` (when a file is started) says whether the file gets bloom filters
        (only look-ups of missing keys gain from them); `child` whether the child
        process may write them (a file this process writes is written at once).

        Raises:
            StorageError: a file cannot be written (every file is removed then).
            InternalError: the keys do not follow those already in the file.
        """
        if not len(records):
            return
        if self._finished:
            raise InternalError("bulk records reached table files that are already finished")
        try:
            found = self._file(name, filtered=filtered, child=child)
            found.extend(*records.key_range())
            if found.number is not None and self._child is not None:
                self._child.put(found.number, records)
            else:
                found.put(records.unpacked())
        except (StorageError, InternalError, OSError) as error:
            self.discard()
            if isinstance(error, OSError):
                raise StorageError(f"cannot create the bulk table files: {error}") from error
            raise
        self.records += len(records)

    def start(self) -> None:
        """Make the folder and start the child process now (`add` does it otherwise).

        The child takes a tenth of a second to start: a caller that knows records are
        coming can start it early.

        Raises:
            StorageError: the folder cannot be made.
        """
        if self._started:
            return
        self._started = True
        try:
            shutil.rmtree(self.folder, ignore_errors=True)
            os.makedirs(self.folder)
        except OSError as error:
            raise StorageError(f"cannot create the bulk table files: {error}") from error
        if self._bloom_bits is not None and CHILD_PROCESS:
            try:
                self._child = TableProcess()
            except StorageError:
                self._child = None  # every file is written here instead

    def _file(self, name: str, *, filtered: bool, child: bool) -> _SortedFile:
        """The file `name` goes on in: its current one, or a new one."""
        self.start()
        found = self._current.get(name)
        if self._child is not None and self._child.failed and not self._child.files:
            self._child.close()  # it could not start: every file is written here
            self._child = None
        to_child = child and self._child is not None and self._child.ready
        if found is not None and (found.number is not None or not to_child):
            return found
        path = os.path.join(self.folder, f"{len(self._files):04d}.sst")
        after = None if found is None else found.last
        if to_child and self._child is not None:
            bloom_bits = self._bloom_bits if filtered and self._bloom_bits else 0
            number = self._child.open(path, bloom_bits=bloom_bits, lz4=True)
            found = _SortedFile(path, None, after, number)
        else:
            found = _SortedFile(path, self._options if filtered else self._unfiltered, after)
        self._files.append(found)
        self._current[name] = found
        return found

    def finish(self) -> bool:
        """Close the files (waiting for the child process); whether there is anything to ingest.

        Raises:
            StorageError: a file cannot be completed (every file is removed then).
        """
        if self._finished:
            return bool(self._files)
        self._finished = True
        try:
            for found in self._files:
                found.finish()
            if self._child is not None:
                child, self._child = self._child, None
                try:
                    if child.files:
                        child.finish()
                finally:
                    child.close()
        except StorageError:
            self.discard()
            raise
        return bool(self._files)

    def discard(self) -> None:
        """Remove the files (after ingestion RocksDB has moved them away)."""
        if self._child is not None:
            child, self._child = self._child, None
            child.close()
        self._files = []
        self._current = {}
        self._finished = True
        shutil.rmtree(self.folder, ignore_errors=True)


def _intent(version: int, ranges: list[tuple[bytes, bytes]]) -> bytes:
    packed: bytes = msgpack.packb({"version": version, "ranges": [list(r) for r in ranges]})
    return packed


def ingest(kv: KeyValueBackend, files: IngestFiles, version: int) -> None:
    """Record the intent (synced), then ingest the file; see the module docstring.

    Raises:
        StorageError: the intent or the ingestion failed (nothing is left behind then).
    """
    batch = kv.new_batch()
    batch.put(INTENT_KEY, _intent(version, files.ranges))
    kv.write(batch, sync=True)
    crash_point("commit.before_ingest")
    try:
        kv.ingest(files.paths)
    except StorageError:
        files.discard()
        undo(kv)
        raise
    files.discard()
    crash_point("commit.after_ingest")


def undo(kv: KeyValueBackend) -> bool:
    """Delete what an ingestion whose commit never landed wrote; whether there was one.

    Raises:
        StorageError: the intent record is damaged or the deletes cannot be written.
    """
    raw = kv.get(INTENT_KEY)
    if raw is None:
        return False
    try:
        intent = msgpack.unpackb(raw)
        version = layout.version_bytes(int(intent["version"]))
        ranges = [(bytes(low), bytes(high)) for low, high in intent["ranges"]]
    except (ValueError, KeyError, TypeError, msgpack.UnpackException) as error:
        raise StorageError(f"the bulk ingestion record is damaged: {error}") from error
    batch = kv.new_batch()
    for low, high in ranges:
        for key, value in kv.scan(low, high + b"\x00"):
            if value[:8] == version:
                batch.delete(key)
    batch.delete(INTENT_KEY)
    kv.write(batch, sync=True)
    return True


def pending_version(kv: KeyValueBackend) -> int:
    """The version of an ingestion whose commit has not landed (0 if there is none)."""
    raw = kv.get(INTENT_KEY)
    if raw is None:
        return 0
    try:
        return int(msgpack.unpackb(raw)["version"])
    except (ValueError, KeyError, TypeError, msgpack.UnpackException):
        return 0


def recover(kv: KeyValueBackend, directory: str) -> bool:
    """At open: undo an ingestion cut short by a crash, drop leftover files; whether undone."""
    shutil.rmtree(os.path.join(directory, INGEST_DIRECTORY), ignore_errors=True)
    return undo(kv)
