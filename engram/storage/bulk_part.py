"""What one bulk transaction creates, and how its records are written.

`engram.storage.bulk.BulkLoad` adds runs of new nodes and relationships and new
adjacency lists to a `BulkPart`, which the transaction's overlay holds among its fresh
records (`engram.storage.overlay.FreshRecords`). A small part puts every record into
the commit batch; a large one streams its records into table files as they are created
(`engram.storage.ingest`, written by a child process, ADR 0012) and adds the adjacency
lists at the commit (ADR 0008).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeAlias

from engram.errors import InternalError
from engram.storage import keys as layout
from engram.storage.bulk_records import (
    Lists,
    NodeRun,
    Packed,
    Records,
    RelRun,
    list_records,
    member_records,
    node_records,
    rel_records,
    vector_records,
)
from engram.storage.indexing import Entry
from engram.storage.ingest import IngestFiles
from engram.storage.rocks import Batch
from engram.storage.statistics import StatsDelta

__all__ = ["BulkPart", "ListKey"]

ListKey: TypeAlias = tuple[int, int]  # (stored direction, type id)


class BulkPart:
    """What one bulk transaction creates (`engram.storage.overlay.FreshRecords`).

    Once it has created `ingest_min` entities it asks for table files (`files`) and
    from then on writes each run's records into them as soon as the run is created, so
    encoding and writing overlap the caller's reading; the commit only adds the new
    adjacency lists and ingests the files (`engram.storage.ingest`). Smaller parts put
    everything into the commit batch.

    Args:
        version: the bytes of the version this transaction will commit as (the writer
            lock is held from its start to its commit, so it is the next version).
        new_files: makes the table files, or None when the store cannot ingest.
        ingest_min: the number of entities from which the part writes table files.
        eager: make the files (and start their writer process) now, as a load whose
            last part was large has more to come.
    """

    def __init__(
        self,
        version: bytes,
        new_files: Callable[[], IngestFiles | None],
        *,
        ingest_min: int,
        eager: bool = False,
    ) -> None:
        self.version = version
        self._ingest_min = ingest_min
        #: runs not yet written (in the files as soon as they are streamed)
        self.nodes: list[NodeRun] = []
        self.rels: list[RelRun] = []
        self.node_ranges: list[range] = []
        self.rel_ranges: list[range] = []
        self.entries: list[Entry] = []
        self.lists: dict[ListKey, Lists] = {}
        self.labels: set[int] = set()
        self.types: set[int] = set()
        self.property_keys: set[int] = set()
        self.indexes: set[int] = set()
        self.unique: dict[bytes, int] = {}
        #: the table files, once the part is large enough
        self.files: IngestFiles | None = None
        #: called with the number of records written so far during `emit`
        self.progress: Callable[[int], None] | None = None
        self._new_files: Callable[[], IngestFiles | None] | None = new_files
        self._created = 0
        if eager:
            self.files, self._new_files = new_files(), None
            if self.files is not None:
                self.files.start()

    def node_ids(self) -> list[range]:
        """The ids of the nodes created, as ranges."""
        return self.node_ranges

    def rel_ids(self) -> list[range]:
        """The ids of the relationships created, as ranges."""
        return self.rel_ranges

    def add_nodes(self, run: NodeRun) -> None:
        """Add a run of new nodes (written now if the part streams)."""
        self.nodes.append(run)
        self.node_ranges.append(range(run.first, run.first + run.count))
        self._grew(run.count)

    def add_relationships(self, run: RelRun) -> None:
        """Add a run of new relationships (written now if the part streams)."""
        self.rels.append(run)
        self.rel_ranges.append(range(run.first, run.first + len(run.starts)))
        self._grew(len(run.starts))

    def _grew(self, created: int) -> None:
        """`created` more entities were added as runs: stream them if the part is large."""
        self._created += created
        if self.files is None and self._new_files is not None and self._created >= self._ingest_min:
            self.files, self._new_files = self._new_files(), None
        if self.files is not None:
            self._stream(self.files)

    def _stream(self, files: IngestFiles) -> None:
        """Write the runs not yet written, and forget them (their arrays are large)."""
        version = self.version
        for node_run in self.nodes:
            files.add("nodes", node_records(version, node_run))
            vectors = vector_records(version, node_run)
            if vectors is not None:
                files.add("vectors", vectors)
            for label in sorted(node_run.labels):
                first, count = node_run.first, node_run.count
                files.add(
                    f"label {label}", member_records(layout.LABEL, label, first, count, version)
                )
        for rel_run in self.rels:
            # relationship records are read by existing ids and type members scanned:
            # no look-up misses, so their files need no bloom filter
            # both go to the child process (if any): this process's GIL is left to the
            # reader thread, which sets the pace while the files are streamed
            files.add("relationships", rel_records(version, rel_run), filtered=False)
            first, count, type_id = rel_run.first, len(rel_run.starts), rel_run.type_id
            members = member_records(layout.TYPE, type_id, first, count, version)
            files.add(f"type {type_id}", members, filtered=False)
        self.nodes, self.rels = [], []

    def discard(self) -> None:
        """Remove the table files of a part that will not be committed."""
        if self.files is not None:
            self.files.discard()

    def count_lists(self, stats: StatsDelta) -> None:
        """Add the new lists (and their largest degree) to the commit's statistics."""
        for (direction, type_id), lists in self.lists.items():
            starts, ends = lists.groups()
            sizes = ends - starts
            stats.adjacency(type_id, direction == layout.OUT, len(sizes), int(sizes.max()))

    def emit(self, batch: Batch, version: bytes) -> int:
        """Write every record (see `engram.storage.overlay.FreshRecords.emit`)."""
        if version != self.version:
            self.discard()
            raise InternalError("a bulk transaction commits under another version than planned")
        writes = 0
        if self.files is not None:
            self._stream(self.files)
            self._report(self._created)
            writes += self._created
            if self.lists:
                for records in list_records(version, self.lists):
                    # written here: handing these (bytes of many lengths) to the child
                    # process costs more than putting them (measured)
                    self.files.add("adjacency", records, child=False)
                    writes += len(records)
        else:
            for found, done in self._records(version):
                found.put_into(batch)
                writes += len(found)
                self._report(done)
        for entry in self.entries:
            batch.put(entry.key, version + entry.payload)
        return writes + len(self.entries)

    def _records(self, version: bytes) -> Iterator[tuple[Records | Packed, int]]:
        """Every new record, with the entities it completes."""
        for node_run in self.nodes:
            yield node_records(version, node_run), node_run.count
            vectors = vector_records(version, node_run)
            if vectors is not None:
                yield vectors, 0
            for label in sorted(node_run.labels):
                first, count = node_run.first, node_run.count
                yield member_records(layout.LABEL, label, first, count, version), 0
        for rel_run in self.rels:
            yield rel_records(version, rel_run), len(rel_run.starts)
            first, count, type_id = rel_run.first, len(rel_run.starts), rel_run.type_id
            yield member_records(layout.TYPE, type_id, first, count, version), 0
        for records in list_records(version, self.lists):
            yield records, 0

    def _report(self, records: int) -> None:
        if self.progress is not None:
            self.progress(records)
