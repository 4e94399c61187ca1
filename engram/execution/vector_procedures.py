"""Vector index procedures: `db.index.vector.queryNodes(name, k, vector) YIELD node, score`.

The procedure has Neo4j's name and shape: the `k` indexed nodes nearest to the query
vector through the named vector index, best first, with their similarity scores
(`vector.similarity.cosine` / `.euclidean` for cosine / l2 indexes, the dot product
for ip indexes). Nodes without a vector are not indexed and never returned.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from engram import types as t
from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
from engram.execution.context import ExecContext
from engram.execution.procedures import ProcedureField, ProcedureSpec
from engram.execution.vectors import VectorAccess
from engram.index.search import SearchSpec
from engram.values import Node

__all__ = ["VECTOR_PROCEDURES"]

_NAME: Final = "db.index.vector.queryNodes"


def _argument_error(message: str) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"{_NAME}() {message}",
        detail=ErrorDetail.INVALID_ARGUMENT_VALUE,
        kind=ErrorKind.PROCEDURE_ERROR,
    )


def query_nodes(ctx: ExecContext, name: Any, k: Any, vector: Any) -> Iterator[tuple[Any, ...]]:
    """The `k` nodes of index `name` most similar to `vector`, best first, with scores."""
    if not isinstance(name, str):
        raise _argument_error("needs the index name as a STRING")
    if type(k) is not int or k < 0:
        raise _argument_error(f"needs a non-negative INTEGER number of neighbours, got {k!r}")
    if vector is None:
        raise _argument_error("needs a query vector, got null")
    access: VectorAccess = ctx.graph.vectors  # type: ignore[attr-defined]  # StoreGraph
    hits = access.search(name, vector, SearchSpec(k=k), function=_NAME, position=3)
    if hits is None:
        return
    for node, score in zip(hits.nodes.tolist(), hits.scores.tolist(), strict=True):
        yield Node(node, frozenset(), {}), score


VECTOR_PROCEDURES: Final = (
    ProcedureSpec(
        name=_NAME,
        inputs=(
            ProcedureField("indexName", t.STRING, False),
            ProcedureField("numberOfNearestNeighbours", t.INTEGER, False),
            ProcedureField("query", t.list_of(t.NUMBER), False),
        ),
        outputs=(ProcedureField("node", t.NODE, False), ProcedureField("score", t.FLOAT, False)),
        implementation=query_nodes,
        needs_context=True,
        description="The k nodes nearest to a vector through a vector index, with scores.",
    ),
)
