"""Adjacency chunk layout and the commit-side rewriting of chunks.

One list per (node, direction, relationship type) holds (neighbour id, relationship id)
pairs as little-endian int64, in chunks of at most `CHUNK_CAPACITY` pairs:

- the *head* chunk has key suffix 0 and exists exactly when the list is not empty (it
  may hold no pairs while tail chunks do); its header counts the tail chunks, so a
  reader that finds a head with no tails needs no range scan;
- a *tail* chunk's key suffix is one more than the id of the first relationship it was
  created with; its header is how many pairs the list held before it (a degree
  estimate for statistics).

Lists only grow at the end and relationship ids increase, so pairs are in relationship
id order across chunks, and the chunk holding relationship ``r`` is the last chunk
whose key suffix is ``<= r + 1`` (one `seek_for_prev`). Appending to a supernode
rewrites its last chunk (and, when a tail is added, the head's counter).

Chunk value: ``version(8) header(8) pairs(16 * n)``.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from engram.errors import CorruptionError
from engram.storage.keys import adjacency_list_prefix
from engram.storage.rocks import Cursor

__all__ = [
    "CHUNK_CAPACITY",
    "HEADER",
    "UNKNOWN",
    "ListChange",
    "ListUpdate",
    "head_key",
    "list_pairs",
    "tail_count",
    "update_list",
]

CHUNK_CAPACITY: Final = 256
#: bytes before the pairs in a stored chunk value: version and header
HEADER: Final = 16
_PAIR: Final = 16
_U64 = struct.Struct(">Q")
_HEAD: Final = _U64.pack(0)
_LAST: Final = b"\xff" * 8
_SEEK_LIMIT: Final = 64


def head_key(prefix: bytes) -> bytes:
    """Key of the head chunk of the list with `prefix` (see `adjacency_list_prefix`)."""
    return prefix + _HEAD


def tail_count(raw: bytes) -> int:
    """Number of tail chunks recorded in a raw head chunk value."""
    count: int = _U64.unpack_from(raw, 8)[0]
    return count


def list_pairs(raw_values: Iterable[bytes]) -> np.ndarray:
    """All (neighbour, relationship) pairs of the given raw chunk values."""
    payloads = [memoryview(raw)[HEADER:] for raw in raw_values]
    if not payloads:
        return np.empty((0, 2), dtype=np.int64)
    return np.frombuffer(b"".join(payloads), dtype="<i8").reshape(-1, 2).astype(np.int64)


@dataclass(slots=True)
class ListChange:
    """What a transaction did to one adjacency list: appended and removed relationships."""

    added: dict[int, int] = field(default_factory=dict)  # relationship id -> neighbour id
    removed: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)


@dataclass(frozen=True, slots=True)
class ListUpdate:
    """Chunk writes for one list: (key, new payload or None to delete, old raw value)."""

    writes: list[tuple[bytes, bytes | None, bytes | None]]
    was_empty: bool
    is_empty: bool
    degree_estimate: int


def _pairs(raw: bytes) -> np.ndarray:
    return np.frombuffer(raw, dtype="<i8", offset=HEADER).reshape(-1, 2)


def _pack(pairs: np.ndarray | list[tuple[int, int]]) -> bytes:
    if isinstance(pairs, np.ndarray):
        return np.ascontiguousarray(pairs, dtype="<i8").tobytes()
    return struct.pack(f"<{2 * len(pairs)}q", *(value for pair in pairs for value in pair))


class _ListEditor:
    """Rewrites the chunks of one list against the latest committed data (the writer's view)."""

    def __init__(self, cursor: Cursor, prefix: bytes, *, fresh: bool) -> None:
        self.cursor = cursor
        self.prefix = prefix
        self.head = head_key(prefix)
        self.fresh = fresh
        self.old: dict[bytes, bytes] = {}
        self.pairs: dict[bytes, np.ndarray] = {}
        self.headers: dict[bytes, int] = {}
        self.deleted: set[bytes] = set()
        self.modified: set[bytes] = set()
        self.new_tails: list[tuple[bytes, np.ndarray, int]] = []
        self.head_loaded = fresh
        self.existed = False
        self.degree = 0

    # loading -------------------------------------------------------------------------

    def _load(self, key: bytes, raw: bytes) -> None:
        if key not in self.old:
            self.old[key] = raw
            self.pairs[key] = _pairs(raw)
            self.headers[key] = _U64.unpack_from(raw, 8)[0]

    def _load_head(self) -> bool:
        """Load the head chunk; False if the list has none (it is empty)."""
        if not self.head_loaded:
            self.head_loaded = True
            self.cursor.seek(self.head)
            if self.cursor.valid() and self.cursor.key() == self.head:
                self._load(self.head, self.cursor.value())
        return self.head in self.old

    def _last_chunk(self) -> bytes | None:
        """Key of the last chunk still present (loaded), or None for an empty list."""
        if self.fresh:
            return None
        cursor = self.cursor
        cursor.seek_for_prev(self.prefix + _LAST)
        while cursor.valid():
            key = cursor.key()
            if not key.startswith(self.prefix):
                return None
            if key not in self.deleted:
                self._load(key, cursor.value())
                return key
            cursor.prev()
        return None

    # removing ------------------------------------------------------------------------

    def remove(self, removed: set[int]) -> None:
        if self.fresh:
            raise CorruptionError("relationships to remove from a list that cannot exist")
        self.existed = True
        if len(removed) > _SEEK_LIMIT:
            self._remove_by_scan(removed)
            return
        by_chunk: dict[bytes, list[int]] = {}
        for rel_id in sorted(removed):
            self.cursor.seek_for_prev(self.prefix + _U64.pack(rel_id + 1))
            key = self.cursor.key() if self.cursor.valid() else b""
            if not key.startswith(self.prefix):
                raise CorruptionError(f"relationship {rel_id} is missing from its adjacency list")
            self._load(key, self.cursor.value())
            by_chunk.setdefault(key, []).append(rel_id)
        for key, rel_ids in by_chunk.items():
            self._drop(key, np.asarray(rel_ids, dtype=np.int64))

    def _remove_by_scan(self, removed: set[int]) -> None:
        wanted = np.fromiter(removed, dtype=np.int64, count=len(removed))
        self.cursor.seek(self.prefix)
        while self.cursor.valid():
            key = self.cursor.key()
            if not key.startswith(self.prefix):
                break
            self._load(key, self.cursor.value())
            if np.isin(self.pairs[key][:, 1], wanted).any():
                self._drop(key, wanted)
            self.cursor.next()

    def _drop(self, key: bytes, rel_ids: np.ndarray) -> None:
        pairs = self.pairs[key]
        self.pairs[key] = pairs[~np.isin(pairs[:, 1], rel_ids)]
        self.modified.add(key)
        if not len(self.pairs[key]) and key != self.head:
            self.deleted.add(key)

    # appending -----------------------------------------------------------------------

    def append(self, added: dict[int, int]) -> None:
        ordered = sorted(added.items())  # relationship id order, whatever the insertion order
        entries = np.array([(nbr, rel) for rel, nbr in ordered], dtype="<i8").reshape(-1, 2)
        last = self._last_chunk()
        if last is None:
            self.head_loaded = True
            self.pairs[self.head] = entries[:CHUNK_CAPACITY]
            self.headers[self.head] = 0
            self.modified.add(self.head)
            entries, before = entries[CHUNK_CAPACITY:], len(entries[:CHUNK_CAPACITY])
        else:
            self.existed = True
            current = self.pairs[last]
            room = CHUNK_CAPACITY - len(current)
            if room > 0:
                self.pairs[last] = np.concatenate([current, entries[:room]])
                self.modified.add(last)
                entries = entries[room:]
            before = (0 if last == self.head else self.headers[last]) + len(self.pairs[last])
        while len(entries):
            chunk, entries = entries[:CHUNK_CAPACITY], entries[CHUNK_CAPACITY:]
            key = self.prefix + _U64.pack(int(chunk[0, 1]) + 1)
            self.new_tails.append((key, chunk, before))
            before += len(chunk)
        self.degree = before

    # results -------------------------------------------------------------------------

    def finish(self) -> ListUpdate:
        if self.new_tails or self.deleted:
            self._load_head()
            if self.head not in self.pairs:
                raise CorruptionError("an adjacency list has tail chunks but no head chunk")
            self.headers[self.head] += len(self.new_tails) - len(self.deleted)
            self.modified.add(self.head)
        writes: list[tuple[bytes, bytes | None, bytes | None]] = []
        is_empty = False
        for key in sorted(self.modified):
            old = self.old.get(key)
            pairs, header = self.pairs[key], self.headers[key]
            if key in self.deleted or (key == self.head and not len(pairs) and header == 0):
                if old is not None:
                    writes.append((key, None, old))
                is_empty = is_empty or key == self.head
            else:
                writes.append((key, _U64.pack(header) + _pack(pairs), old))
        for key, pairs, prior in self.new_tails:
            writes.append((key, _U64.pack(prior) + _pack(pairs), None))
        return ListUpdate(writes, not self.existed, is_empty, self.degree)


#: `update_list(head=...)` when the caller did not read the head chunk
UNKNOWN: Final[Any] = object()


def _last_chunk(cursor: Cursor, prefix: bytes, head: bytes | None) -> tuple[bytes, bytes] | None:
    """(key, raw value) of the list's last chunk; `head` is its head chunk if known."""
    if head is not UNKNOWN:
        if head is None:
            return None
        if tail_count(head) == 0:
            return head_key(prefix), head
    cursor.seek_for_prev(prefix + _LAST)
    if cursor.valid():
        key = cursor.key()
        if key.startswith(prefix):
            return key, cursor.value()
    return None


def _append_in_place(
    cursor: Cursor, prefix: bytes, added: dict[int, int], fresh: bool, head: bytes | None
) -> ListUpdate | None:
    """The common case without numpy: new pairs fit in the last chunk (or a new head).

    Returns None when a tail chunk must be created (the general editor handles that).
    """
    packed = _pack([(neighbour, rel) for rel, neighbour in sorted(added.items())])
    last = None if fresh else _last_chunk(cursor, prefix, head)
    if last is None:
        return ListUpdate([(head_key(prefix), _HEAD + packed, None)], True, False, len(added))
    key, raw = last
    count = (len(raw) - HEADER) // _PAIR
    if count + len(added) > CHUNK_CAPACITY:
        return None
    before = 0 if key == head_key(prefix) else _U64.unpack_from(raw, 8)[0]
    return ListUpdate([(key, raw[8:] + packed, raw)], False, False, before + count + len(added))


def update_list(
    cursor: Cursor,
    node_id: int,
    direction: int,
    type_id: int,
    change: ListChange,
    *,
    fresh: bool = False,
    head: bytes | None = UNKNOWN,
) -> ListUpdate:
    """Apply one list's changes to the latest committed chunks (the writer's view).

    Args:
        cursor: a cursor over the latest committed data.
        node_id: the list's node.
        direction: the stored direction (`OUT` or `IN`).
        type_id: the relationship type.
        change: what the transaction appended and removed.
        fresh: the node was created by the committing transaction, so the list has no
            committed chunks (no read needed).
        head: the raw head chunk if the caller read it already (None: the list is empty);
            saves a seek per list when many lists are updated.

    Raises:
        CorruptionError: a relationship to remove is not in the list.
    """
    if not change:
        return ListUpdate([], False, False, 0)
    prefix = adjacency_list_prefix(node_id, direction, type_id)
    if not change.removed and len(change.added) <= CHUNK_CAPACITY:
        update = _append_in_place(cursor, prefix, change.added, fresh, head)
        if update is not None:
            return update
    editor = _ListEditor(cursor, prefix, fresh=fresh)
    if change.removed:
        editor.remove(change.removed)
    if change.added:
        editor.append(change.added)
    return editor.finish()
