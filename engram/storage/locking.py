"""Exclusive ownership of a database directory: a file lock across processes, a registry within.

A read-write open takes an exclusive, non-blocking `flock` on ``<dir>/engram.lock`` and
keeps it until close, so a second writer process fails at once with `DatabaseLocked`.
Within one process the same path may not be opened for writing twice either (the
process-wide registry catches that before RocksDB's own lock does, with a clear message).
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Final

from engram.errors import DatabaseLocked

__all__ = ["LOCK_FILE", "DirectoryLock"]

LOCK_FILE: Final = "engram.lock"

_OPEN_PATHS: set[str] = set()
_REGISTRY_LOCK = threading.Lock()


class DirectoryLock:
    """Held while a database directory is open for writing.

    Raises:
        DatabaseLocked: another process, or another open database in this process, holds
            the directory.
    """

    def __init__(self, directory: str) -> None:
        self.path = os.path.realpath(directory)
        with _REGISTRY_LOCK:
            if self.path in _OPEN_PATHS:
                raise DatabaseLocked(
                    f"the database at '{directory}' is already open for writing in this process"
                )
            _OPEN_PATHS.add(self.path)
        try:
            self._fd = self._acquire(directory)
        except BaseException:
            with _REGISTRY_LOCK:
                _OPEN_PATHS.discard(self.path)
            raise

    def _acquire(self, directory: str) -> int:
        fd = os.open(os.path.join(self.path, LOCK_FILE), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            raise DatabaseLocked(
                f"the database at '{directory}' is open for writing in another process"
            ) from error
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return fd

    def release(self) -> None:
        """Give the directory up (idempotent)."""
        if self._fd < 0:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = -1
            with _REGISTRY_LOCK:
                _OPEN_PATHS.discard(self.path)
