"""The texts the vector benchmark runs (engram and Kùzu) and the filters it measures."""

from __future__ import annotations

from typing import Final

__all__ = ["CHECK", "FILTERS", "KUZU_TOP", "TOP", "VECTOR_INDEX", "filtered"]

VECTOR_INDEX: Final = "person_embedding"

#: the headline query: the same text as the workload's Q8
TOP: Final = (
    "MATCH (p:Person) RETURN p.id AS id "
    "ORDER BY vector.similarity.cosine(p.embedding, $vector) DESC LIMIT 10"
)

#: the index's own top 10 (the correctness checks: nodes without vectors are not returned)
CHECK: Final = (
    f"CALL db.index.vector.queryNodes('{VECTOR_INDEX}', 10, $vector) YIELD node RETURN node.id"
)

KUZU_TOP: Final = (
    f"CALL QUERY_VECTOR_INDEX('Person', '{VECTOR_INDEX}', $vector, 10) "
    "RETURN node.id ORDER BY distance"
)

#: name -> (WHERE clause, fraction of persons it keeps); bucket = row number % 100
FILTERS: Final = {
    "10%": ("WHERE p.bucket < 10", 0.10),
    "1%": ("WHERE p.bucket = 7", 0.01),
}


def filtered(where: str) -> str:
    """The headline query with a WHERE clause on the same node."""
    return (
        f"MATCH (p:Person) {where} RETURN p.id AS id "
        "ORDER BY vector.similarity.cosine(p.embedding, $vector) DESC LIMIT 10"
    )
