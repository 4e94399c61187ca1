"""Crash-safe files of vector indexes and the record in RocksDB that vouches for them.

An index is saved as two files under ``<database>/derived``:
``vector-<index>-<version>.hnsw`` (hnswlib's graph) and ``vector-<index>-<version>.slots``
(the node of every slot and the float32 vectors). Each is written under a temporary
name, fsynced and renamed, and the directory is fsynced; only then does the saved-state
record (``17 index 's'``: version, parameters, file names, sizes and BLAKE2b digests) go
to RocksDB, durably, in the same batch that deletes the change-feed records the files
make unnecessary. Older files are removed last.

A crash at any point leaves a record that names complete, fsynced files (the old ones
until the new record is written): temporary files and files no record names are
garbage, removed on open. Loading checks sizes and digests; a file that is missing or
does not match is reported as None, and the owner rebuilds the index from the data.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import msgpack
import numpy as np

from engram.faults import crash_point
from engram.index.distance import VectorParams
from engram.index.hnsw import HnswIndex
from engram.storage import keys as layout

__all__ = [
    "DERIVED_DIR",
    "SavedState",
    "copy_saved_files",
    "decode_state",
    "encode_state",
    "fsync_directory",
    "load_index",
    "remove_unreferenced",
    "write_files",
]

DERIVED_DIR: Final = "derived"
_PREFIX: Final = "vector-"
_TEMPORARY: Final = ".tmp-"
_MAGIC: Final = b"ENGRAM-SLOTS-1\n\x00"
_HEADER: Final = struct.Struct("<16sQQ")
_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedState:
    """What the saved-state record of one index says."""

    version: int
    params: dict[str, Any]
    hnsw_file: str
    hnsw_size: int
    hnsw_digest: str
    slots_file: str
    slots_size: int
    slots_digest: str
    count: int

    @property
    def files(self) -> tuple[str, str]:
        """Both file names."""
        return self.hnsw_file, self.slots_file


def encode_state(state: SavedState) -> bytes:
    """The record's bytes."""
    record = {
        "version": state.version,
        "params": state.params,
        "hnsw": [state.hnsw_file, state.hnsw_size, state.hnsw_digest],
        "slots": [state.slots_file, state.slots_size, state.slots_digest],
        "count": state.count,
    }
    packed: bytes = msgpack.packb(record)
    return packed


def decode_state(raw: bytes) -> SavedState | None:
    """The record, or None when it cannot be read."""
    try:
        record = msgpack.unpackb(raw)
        hnsw_file, hnsw_size, hnsw_digest = record["hnsw"]
        slots_file, slots_size, slots_digest = record["slots"]
        return SavedState(
            version=int(record["version"]),
            params=dict(record["params"]),
            hnsw_file=str(hnsw_file),
            hnsw_size=int(hnsw_size),
            hnsw_digest=str(hnsw_digest),
            slots_file=str(slots_file),
            slots_size=int(slots_size),
            slots_digest=str(slots_digest),
            count=int(record["count"]),
        )
    except (ValueError, KeyError, TypeError, msgpack.UnpackException):
        return None


def _digest(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=32)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_directory(directory: Path) -> None:
    """Make renames and removals in `directory` durable."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_slots(path: Path, nodes: np.ndarray, vectors: np.ndarray) -> None:
    with path.open("wb") as handle:
        handle.write(_HEADER.pack(_MAGIC, len(nodes), vectors.shape[1] if len(nodes) else 0))
        handle.write(np.ascontiguousarray(nodes, dtype="<i8").tobytes())
        handle.write(np.ascontiguousarray(vectors, dtype="<f4").tobytes())


def _read_slots(path: Path, dimensions: int) -> tuple[np.ndarray, np.ndarray]:
    raw = path.read_bytes()
    magic, count, width = _HEADER.unpack_from(raw)
    if magic != _MAGIC or (count and width != dimensions):
        raise ValueError("not a slots file of this index")
    start = _HEADER.size
    nodes = np.frombuffer(raw, dtype="<i8", count=count, offset=start).astype(np.int64)
    start += 8 * count
    vectors = np.frombuffer(raw, dtype="<f4", count=count * dimensions, offset=start)
    return nodes, vectors.reshape(count, dimensions).astype(np.float32)


def write_files(
    directory: Path,
    index_id: int,
    index: HnswIndex,
) -> SavedState:
    """Write the index's files durably (not yet vouched for by a record).

    The caller guarantees no writer changes the index meanwhile (`apply` runs under the
    store's writer lock, and the saver holds the index's mutation lock).
    """
    directory.mkdir(parents=True, exist_ok=True)
    with index.mutation_lock(), index.lock.exclusive():
        version = index.version
        stem = f"{_PREFIX}{index_id}-{version}"
        hnsw_tmp = directory / f"{_TEMPORARY}{stem}.hnsw"
        index.save_hnsw(str(hnsw_tmp))
        nodes, vectors = index.snapshot_arrays()
        count = index.count
    slots_tmp = directory / f"{_TEMPORARY}{stem}.slots"
    _write_slots(slots_tmp, nodes, vectors)
    crash_point("vector.save.files")
    names = []
    for temporary in (hnsw_tmp, slots_tmp):
        _fsync_file(temporary)
        final = directory / temporary.name.removeprefix(_TEMPORARY)
        os.replace(temporary, final)
        names.append(final)
    fsync_directory(directory)
    crash_point("vector.save.renamed")
    hnsw_path, slots_path = names
    return SavedState(
        version=version,
        params=index.params.to_options(),
        hnsw_file=hnsw_path.name,
        hnsw_size=hnsw_path.stat().st_size,
        hnsw_digest=_digest(hnsw_path),
        slots_file=slots_path.name,
        slots_size=slots_path.stat().st_size,
        slots_digest=_digest(slots_path),
        count=count,
    )


def load_index(directory: Path, state: SavedState, params: VectorParams) -> HnswIndex | None:
    """The index the record vouches for, or None when its files are missing or damaged."""
    if state.params != params.to_options():
        _LOG.warning("vector index files were saved with other parameters; rebuilding")
        return None
    hnsw_path, slots_path = directory / state.hnsw_file, directory / state.slots_file
    for path, size, digest in (
        (hnsw_path, state.hnsw_size, state.hnsw_digest),
        (slots_path, state.slots_size, state.slots_digest),
    ):
        if not path.is_file() or path.stat().st_size != size or _digest(path) != digest:
            _LOG.warning("vector index file %s is missing or damaged; rebuilding", path.name)
            return None
    try:
        nodes, vectors = _read_slots(slots_path, params.dimensions)
        index = HnswIndex.restore(params, str(hnsw_path), nodes, vectors, state.version)
    except (OSError, ValueError, RuntimeError) as error:
        _LOG.warning("vector index file %s does not load (%s); rebuilding", hnsw_path.name, error)
        return None
    if index.count != state.count:
        _LOG.warning("vector index file %s holds the wrong count; rebuilding", hnsw_path.name)
        return None
    return index


def remove_unreferenced(directory: Path, referenced: set[str]) -> None:
    """Delete vector index files (and temporary files) that no record names."""
    if not directory.is_dir():
        return
    removed = False
    for path in directory.iterdir():
        name = path.name
        is_ours = name.startswith((_PREFIX, _TEMPORARY + _PREFIX))
        if is_ours and name not in referenced and path.is_file():
            path.unlink(missing_ok=True)
            removed = True
    if removed:
        fsync_directory(directory)


def copy_saved_files(database: Path, backup: Path) -> int:
    """Copy into `backup`/derived the index files the backup's own records name.

    `backup` is a fresh checkpoint of `database`: its saved-state records say which files
    match its data. Files a newer save has since removed are left out; the restored
    database then rebuilds those indexes from the data. Returns the files copied.
    """
    from engram.storage.rocks import RocksBackend

    kv = RocksBackend(str(backup), create=False)
    try:
        low, high = layout.family_range(layout.DERIVED)
        states = [
            decode_state(value)
            for key, value in kv.scan(low, high)
            if len(key) == 6 and key.endswith(b"s")
        ]
    finally:
        kv.close()
    source, target = database / DERIVED_DIR, backup / DERIVED_DIR
    copied = 0
    for state in states:
        if state is None:
            continue
        for name in state.files:
            if (source / name).is_file():
                target.mkdir(exist_ok=True)
                shutil.copy2(source / name, target / name)
                copied += 1
    return copied
