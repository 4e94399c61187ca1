"""Online, consistent backups and verified restores (`engram backup`, `engram restore`).

A backup is a database directory plus ``engram-backup.json``: the format version, the
commit version, a SHA-256 of the meta and catalog families, and the size and SHA-256 of
every file. It is taken while writes continue:

- by the process that has the database open (`Database.backup`, or `engram backup` on a
  database nobody has open): a RocksDB checkpoint, atomic with respect to commits (hard
  links where the file system allows);
- from another process while a writer holds the database (`engram backup` then): a
  read-only follower catches up once and copies every committed key from that one
  consistent view into a fresh database (RocksDB cannot checkpoint a follower: its
  checkpoint would miss the writer's log).

Restore checks the manifest, every file's checksum, the format version and the meta
checksum, reads every key back (RocksDB verifies its block checksums), and only then
moves the copy into place. Derived files (vector index files) join a backup through
`add_backup_hook`; they live under ``derived/`` and restore copies them back.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from engram.errors import CorruptionError, DatabaseLocked, EngramError, StorageError
from engram.faults import crash_point
from engram.storage import keys as layout
from engram.storage.commit import FORMAT_KEY, STATE_KEY, decode_counters
from engram.storage.locking import LOCK_FILE
from engram.storage.rocks import RocksBackend
from engram.storage.store import FORMAT_VERSION, Store

__all__ = [
    "MANIFEST",
    "BackupInfo",
    "add_backup_hook",
    "backup_database",
    "restore_backup",
    "run_backup",
    "run_restore",
]

MANIFEST: Final = "engram-backup.json"
DERIVED: Final = "derived"
_COPY_BATCH: Final = 50_000

#: hook(store, derived_dir): write derived files (e.g. vector index files) for a backup
BackupHook = Callable[[Store, Path], None]
_HOOKS: list[BackupHook] = []


def add_backup_hook(hook: BackupHook) -> None:
    """Let an extension add derived files to every backup taken by a process with the store.

    The hook receives the open store and ``<backup>/derived``; whatever it writes there
    is checksummed with the backup and copied back to ``<database>/derived`` on restore.
    Backups taken through a follower (another process holds the database) skip hooks:
    derived files are rebuildable from the data by definition.
    """
    _HOOKS.append(hook)


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """What a backup holds."""

    path: str
    version: int
    files: int
    bytes: int
    method: str


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _entries(kv: RocksBackend, tags: tuple[int, ...]) -> Iterator[tuple[bytes, bytes]]:
    for tag in tags:
        low, high = layout.family_range(tag)
        yield from kv.scan(low, high)


def meta_digest(kv: RocksBackend) -> tuple[str, int]:
    """SHA-256 of the meta and catalog families, and the commit version in meta."""
    digest = hashlib.sha256()
    for key, value in _entries(kv, (layout.META, layout.CATALOG)):
        digest.update(len(key).to_bytes(4, "big") + key + len(value).to_bytes(4, "big") + value)
    state = kv.get(STATE_KEY)
    if state is None or kv.get(FORMAT_KEY) is None:
        raise CorruptionError("the copy has no engram meta records")
    return digest.hexdigest(), decode_counters(state).version


def _write_manifest(directory: Path, method: str) -> BackupInfo:
    kv = RocksBackend(str(directory), create=False)
    try:
        digest, version = meta_digest(kv)
        raw_format = kv.get(FORMAT_KEY) or b""
    finally:
        kv.close()
    files: dict[str, dict[str, Any]] = {}
    total = 0
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        relative = path.relative_to(directory).as_posix()
        if relative in (MANIFEST, LOCK_FILE, "LOCK") or relative.startswith("LOG"):
            continue
        size = path.stat().st_size
        total += size
        files[relative] = {"size": size, "sha256": _file_digest(path)}
    manifest = {
        "engram_backup": 1,
        "format": int.from_bytes(raw_format, "big"),
        "version": version,
        "meta_sha256": digest,
        "method": method,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return BackupInfo(str(directory), version, len(files), total, method)


def backup_store(store: Store, destination: str | os.PathLike[str]) -> BackupInfo:
    """Checkpoint an open store (writes may continue) into `destination` (must not exist)."""
    target = Path(destination)
    if target.exists():
        raise StorageError(f"the backup destination '{target}' already exists")
    # RocksDB makes only the last directory of a checkpoint's path
    target.parent.mkdir(parents=True, exist_ok=True)
    store.checkpoint(str(target))
    crash_point("backup.checkpoint")
    if _HOOKS:
        derived = target / DERIVED
        derived.mkdir()
        for hook in _HOOKS:
            hook(store, derived)
    crash_point("backup.manifest")
    return _write_manifest(target, "checkpoint")


def _copy_from_follower(source: str, target: Path) -> None:
    follower_dir = tempfile.mkdtemp(prefix="engram-backup-")
    try:
        follower = RocksBackend(source, create=False, secondary_path=follower_dir)
        try:
            follower.catch_up()
            copy = RocksBackend(str(target), create=True)
            try:
                batch = copy.new_batch()
                for key, value in follower.scan(b"\x00", bytes([layout.HISTORY])):
                    batch.put(key, value)
                    if batch.len() >= _COPY_BATCH:
                        copy.write(batch, sync=False)
                        batch = copy.new_batch()
                copy.write(batch, sync=True)
                copy.flush()
            finally:
                copy.close()
        finally:
            follower.close()
    finally:
        shutil.rmtree(follower_dir, ignore_errors=True)


def backup_database(path: str, destination: str) -> BackupInfo:
    """Back up the database at `path`, whether or not another process is writing to it."""
    target = Path(destination)
    if target.exists():
        raise StorageError(f"the backup destination '{target}' already exists")
    if not (Path(path) / "CURRENT").exists():
        raise StorageError(f"no database at '{path}'")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        store = Store(path)
    except DatabaseLocked:
        _copy_from_follower(path, target)
        return _write_manifest(target, "follower-copy")
    try:
        return backup_store(store, target)
    finally:
        store.close()


def _verify_files(source: Path, manifest: dict[str, Any]) -> None:
    for relative, expected in manifest["files"].items():
        path = source / relative
        if not path.is_file():
            raise CorruptionError(f"the backup is missing '{relative}'")
        if path.stat().st_size != expected["size"] or _file_digest(path) != expected["sha256"]:
            raise CorruptionError(f"the backup file '{relative}' is damaged (checksum mismatch)")


def _read_manifest(source: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise CorruptionError(f"'{source}' is not an engram backup (no {MANIFEST})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CorruptionError(f"the backup manifest is damaged: {error}") from error
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise CorruptionError("the backup manifest is damaged")
    found = manifest.get("format")
    if not isinstance(found, int) or not 1 <= found <= FORMAT_VERSION:
        raise CorruptionError(
            f"the backup has format version {found}; this engram reads up to {FORMAT_VERSION}"
        )
    return manifest


def _verify_copy(copy: Path, manifest: dict[str, Any]) -> int:
    kv = RocksBackend(str(copy), create=False)
    try:
        digest, version = meta_digest(kv)
        if digest != manifest.get("meta_sha256"):
            raise CorruptionError("the backup's meta checksum does not match its manifest")
        for _ in kv.scan(b"\x00", b"\xff"):
            pass  # reads every block; RocksDB verifies each block checksum
    except StorageError as error:
        if isinstance(error, CorruptionError):
            raise
        raise CorruptionError(f"the backup does not read back: {error}") from error
    finally:
        kv.close()
    return version


def restore_backup(source: str, path: str) -> int:
    """Verify the backup in `source` and install it as a new database at `path`.

    Returns:
        The commit version of the restored database.

    Raises:
        CorruptionError: the backup fails a check (nothing is installed).
        StorageError: `path` exists and is not empty.
    """
    origin, target = Path(source), Path(path)
    if target.exists() and any(target.iterdir()):
        raise StorageError(f"'{target}' exists and is not empty; restore into a new directory")
    manifest = _read_manifest(origin)
    _verify_files(origin, manifest)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".engram-restore-", dir=target.parent))
    try:
        copy = staging / "db"
        shutil.copytree(origin, copy, ignore=shutil.ignore_patterns(MANIFEST, LOCK_FILE))
        version = _verify_copy(copy, manifest)
        crash_point("restore.copied")
        if target.exists():
            target.rmdir()
        os.replace(copy, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return version


def run_backup(args: argparse.Namespace) -> int:
    """`engram backup PATH DEST`."""
    try:
        info = backup_database(args.path, args.dest)
    except EngramError as error:
        sys.stderr.write(f"engram backup: {error}\n")
        return 1
    sys.stdout.write(
        f"backed up version {info.version} of '{args.path}' to '{info.path}' "
        f"({info.files} files, {info.bytes} bytes, {info.method})\n"
    )
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """`engram restore SRC PATH`."""
    try:
        version = restore_backup(args.src, args.path)
    except EngramError as error:
        sys.stderr.write(f"engram restore: {error}\n")
        return 1
    sys.stdout.write(f"restored version {version} from '{args.src}' to '{args.path}'\n")
    return 0
