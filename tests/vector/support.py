"""Helpers for the vector index tests: a small embedded corpus and exact answers."""

from __future__ import annotations

from typing import Any

import numpy as np

import engram
from engram.index.manager import VectorIndexes, vector_indexes

CREATE_INDEX = (
    "CREATE VECTOR INDEX doc_emb FOR (d:Doc) ON (d.emb) OPTIONS {dimensions: %d, metric: '%s'}"
)
TOP = "MATCH (d:Doc) RETURN d.id ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k"
QUERY_NODES = (
    "CALL db.index.vector.queryNodes('doc_emb', $k, $q) YIELD node, score RETURN node.id, score"
)


def vectors(count: int, dims: int, seed: int = 0) -> np.ndarray:
    """Clustered float32 vectors (rows)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(max(1, count // 50), dims))
    picked = centres[rng.integers(0, len(centres), count)]
    return (picked + rng.normal(0, 0.3, (count, dims))).astype(np.float32)


def load(db: Any, matrix: np.ndarray, *, start: int = 0, metric: str = "cosine") -> None:
    """`Doc` nodes with ids start.. and the rows of `matrix`; then the index (once)."""
    rows = [{"id": start + i, "emb": row.tolist()} for i, row in enumerate(matrix)]
    db.execute("UNWIND $rows AS r CREATE (:Doc {id: r.id, emb: r.emb})", rows=rows)
    if not any(row[0] == "doc_emb" for row in db.execute("SHOW INDEXES").rows()):
        db.execute(CREATE_INDEX % (matrix.shape[1], metric))


def unoptimized(db: Any, text: str, **params: Any) -> list[tuple[Any, ...]]:
    """The rows of `text` with every optimizer rule off (exact ranking, records only)."""
    saved = db.session.disabled_rules
    db.session.disabled_rules = frozenset({"*"})
    try:
        rows: list[tuple[Any, ...]] = db.execute(text, **params).rows()
    finally:
        db.session.disabled_rules = saved
    return rows


def exact_ids(db: Any, query: np.ndarray, k: int) -> list[int]:
    """The true top-k ids by cosine (the query ranked with every optimizer rule off)."""
    rows = unoptimized(
        db,
        "MATCH (d:Doc) WHERE d.emb IS NOT NULL RETURN d.id "
        "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k",
        q=query.tolist(),
        k=k,
    )
    return [row[0] for row in rows]


def manager(db: engram.Database) -> VectorIndexes:
    """The database's vector indexes (internal: for white-box checks)."""
    with db.begin_read() as view:
        return vector_indexes(view.store)


def index_matches_data(db: engram.Database) -> None:
    """Every indexed vector equals the stored property and every stored vector is indexed."""
    with db.begin_read() as view:
        definition = view.catalog.index("doc_emb")
        assert definition is not None
        live = vector_indexes(view.store).index_for(view, definition)
        assert live is not None
        rows = db.execute("MATCH (d:Doc) WHERE d.emb IS NOT NULL RETURN id(d), d.emb").rows()
        assert live.count == len(rows)
        for node, emb in rows:
            found = live.vector_of(node)
            assert found is not None, node
            assert found.tolist() == np.asarray(emb, dtype=np.float32).tolist()
