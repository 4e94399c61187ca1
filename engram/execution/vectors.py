"""Vector indexes as operators, procedures and schema commands reach them, by index name.

`VectorAccess` belongs to one `StoreGraph` (one transaction): it resolves index names
in the transaction's catalog, searches through the store's `VectorIndexes`, and answers
the questions a faithful `ORDER BY similarity DESC` needs besides the ranking (which
nodes of the label have no vector, hence a null similarity that sorts first).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from engram.catalog import IndexDef
from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.index.distance import VectorParams
from engram.index.manager import VECTOR_KIND, VectorIndexes, vector_indexes
from engram.index.search import Hits, SearchSpec
from engram.storage.reads import GraphView
from engram.storage.transaction import ReadTransaction, WriteTransaction

__all__ = ["VectorAccess", "create_vector_index"]

_NONE = np.empty(0, dtype=np.int64)
_NONE.flags.writeable = False


def _manager(view: GraphView) -> VectorIndexes:
    if not isinstance(view, ReadTransaction | WriteTransaction):
        raise QueryRuntimeError(
            "vector indexes need a database transaction",
            detail=ErrorDetail.UNSUPPORTED,
            kind=ErrorKind.SEMANTIC_ERROR,
        )
    return vector_indexes(view.store)


class VectorAccess:
    """Vector searches of one transaction."""

    def __init__(self, view: GraphView) -> None:
        self._view = view
        self._manager = _manager(view)

    def definition(self, name: str) -> IndexDef:
        """The vector index called `name`.

        Raises:
            QueryRuntimeError: ProcedureError when there is none.
        """
        catalog = self._view.catalog
        found = catalog.index(name) if isinstance(name, str) else None
        if found is None or found.kind != VECTOR_KIND:
            known = sorted(i.name for i in catalog.indexes if i.kind == VECTOR_KIND)
            hint = f"vector indexes: {', '.join(known)}" if known else "CREATE VECTOR INDEX first"
            raise QueryRuntimeError(
                f"there is no vector index named {name!r}",
                detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
                kind=ErrorKind.PROCEDURE_ERROR,
                hint=hint,
            )
        return found

    def search(
        self, name: str, query: Any, spec: SearchSpec, *, function: str, position: int
    ) -> Hits | None:
        """The best nodes of index `name` for `query` (None: every similarity is null)."""
        definition = self.definition(name)
        return self._manager.search(
            self._view, definition, query, spec, function=function, position=position
        )

    def top(
        self, name: str, query: Any, k: int, *, scored: bool, function: str, position: int
    ) -> tuple[list[int], list[float] | None] | None:
        """The top `k` of index `name` on the lean path (`VectorIndexes.top`), or None."""
        return self._manager.top(
            self._view,
            self.definition(name),
            query,
            k,
            scored=scored,
            function=function,
            position=position,
        )

    def members(self, name: str, candidates: np.ndarray | None) -> np.ndarray:
        """Sorted ids of the nodes with the index's label (within `candidates`)."""
        definition = self.definition(name)
        members = self._view.label_members(definition.label_id)
        if candidates is not None:
            members = np.intersect1d(members, candidates, assume_unique=True)
        return members

    def missing(self, name: str, candidates: np.ndarray | None) -> np.ndarray:
        """Sorted ids of the label's nodes (within `candidates`) that hold no vector."""
        definition = self.definition(name)
        if self._manager.covers_label(self._view, definition):
            return _NONE
        members = self.members(name, candidates)
        indexed = self._manager.indexed_nodes(self._view, definition)
        return np.setdiff1d(members, indexed, assume_unique=True)

    def columns_pay_off(self, name: str, checks: int) -> bool:
        """Whether to check `checks` more nodes' predicates through property columns.

        Yes once the nodes checked row by row at this version reach the size of the
        label (building a column reads the label once); never in a write transaction,
        whose columns would be rebuilt for every statement.
        """
        if isinstance(self._view, WriteTransaction):
            return False
        return self._manager.columns_pay_off(self._view, self.definition(name), checks)

    def state(self, definition: IndexDef) -> tuple[str, int]:
        """(state, vectors held) of a vector index for SHOW INDEXES."""
        return self._manager.state(definition)


def create_vector_index(
    writer: WriteTransaction,
    name: str | None,
    label: str,
    key: str,
    options: Mapping[str, Any],
    if_not_exists: bool,
) -> bool:
    """Create (and build) a vector index; False when IF NOT EXISTS found one already.

    Raises:
        QueryRuntimeError: SchemaError for bad options or a clash; InvalidVector or
            VectorDimensionMismatch when an existing node holds a value it cannot index.
    """
    params = VectorParams.from_options(options)
    before = len(writer.catalog.indexes)
    definition = writer.create_index(
        writer.intern_label(label),
        [writer.intern_property_key(key)],
        name=name,
        if_not_exists=if_not_exists,
        kind=VECTOR_KIND,
        options=params.to_options(),
    )
    if len(writer.catalog.indexes) == before:
        return False
    _manager(writer).prepare(writer, definition)
    return True
