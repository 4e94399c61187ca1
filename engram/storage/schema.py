"""Schema changes inside a write transaction: names, indexes and unique constraints.

`SchemaWriter` is the part of a write transaction that interns label, relationship type
and property key names and creates or drops indexes and constraints. A new index is
built over the existing data in the transaction's overlay, so the transaction's own
seeks see it at once; a new unique constraint fails (and leaves nothing behind) if
existing data violates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral
from typing import Any, Protocol

from engram.catalog import PROPERTY_INDEX, Catalog, IndexDef, IndexState, NameKind
from engram.errors import ErrorDetail, ErrorKind, InternalError, QueryRuntimeError
from engram.faults import crash_point
from engram.storage.indexing import entry_for
from engram.storage.ordered import decode_composite
from engram.storage.overlay import TxState
from engram.storage.reads import GraphView
from engram.values import format_value

__all__ = ["IdAllocator", "SchemaWriter", "unique_violation"]


class IdAllocator(Protocol):
    """Hands out ids that are never reused."""

    def next_node_id(self) -> int:
        """A new node id."""
        ...

    def next_rel_id(self) -> int:
        """A new relationship id."""
        ...

    def next_index_id(self) -> int:
        """A new index id."""
        ...


def _schema_error(message: str, hint: str | None = None) -> QueryRuntimeError:
    return QueryRuntimeError(
        message, kind=ErrorKind.SEMANTIC_ERROR, detail=ErrorDetail.SCHEMA_ERROR, hint=hint
    )


def unique_violation(
    catalog: Catalog, index: IndexDef, owner: int, value_key: bytes
) -> QueryRuntimeError:
    """The error for a write that would give `owner`'s unique value to a second node."""
    label = catalog.label_name(index.label_id)
    names = [catalog.property_key_name(key) for key in index.property_key_ids]
    try:
        values, _ = decode_composite(value_key, len(names))
        shown = ", ".join(
            f"'{name}' = {format_value(value)}" for name, value in zip(names, values, strict=True)
        )
    except ValueError:
        shown = ", ".join(f"'{name}'" for name in names)
    return QueryRuntimeError(
        f"node {owner} already has label '{label}' and property {shown} "
        f"(unique constraint '{index.name}')",
        kind=ErrorKind.CONSTRAINT_VALIDATION_FAILED,
        detail=ErrorDetail.UNIQUE_CONSTRAINT_VIOLATION,
    )


class SchemaWriter(GraphView):
    """Names and schema operations of a write transaction."""

    _overlay: TxState

    def __init__(self, *args: Any, ids: IdAllocator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ids = ids

    def _ensure_active(self) -> None:
        """Raise unless the transaction can still write (overridden by the transaction)."""

    # names ---------------------------------------------------------------------------

    def _intern(self, kind: NameKind, name: str) -> int:
        self._ensure_active()
        if not isinstance(name, str) or not name:
            raise InternalError(f"invalid {kind.value} name {name!r}")
        overlay = self._overlay
        catalog, name_id = overlay.catalog.with_name(kind, name)
        if catalog is not overlay.catalog:
            overlay.catalog = catalog
            overlay.new_names = True
        return name_id

    def intern_label(self, name: str) -> int:
        """The id of label `name`, created if the name is new."""
        return self._intern(NameKind.LABEL, name)

    def intern_type(self, name: str) -> int:
        """The id of relationship type `name`, created if new."""
        return self._intern(NameKind.TYPE, name)

    def intern_property_key(self, name: str) -> int:
        """The id of property key `name`, created if new."""
        return self._intern(NameKind.PROPERTY_KEY, name)

    def _check_ids(self, table_size: int, ids: Iterable[object], what: str) -> None:
        for item in ids:
            if not isinstance(item, Integral):
                raise InternalError(f"{what} ids must be integers, got {item!r}")
            if not 0 <= int(item) < table_size:
                raise InternalError(f"unknown {what} id {item}")

    # schema --------------------------------------------------------------------------

    def create_index(
        self,
        label_id: int,
        property_key_ids: Sequence[int],
        *,
        name: str | None = None,
        unique: bool = False,
        if_not_exists: bool = False,
        kind: str = PROPERTY_INDEX,
        options: Mapping[str, Any] | None = None,
    ) -> IndexDef:
        """Create a property index (or a unique constraint) and build it over existing data.

        Raises:
            QueryRuntimeError: SchemaError when an equivalent index or the name exists
                (unless `if_not_exists`); ConstraintValidationFailed when existing data
                violates a new unique constraint.
        """
        self._ensure_active()
        overlay = self._overlay
        keys = tuple(property_key_ids)
        if not keys or len(set(keys)) != len(keys):
            raise InternalError("an index needs distinct property keys")
        self._check_ids(len(overlay.catalog.labels), (label_id,), "label")
        self._check_ids(len(overlay.catalog.property_keys), keys, "property key")
        existing = overlay.catalog.find_index(label_id, keys, kind=kind)
        if existing is not None and existing.unique != unique:
            raise self._conflict(existing)
        chosen = name or self._default_index_name(label_id, keys, unique, kind)
        clash = overlay.catalog.index(chosen)
        if existing is not None or clash is not None:
            if if_not_exists:
                return existing or clash  # type: ignore[return-value]  # one is not None
            return self._reject_duplicate(existing, clash, chosen)
        index = IndexDef(
            id=self._ids.next_index_id(),
            name=chosen,
            kind=kind,
            label_id=label_id,
            property_key_ids=keys,
            unique=unique,
            state=IndexState.ONLINE,
            options=dict(options or {}),
        )
        if kind == PROPERTY_INDEX:
            self._populate(index)
        overlay.catalog = overlay.catalog.with_index(index)
        overlay.created_indexes.add(index.id)
        return index

    def _conflict(self, existing: IndexDef) -> QueryRuntimeError:
        catalog = self._overlay.catalog
        keys = ", ".join(catalog.property_key_name(key) for key in existing.property_key_ids)
        schema = f":{catalog.label_name(existing.label_id)}({keys})"
        what = "constraint" if existing.unique else "index"
        return _schema_error(
            f"the {what} '{existing.name}' already covers {schema}",
            hint=f"drop '{existing.name}' first",
        )

    def _reject_duplicate(
        self, existing: IndexDef | None, clash: IndexDef | None, chosen: str
    ) -> IndexDef:
        if existing is not None:
            what = "constraint" if existing.unique else "index"
            raise _schema_error(
                f"an equivalent {what} '{existing.name}' already exists",
                hint="add IF NOT EXISTS to make this a no-op when it exists",
            )
        raise _schema_error(f"an index or constraint named '{chosen}' already exists")

    def _default_index_name(
        self, label_id: int, keys: tuple[int, ...], unique: bool, kind: str
    ) -> str:
        catalog = self._overlay.catalog
        parts = [catalog.label_name(label_id), *(catalog.property_key_name(k) for k in keys)]
        prefix = "constraint" if unique else ("index" if kind == PROPERTY_INDEX else kind)
        base = "_".join([prefix, *parts])
        name, suffix = base, 2
        while catalog.index(name) is not None:
            name, suffix = f"{base}_{suffix}", suffix + 1
        return name

    def _populate(self, index: IndexDef) -> None:
        overlay = self._overlay
        owners: dict[bytes, int] = {}
        delta = overlay.index_delta(index.id)
        for batch in GraphView.scan_label(self, index.label_id):
            crash_point("index.build")
            properties = GraphView.properties_of(self, batch)
            for node_id, props in zip(batch.tolist(), properties, strict=True):
                entry = entry_for(index, props or {}, node_id)
                if entry is None:
                    continue
                if index.unique:
                    owner = owners.setdefault(entry.key, node_id)
                    if owner != node_id:
                        overlay.indexes.pop(index.id, None)
                        overlay.stats.index_entries.pop(index.id, None)
                        overlay.stats.index_added.pop(index.id, None)
                        raise unique_violation(overlay.catalog, index, owner, entry.value_key)
                delta.add(entry.key, entry.value_prefix, entry.payload, overlay.journal)
                overlay.stats.index_entry(index.id, entry.value_key, +1)

    def drop_index(self, name: str, *, if_exists: bool = False) -> IndexDef | None:
        """Drop an index or constraint by name; returns it (None if absent and `if_exists`).

        Raises:
            QueryRuntimeError: SchemaError when no index or constraint has that name.
        """
        self._ensure_active()
        overlay = self._overlay
        index = overlay.catalog.index(name)
        if index is None:
            if if_exists:
                return None
            raise _schema_error(f"there is no index or constraint named '{name}'")
        overlay.catalog = overlay.catalog.without_index(index.id)
        overlay.dict_pop(overlay.indexes, index.id)
        for counter in (overlay.stats.index_entries, overlay.stats.index_added):
            counter.pop(index.id, None)
        overlay.stats.index_removed.pop(index.id, None)
        if index.id in overlay.created_indexes:
            overlay.created_indexes.discard(index.id)
        else:
            overlay.dropped_indexes.add(index.id)
        return index
