"""ExecContext: what every operator and compiled expression may reach while a query runs.

It carries the graph access of the transaction, the parameters, the statement clock,
the update counters behind `Result.stats`, the deadline and cancellation flag checked
once per batch, the memory budget its operators reserve from, and the profiler when
PROFILE is on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from engram.errors import QueryTimeout
from engram.execution.entities import RelRef
from engram.execution.memory import MemoryBudget

if TYPE_CHECKING:
    from engram.execution.procedures import ProcedureRegistry
    from engram.storage.derived import PropertyColumn

__all__ = ["ExecContext", "Expansion", "GraphAccess", "UpdateCounters"]

#: (index into the source id array, neighbour id, relationship id, type id, outgoing)
Expansion = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class GraphAccess(Protocol):
    """The graph as one transaction sees it, by names; what operators may call."""

    #: storage reads so far (PROFILE counts them per operator)
    reads: int

    # -- reads -------------------------------------------------------------------------------

    def all_node_ids(self) -> Iterator[np.ndarray]:
        """Every node id, ascending, in batches."""
        ...

    def label_node_ids(self, label: str) -> Iterator[np.ndarray]:
        """Ids of the nodes with `label`, ascending, in batches."""
        ...

    def label_members(self, label: str) -> np.ndarray:
        """Ids of the nodes with `label`, ascending, in one read-only array."""
        ...

    def property_column(self, label: str | None, key: str) -> PropertyColumn:
        """Property `key` of every node with `label` (None: of every node), by node id."""
        ...

    def has_label_mask(self, node_ids: np.ndarray, label: str) -> np.ndarray:
        """Whether each node has `label` (False for -1, the null id)."""
        ...

    def index_seek(
        self,
        index: str,
        kind: str,
        values: Sequence[Any] = (),
        lower: Any = None,
        lower_inclusive: bool = True,
        upper: Any = None,
        upper_inclusive: bool = True,
        limit: int | None = None,
    ) -> np.ndarray:
        """Node ids found through a property index (kinds: '=', 'IN', 'range', 'STARTS WITH').

        With `limit`, a seek may stop after that many ids (they are the first ones).
        """
        ...

    def node_exists(self, node_id: int) -> bool:
        """Whether the node exists (and was not deleted by this transaction)."""
        ...

    def node_labels(self, node_id: int) -> frozenset[str]:
        """Label names of a node."""
        ...

    def has_label(self, node_id: int, label: str) -> bool:
        """Whether the node has `label`."""
        ...

    def node_property(self, node_id: int, key: str) -> Any:
        """One property (None when absent)."""
        ...

    def node_property_values(self, node_ids: list[int], key: str) -> list[Any] | None:
        """`node_property` of many nodes, in order; None when they must be read row by row.

        None in a write transaction: a read there can fail (a node deleted by it), and
        which failure a query reports depends on the order of its reads.
        """
        ...

    def node_properties(self, node_id: int) -> dict[str, Any]:
        """All properties by name."""
        ...

    def relationship(self, rel_id: int) -> RelRef | None:
        """The relationship, or None when it does not exist."""
        ...

    def rel_property(self, rel_id: int, key: str) -> Any:
        """One relationship property (None when absent)."""
        ...

    def rel_properties(self, rel_id: int) -> dict[str, Any]:
        """All relationship properties by name."""
        ...

    def rel_type_name(self, type_id: int) -> str:
        """The name of a relationship type id."""
        ...

    def expand(self, node_ids: np.ndarray, direction: str, types: tuple[str, ...]) -> Expansion:
        """Relationships of many nodes (direction '->', '<-' or '--'; no types: all)."""
        ...

    def degree(self, node_id: int, direction: str, types: tuple[str, ...]) -> int:
        """Number of relationships of one node."""
        ...

    def labels_in_use(self) -> list[str]:
        """Labels that at least one node has."""
        ...

    def relationship_types_in_use(self) -> list[str]:
        """Relationship types that at least one relationship has."""
        ...

    def property_keys(self) -> list[str]:
        """Every property key name known to the database."""
        ...

    def nodes_with_labels(self, labels: Sequence[str]) -> np.ndarray:
        """Sorted ids of the nodes with any of `labels` (every node when there are none)."""
        ...

    def relationship_arrays(
        self, types: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(start, end, relationship id) arrays of every relationship of `types` (all: none)."""
        ...

    def relationship_values(self, rel_ids: np.ndarray, key: str) -> list[Any]:
        """One property of many relationships (None where missing)."""
        ...

    # -- writes ------------------------------------------------------------------------------

    def create_node(self, labels: Sequence[str], properties: Mapping[str, Any]) -> int:
        """Create a node; returns its id."""
        ...

    def create_relationship(
        self, rel_type: str, start: int, end: int, properties: Mapping[str, Any]
    ) -> RelRef:
        """Create a relationship; returns it."""
        ...

    def create_nodes(
        self, labels: Sequence[str], properties: Sequence[Mapping[str, Any]]
    ) -> list[int]:
        """Create one node per property map, all with `labels`; returns their ids."""
        ...

    def create_relationships(
        self,
        rel_type: str,
        starts: Sequence[int],
        ends: Sequence[int],
        properties: Sequence[Mapping[str, Any]],
    ) -> list[RelRef]:
        """Create relationships of one type from starts[i] to ends[i]; returns them."""
        ...

    def set_node_property(self, node_id: int, key: str, value: Any) -> None:
        """Set (or, with None, remove) a node property."""
        ...

    def set_rel_property(self, rel_id: int, key: str, value: Any) -> None:
        """Set (or, with None, remove) a relationship property."""
        ...

    def replace_node_properties(self, node_id: int, properties: Mapping[str, Any]) -> None:
        """Replace all properties of a node."""
        ...

    def replace_rel_properties(self, rel_id: int, properties: Mapping[str, Any]) -> None:
        """Replace all properties of a relationship."""
        ...

    def add_labels(self, node_id: int, labels: Sequence[str]) -> int:
        """Add labels; returns how many were new."""
        ...

    def remove_labels(self, node_id: int, labels: Sequence[str]) -> int:
        """Remove labels; returns how many the node had."""
        ...

    def delete_node(self, node_id: int) -> bool:
        """Delete a node (relationships checked at the end of the statement)."""
        ...

    def detach_delete_node(self, node_id: int) -> int:
        """Delete a node and its relationships; returns the relationships deleted."""
        ...

    def delete_relationship(self, rel_id: int) -> bool:
        """Delete a relationship; False when it was already gone."""
        ...

    def is_deleted_node(self, node_id: int) -> bool:
        """Whether this transaction deleted the node."""
        ...

    def is_deleted_relationship(self, rel_id: int) -> bool:
        """Whether this transaction deleted the relationship."""
        ...

    def check_deleted_nodes_detached(self) -> None:
        """Raise when a node deleted in this statement still has relationships."""
        ...


@dataclass
class UpdateCounters:
    """What the statement changed (`Result.stats`)."""

    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    properties_set: int = 0
    indexes_added: int = 0
    indexes_removed: int = 0
    constraints_added: int = 0
    constraints_removed: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return dict(self.__dict__)

    @property
    def contains_updates(self) -> bool:
        """Whether anything changed."""
        return any(self.__dict__.values())


class Profiler(Protocol):
    """Collects actual rows, time and storage reads per physical operator."""

    def wrap(
        self, op: object, batches: Iterator[list[tuple[Any, ...]]]
    ) -> Iterator[list[tuple[Any, ...]]]:
        """Count what passes through `batches` for `op`."""
        ...

    def charge(self, op: Any, rows: int, reads: int, seconds: float) -> None:
        """Count work `op` did outside `wrap` (its inputs' counts are added to it)."""
        ...


@dataclass(slots=True)
class ExecContext:
    """Everything a running query may use besides its input rows."""

    graph: GraphAccess
    params: Mapping[str, Any]
    procedures: ProcedureRegistry | None = None
    deadline: float | None = None
    #: set from any thread to stop the query (None: nothing can cancel it)
    cancelled: threading.Event | None = None
    counters: UpdateCounters = field(default_factory=UpdateCounters)
    profiler: Profiler | None = None
    #: the bytes the query may hold, and what its operators hold now
    memory: MemoryBudget = field(default_factory=MemoryBudget)
    #: statement time (for date() and friends): wall clock in ns and monotonic at start
    started_ns: int = field(default_factory=time.time_ns)
    transaction_started_ns: int = 0
    #: per-query cache for things operators compute once (compiled regexes, ...)
    cache: dict[object, Any] = field(default_factory=dict)
    #: hook the engine sets to run nested plans (used by subquery expressions)
    run_nested: Callable[..., Any] | None = None

    def check(self) -> None:
        """Raise QueryTimeout when the deadline has passed or the query was cancelled."""
        cancelled = self.cancelled
        if cancelled is not None and cancelled.is_set():
            raise QueryTimeout("the query was cancelled; nothing was changed")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryTimeout(
                "the query ran past its timeout and was stopped; nothing was changed"
            )
