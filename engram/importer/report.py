"""What an import reports: bad rows with file and line, per-file counts, the summary, the error.

>>> bad = BadRow("knows.csv", 12, "':END_ID' value '77' matches no node")
>>> str(bad)
"knows.csv:12: ':END_ID' value '77' matches no node"
"""

from __future__ import annotations

from dataclasses import dataclass

from engram.errors import EngramError

__all__ = ["BadRow", "BulkImportError", "FileReport", "ImportSummary"]


@dataclass(frozen=True, slots=True)
class BadRow:
    """A data row that was not imported: its file, line (1-based) and why."""

    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class FileReport:
    """One imported file (or data frame)."""

    path: str
    kind: str  # "nodes" or "relationships"
    target: str  # the labels or the relationship type given for the file
    rows: int  # data rows read
    imported: int  # nodes or relationships created from them
    bad_rows: int
    seconds: float


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """The outcome of an import.

    Attributes:
        files: one report per file, in import order.
        nodes: nodes created.
        relationships: relationships created.
        properties: property values stored.
        bad_rows: every skipped row (only with `skip_bad_rows`).
        seconds: the whole import, commits included.
        commits: how many transactions the import committed.
        node_seconds: wall-clock seconds of the node phase: reading and converting the
            node files, and their commit when the nodes are committed first.
        relationship_seconds: wall-clock seconds of the rest: reading the relationship
            files and the final commit (which also writes the nodes when there is one
            commit for everything).
        node_cpu_seconds: CPU seconds of the node phase: every thread of this process,
            and the child processes that wrote table files.
        relationship_cpu_seconds: the same for the relationship phase.
    """

    files: tuple[FileReport, ...] = ()
    nodes: int = 0
    relationships: int = 0
    properties: int = 0
    bad_rows: tuple[BadRow, ...] = ()
    seconds: float = 0.0
    commits: int = 0
    node_seconds: float = 0.0
    relationship_seconds: float = 0.0
    node_cpu_seconds: float = 0.0
    relationship_cpu_seconds: float = 0.0

    @property
    def nodes_per_second(self) -> float:
        """Nodes created per second of the whole import."""
        return self.nodes / self.seconds if self.seconds > 0 else 0.0

    @property
    def relationships_per_second(self) -> float:
        """Relationships created per second of the whole import."""
        return self.relationships / self.seconds if self.seconds > 0 else 0.0

    def __str__(self) -> str:
        lines = [
            f"imported {_count(self.nodes, 'node')}, "
            f"{_count(self.relationships, 'relationship')} and "
            f"{_count(self.properties, 'property', 'properties')} in {self.seconds:.1f} s "
            f"({_rate(self.nodes + self.relationships, self.seconds)} records/s)"
        ]
        if self.bad_rows:
            lines.append(f"skipped {_count(len(self.bad_rows), 'bad row')}")
        return "\n".join(lines)


def _count(count: int, one: str, many: str | None = None) -> str:
    """`1 node`, `2 nodes`, `1,000 properties`."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}" if seconds > 0 else "-"


class BulkImportError(EngramError):
    """An import stopped: a bad header, a bad row (without `skip_bad_rows`), a bad argument.

    Nothing the failing import wrote is kept, except the batches an import with a
    `batch_size` had committed before it stopped (`committed` says how many rows).

    Attributes:
        bad_rows: the bad row(s) that stopped it.
        hint: a suggestion, when there is one.
        committed: nodes plus relationships already committed (only with a batch size).
    """

    def __init__(
        self,
        message: str,
        *,
        bad_rows: tuple[BadRow, ...] = (),
        hint: str | None = None,
        committed: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.bad_rows = bad_rows
        self.hint = hint
        self.committed = committed

    def __str__(self) -> str:
        text = self.message
        if self.hint:
            text += f"\n  = help: {self.hint}"
        return text
