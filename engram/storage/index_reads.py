"""Index reads of a snapshot: seeks, IN lists and unique look-ups, merged with a write overlay.

`IndexReads` is a part of `engram.storage.reads.GraphView` (its base class): every method
reads the property and unique index families at the view's snapshot and, in a write
transaction, sees the transaction's own index changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from typing import Any

import numpy as np

from engram.catalog import IndexDef
from engram.errors import InternalError
from engram.storage.id_arrays import joined_ids
from engram.storage.indexing import (
    Bound,
    KeyRange,
    equality_ranges,
    in_ranges,
    node_of,
    scan_ranges,
    seek_ranges,
)
from engram.storage.mvcc import VersionedReader
from engram.storage.ordered import composite_key
from engram.storage.overlay import TxState

__all__ = ["IndexReads"]


class IndexReads:
    """Index seeks at a snapshot (see the module docstring)."""

    _reader: VersionedReader
    _overlay: TxState | None

    def _seek(
        self,
        index: IndexDef,
        ranges: list[KeyRange],
        value_prefix: bytes | None = None,
        limit: int | None = None,
    ) -> np.ndarray:
        delta = None if self._overlay is None else self._overlay.indexes.get(index.id)
        if delta is None:
            scanned = islice(scan_ranges(self._reader, ranges), limit)
            found = [node_of(index, key, raw) for key, raw in scanned]
            return np.asarray(found, dtype=np.int64)
        entries = [
            (key, node_of(index, key, raw))
            for key, raw in scan_ranges(self._reader, ranges)
            if not delta.hides(key)
        ]
        for low, high in ranges:
            added = (
                delta.added_for_value(value_prefix)
                if value_prefix is not None
                else list(delta.added_in(low, high))
            )
            entries.extend((key, node_of(index, key, payload, 0)) for key, payload in added)
        entries.sort()
        return np.asarray([node for _, node in entries], dtype=np.int64)

    def index_seek(
        self,
        index: IndexDef,
        equal: Sequence[Any] = (),
        lower: Bound | None = None,
        upper: Bound | None = None,
        prefix: str | None = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Node ids from an index, in index (value) order.

        Args:
            index: the index to read.
            equal: values of the leading indexed keys (equality).
            lower: optional lower bound on the next key.
            upper: optional upper bound on the next key.
            prefix: optional string prefix on the next key (STARTS WITH).
            limit: read at most this many entries (callers that only need to know
                whether there are more than a few); a write transaction's own index
                changes are merged into the whole answer, so it may hold more.
        """
        if len(equal) > len(index.property_key_ids):
            raise InternalError(f"seek on index '{index.name}' has too many values")
        ranges = seek_ranges(index, equal, lower, upper, prefix)
        exact = (
            lower is None
            and upper is None
            and prefix is None
            and len(equal) == len(index.property_key_ids)
        )
        value_prefix = ranges[0][0] if exact and ranges else None
        return self._seek(index, ranges, value_prefix, limit)

    def index_seek_in(self, index: IndexDef, values: Sequence[Any]) -> np.ndarray:
        """Node ids whose (first) indexed value is in `values` (an IN list)."""
        single = len(index.property_key_ids) == 1
        return joined_ids(
            self._seek(index, [key_range], prefix if single else None)
            for prefix, key_range in in_ranges(index, values)
        )

    def unique_lookup(self, index: IndexDef, values: Sequence[Any]) -> int | None:
        """The node holding `values` in a unique index, or None."""
        if not index.unique:
            raise InternalError(f"index '{index.name}' is not unique")
        prefix, ranges = equality_ranges(index, values)
        if not ranges or len(values) != len(index.property_key_ids):
            return None
        return self.unique_owner(index, prefix)

    def unique_owner(self, index: IndexDef, key: bytes) -> int | None:
        """The node owning a unique index key in this transaction's view, or None."""
        delta = None if self._overlay is None else self._overlay.indexes.get(index.id)
        if delta is not None:
            if key in delta.added:
                return node_of(index, key, delta.added[key], 0)
            if key in delta.removed:
                return None
        raw = self._reader.get(key)
        return None if raw is None else node_of(index, key, raw)

    def index_value_key(self, values: Sequence[Any]) -> bytes:
        """The order-preserving key of index values (for plan caches and tests)."""
        return composite_key(values)
