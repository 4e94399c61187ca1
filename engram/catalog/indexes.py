"""Index and constraint definitions: what is indexed, how, and in which state.

A unique constraint is an index definition with `unique=True`: the constraint owns its
index, and dropping one drops the other. `kind` is open-ended (``"property"`` now; the
vector work adds ``"vector"``) and `options` carries kind-specific parameters.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final, Self

__all__ = ["PROPERTY_INDEX", "IndexDef", "IndexState"]

#: the kind of a B-tree-like property index (equality, IN, ranges, prefixes)
PROPERTY_INDEX: Final = "property"


class IndexState(enum.StrEnum):
    """Lifecycle of an index; only ``ONLINE`` indexes answer seeks."""

    ONLINE = "online"
    POPULATING = "populating"
    FAILED = "failed"


def _frozen_options(options: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(options or {}))


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexDef:
    """One index (or the index behind a unique constraint).

    Attributes:
        id: storage id, used in index keys; never reused after a drop.
        name: user-visible name, unique across indexes and constraints.
        kind: ``"property"`` (or a kind added by an extension, e.g. ``"vector"``).
        label_id: the indexed label.
        property_key_ids: the indexed property keys, in index order (composite if several).
        unique: whether this is the index of a uniqueness constraint.
        state: lifecycle state.
        options: kind-specific parameters (read-only mapping).
    """

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        # immutable: copies of transaction state share it
        return self

    id: int
    name: str
    kind: str = PROPERTY_INDEX
    label_id: int
    property_key_ids: tuple[int, ...]
    unique: bool = False
    state: IndexState = IndexState.ONLINE
    options: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", _frozen_options(self.options))

    @property
    def is_constraint(self) -> bool:
        """Whether this definition is a uniqueness constraint."""
        return self.unique

    @property
    def is_online(self) -> bool:
        """Whether the index can answer seeks."""
        return self.state is IndexState.ONLINE

    def covers(self, label_id: int, property_key_ids: tuple[int, ...]) -> bool:
        """Whether this index is on exactly `label_id` and `property_key_ids`."""
        return self.label_id == label_id and self.property_key_ids == property_key_ids

    def to_record(self) -> dict[str, Any]:
        """A plain dict for persistence (see `from_record`)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "label": self.label_id,
            "keys": list(self.property_key_ids),
            "unique": self.unique,
            "state": self.state.value,
            "options": dict(self.options),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> IndexDef:
        """Rebuild a definition persisted with `to_record`."""
        return cls(
            id=int(record["id"]),
            name=str(record["name"]),
            kind=str(record["kind"]),
            label_id=int(record["label"]),
            property_key_ids=tuple(int(key) for key in record["keys"]),
            unique=bool(record["unique"]),
            state=IndexState(record["state"]),
            options=dict(record.get("options") or {}),
        )
