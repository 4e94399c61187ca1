"""Writing table files in a child process: the loader's side of `engram.storage.table_child`.

`TableProcess` starts the child (``python -P .../table_child.py``) and streams it the
records of a bulk load, as byte matrices, through a pipe (enlarged to 1 MiB on Linux).
The child turns rows into `bytes` and puts them into the files on another core; the
loader's costs are the matrices it builds anyway and one ``writev`` per message, which
releases the GIL while the pipe is full (the loader's reader thread runs meanwhile).
A feeder thread was tried and lost: it needs the GIL back after every write, and waits
for it behind the loader's own threads.

Errors (the child could not start, died, or RocksDB refused a file) surface as
`StorageError` from `put` or `finish`; `close` ends the child whatever its state.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
from typing import Final

import numpy as np

from engram.errors import StorageError
from engram.storage import table_child as child
from engram.storage.bulk_records import Packed, Records

__all__ = ["TableProcess"]

#: seconds to wait for the child's answer after `FINISH` (it has only to close files)
_ANSWER_SECONDS: Final = 300.0
#: pipe capacity asked for on Linux (fewer wake-ups of the feeder and the child)
_PIPE_BYTES: Final = 1 << 20
_F_SETPIPE_SZ: Final = 1031


def _raw(array: np.ndarray) -> memoryview:
    """The bytes of an array, in C order, without a copy when it is contiguous."""
    flat: memoryview = np.ascontiguousarray(array).view(np.uint8).reshape(-1).data
    return flat


def _rows_payload(rows: list[bytes]) -> list[bytes | memoryview]:
    lengths = np.fromiter(map(len, rows), dtype="<u4", count=len(rows))
    return [_raw(lengths), b"".join(rows)]


def _payload(records: Packed | Records) -> tuple[int, int, list[bytes | memoryview]]:
    """(key width, value width, buffers) of a `PUT` message (see `table_child`)."""
    if isinstance(records, Records):
        parts = _rows_payload(records.keys)
        if isinstance(records.values, bytes):
            value = records.values
            parts += [len(value).to_bytes(4, "little"), value]
            return child.VARIABLE, child.CONSTANT, parts
        return child.VARIABLE, child.VARIABLE, parts + _rows_payload(records.values)
    key_width = records.keys.shape[1]
    parts = [_raw(records.keys)]
    values, sizes = records.values, records.sizes
    if isinstance(values, bytes):
        parts += [len(values).to_bytes(4, "little"), values]
        return key_width, child.CONSTANT, parts
    if sizes is None:
        return key_width, values.shape[1], [*parts, _raw(values)]
    # rows of several lengths: the lengths, then each row cut to its length, end to end
    kept = np.arange(values.shape[1]) < sizes[:, None]
    return key_width, child.VARIABLE, [*parts, _raw(sizes.astype("<u4")), _raw(values[kept])]


class TableProcess:
    """A child process writing sorted table files; records go to it as byte matrices.

    Raises:
        StorageError: the child cannot be started.
    """

    def __init__(self) -> None:
        if not hasattr(os, "writev") or not sys.executable:
            raise StorageError("no table file writer process on this platform")
        command = [sys.executable, "-P", child.__file__]
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                bufsize=0,
                close_fds=True,
            )
        except OSError as error:
            raise StorageError(f"cannot start the table file writer: {error}") from error
        stdin = self._process.stdin
        if stdin is None:  # pragma: no cover - Popen with stdin=PIPE always has one
            raise StorageError("the table file writer has no input pipe")
        self._fd = stdin.fileno()
        if sys.platform.startswith("linux"):
            try:
                import fcntl

                fcntl.fcntl(self._fd, _F_SETPIPE_SZ, _PIPE_BYTES)
            except OSError:
                pass  # a smaller pipe only means more wake-ups
        self._files = 0
        self._closed = False
        self._ready = False
        #: the child ended before it was ready (it could not start)
        self.failed = False

    @property
    def ready(self) -> bool:
        """Whether the child has started (it says so once its imports are done)."""
        if self._ready or self._closed or self.failed:
            return self._ready
        out = self._process.stdout
        if out is not None and select.select([out], [], [], 0)[0]:
            line = out.readline()
            self._ready = line == b"ready\n"
            self.failed = not self._ready
        return self._ready

    @property
    def files(self) -> int:
        """How many files were given to the child."""
        return self._files

    def open(self, path: str, *, bloom_bits: int, lz4: bool) -> int:
        """Start a table file at `path`; its number for `put`."""
        number = self._files
        self._files += 1
        encoded = path.encode()
        header = child.HEADER.pack(child.OPEN, number, len(encoded), 0, 0)
        self._send([header, encoded, child.SETTINGS.pack(bloom_bits, lz4)])
        return number

    def put(self, number: int, records: Packed | Records) -> None:
        """Add `records` (keys ascending, after those already sent) to file `number`."""
        key_width, value_width, parts = _payload(records)
        header = child.HEADER.pack(child.PUT, number, len(records), key_width, value_width)
        self._send([header, *parts])

    def finish(self) -> None:
        """Close every file and end the child.

        Raises:
            StorageError: a write failed, in this process or in the child.
        """
        self._send([child.HEADER.pack(child.FINISH, 0, 0, 0, 0)])
        answer = self._answer()
        if answer != "ok":
            raise StorageError(f"the table file writer failed: {answer}")

    def close(self) -> None:
        """End the child now (the files it was writing are left as they are)."""
        if self._closed:
            return
        self._closed = True
        self._process.kill()
        self._process.communicate()

    def _send(self, parts: list[bytes | memoryview]) -> None:
        if self._closed:
            raise StorageError("the table file writer is closed")
        try:
            self._write(parts)
        except OSError as error:
            raise self._failure(error) from error

    def _write(self, parts: list[bytes | memoryview]) -> None:
        views = [memoryview(part).cast("B") for part in parts]
        while views:
            written = os.writev(self._fd, views)
            while views and written >= len(views[0]):
                written -= len(views[0])
                views.pop(0)
            if views and written:
                views[0] = views[0][written:]

    def _answer(self) -> str:
        self._closed = True
        try:
            out, err = self._process.communicate(timeout=_ANSWER_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            out, err = self._process.communicate()
        text = out.decode(errors="replace").strip().removeprefix("ready").strip()
        if self._process.returncode == 0 and text == "ok":
            return "ok"
        return text or err.decode(errors="replace").strip() or f"exit {self._process.returncode}"

    def _failure(self, error: OSError) -> StorageError:
        answer = self._answer() if not self._closed else ""
        return StorageError(f"the table file writer went away: {answer or error}")
