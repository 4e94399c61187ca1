"""engram through its public API only: `engram.open`, `db.execute(text, params)`, `.rows()`.

Queries are the `QuerySpec.engram` texts with `$parameters`, exactly as a user writes
them. The load goes through `LOADER`, the single switch point: "import" (the default)
bulk-loads the CSV files with `db.import_csv` and then sets the vectors from the .npy;
"unwind" sends the CSV rows as `UNWIND $rows AS row CREATE ...` batches.
The id indexes and the vector index are created after the nodes are loaded.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.dataset.store import DatasetFiles
from benchmarks.dataset.typed_csv import CsvColumn, read_header, read_rows
from benchmarks.engines.base import (
    EngineUnavailable,
    LoadReport,
    Params,
    QueryForm,
    Rows,
    directory_bytes,
)
from benchmarks.queries.workload import VECTOR_INDEX, QuerySpec

__all__ = ["LOADER", "LOADERS", "EngramEngine", "unavailable_reason"]

# the switch point: "import" (db.import_csv) by default; "unwind" sends UNWIND ... CREATE batches
LOADER: Final = "import"
LOADERS: Final = ("unwind", "import")

_CREATE_PERSONS: Final = (
    "UNWIND $rows AS row CREATE (:Person {id: row.id, firstName: row.firstName, "
    "lastName: row.lastName, age: row.age, cityId: row.cityId, embedding: row.embedding})"
)
_CREATE_CITIES: Final = (
    "UNWIND $rows AS row CREATE (:City {id: row.id, name: row.name, country: row.country})"
)
_CREATE_KNOWS: Final = (
    "UNWIND $rows AS row MATCH (a:Person {id: row.source}), (b:Person {id: row.target}) "
    "CREATE (a)-[:KNOWS {since: row.since}]->(b)"
)
_CREATE_LIVES_IN: Final = (
    "UNWIND $rows AS row MATCH (a:Person {id: row.source}), (c:City {id: row.target}) "
    "CREATE (a)-[:LIVES_IN]->(c)"
)
_SET_VECTORS: Final = (
    "UNWIND $rows AS row MATCH (p:Person {id: row.id}) SET p.embedding = row.embedding"
)
_ID_INDEXES: Final = (
    "CREATE INDEX person_id FOR (p:Person) ON (p.id)",
    "CREATE INDEX city_id FOR (c:City) ON (c.id)",
)
_VECTOR_INDEX: Final = (
    f"CREATE VECTOR INDEX {VECTOR_INDEX} FOR (p:Person) ON (p.embedding) "
    "OPTIONS {{dimensions: {dimensions}, metric: 'cosine'}}"
)


def unavailable_reason() -> str | None:
    """Why engram cannot be benchmarked yet, or `None` when its API is there."""
    try:
        engram = importlib.import_module("engram")
    except ImportError as error:
        return f"engram is not importable ({error})"
    if not callable(getattr(engram, "open", None)):
        return "engram.open does not exist yet (the query engine is being built)"
    database = getattr(engram, "Database", None)
    if database is not None and not callable(getattr(database, "execute", None)):
        return "engram.Database has no execute yet"
    return None


class EngramEngine:
    """engram, embedded, through the public API."""

    name = "engram"

    def __init__(self, call_timeout: float, loader: str = LOADER, batch: int = 10_000) -> None:
        reason = unavailable_reason()
        if reason is not None:
            raise EngineUnavailable(reason)
        if loader not in LOADERS:
            raise ValueError(f"unknown engram loader {loader!r}; use one of {LOADERS}")
        self._engram: Any = importlib.import_module("engram")
        self._timeout = call_timeout
        self._loader = loader
        self._batch = batch
        self._path: Path | None = None
        self._db: Any = None

    def versions(self) -> dict[str, str]:
        """engram's installed version."""
        try:
            return {"engram": version("engram")}
        except PackageNotFoundError:
            return {"engram": "unknown"}

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Load through the chosen loader, then reopen with durable commits for the queries."""
        self._path = workdir / "engram.db"
        counts = files.read_manifest()["counts"]
        if self._loader == "import":
            times = self._load_with_importer(files)
        else:
            times = self._load_with_unwind(files)
        node_seconds, rel_seconds, index_seconds = times
        self._db = self._engram.open(str(self._path))
        if self._loader == "unwind":
            method = f"UNWIND $rows CREATE, batches of {self._batch:,}"
        else:
            method = "db.import_csv (nodes, relationships: a commit each), vectors by UNWIND SET"
        return LoadReport(
            method=method,
            nodes=counts["persons"] + counts["cities"],
            relationships=counts["knows"] + counts["lives_in"],
            node_seconds=node_seconds,
            relationship_seconds=rel_seconds,
            total_seconds=(node_seconds or 0.0) + (rel_seconds or 0.0),
            index_seconds=index_seconds,
        )

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """The query text with parameters, as a user sends it."""
        db, text, timeout = self._db, query.engram, self._timeout

        def run(params: Params) -> Rows:
            rows: Rows = db.execute(text, params, timeout=timeout).rows()
            return rows

        return (QueryForm("parameters", run),)

    def count_persons_from(self, first_id: int) -> int:
        """Persons with an id of at least `first_id`."""
        result = self._db.execute(
            "MATCH (p:Person) WHERE p.id >= $first RETURN count(*)", {"first": first_id}
        )
        return int(result.scalar())

    def disk_bytes(self) -> int | None:
        """The database directory."""
        return None if self._path is None else directory_bytes(self._path)

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _load_with_unwind(self, files: DatasetFiles) -> tuple[float, float, float]:
        db = self._engram.open(str(self._path), sync=False)
        try:
            started = time.perf_counter()
            vectors = np.load(files.embedding, mmap_mode="r")
            self._send(db, _CREATE_PERSONS, _node_batches(files.persons, self._batch, vectors))
            self._send(db, _CREATE_CITIES, _node_batches(files.cities, self._batch, None))
            nodes_done = time.perf_counter()
            for statement in _ID_INDEXES:
                db.execute(statement)
            indexed = time.perf_counter()
            self._send(db, _CREATE_KNOWS, _relationship_batches(files.knows, self._batch))
            self._send(db, _CREATE_LIVES_IN, _relationship_batches(files.lives_in, self._batch))
            loaded = time.perf_counter()
            db.execute(_VECTOR_INDEX.format(dimensions=vectors.shape[1]))
            index_seconds = (indexed - nodes_done) + (time.perf_counter() - loaded)
        finally:
            db.close()
        return nodes_done - started, loaded - indexed, index_seconds

    def _load_with_importer(self, files: DatasetFiles) -> tuple[float, float, float]:
        db = self._engram.open(str(self._path), sync=False)
        try:
            # like Kùzu's COPY Person / COPY KNOWS: the nodes are one commit, the
            # relationships a second one, and each phase is timed on its own (reading,
            # converting and committing its files); the database is already open
            summary = db.import_csv(
                nodes={"Person": str(files.persons), "City": str(files.cities)},
                relationships={"KNOWS": str(files.knows), "LIVES_IN": str(files.lives_in)},
                commit_nodes_first=True,
            )
            imported = time.perf_counter()
            for statement in _ID_INDEXES:
                db.execute(statement)
            vectors = np.load(files.embedding, mmap_mode="r")
            self._send(db, _SET_VECTORS, _vector_batches(files.persons, self._batch, vectors))
            db.execute(_VECTOR_INDEX.format(dimensions=vectors.shape[1]))
        finally:
            db.close()
        index_seconds = time.perf_counter() - imported
        return summary.node_seconds, summary.relationship_seconds, index_seconds

    @staticmethod
    def _send(db: Any, statement: str, batches: Iterator[list[dict[str, Any]]]) -> None:
        for rows in batches:
            db.execute(statement, {"rows": rows})


def _names(columns: tuple[CsvColumn, ...]) -> list[str]:
    renamed = {"START_ID": "source", "END_ID": "target"}
    return [renamed.get(column.kind, column.name) for column in columns]


def _batches(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    names = _names(read_header(path))
    batch: list[dict[str, Any]] = []
    for row in read_rows(path):
        batch.append(dict(zip(names, row, strict=True)))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _node_batches(
    path: Path, size: int, vectors: np.ndarray[Any, Any] | None
) -> Iterator[list[dict[str, Any]]]:
    done = 0
    for batch in _batches(path, size):
        if vectors is not None:
            for row, vector in zip(batch, vectors[done : done + len(batch)].tolist(), strict=True):
                row["embedding"] = vector
        done += len(batch)
        yield batch


def _relationship_batches(path: Path, size: int) -> Iterator[list[dict[str, Any]]]:
    return _batches(path, size)


def _vector_batches(
    path: Path, size: int, vectors: np.ndarray[Any, Any]
) -> Iterator[list[dict[str, Any]]]:
    done = 0
    for batch in _batches(path, size):
        chunk = vectors[done : done + len(batch)].tolist()
        yield [
            {"id": row["id"], "embedding": vector} for row, vector in zip(batch, chunk, strict=True)
        ]
        done += len(batch)
