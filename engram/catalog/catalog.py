"""Labels, relationship types and property keys to small integer ids; index definitions.

A `Catalog` is an immutable snapshot: every change returns a new catalog, so a reader
holding one sees exactly the schema of its snapshot. Ids are dense per kind, start at
0, and are never reused (names are never removed).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Self

from engram.catalog.indexes import IndexDef

__all__ = ["Catalog", "NameKind", "NameTable"]


class NameKind(enum.StrEnum):
    """The three name spaces of the catalog."""

    LABEL = "label"
    TYPE = "type"
    PROPERTY_KEY = "property_key"


@dataclass(frozen=True, slots=True)
class NameTable:
    """Names of one kind: `names[id]` is the name of `id`; `ids` maps back."""

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    names: tuple[str, ...] = ()
    ids: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def of(cls, names: Iterable[str]) -> NameTable:
        """A table whose ids are the positions of `names`."""
        ordered = tuple(names)
        return cls(ordered, MappingProxyType({name: index for index, name in enumerate(ordered)}))

    def id_of(self, name: str) -> int | None:
        """The id of `name`, or None when the name has never been used."""
        return self.ids.get(name)

    def name_of(self, name_id: int) -> str:
        """The name of `name_id` (KeyError-free: ids always come from this table)."""
        return self.names[name_id]

    def with_name(self, name: str) -> tuple[NameTable, int]:
        """This table plus `name` (unchanged if present), and the name's id."""
        existing = self.ids.get(name)
        if existing is not None:
            return self, existing
        new_id = len(self.names)
        ids = dict(self.ids)
        ids[name] = new_id
        return NameTable((*self.names, name), MappingProxyType(ids)), new_id

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)


@dataclass(frozen=True, slots=True)
class Catalog:
    """Schema snapshot: the three name tables and the index definitions.

    >>> catalog, person = Catalog().with_name(NameKind.LABEL, "Person")
    >>> catalog.label_id("Person"), catalog.label_name(person)
    (0, 'Person')
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    labels: NameTable = NameTable()
    types: NameTable = NameTable()
    property_keys: NameTable = NameTable()
    indexes: tuple[IndexDef, ...] = ()
    _by_label: Mapping[int, tuple[IndexDef, ...]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )
    _by_name: Mapping[str, IndexDef] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def __post_init__(self) -> None:
        by_label: dict[int, list[IndexDef]] = {}
        by_name: dict[str, IndexDef] = {}
        for index in self.indexes:
            by_label.setdefault(index.label_id, []).append(index)
            by_name.setdefault(index.name, index)
        frozen = {label: tuple(found) for label, found in by_label.items()}
        object.__setattr__(self, "_by_label", MappingProxyType(frozen))
        object.__setattr__(self, "_by_name", MappingProxyType(by_name))

    # names ---------------------------------------------------------------------------

    def table(self, kind: NameKind) -> NameTable:
        """The name table of `kind`."""
        if kind is NameKind.LABEL:
            return self.labels
        if kind is NameKind.TYPE:
            return self.types
        return self.property_keys

    def label_names(self) -> tuple[str, ...]:
        """Every label name, in id order."""
        return tuple(self.labels)

    def type_names(self) -> tuple[str, ...]:
        """Every relationship type name, in id order."""
        return tuple(self.types)

    def property_key_names(self) -> tuple[str, ...]:
        """Every property key name, in id order."""
        return tuple(self.property_keys)

    def label_id(self, name: str) -> int | None:
        """Id of label `name`, or None if no node ever had it."""
        return self.labels.ids.get(name)

    def type_id(self, name: str) -> int | None:
        """Id of relationship type `name`, or None if never used."""
        return self.types.ids.get(name)

    def property_key_id(self, name: str) -> int | None:
        """Id of property key `name`, or None if never used."""
        return self.property_keys.ids.get(name)

    def label_name(self, label_id: int) -> str:
        """Name of a label id."""
        return self.labels.names[label_id]

    def type_name(self, type_id: int) -> str:
        """Name of a relationship type id."""
        return self.types.names[type_id]

    def property_key_name(self, key_id: int) -> str:
        """Name of a property key id."""
        return self.property_keys.names[key_id]

    def with_name(self, kind: NameKind, name: str) -> tuple[Catalog, int]:
        """This catalog with `name` registered under `kind`, and its id."""
        table, name_id = self.table(kind).with_name(name)
        if table is self.table(kind):
            return self, name_id
        if kind is NameKind.LABEL:
            return replace(self, labels=table), name_id
        if kind is NameKind.TYPE:
            return replace(self, types=table), name_id
        return replace(self, property_keys=table), name_id

    # indexes -------------------------------------------------------------------------

    def index(self, name: str) -> IndexDef | None:
        """The index or constraint called `name`."""
        return self._by_name.get(name)

    def index_by_id(self, index_id: int) -> IndexDef | None:
        """The index with storage id `index_id`."""
        for index in self.indexes:
            if index.id == index_id:
                return index
        return None

    def indexes_for_label(self, label_id: int) -> tuple[IndexDef, ...]:
        """Every index on `label_id` (any kind), in creation order."""
        return self._by_label.get(label_id, ())

    def find_index(
        self, label_id: int, property_key_ids: tuple[int, ...], *, kind: str | None = None
    ) -> IndexDef | None:
        """The index on exactly this label and key sequence (optionally of one kind)."""
        for index in self._by_label.get(label_id, ()):
            if index.property_key_ids == property_key_ids and kind in (None, index.kind):
                return index
        return None

    @property
    def constraints(self) -> tuple[IndexDef, ...]:
        """The uniqueness constraints."""
        return tuple(index for index in self.indexes if index.unique)

    def with_index(self, index: IndexDef) -> Catalog:
        """This catalog plus `index` (replacing a definition with the same id)."""
        kept = tuple(existing for existing in self.indexes if existing.id != index.id)
        return replace(self, indexes=(*kept, index))

    def without_index(self, index_id: int) -> Catalog:
        """This catalog without the index `index_id`."""
        return replace(self, indexes=tuple(i for i in self.indexes if i.id != index_id))
