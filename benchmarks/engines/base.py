"""What every engine provides to the measuring worker: loading, query forms, writes, size.

An engine runs inside its own worker process (so its memory high-water mark is its own).
`forms(query)` returns the ways the engine can run a query; a form's `run` executes it
for one parameter set and returns all result rows, fetched, as tuples: the timed unit.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from benchmarks.dataset.store import DatasetFiles
from benchmarks.queries.workload import QuerySpec

__all__ = [
    "Engine",
    "EngineUnavailable",
    "LoadReport",
    "QueryForm",
    "QueryUnsupported",
    "directory_bytes",
]

Params = dict[str, Any]
Rows = Sequence[Sequence[Any]]


class EngineUnavailable(Exception):
    """The engine cannot run here (not built yet, not installed); the message says why."""


class QueryUnsupported(Exception):
    """The engine cannot express this query; the message says why."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    """How the whole graph was loaded (W2)."""

    method: str
    nodes: int
    relationships: int
    # None when the engine does not parse the files (the reference reads arrays)
    node_seconds: float | None
    relationship_seconds: float | None
    total_seconds: float
    index_seconds: float

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with throughputs (none when the phases were not timed)."""
        node_time, rel_time = self.node_seconds, self.relationship_seconds
        return {
            "method": self.method,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "node_seconds": self.node_seconds,
            "relationship_seconds": self.relationship_seconds,
            "total_seconds": self.total_seconds,
            "index_seconds": self.index_seconds,
            "nodes_per_second": self.nodes / node_time if node_time else None,
            "relationships_per_second": self.relationships / rel_time if rel_time else None,
        }


@dataclass(frozen=True, slots=True)
class QueryForm:
    """One way to run a query: `run(params)` returns the fetched rows."""

    name: str
    run: Callable[[Params], Rows]


class Engine(Protocol):
    """An engine under test."""

    name: str

    def versions(self) -> dict[str, str]:
        """Versions of the engine's packages."""
        ...

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Load the whole graph from `files` into a new database under `workdir`."""
        ...

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """The ways to run `query`; raises `QueryUnsupported` if there are none."""
        ...

    def count_persons_from(self, first_id: int) -> int:
        """How many Person nodes have an id of at least `first_id` (checks W1)."""
        ...

    def disk_bytes(self) -> int | None:
        """Size of the database on disk, `None` for in-memory engines."""
        ...

    def close(self) -> None:
        """Release the database."""
        ...


def directory_bytes(path: Path) -> int:
    """Total size of the files under `path` (or of `path` itself if it is a file)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, names in os.walk(path):
        total += sum((Path(root) / name).stat().st_size for name in names)
    return total
