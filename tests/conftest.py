"""Test-suite hooks: the `.test` runner, its run modes and the TCK options (tests/support).

Temporary files (every `engram.open()` without a path, pytest's `tmp_path`) go to a
memory-backed directory when the machine has one: the suite opens thousands of small
databases, and RocksDB's file creation and syncs cost ten times more on a disk. Durability
is not what these tests measure (the crash tests kill processes, which tmpfs survives).
Set ENGRAM_TEST_TMPDIR to choose another directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _memory_tmpdir() -> None:
    chosen = os.environ.get("ENGRAM_TEST_TMPDIR")
    if chosen is None and os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        chosen = "/dev/shm/engram-tests"
    if chosen is None:
        return
    Path(chosen).mkdir(parents=True, exist_ok=True)
    os.environ["TMPDIR"] = chosen
    tempfile.tempdir = chosen


_memory_tmpdir()

from tests.support.plugin import (  # noqa: E402 - after the temporary directory is chosen
    pytest_addoption,
    pytest_collect_file,
    pytest_configure,
)

__all__ = ["pytest_addoption", "pytest_collect_file", "pytest_configure"]
