"""Support for derived indexes (kinds other than "property"): value checks and the change feed.

A derived index (a vector index) lives outside RocksDB and is rebuilt from it when in
doubt; storage gives it what it needs to stay exact without knowing what it is:

- **value checks**: a kind registers a check (`register_value_check`); every write that
  gives a node with the index's label a value for the indexed key (creating the node,
  setting or replacing properties, adding the label) runs it before anything changes,
  so a value the index cannot hold is an error that leaves the transaction as it was;
- **the change feed**: every commit writes, in its own batch, one record per derived
  index it touched, ``17 index(4) 'f' version(8)`` holding the sorted ids (big-endian
  u64) of the nodes whose indexed value or label membership changed. An index that saved
  its state at version ``V`` replays the records after ``V`` when the database opens;
- **the saved-state record** ``17 index(4) 's'``, which the index writes when it saves
  (see `Store.write_derived`), and which the index's drop deletes with the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

import numpy as np

from engram.catalog import PROPERTY_INDEX, Catalog, IndexDef
from engram.storage import keys as layout
from engram.storage.overlay import NodeState, TxState
from engram.storage.rocks import KeyValueBackend

__all__ = [
    "ValueCheck",
    "changed_nodes",
    "check_values",
    "decode_ids",
    "feed_entries",
    "read_feed",
    "register_value_check",
]

#: check(catalog, index, value) raises a QueryRuntimeError when the index cannot hold value
ValueCheck = Callable[[Catalog, IndexDef, Any], None]

_CHECKS: dict[str, ValueCheck] = {}
_LOCK: Final = threading.Lock()


def register_value_check(kind: str, check: ValueCheck) -> None:
    """Run `check` on every value written to a property covered by an index of `kind`."""
    with _LOCK:
        _CHECKS[kind] = check


def check_values(
    catalog: Catalog, labels: Iterable[int], props: Mapping[int, Any], keys: set[int] | None
) -> None:
    """Run the value checks of derived indexes on `labels` for the keys written.

    Args:
        catalog: the transaction's catalog.
        labels: labels of the node the values are written to (or labels being added).
        props: the node's properties after the write.
        keys: the keys written, or None for all of them.
    """
    if not _CHECKS:
        return
    for label in labels:
        for index in catalog.indexes_for_label(label):
            check = _CHECKS.get(index.kind)
            if check is None or index.kind == PROPERTY_INDEX:
                continue
            key = index.property_key_ids[0]
            if keys is not None and key not in keys:
                continue
            value = props.get(key)
            if value is not None:
                check(catalog, index, value)


def _same(left: Any, right: Any) -> bool:
    if type(left) is not type(right):
        return False
    if type(left) is list:
        return len(left) == len(right) and all(map(_same, left, right))
    return bool(left == right)


def _changed(state: NodeState, label: int, key: int) -> bool:
    had = label in state.base_labels and key in state.base_props
    has = not state.deleted and label in state.labels and key in state.props
    if not had and not has:
        return False
    if had != has or state.created or state.deleted:
        return True
    return not _same(state.base_props.get(key), state.props.get(key))


def changed_nodes(overlay: TxState, index: IndexDef) -> list[int]:
    """Sorted ids of the nodes whose value in `index` the transaction changed."""
    label, key = index.label_id, index.property_key_ids[0]
    found = []
    for node_id, state in overlay.nodes.items():
        if state.created and state.deleted:
            continue
        if _changed(state, label, key):
            found.append(node_id)
    found.sort()
    return found


def derived_indexes(catalog: Catalog) -> list[IndexDef]:
    """The derived (non-property) indexes of a catalog."""
    return [index for index in catalog.indexes if index.kind != PROPERTY_INDEX]


def feed_entries(overlay: TxState, version: int) -> dict[bytes, bytes]:
    """The change-feed records of one commit (indexes created by it need none)."""
    entries: dict[bytes, bytes] = {}
    for index in derived_indexes(overlay.catalog):
        if index.id in overlay.created_indexes:
            continue
        nodes = changed_nodes(overlay, index)
        if nodes:
            payload = np.asarray(nodes, dtype=">u8").tobytes()
            entries[layout.derived_feed_key(index.id, version)] = payload
    return entries


def decode_ids(payload: bytes) -> np.ndarray:
    """Node ids of a feed record."""
    return np.frombuffer(payload, dtype=">u8").astype(np.int64)


def read_feed(
    kv: KeyValueBackend, index_id: int, after: int, upto: int | None = None
) -> Iterator[tuple[int, np.ndarray]]:
    """(version, node ids) of the feed records of an index with after < version <= upto."""
    low = layout.derived_feed_key(index_id, after + 1)
    prefix = layout.derived_prefix(index_id) + b"f"
    high = layout.prefix_end(prefix)
    for key, value in kv.scan(low, high):
        version = int.from_bytes(key[-8:], "big")
        if upto is not None and version > upto:
            break
        yield version, decode_ids(value)
