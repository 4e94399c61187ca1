"""networkx queried through grand-cypher, for the queries it can express.

grand-cypher takes no parameters, so values are written into the text (strings in
double quotes, the only quoting it reads). It has no count(DISTINCT ...), so Q3 and Q6
return `DISTINCT c.id` and the rows are counted, inside the timed call. A GrandCypher
object keeps state from one `run` to the next (a second query on the same object returns
the first query's result), so every call builds a new one, as its documentation does.
It cannot express shortest paths (Q5), vector search (Q8) or writes (W1).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from benchmarks.dataset.store import DatasetFiles
from benchmarks.engines.base import (
    EngineUnavailable,
    LoadReport,
    Params,
    QueryForm,
    QueryUnsupported,
    Rows,
)
from benchmarks.engines.nx_graph import load_graph
from benchmarks.queries.workload import QuerySpec, render_literals

__all__ = ["GrandCypherEngine"]

_COUNTED: Final = frozenset({"Q3", "Q6"})


class GrandCypherEngine:
    """grand-cypher over a networkx DiGraph."""

    name = "grand-cypher"

    def __init__(self, call_timeout: float) -> None:
        del call_timeout  # the worker's alarm interrupts pure-Python calls
        try:
            import grandcypher
        except ImportError as error:
            raise EngineUnavailable(f"grand-cypher is not installed ({error})") from error
        self._module: Any = grandcypher

    def versions(self) -> dict[str, str]:
        """grand-cypher's and networkx's versions."""
        import networkx

        return {"grand-cypher": str(self._module.__version__), "networkx": networkx.__version__}

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Parse the CSV files into a DiGraph."""
        del workdir
        loaded = load_graph(files)
        self._graph = loaded.graph
        return LoadReport(
            method="csv module, DiGraph",
            nodes=loaded.nodes,
            relationships=loaded.relationships,
            node_seconds=loaded.node_seconds,
            relationship_seconds=loaded.relationship_seconds,
            total_seconds=loaded.node_seconds + loaded.relationship_seconds,
            index_seconds=0.0,
        )

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """The grand-cypher text with the values written in."""
        text = query.grand_cypher
        if text is None:
            raise QueryUnsupported(f"grand-cypher cannot express {query.title}")
        counted = query.name in _COUNTED
        graph, engine = self._graph, self._module.GrandCypher

        def run(params: Params) -> Rows:
            result: dict[str, list[Any]] = engine(graph).run(
                render_literals(text, params, quote='"')
            )
            rows = list(zip(*result.values(), strict=True))
            return [(len(rows),)] if counted else rows

        return (QueryForm("grand-cypher", run),)

    def count_persons_from(self, first_id: int) -> int:
        """Persons with an id of at least `first_id`."""
        return sum(
            1
            for _, data in self._graph.nodes(data=True)
            if "Person" in data["__labels__"] and data["id"] >= first_id
        )

    def disk_bytes(self) -> int | None:
        """In memory only."""
        return None

    def close(self) -> None:
        """Nothing to release."""
