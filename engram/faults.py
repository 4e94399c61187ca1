"""Crash points: named places where a test can make the process exit abruptly.

Storage, index and backup code call `crash_point(name)` at the moments a crash is most
dangerous (a batch written but not yet acknowledged, a file written but not yet renamed,
a checkpoint half made). Normally that is one global read and a return. When the
environment variable ``ENGRAM_CRASH_POINT`` is set when this module is imported, the
named points are armed and the process leaves through `os._exit` (no cleanup, no
flushing, no finalizers: as close to a power cut as a process can get while the
operating system keeps its page cache) on the chosen hit::

    ENGRAM_CRASH_POINT=commit.after_sync          # exit at the first hit
    ENGRAM_CRASH_POINT=commit.after_sync:25       # exit at the 25th hit
    ENGRAM_CRASH_POINT=index.build:3,backup.checkpoint:1   # whichever comes first

The exit status is `CRASH_EXIT_CODE`, so a test knows the point was reached. `POINTS`
lists every point with what has happened when it fires; `tests/reliability` crashes each
of them and checks the reopened database. Tests running in one process can use `arm` and
`disarm` instead of the variable.
"""

from __future__ import annotations

import os
import sys
from typing import Final

__all__ = [
    "CRASH_EXIT_CODE",
    "ENVIRONMENT_VARIABLE",
    "POINTS",
    "arm",
    "armed",
    "crash_point",
    "disarm",
    "parse_spec",
]

ENVIRONMENT_VARIABLE: Final = "ENGRAM_CRASH_POINT"
#: exit status of a process stopped at a crash point
CRASH_EXIT_CODE: Final = 86

#: every crash point engram defines, and the state on disk when it fires
POINTS: Final[dict[str, str]] = {
    "commit.before_write": "a commit's batch is built; nothing of it is written",
    "commit.after_write": "the batch is in the write-ahead log but not yet fsynced",
    "commit.before_ingest": "a bulk commit's intent is synced; its table file is not ingested",
    "commit.after_ingest": "a bulk commit's table file is ingested; its batch is not written",
    "commit.after_sync": "the batch is durable; the commit is neither published nor acknowledged",
    "index.build": "CREATE INDEX is filling the new index from existing data (per batch)",
    "analyze.after_write": "recomputed statistics are written; the writer lock is still held",
    "backup.checkpoint": "a backup's RocksDB checkpoint exists; derived files and manifest do not",
    "backup.manifest": "a backup's files are complete; its manifest is not written",
    "restore.copied": "a restore's verified copy is staged; it is not yet moved into place",
    "vector.save.files": "a vector index's temporary files are written; not yet renamed",
    "vector.save.renamed": "the new vector index files are in place; no record names them yet",
    "vector.save.recorded": "the record names the new files; the old files are not yet removed",
}

_armed: dict[str, int] = {}
_hits: dict[str, int] = {}


def parse_spec(spec: str) -> dict[str, int]:
    """``name[:count][,name[:count]...]`` as {name: count}; unknown names are refused.

    Raises:
        ValueError: an unknown point or a count that is not a positive integer.
    """
    points: dict[str, int] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        name, _, count_text = part.partition(":")
        if name not in POINTS:
            raise ValueError(f"unknown crash point {name!r}; known: {', '.join(sorted(POINTS))}")
        try:
            count = int(count_text) if count_text else 1
        except ValueError:
            raise ValueError(f"crash point {name!r} has a count that is not an integer") from None
        if count < 1:
            raise ValueError(f"crash point {name!r} needs a count of at least 1")
        points[name] = count
    return points


def arm(spec: str | dict[str, int]) -> None:
    """Arm points in this process (replacing any armed before); hit counts start again."""
    points = parse_spec(spec) if isinstance(spec, str) else dict(spec)
    for name in points:
        if name not in POINTS:
            raise ValueError(f"unknown crash point {name!r}")
    _hits.clear()
    _armed.clear()
    _armed.update(points)


def disarm() -> None:
    """Disarm every point."""
    _armed.clear()
    _hits.clear()


def armed() -> dict[str, int]:
    """The armed points and the hit on which each fires."""
    return dict(_armed)


def crash_point(name: str) -> None:
    """Exit the process at once if `name` is armed and this is its chosen hit."""
    if not _armed or name not in _armed:
        return
    hits = _hits.get(name, 0) + 1
    _hits[name] = hits
    if hits >= _armed[name]:
        _crash(name)


def _crash(name: str) -> None:
    # one line on stderr (unbuffered write) so a failing test can tell where it stopped
    try:
        os.write(2, f"engram: crash point {name} reached; exiting\n".encode())
    finally:
        os._exit(CRASH_EXIT_CODE)


def _from_environment() -> None:
    spec = os.environ.get(ENVIRONMENT_VARIABLE)
    if not spec:
        return
    try:
        arm(spec)
    except ValueError as error:
        sys.stderr.write(f"engram: ignoring {ENVIRONMENT_VARIABLE}: {error}\n")


_from_environment()
