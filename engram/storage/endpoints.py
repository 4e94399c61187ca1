"""Bulk read of relationships as arrays: (start, end, relationship id, type) for whole types.

Graph algorithms work on all the relationships of some types at once. Reading them
record by record costs a point read each; instead the outgoing adjacency lists are
scanned in key order (one range scan over the adjacency family, each chunk decoded with
numpy), which yields every relationship exactly once with both of its ends. A read
transaction keeps the arrays of each type in its version's caches, so algorithms run
again on an unchanged type read nothing; a write transaction merges its own changes.

>>> import numpy as np, engram
>>> with engram.open() as db:
...     _ = db.execute("CREATE (a)-[:R]->(b), (b)-[:R]->(a), (a)-[:S]->(a)")
...     with db.begin_read() as tx:
...         found = tx.relationship_endpoints([tx.catalog.type_id("R")])
...     (found.start.tolist(), found.end.tolist(), found.relationship.tolist())
([0, 1], [1, 0], [0, 1])
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np

from engram.storage import keys as layout
from engram.storage.chunks import HEADER
from engram.storage.mvcc import VersionedReader
from engram.storage.overlay import TxState
from engram.storage.records import VersionCaches

__all__ = ["Endpoints", "relationship_endpoints"]

_NO_IDS: Final = np.empty(0, dtype=np.int64)
_NODE: Final = slice(1, 9)
_TYPE: Final = slice(10, 14)


def _empty() -> np.ndarray:
    return np.empty(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Relationships as aligned arrays, ordered by start node then relationship id."""

    start: np.ndarray = field(default_factory=_empty)
    end: np.ndarray = field(default_factory=_empty)
    relationship: np.ndarray = field(default_factory=_empty)
    type_id: np.ndarray = field(default_factory=_empty)

    def __len__(self) -> int:
        return int(self.start.shape[0])

    @staticmethod
    def concat(parts: Sequence[Endpoints]) -> Endpoints:
        """The parts one after the other."""
        parts = [part for part in parts if len(part)]
        if not parts:
            return Endpoints()
        if len(parts) == 1:
            return parts[0]
        return Endpoints(
            np.concatenate([p.start for p in parts]),
            np.concatenate([p.end for p in parts]),
            np.concatenate([p.relationship for p in parts]),
            np.concatenate([p.type_id for p in parts]),
        )

    def select(self, mask: np.ndarray) -> Endpoints:
        """The rows where `mask` is true."""
        return Endpoints(
            self.start[mask], self.end[mask], self.relationship[mask], self.type_id[mask]
        )


def _scan(reader: VersionedReader, type_ids: set[int] | None) -> dict[int, Endpoints]:
    """One pass over the outgoing lists, split by type."""
    starts: dict[int, list[int]] = {}
    counts: dict[int, list[int]] = {}
    payloads: dict[int, list[bytes]] = {}
    low, high = layout.family_range(layout.ADJ)
    for key, value in reader.scan(low, high):
        if key[9] != layout.OUT:
            continue
        type_id = int.from_bytes(key[_TYPE], "big")
        if type_ids is not None and type_id not in type_ids:
            continue
        size = (len(value) - HEADER) >> 4
        if not size:
            continue
        starts.setdefault(type_id, []).append(int.from_bytes(key[_NODE], "big"))
        counts.setdefault(type_id, []).append(size)
        payloads.setdefault(type_id, []).append(value[HEADER:])
    found = {}
    for type_id, chunks in payloads.items():
        pairs = np.frombuffer(b"".join(chunks), dtype="<i8").reshape(-1, 2).astype(np.int64)
        start = np.repeat(np.asarray(starts[type_id], dtype=np.int64), counts[type_id])
        # chunks of one list are in relationship order; lists are in start order
        found[type_id] = _frozen(
            Endpoints(start, pairs[:, 0].copy(), pairs[:, 1].copy(), np.full(len(start), type_id))
        )
    return found


def _frozen(endpoints: Endpoints) -> Endpoints:
    for array in (endpoints.start, endpoints.end, endpoints.relationship, endpoints.type_id):
        array.flags.writeable = False
    return endpoints


def _constant(endpoints: Endpoints) -> Callable[[], Endpoints]:
    return lambda: endpoints


def _committed(
    reader: VersionedReader, caches: VersionCaches | None, type_ids: Sequence[int] | None
) -> Endpoints:
    if caches is None or type_ids is None:
        found = _scan(reader, None if type_ids is None else set(type_ids))
        wanted = sorted(found) if type_ids is None else type_ids
        return Endpoints.concat([found[t] for t in wanted if t in found])
    missing = [t for t in type_ids if caches.peek(("adjacency", t)) is None]
    if missing:
        scanned = _scan(reader, set(missing))
        for type_id in missing:
            caches.get(("adjacency", type_id), _constant(scanned.get(type_id, Endpoints())))
    return Endpoints.concat([caches.get(("adjacency", t), Endpoints) for t in type_ids])


def relationship_endpoints(
    reader: VersionedReader,
    caches: VersionCaches | None,
    overlay: TxState | None,
    type_ids: Sequence[int] | None,
) -> Endpoints:
    """Every relationship of `type_ids` (None: of any type) visible to the transaction.

    Args:
        reader: the transaction's snapshot reader.
        caches: the snapshot's caches (read transactions), or None.
        overlay: a write transaction's changes, merged in, or None.
        type_ids: the relationship types wanted.
    """
    base = _committed(reader, caches if overlay is None else None, type_ids)
    if overlay is None or not (overlay.rels or overlay.bulk):
        return base
    if overlay.deleted_rels and len(base):
        removed = np.fromiter(overlay.deleted_rels, dtype=np.int64)
        base = base.select(~np.isin(base.relationship, removed))
    wanted = None if type_ids is None else set(type_ids)
    added = [
        (state.start, state.end, rel_id, state.type_id)
        for rel_id in overlay.new_rels
        if not (state := overlay.rels[rel_id]).deleted
        and (wanted is None or state.type_id in wanted)
    ]
    if not added:
        return base
    columns = [np.asarray(column, dtype=np.int64) for column in zip(*added, strict=True)]
    return Endpoints.concat([base, Endpoints(*columns)])
