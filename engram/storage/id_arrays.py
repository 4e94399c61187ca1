"""Arrays of entity ids: conversion, batching of scanned keys, merging, bitmaps.

Pure helpers of `engram.storage.reads.GraphView`: scans turn fixed-width keys into sorted
int64 id arrays in batches, write transactions merge their own ids into them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Final

import numpy as np

__all__ = [
    "ID_DTYPE",
    "MEMBER_DTYPE",
    "as_ids",
    "bitmap_of",
    "ids_in_batches",
    "joined_ids",
    "merge_sorted",
]

#: the layout of a node or relationship key, and of a label or type membership key
ID_DTYPE: Final = np.dtype([("tag", "u1"), ("id", ">u8")])
MEMBER_DTYPE: Final = np.dtype([("tag", "u1"), ("group", ">u4"), ("id", ">u8")])


def as_ids(ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """`ids` as a 1-D int64 array."""
    return np.asarray(ids, dtype=np.int64).reshape(-1)


def _ids_from_keys(keys: list[bytes], dtype: np.dtype) -> np.ndarray:
    return np.frombuffer(b"".join(keys), dtype=dtype)["id"].astype(np.int64)


def ids_in_batches(keys: Iterator[bytes], dtype: np.dtype, batch_size: int) -> Iterator[np.ndarray]:
    """The ids of scanned keys (laid out as `dtype`), `batch_size` at a time."""
    chunk: list[bytes] = []
    for key in keys:
        chunk.append(key)
        if len(chunk) >= batch_size:
            yield _ids_from_keys(chunk, dtype)
            chunk = []
    if chunk:
        yield _ids_from_keys(chunk, dtype)


def merge_sorted(
    base: Iterator[np.ndarray], removed: set[int] | None, added: list[int], batch_size: int
) -> Iterator[np.ndarray]:
    """Merge sorted committed ids (minus `removed`) with sorted `added` ids."""
    removed_array = np.fromiter(removed, dtype=np.int64) if removed else None
    pending = np.asarray(added, dtype=np.int64)
    for batch in base:
        if removed_array is not None:
            batch = batch[~np.isin(batch, removed_array)]
        if len(pending) and len(batch):
            cut = int(np.searchsorted(pending, batch[-1], side="right"))
            if cut:
                batch = np.union1d(batch, pending[:cut])
                pending = pending[cut:]
        if len(batch):
            yield batch
    for start in range(0, len(pending), batch_size):
        yield pending[start : start + batch_size]


def bitmap_of(members: np.ndarray) -> np.ndarray:
    """A read-only boolean array indexed by id, True for the sorted `members`."""
    bitmap = np.zeros(int(members[-1]) + 1 if members.shape[0] else 0, dtype=bool)
    bitmap[members] = True
    bitmap.flags.writeable = False
    return bitmap


def joined_ids(batches: Iterable[np.ndarray]) -> np.ndarray:
    """Id batches (from a scan) as one int64 array."""
    parts = list(batches)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
