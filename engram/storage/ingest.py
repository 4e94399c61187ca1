"""Large bulk commits written as RocksDB table files and ingested, crash-safely.

A bulk load's new records (`engram.storage.bulk`) are keys that did not exist before
the commit. When there are many, writing them through the write-ahead log and the
memtable (and flushing that later) costs more than writing one sorted table file and
handing it to RocksDB (`IngestExternalFile`, which moves the file into the tree). The
commit does this:

1. `IngestFiles` writes the records, families in key order, into a table file in the
   database directory's ``ingest`` folder while the commit is built; nothing in the
   database changes yet.
2. `ingest` first writes an *intent* record, synced: the commit version and the key
   ranges the file covers. Then RocksDB ingests the file (atomic: all of it or none).
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
from engram.storage.bulk_records import Records
from engram.storage.rocks import KeyValueBackend

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
_FILE: Final = "bulk.sst"


class IngestFiles:
    """The table file one commit's new records go into, and the key ranges it covers.

    Records must come in ascending key order across calls (`add` checks it).

    Args:
        directory: the database directory (the file goes into its ``ingest`` folder).
        options: RocksDB options of the database (the file's table format).
    """

    def __init__(self, directory: str, options: Options) -> None:
        self.folder = os.path.join(directory, INGEST_DIRECTORY)
        self.path = os.path.join(self.folder, _FILE)
        self.ranges: list[tuple[bytes, bytes]] = []
        self.records = 0
        self._options = options
        self._writer: SstFileWriter | None = None
        self._last = b""

    def add(self, records: Records) -> None:
        """Write `records`, whose keys all follow every key written so far.

        Raises:
            StorageError: the file cannot be written (it is removed then).
        """
        if not records.keys:
            return
        first, last = records.keys[0], records.keys[-1]
        if first <= self._last or last < first:
            raise InternalError("bulk records reached the table file out of key order")
        writer = self._open()
        values = records.values
        if isinstance(values, bytes):
            values = [values] * len(records.keys)
        try:
            deque(map(writer.__setitem__, records.keys, values), maxlen=0)
        except Exception as error:  # rocksdict raises bare exceptions for RocksDB statuses
            self.discard()
            raise StorageError(f"writing the bulk table file failed: {error}") from error
        self._last = last
        self.records += len(records.keys)
        self.ranges.append((first, last))

    def _open(self) -> SstFileWriter:
        if self._writer is None:
            try:
                shutil.rmtree(self.folder, ignore_errors=True)
                os.makedirs(self.folder)
                writer = SstFileWriter(options=self._options)
                writer.open(self.path)
            except Exception as error:
                raise StorageError(f"cannot create the bulk table file: {error}") from error
            self._writer = writer
        return self._writer

    def finish(self) -> bool:
        """Close the file; whether it holds anything to ingest.

        Raises:
            StorageError: the file cannot be completed (it is removed then).
        """
        if self._writer is None:
            return False
        try:
            self._writer.finish()
        except Exception as error:
            self.discard()
            raise StorageError(f"finishing the bulk table file failed: {error}") from error
        self._writer = None
        return True

    def discard(self) -> None:
        """Remove the file (after ingestion RocksDB has moved it away)."""
        self._writer = None
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
        kv.ingest([files.path])
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
