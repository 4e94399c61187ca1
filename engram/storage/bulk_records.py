"""Building a bulk load's records (keys and values, in key order), whole arrays at a time.

`engram.storage.bulk.BulkLoad` keeps what a load creates as runs (`NodeRun`, `RelRun`),
id ranges (`IdRanges`) and new adjacency lists (`Lists`). `node_records`,
`rel_records`, `member_records` and `list_records` turn them into `Records`, which go
into the commit batch or into table files to ingest (`engram.storage.ingest`). Keys and
values are rows of numpy byte matrices turned into `bytes` objects by one ``tolist``
of a fixed-width void view per width, so the only Python step per record is the
writer's ``put``, driven by ``map``. The stored layout is the ordinary one
(`engram.storage.keys`, `engram.storage.chunks`): every value starts with the commit
version.
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any, Final

import numpy as np

from engram.storage import keys as layout
from engram.storage.chunks import CHUNK_CAPACITY
from engram.storage.codec import BESIDE_STUB, vector_bytes
from engram.storage.columns import Column, cut_rows, encode_matrix, encode_rows
from engram.storage.rocks import Batch

__all__ = [
    "IdRanges",
    "Lists",
    "NodeRun",
    "Packed",
    "Records",
    "RelRun",
    "list_records",
    "matrix_rows",
    "member_records",
    "node_records",
    "rel_records",
    "stable_order",
    "vector_records",
    "vectors_beside",
]

_U64 = struct.Struct(">Q")
_GROUP = struct.Struct(">BI")
_LABEL_COUNT = struct.Struct(">H")
_HEAD: Final = _U64.pack(0)
_PAIR: Final = 16
_REL_HEADER: Final = np.dtype([("type", ">u4"), ("start", ">u8"), ("end", ">u8")])
_NONE: Final = np.empty(0, dtype=np.int64)
#: adjacency chunks are made (and written) in pieces of about this many pairs
WINDOW_PAIRS: Final = 1 << 18
_NODE_TAG: Final = bytes([layout.NODE])
_REL_TAG: Final = bytes([layout.REL])


@dataclass(slots=True)
class NodeRun:
    """Nodes created by one call: consecutive ids, one label set, property columns."""

    first: int
    count: int
    labels: frozenset[int]
    columns: Mapping[int, Column]
    #: (row, property key id, stored bytes) of the float vectors kept beside the records
    vectors: list[tuple[int, int, bytes]] = field(default_factory=list)


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
            neighbours, rels = np.concatenate(self.neighbours), np.concatenate(self.rels)
            if len(nodes) > 1 and (nodes[1:] < nodes[:-1]).any():
                # relationship ids only grow from call to call: a stable sort keeps them
                # in order (files sorted by their start node skip this sort)
                order = stable_order(nodes)
                nodes, neighbours, rels = nodes[order], neighbours[order], rels[order]
            self._sorted = (nodes, neighbours, rels)
            # the pieces are no longer needed (later pairs are added after these)
            self.nodes, self.neighbours, self.rels = [nodes], [neighbours], [rels]
        return self._sorted

    def groups(self) -> tuple[np.ndarray, np.ndarray]:
        """Start and end positions of each list in the `sorted` arrays."""
        if self._groups is None:
            nodes = self.sorted()[0]
            bounds = np.flatnonzero(np.diff(nodes)) + 1
            zero, total = np.zeros(1, dtype=np.int64), np.full(1, len(nodes), dtype=np.int64)
            self._groups = (np.concatenate([zero, bounds]), np.concatenate([bounds, total]))
        return self._groups


def stable_order(ids: np.ndarray) -> np.ndarray:
    """``np.argsort(ids, kind="stable")`` of non-negative ids, by 16-bit radix passes.

    numpy radix-sorts 16-bit keys; two such passes order ids below 2**32 several times
    faster than its merge sort of 64-bit keys.

    >>> stable_order(np.array([70000, 3, 70000, 1, 3])).tolist()
    [3, 1, 4, 0, 2]
    """
    highest = int(ids.max()) if len(ids) else 0
    if int(ids.min(initial=0)) < 0 or highest >= 1 << 32:
        order: np.ndarray = np.argsort(ids, kind="stable")
        return order
    order = np.argsort((ids & 0xFFFF).astype(np.uint16), kind="stable")
    if highest >= 1 << 16:
        high = (ids[order] >> 16).astype(np.uint16)
        order = order[np.argsort(high, kind="stable")]
    return order


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


class IdRanges:
    """Sorted, disjoint id ranges with one label set each (the nodes a load created)."""

    def __init__(self) -> None:
        self._items: list[tuple[int, int, frozenset[int]]] = []
        self._firsts = _NONE
        self._ends = _NONE

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, first: int, end: int, labels: frozenset[int]) -> None:
        """Add the ids first .. end - 1, all with `labels`."""
        self._items.append((first, end, labels))
        self._items.sort(key=lambda item: item[0])
        self._firsts = np.asarray([item[0] for item in self._items], dtype=np.int64)
        self._ends = np.asarray([item[1] for item in self._items], dtype=np.int64)

    def extend(self, other: IdRanges) -> None:
        """Add every range of `other`."""
        for item in other._items:
            self.add(*item)

    def locate(self, ids: np.ndarray) -> np.ndarray:
        """Per id, the position of its range, or -1."""
        if not self._items:
            return np.full(len(ids), -1, dtype=np.int64)
        position = np.searchsorted(self._firsts, ids, side="right") - 1
        inside = (position >= 0) & (ids < self._ends[np.maximum(position, 0)])
        return np.where(inside, position, -1)

    def label_sets(self) -> list[frozenset[int]]:
        """The label set of each range, in range order."""
        return [item[2] for item in self._items]


@dataclass(frozen=True, slots=True)
class Records:
    """Keys of one key family in ascending order, and their values.

    Attributes:
        keys: the keys, ascending.
        values: one value per key, or one `bytes` shared by every key.
    """

    keys: list[bytes]
    values: list[bytes] | bytes

    def __len__(self) -> int:
        return len(self.keys)

    def key_range(self) -> tuple[bytes, bytes]:
        """The first and the last key."""
        return self.keys[0], self.keys[-1]

    def unpacked(self) -> Records:
        """These records (see `Packed.unpacked`)."""
        return self

    def put_into(self, batch: Batch) -> None:
        """Put every record into `batch` (one ``map`` over ``batch.put``)."""
        values = self.values
        if isinstance(values, bytes):
            values = [values] * len(self.keys)
        deque(map(batch.put, self.keys, values), maxlen=0)


@dataclass(frozen=True, slots=True)
class Packed:
    """Records as byte matrices, as numpy built them (`unpacked` makes the `bytes`).

    Encoding a run gives matrices; turning their rows into `bytes` objects and putting
    them is the writer's job, which may be another process (`engram.storage.ingest`).

    Attributes:
        keys: one key per row of a (n, key width) uint8 matrix, ascending.
        values: one value per row of a (n, stride) uint8 matrix, or one `bytes` value
            shared by every key.
        sizes: the length of each value row (None: the whole row).
    """

    keys: np.ndarray
    values: np.ndarray | bytes
    sizes: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.keys)

    def key_range(self) -> tuple[bytes, bytes]:
        """The first and the last key."""
        return self.keys[0].tobytes(), self.keys[-1].tobytes()

    def unpacked(self) -> Records:
        """The same records as `bytes` objects."""
        keys = matrix_rows(self.keys)
        if isinstance(self.values, bytes):
            return Records(keys, self.values)
        if self.sizes is None:
            return Records(keys, matrix_rows(self.values))
        return Records(keys, cut_rows(self.values, self.sizes))

    def put_into(self, batch: Batch) -> None:
        """Put every record into `batch`."""
        self.unpacked().put_into(batch)


def member_records(tag: int, group: int, first: int, count: int, version: bytes) -> Packed:
    """Membership keys ``tag | group(u32) | id(u64)`` of ids first .. first + count - 1."""
    keys = layout.prefixed_id_matrix(_GROUP.pack(tag, group), np.arange(first, first + count))
    return Packed(keys, version)


def _label_header(labels: frozenset[int]) -> bytes:
    ordered = sorted(labels)
    return _LABEL_COUNT.pack(len(ordered)) + struct.pack(f">{len(ordered)}I", *ordered)


def _encoded(
    keys: np.ndarray,
    columns: Mapping[int, Column],
    prefix: bytes,
    fixed: np.ndarray | None = None,
) -> Packed | Records:
    """Records of `keys` whose values are `prefix`, `fixed` rows and the property maps."""
    count = len(keys)
    matrix = encode_matrix(columns, count, prefix=prefix, fixed=fixed)
    if matrix is None:
        return Records(matrix_rows(keys), encode_rows(columns, count, prefix=prefix, fixed=fixed))
    values, sizes = matrix
    if count and int(sizes.min()) == values.shape[1]:
        return Packed(keys, values)
    return Packed(keys, values, sizes)


def node_records(version: bytes, run: NodeRun) -> Packed | Records:
    """The node records of `run` (ids ascend)."""
    prefix = version + _label_header(run.labels)
    ids = np.arange(run.first, run.first + run.count, dtype=np.int64)
    return _encoded(layout.prefixed_id_matrix(_NODE_TAG, ids), run.columns, prefix)


def vectors_beside(
    columns: Mapping[int, Column],
) -> tuple[dict[int, Column], list[tuple[int, int, bytes]]]:
    """The columns with float vectors as stubs, and (row, key id, bytes) of each, in key order.

    Records keep small this way; the vectors go beside them (`vector_records`, see
    `engram.storage.codec`).
    """
    stubbed: dict[int, Column] = dict(columns)
    found: list[tuple[int, int, bytes]] = []
    for key, column in columns.items():
        if isinstance(column, np.ndarray):
            continue  # numeric columns hold scalars
        copied: list[Any] | None = None
        for row, value in enumerate(column):
            raw = vector_bytes(value)
            if raw is not None:
                if copied is None:
                    copied = list(column)
                copied[row] = BESIDE_STUB
                found.append((row, key, raw))
        if copied is not None:
            stubbed[key] = copied
    found.sort(key=itemgetter(0, 1))
    return stubbed, found


def vector_records(version: bytes, run: NodeRun) -> Records | None:
    """The vectors `run` keeps beside its node records (None if it has none)."""
    if not run.vectors:
        return None
    first = run.first
    keys = [layout.vector_key(first + row, key) for row, key, _ in run.vectors]
    return Records(keys, [version + raw for _, _, raw in run.vectors])


def rel_records(version: bytes, run: RelRun) -> Packed | Records:
    """The relationship records of `run` (ids ascend)."""
    count = len(run.starts)
    headers = np.empty(count, dtype=_REL_HEADER)
    headers["type"] = run.type_id
    headers["start"] = run.starts
    headers["end"] = run.ends
    fixed = headers.view(np.uint8).reshape(count, _REL_HEADER.itemsize)
    keys = layout.prefixed_id_matrix(_REL_TAG, np.arange(run.first, run.first + count))
    return _encoded(keys, run.columns, version, fixed)


@dataclass(slots=True)
class _Chunks:
    """Adjacency chunks being collected, with the position of their list in key order.

    Within one node, keys order lists by (direction, type), which is the rank of the
    list's kind; the chunks of one list are added head first, then its tails in order,
    so a stable sort by (node, rank) puts every chunk where its key belongs.
    """

    kinds: int
    keys: list[list[bytes]] = field(default_factory=list)
    values: list[list[bytes]] = field(default_factory=list)
    nodes: list[np.ndarray] = field(default_factory=list)
    ranks: list[np.ndarray] = field(default_factory=list)

    def add(self, keys: list[bytes], values: list[bytes], nodes: np.ndarray, rank: int) -> None:
        self.keys.append(keys)
        self.values.append(values)
        self.nodes.append(nodes)
        self.ranks.append(np.full(len(nodes), rank, dtype=np.int64))

    def records(self) -> Records:
        if not self.keys:
            return Records([], [])
        keys = list(chain.from_iterable(self.keys))
        values = list(chain.from_iterable(self.values))
        if len(self.keys) == 1:
            return Records(keys, values)
        nodes, ranks = np.concatenate(self.nodes), np.concatenate(self.ranks)
        if int(nodes.max()) < (1 << 62) // self.kinds:
            order = stable_order(nodes * self.kinds + ranks)
        else:
            order = np.lexsort((ranks, nodes))
        pick = itemgetter(*order.tolist())
        return Records(list(pick(keys)), list(pick(values)))


def list_records(version: bytes, lists: Mapping[tuple[int, int], Lists]) -> Iterator[Records]:
    """Every chunk of the new lists, keys ascending: a head chunk per list, tails after.

    The records come in pieces of consecutive node ids, each of about `WINDOW_PAIRS`
    pairs: only one piece's `bytes` objects are alive at a time.
    """
    kinds = sorted(lists)  # (direction, type): their order in the keys of one node
    if not kinds:
        return
    largest = max((lists[kind].sorted()[0] for kind in kinds), key=len)
    pieces = max(1, sum(len(lists[kind].sorted()[0]) for kind in kinds) // WINDOW_PAIRS)
    cuts = np.unique(largest[(np.arange(1, pieces) * len(largest)) // pieces])
    firsts = {kind: _list_nodes(lists[kind]) for kind in kinds}
    bounds = {
        kind: [0, *np.searchsorted(firsts[kind], cuts).tolist(), len(firsts[kind])]
        for kind in kinds
    }
    for piece in range(len(cuts) + 1):
        chunks = _Chunks(len(kinds))
        for rank, kind in enumerate(kinds):
            low, high = bounds[kind][piece], bounds[kind][piece + 1]
            if low < high:
                _add_lists(chunks, version, kind, rank, lists[kind], slice(low, high))
        yield chunks.records()


def _list_nodes(lists: Lists) -> np.ndarray:
    """The node of each list, ascending."""
    firsts: np.ndarray = lists.sorted()[0][lists.groups()[0]]
    return firsts


def _add_lists(
    chunks: _Chunks,
    version: bytes,
    kind: tuple[int, int],
    rank: int,
    lists: Lists,
    window: slice,
) -> None:
    """Add the chunks of the lists `window` (positions among the kind's lists)."""
    nodes, neighbours, rels = lists.sorted()
    starts, ends = (bound[window] for bound in lists.groups())
    sizes = ends - starts
    short = np.flatnonzero(sizes <= CHUNK_CAPACITY)
    # the short lists grouped by size (one chunk each: one byte matrix per size)
    by_size = short[stable_order(sizes[short])]
    ordered = sizes[by_size]
    bounds = np.flatnonzero(np.diff(ordered)) + 1
    lows = [0, *bounds.tolist()]
    highs = [*bounds.tolist(), len(by_size)]
    for low, high in zip(lows, highs, strict=True):
        if low == high:
            continue
        members = by_size[low:high]
        size = int(ordered[low])
        head_nodes, head_starts = nodes[starts[members]], starts[members]
        keys, values = _heads(version, kind, head_nodes, head_starts, size, (neighbours, rels))
        chunks.add(keys, values, head_nodes, rank)
    long = np.flatnonzero(sizes > CHUNK_CAPACITY)
    direction, type_id = kind
    for start, end in zip(starts[long].tolist(), ends[long].tolist(), strict=True):
        node = int(nodes[start])
        prefix = layout.adjacency_list_prefix(node, direction, type_id)
        keys, values = _long_list(version, prefix, neighbours[start:end], rels[start:end])
        chunks.add(keys, values, np.full(len(keys), node, dtype=np.int64), rank)


def _heads(
    version: bytes,
    list_key: tuple[int, int],
    nodes: np.ndarray,
    starts: np.ndarray,
    size: int,
    pairs: tuple[np.ndarray, np.ndarray],
) -> tuple[list[bytes], list[bytes]]:
    """Head chunks of lists of `size` pairs (one chunk holds them): keys and values."""
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
    return matrix_rows(keys), matrix_rows(words.view(np.uint8))


def _long_list(
    version: bytes, prefix: bytes, neighbours: np.ndarray, rels: np.ndarray
) -> tuple[list[bytes], list[bytes]]:
    """A list longer than one chunk: the head, then tails of up to `CHUNK_CAPACITY` pairs.

    Returns the keys (head, then tails by their first relationship) and the values.
    """
    pairs = np.empty((len(rels), 2), dtype="<i8")
    pairs[:, 0] = neighbours
    pairs[:, 1] = rels
    raw = pairs.tobytes()
    tails = range(CHUNK_CAPACITY, len(rels), CHUNK_CAPACITY)
    keys = [prefix + _HEAD]
    values = [version + _U64.pack(len(tails)) + raw[: CHUNK_CAPACITY * _PAIR]]
    for tail in tails:
        end = min(tail + CHUNK_CAPACITY, len(rels))
        keys.append(prefix + _U64.pack(int(rels[tail]) + 1))
        values.append(version + _U64.pack(tail) + raw[tail * _PAIR : end * _PAIR])
    return keys, values
