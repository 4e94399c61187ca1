"""Kùzu, embedded, in its best form: COPY FROM for the load, and for each query every form
of `QuerySpec.kuzu` (prepared with parameters, values written in, equivalent rewrites).

Kùzu's primary key is its id index (it has no separate property index), and Q8 runs on
the vector extension's HNSW index (`CREATE_VECTOR_INDEX`, `QUERY_VECTOR_INDEX`), which
is linked into the `kuzu` wheel, so nothing is downloaded.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from typing import Any, Final

from benchmarks.dataset.store import DatasetFiles
from benchmarks.engines.base import (
    EngineUnavailable,
    LoadReport,
    Params,
    QueryForm,
    Rows,
    directory_bytes,
)
from benchmarks.queries.workload import VECTOR_INDEX, KuzuForm, QuerySpec, render_literals

__all__ = ["KuzuEngine"]

_SCHEMA: Final = (
    "CREATE NODE TABLE Person(id INT64, firstName STRING, lastName STRING, age INT64, "
    "cityId INT64, embedding FLOAT[{dimensions}], PRIMARY KEY(id))",
    "CREATE NODE TABLE City(id INT64, name STRING, country STRING, PRIMARY KEY(id))",
    "CREATE REL TABLE KNOWS(FROM Person TO Person, since INT64)",
    "CREATE REL TABLE LIVES_IN(FROM Person TO City)",
)


class KuzuEngine:
    """Kùzu through its Python API, one connection."""

    name = "kuzu"

    def __init__(self, call_timeout: float) -> None:
        try:
            import kuzu
        except ImportError as error:
            raise EngineUnavailable(f"the kuzu package is not installed ({error})") from error
        self._kuzu: Any = kuzu
        self._timeout_ms = int(call_timeout * 1000)
        self._path: Path | None = None

    def versions(self) -> dict[str, str]:
        """The kuzu package's version."""
        return {"kuzu": str(self._kuzu.__version__)}

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Create the schema, COPY every file, build the vector index, checkpoint."""
        self._path = workdir / "kuzu"
        self._db = self._kuzu.Database(str(self._path))
        self._conn = self._kuzu.Connection(self._db)
        dimensions = files.spec().dimensions
        for statement in _SCHEMA:
            self._conn.execute(statement.format(dimensions=dimensions))
        started = time.perf_counter()
        # Kùzu's parallel CSV reader is about 10 times slower on the quoted vector column
        # (13 s against 1.4 s of CPU for 100,000 persons), so this one file is read serially
        self._copy("Person", files.kuzu_persons, parallel=False)
        self._copy("City", files.cities)
        nodes_done = time.perf_counter()
        self._copy("KNOWS", files.knows)
        self._copy("LIVES_IN", files.lives_in)
        loaded = time.perf_counter()
        self._conn.execute(
            f"CALL CREATE_VECTOR_INDEX('Person', '{VECTOR_INDEX}', 'embedding', metric := 'cosine')"
        )
        self._conn.execute("CHECKPOINT")
        indexed = time.perf_counter()
        self._conn.set_query_timeout(self._timeout_ms)
        counts = files.read_manifest()["counts"]
        return LoadReport(
            method="COPY FROM CSV (persons: parallel=false)",
            nodes=counts["persons"] + counts["cities"],
            relationships=counts["knows"] + counts["lives_in"],
            node_seconds=nodes_done - started,
            relationship_seconds=loaded - nodes_done,
            total_seconds=loaded - started,
            index_seconds=indexed - loaded,
        )

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """Every Kùzu form of the query."""
        return tuple(self._form(form) for form in query.kuzu)

    def count_persons_from(self, first_id: int) -> int:
        """Persons with an id of at least `first_id`."""
        result = self._conn.execute(
            "MATCH (p:Person) WHERE p.id >= $first RETURN count(*)", {"first": first_id}
        )
        return int(result.get_all()[0][0])

    def disk_bytes(self) -> int | None:
        """The database file and its write-ahead log."""
        if self._path is None:
            return None
        siblings = self._path.parent.glob(self._path.name + "*")
        return sum(directory_bytes(path) for path in siblings)

    def close(self) -> None:
        """Close the connection and the database."""
        if self._path is not None:
            self._conn.close()
            self._db.close()

    def _copy(self, table: str, path: Path, parallel: bool = True) -> None:
        options = "header=true" if parallel else "header=true, parallel=false"
        self._conn.execute(f"COPY {table} FROM '{path}' ({options})")

    def _form(self, form: KuzuForm) -> QueryForm:
        conn, text = self._conn, form.text
        if form.mode == "literal":

            def run_literal(params: Params) -> Rows:
                rows: Rows = conn.execute(render_literals(text, params)).get_all()
                return rows

            return QueryForm(form.name, run_literal)
        if form.mode == "parameters":

            def run_parameters(params: Params) -> Rows:
                rows: Rows = conn.execute(text, params).get_all()
                return rows

            return QueryForm(form.name, run_parameters)
        with warnings.catch_warnings():
            # Kùzu 0.11 deprecates prepare(); it is measured while it exists
            warnings.simplefilter("ignore", DeprecationWarning)
            statement = conn.prepare(text)

        def run_prepared(params: Params) -> Rows:
            rows: Rows = conn.execute(statement, params).get_all()
            return rows

        return QueryForm(form.name, run_prepared)
