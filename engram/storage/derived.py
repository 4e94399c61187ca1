"""Column-shaped read structures derived from one committed version.

CSR adjacency per (relationship type, direction) and property columns per (label,
property key). They live in the version's `VersionCaches` (so a reader at version V always uses the
structures of V) and commits carry them over unless they change the type, the label or
the key. They are never the source of truth: dropping one changes no result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from engram.storage.adjacency import Expansion

__all__ = [
    "NOT_IN_COLUMN",
    "SCALAR_KINDS",
    "Csr",
    "PropertyColumn",
    "build_column",
    "build_csr",
    "column_kind",
    "values_by_node",
]

#: `values_by_node`'s entry for a node id the column does not hold
NOT_IN_COLUMN: Final = object()
#: column kinds whose values are plain scalars (numbers, booleans, strings)
SCALAR_KINDS: Final = frozenset({"int", "float", "bool", "str"})

_INT64_MIN: Final = -(2**63)


@dataclass(frozen=True, slots=True)
class Csr:
    """Adjacency of one relationship type in one direction, indexed by node id.

    The relationships of node n are rows `indptr[n]:indptr[n + 1]` of the other arrays.
    """

    type_id: int
    indptr: np.ndarray
    neighbour: np.ndarray
    relationship: np.ndarray
    outgoing: np.ndarray

    @property
    def size(self) -> int:
        """Number of adjacency entries."""
        return int(self.neighbour.shape[0])

    def expand(self, node_ids: np.ndarray) -> Expansion:
        """The relationships of `node_ids`, grouped by source position, as `expand` gives."""
        limit = self.indptr.shape[0] - 1
        ids = node_ids.astype(np.int64, copy=False)
        inside = (ids >= 0) & (ids < limit)
        safe = np.where(inside, ids, 0)
        starts = np.where(inside, self.indptr[safe], 0)
        lengths = np.where(inside, self.indptr[safe + 1] - starts, 0)
        total = int(lengths.sum())
        if total == 0:
            return Expansion()
        source = np.repeat(np.arange(ids.shape[0], dtype=np.int64), lengths)
        offsets = np.cumsum(lengths) - lengths
        positions = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)
        return Expansion(
            source,
            self.neighbour[positions],
            self.relationship[positions],
            np.full(total, self.type_id, dtype=np.int64),
            self.outgoing[positions],
        )


def build_csr(all_nodes: np.ndarray, expansion: Expansion, type_id: int) -> Csr:
    """A CSR from the expansion of every node (`all_nodes` sorted ascending)."""
    size = int(all_nodes[-1]) + 1 if all_nodes.shape[0] else 0
    owners = all_nodes[expansion.source] if len(expansion) else np.empty(0, dtype=np.int64)
    counts = np.bincount(owners, minlength=size) if size else np.zeros(0, dtype=np.int64)
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    # the expansion is grouped by source position and the nodes are sorted: rows are in
    # node-id order already
    for array in (expansion.neighbour, expansion.relationship, expansion.outgoing):
        array.flags.writeable = False
    indptr.flags.writeable = False
    return Csr(type_id, indptr, expansion.neighbour, expansion.relationship, expansion.outgoing)


def column_kind(values: list[Any]) -> str:
    """The column kind of `values`.

    'int', 'float', 'bool' or 'str' when every present value has that Python type, else
    'object' (mixed types, lists, temporal values).
    """
    kinds = {type(value) for value in values if value is not None}
    if len(kinds) != 1:
        return "object" if kinds else "int"
    (kind,) = kinds
    if kind is bool:
        return "bool"
    if kind is int:
        return "int" if all(_INT64_MIN <= v < 2**63 for v in values if v is not None) else "object"
    if kind is float:
        return "float"
    if kind is str:
        return "str"
    return "object"


@dataclass(frozen=True, slots=True)
class PropertyColumn:
    """One property of every node with a label, aligned with the label's sorted ids.

    `values[i]` is the property of node `ids[i]` when `present[i]`; typed numpy arrays
    for 'int', 'float' and 'bool' columns (absent entries hold 0), object arrays else
    ('str' columns hold "" where absent, so whole-column comparisons never meet None).
    `slots` maps a node id straight to its position (-1: not in the column) when the ids
    are dense enough for an array that size; lookups binary-search the ids otherwise.
    `exact_float`: every integer of an 'int' column converts to float exactly.
    """

    ids: np.ndarray
    values: np.ndarray
    present: np.ndarray
    kind: str
    slots: np.ndarray | None = None
    exact_float: bool = True
    #: 'str' columns: the distinct strings, sorted, and each entry's index among them
    categories: np.ndarray | None = None
    codes: np.ndarray | None = None
    #: every node of the column has the property
    complete: bool = False

    def positions(self, node_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position, found) of each node id in the column."""
        ids, slots = self.ids, self.slots
        if ids.shape[0] == 0:
            return np.zeros(node_ids.shape[0], dtype=np.int64), np.zeros(node_ids.shape[0], bool)
        if slots is not None:
            inside = (node_ids >= 0) & (node_ids < slots.shape[0])
            found_at = slots[np.where(inside, node_ids, 0)]
            found = inside & (found_at >= 0)
            return np.where(found, found_at, 0), found
        positions = np.searchsorted(ids, node_ids)
        positions[positions >= ids.shape[0]] = 0
        return positions, ids[positions] == node_ids

    def lookup(self, node_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(values, present) for arbitrary node ids (absent for nodes without the label)."""
        if self.ids.shape[0] == 0:
            return self._empty(node_ids.shape[0])
        if node_ids is self.ids:
            return self.values, self.present
        positions, found = self.positions(node_ids)
        return self.values[positions], self.present[positions] & found

    def lookup_codes(self, node_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(codes, present) of a 'str' column for arbitrary node ids."""
        assert self.codes is not None
        if self.ids.shape[0] == 0:
            return np.zeros(node_ids.shape[0], dtype=np.int64), np.zeros(node_ids.shape[0], bool)
        if node_ids is self.ids:
            return self.codes, self.present
        positions, found = self.positions(node_ids)
        return self.codes[positions], self.present[positions] & found

    def _empty(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(count, dtype=self.values.dtype), np.zeros(count, dtype=bool)


def values_by_node(column: PropertyColumn) -> list[Any] | None:
    """A dense column's values as a plain list indexed by node id (None when absent).

    `NOT_IN_COLUMN` for ids the column does not hold; None for a column over sparse
    ids, or of values other than scalars (`SCALAR_KINDS`). A few scattered nodes read
    from it touch one list entry each, where the arrays take a call per array and node
    (or a gather's several calls), which cost the most when the arrays are out of the
    CPU caches, as after an index search.
    """
    slots = column.slots
    if slots is None or column.kind not in SCALAR_KINDS:
        return None
    values = np.full(slots.shape[0], NOT_IN_COLUMN, dtype=object)
    values[column.ids] = column.values
    if not column.complete:
        values[column.ids[~column.present]] = None
    listed: list[Any] = values.tolist()
    return listed


def build_column(ids: np.ndarray, raw: list[Any]) -> PropertyColumn:
    """The column of `raw` values (None = absent) for sorted `ids`."""
    kind = column_kind(raw)
    present = np.fromiter((value is not None for value in raw), dtype=bool, count=len(raw))
    if kind == "int":
        values = np.fromiter((0 if v is None else v for v in raw), dtype=np.int64, count=len(raw))
    elif kind == "float":
        values = np.fromiter(
            (0.0 if v is None else v for v in raw), dtype=np.float64, count=len(raw)
        )
    elif kind == "bool":
        values = np.fromiter((bool(v) for v in raw), dtype=bool, count=len(raw))
    else:
        values = np.empty(len(raw), dtype=object)
        values[:] = ["" if v is None else v for v in raw] if kind == "str" else raw
    exact = kind != "int" or not len(raw) or -(2**53) <= values.min() <= values.max() <= 2**53
    slots = None
    if ids.shape[0] and int(ids[-1]) < 4 * ids.shape[0] + 4096:
        slots = np.full(int(ids[-1]) + 1, -1, dtype=np.int64)
        slots[ids] = np.arange(ids.shape[0], dtype=np.int64)
        slots.flags.writeable = False
    categories = codes = None
    if kind == "str":
        categories, inverse = np.unique(values, return_inverse=True)
        codes = inverse.reshape(-1).astype(np.int64)
        for array in (categories, codes):
            array.flags.writeable = False
    for array in (values, present):
        array.flags.writeable = False
    complete = bool(present.all())
    return PropertyColumn(ids, values, present, kind, slots, exact, categories, codes, complete)
