"""Properties of a vector search's results read from the version's property columns.

A vector search knows the label of every node it returns, and a query usually reads a
few small properties of them (`RETURN n.id, n.title`). On the row store each is a
record read: a RocksDB look-up and a decode, about 4 µs per node. The version's
property column of (label, key) (`GraphView.property_column`, shared by every reader of
the version and carried over by commits that change neither) answers the same read
with a few array look-ups, but building it reads the whole label once.

So the columns take over only once they pay off: once the node records of the label
that readers of this version have read (`GraphView.label_reads`, tallied by
`StoreGraph` from every record it reads) reach the size of the label, reading the label
once more to build the column costs no more than the reads already done, and every
later read is cheap (the cost of the two approaches together stays within twice the
cheaper one, as for the CSR adjacency and the filtered searches' columns). A column is
built only for a key whose value on the node at hand is a small scalar (a number, a
boolean, a short string), and used only when the whole column is one of those kinds;
anything else (vectors, lists, temporal values, long strings) keeps the record path.
Write transactions never use columns: their reads must see their own changes.

>>> _small_scalar(3), _small_scalar("x" * 300), _small_scalar([1.0])
(True, False, False)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import numpy as np

from engram.storage.derived import NOT_IN_COLUMN, SCALAR_KINDS, PropertyColumn
from engram.storage.reads import GraphView
from engram.storage.records import NodeRecord

__all__ = ["LabelColumns"]

#: strings longer than this are not worth a column of their own
_SHORT_TEXT: Final = 256
_UNKNOWN: Final = object()
#: a label's tally once its columns pay off at the version
_READY: Final = 1 << 62

#: the statement's cached record read (`StoreGraph._record`)
RecordOf = Callable[[int], NodeRecord | None]


def _small_scalar(value: Any) -> bool:
    kind = type(value)
    if kind is str:
        return len(value) <= _SHORT_TEXT
    return kind is int or kind is float or kind is bool


class LabelColumns:
    """One statement's use of property columns for nodes of a known label.

    Args:
        view: the statement's transaction.

    The methods that may build a column take `record_of`, the statement's (cached)
    record read, for the one node that decides whether a key is worth a column (held
    by no attribute: the statement's graph holds this object, and a cycle would keep
    both, and the snapshot, alive until a collection).
    """

    __slots__ = ("_columns", "_tally", "_view", "adopted", "served")

    def __init__(self, view: GraphView) -> None:
        self._view = view
        self._tally = view.label_reads()
        #: (label id, nodes) as `adopt` took them: the nodes whose properties columns answer
        self.adopted: list[tuple[int, list[int]]] = []
        self._columns: dict[tuple[int, int], PropertyColumn | None] = {}
        #: key id -> the key's value per adopted node its column has (None: absent); the
        #: nodes a column does not answer for are missing, and the record path answers
        self.served: dict[int, dict[int, Any]] = {}

    def count(self, record: NodeRecord | None) -> None:
        """Tally one record read (by its labels)."""
        tally = self._tally
        if tally is not None and record is not None:
            for label in record.labels:
                tally[label] = tally.get(label, 0) + 1

    def count_all(self, records: list[NodeRecord | None]) -> None:
        """Tally many record reads."""
        for record in records:
            self.count(record)

    def adopt(self, node_ids: list[int], label_id: int, record_of: RecordOf) -> bool:
        """Serve these nodes (all with the label) from columns if columns pay off now."""
        tally = self._tally
        if tally is None:
            return False
        reads = tally.get(label_id, 0)
        if reads < _READY:
            if reads < max(1, self._view.count_nodes(label_id)):
                return False
            tally[label_id] = _READY  # the version's readers need not count the label again
        if not node_ids:
            return True
        self.adopted.append((label_id, node_ids))
        for key_id, values in self.served.items():  # keys read before: look them up now
            self._look_up(label_id, key_id, node_ids, values, record_of)
        return True

    def values(self, key_id: int, record_of: RecordOf) -> dict[int, Any]:
        """`served[key_id]`, looking up every adopted node on the key's first read."""
        values = self.served.get(key_id)
        if values is None:
            values = {}
            for label_id, nodes in self.adopted:
                self._look_up(label_id, key_id, nodes, values, record_of)
            self.served[key_id] = values
        return values

    def batch(self, node_ids: list[int], key_id: int, record_of: RecordOf) -> list[Any] | None:
        """The key's values for `node_ids`, when they are the nodes adopted last, in order.

        The usual read: a projection of a search's results. None otherwise, or when the
        key has no column or a node is missing from it (`values` then answers).
        """
        label_id, nodes = self.adopted[-1]
        if nodes != node_ids:
            return None
        by_node = self._view.column_by_node(label_id, key_id)
        if by_node is None:  # no column of scalars yet at this version: decide, maybe build
            if self._column_for(label_id, key_id, nodes[0], record_of) is None:
                return None
            by_node = self._view.column_by_node(label_id, key_id)
        if by_node is None or min(nodes) < 0 or max(nodes) >= len(by_node):
            return None
        found = [by_node[node] for node in nodes]
        return None if NOT_IN_COLUMN in found else found

    def _look_up(
        self,
        label_id: int,
        key_id: int,
        nodes: list[int],
        into: dict[int, Any],
        record_of: RecordOf,
    ) -> None:
        column = self._column_for(label_id, key_id, nodes[0], record_of)
        if column is not None:
            _look_up(column, nodes, into)

    def _column_for(
        self, label_id: int, key_id: int, node_id: int, record_of: RecordOf
    ) -> PropertyColumn | None:
        """The column this statement uses for (label, key), decided once per statement."""
        column = self._columns.get((label_id, key_id), _UNKNOWN)
        if column is _UNKNOWN:
            column = self._column(label_id, key_id, node_id, record_of)
            self._columns[(label_id, key_id)] = column
        assert column is None or isinstance(column, PropertyColumn)
        return column

    def _column(
        self, label_id: int, key_id: int, node_id: int, record_of: RecordOf
    ) -> PropertyColumn | None:
        view = self._view
        column = view.cached_column(label_id, key_id)
        if column is None:
            # decide on the node at hand whether the key is worth a column at all
            sample = record_of(node_id)
            if sample is None or not _small_scalar(sample.properties.get(key_id)):
                return None
            column = view.property_column(label_id, key_id)
        return column if column.kind in SCALAR_KINDS else None


def _look_up(column: PropertyColumn, nodes: list[int], into: dict[int, Any]) -> None:
    """Each node's value (None when absent) into `into`; nodes not in the column are left out.

    A search returns a few nodes: element reads (`ndarray.item`) cost less than the
    handful of whole-array operations `PropertyColumn.lookup` takes.
    """
    slots, ids, values, present = column.slots, column.ids, column.values, column.present
    size = ids.shape[0] if slots is None else slots.shape[0]
    complete = column.complete
    for node in nodes:
        if slots is not None:
            position = slots.item(node) if 0 <= node < size else -1
        else:
            position = int(np.searchsorted(ids, node))
            if position >= size or ids.item(position) != node:
                position = -1
        if position >= 0:
            there = complete or present.item(position)
            into[node] = values.item(position) if there else None
