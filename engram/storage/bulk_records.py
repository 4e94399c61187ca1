"""Encoding a bulk load's records into a commit batch, whole arrays at a time.

`engram.storage.bulk.BulkLoad` keeps what a load creates as runs (`NodeRun`, `RelRun`)
and new adjacency lists (`Lists`); the commit calls `emit_nodes`, `emit_rels` and
`emit_lists` to put their records into the batch. Keys and values are built as rows of
numpy byte matrices and turned into `bytes` objects in one ``tolist`` of a fixed-width
void view (rows of one width at a time), so the only Python step per record is the
batch's ``put``, driven by ``map``. The stored layout is the ordinary one
(`engram.storage.keys`, `engram.storage.chunks`): every value starts with the commit
version.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from engram.storage import keys as layout
from engram.storage.chunks import CHUNK_CAPACITY
from engram.storage.columns import Column, encode_rows
from engram.storage.rocks import Batch

__all__ = ["Lists", "NodeRun", "RelRun", "emit_lists", "emit_nodes", "emit_rels", "matrix_rows"]

_U64 = struct.Struct(">Q")
_GROUP = struct.Struct(">BI")
_LABEL_COUNT = struct.Struct(">H")
_HEAD: Final = _U64.pack(0)
_PAIR: Final = 16
_REL_HEADER: Final = np.dtype([("type", ">u4"), ("start", ">u8"), ("end", ">u8")])


@dataclass(slots=True)
class NodeRun:
    """Nodes created by one call: consecutive ids, one label set, property columns."""

    first: int
    count: int
    labels: frozenset[int]
    columns: Mapping[int, Column]


@dataclass(slots=True)
class RelRun:
    """Relationships created by one call: consecutive ids, one type, property columns."""

    first: int
    type_id: int
    starts: np.ndarray
    ends: np.ndarray
    columns: Mapping[int, Column]


@dataclass(slots=True)
class Lists:
    """Pairs of adjacency lists that are new in this commit, for one direction and type."""

    nodes: list[np.ndarray] = field(default_factory=list)
    neighbours: list[np.ndarray] = field(default_factory=list)
    rels: list[np.ndarray] = field(default_factory=list)
    _sorted: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    _groups: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, nodes: np.ndarray, neighbours: np.ndarray, rels: np.ndarray) -> None:
        """Add pairs (node, neighbour, relationship), relationship ids above those so far."""
        self.nodes.append(nodes)
        self.neighbours.append(neighbours)
        self.rels.append(rels)
        self._sorted = self._groups = None

    def sorted(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, neighbours, rels) grouped by node, relationships in id order."""
        if self._sorted is None:
            nodes = np.concatenate(self.nodes)
            # relationship ids only grow from call to call: a stable sort keeps them in order
            order = np.argsort(nodes, kind="stable")
            neighbours, rels = np.concatenate(self.neighbours), np.concatenate(self.rels)
            self._sorted = (nodes[order], neighbours[order], rels[order])
        return self._sorted

    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end positions of each list in the `sorted` arrays."""
        if self._groups is None:
            nodes = self.sorted()[0]
            bounds = np.flatnonzero(np.diff(nodes)) + 1
            zero, total = np.zeros(1, dtype=np.int64), np.full(1, len(nodes), dtype=np.int64)
            self._groups = (np.concatenate([zero, bounds]), np.concatenate([bounds, total]))
        return self._groups


def matrix_rows(matrix: np.ndarray) -> list[bytes]:
    """Each row of a 2-d uint8 matrix as `bytes`, made in one C loop (no slicing in Python)."""
    rows, width = matrix.shape
    if not rows:
        return []
    if not width:
        return [b""] * rows
    contiguous = np.ascontiguousarray(matrix, dtype=np.uint8)
    found: list[bytes] = contiguous.view(f"V{width}").ravel().tolist()
    return found


def _put_all(batch: Batch, keys: Iterable[bytes], values: Iterable[bytes]) -> None:
    deque(map(batch.put, keys, values), maxlen=0)


def _put_same(batch: Batch, keys: list[bytes], value: bytes) -> None:
    put = batch.put
    deque(map(put, keys, [value] * len(keys)), maxlen=0)


def _member_keys(tag: int, group: int, first: int, count: int) -> list[bytes]:
    """Membership keys ``tag | group(u32) | id(u64)`` of ids first .. first + count - 1."""
    return layout.prefixed_ids(_GROUP.pack(tag, group), np.arange(first, first + count))


def _label_header(labels: frozenset[int]) -> bytes:
    ordered = sorted(labels)
    return _LABEL_COUNT.pack(len(ordered)) + struct.pack(f">{len(ordered)}I", *ordered)


def emit_nodes(batch: Batch, version: bytes, run: NodeRun) -> int:
    """Put the node records and label memberships of `run`; the number of writes."""
    prefix = version + _label_header(run.labels)
    payloads = encode_rows(run.columns, run.count, prefix=prefix)
    keys = layout.node_keys(np.arange(run.first, run.first + run.count, dtype=np.int64))
    _put_all(batch, keys, payloads)
    for label in sorted(run.labels):
        _put_same(batch, _member_keys(layout.LABEL, label, run.first, run.count), version)
    return run.count * (1 + len(run.labels))


def emit_rels(batch: Batch, version: bytes, run: RelRun) -> int:
    """Put the relationship records and type memberships of `run`; the number of writes."""
    count = len(run.starts)
    headers = np.empty(count, dtype=_REL_HEADER)
    headers["type"] = run.type_id
    headers["start"] = run.starts
    headers["end"] = run.ends
    fixed = headers.view(np.uint8).reshape(count, _REL_HEADER.itemsize)
    payloads = encode_rows(run.columns, count, prefix=version, fixed=fixed)
    keys = layout.rel_keys(np.arange(run.first, run.first + count, dtype=np.int64))
    _put_all(batch, keys, payloads)
    _put_same(batch, _member_keys(layout.TYPE, run.type_id, run.first, count), version)
    return 2 * count


def emit_lists(batch: Batch, version: bytes, direction: int, type_id: int, lists: Lists) -> int:
    """Whole new lists: one head chunk each, plus tail chunks for the long ones."""
    nodes, neighbours, rels = lists.sorted()
    starts, ends = lists.groups()
    sizes = ends - starts
    short = sizes <= CHUNK_CAPACITY
    head_nodes = nodes[starts[short]]
    writes = 0
    short_starts, short_sizes = starts[short], sizes[short]
    for size in np.unique(short_sizes).tolist():
        same = short_sizes == size
        writes += _emit_heads(
            batch,
            version,
            (direction, type_id),
            head_nodes[same],
            short_starts[same],
            size,
            (neighbours, rels),
        )
    long_starts, long_ends = starts[~short].tolist(), ends[~short].tolist()
    for start, end in zip(long_starts, long_ends, strict=True):
        prefix = layout.adjacency_list_prefix(int(nodes[start]), direction, type_id)
        writes += _emit_long_list(batch, version, prefix, neighbours[start:end], rels[start:end])
    return writes


def _emit_heads(
    batch: Batch,
    version: bytes,
    list_key: tuple[int, int],
    nodes: np.ndarray,
    starts: np.ndarray,
    size: int,
    pairs: tuple[np.ndarray, np.ndarray],
) -> int:
    """Lists of `size` pairs that fit one head chunk: keys and values as two matrices."""
    direction, type_id = list_key
    count = len(starts)
    keys = np.zeros((count, layout.ADJ_KEY_LEN), dtype=np.uint8)
    keys[:, 0] = layout.ADJ
    keys[:, 1:9] = nodes.astype(">u8").view(np.uint8).reshape(-1, 8)
    keys[:, 9] = direction
    keys[:, 10:14] = np.frombuffer(struct.pack(">I", type_id), dtype=np.uint8)
    # value: the version word, the header word (0: no tails), then `size` pairs
    words = np.zeros((count, 2 + 2 * size), dtype="<i8")
    words[:, 0] = np.frombuffer(version, dtype="<i8")[0]
    taken = starts[:, None] + np.arange(size)
    neighbours, rels = pairs
    words[:, 2::2] = neighbours[taken]
    words[:, 3::2] = rels[taken]
    _put_all(batch, matrix_rows(keys), matrix_rows(words.view(np.uint8)))
    return count


def _emit_long_list(
    batch: Batch, version: bytes, prefix: bytes, neighbours: np.ndarray, rels: np.ndarray
) -> int:
    """A list longer than one chunk: the head, then tails of up to `CHUNK_CAPACITY` pairs."""
    pairs = np.empty((len(rels), 2), dtype="<i8")
    pairs[:, 0] = neighbours
    pairs[:, 1] = rels
    raw = pairs.tobytes()
    tails = range(CHUNK_CAPACITY, len(rels), CHUNK_CAPACITY)
    batch.put(prefix + _HEAD, version + _U64.pack(len(tails)) + raw[: CHUNK_CAPACITY * _PAIR])
    for tail in tails:
        end = min(tail + CHUNK_CAPACITY, len(rels))
        key = prefix + _U64.pack(int(rels[tail]) + 1)
        batch.put(key, version + _U64.pack(tail) + raw[tail * _PAIR : end * _PAIR])
    return 1 + len(tails)
