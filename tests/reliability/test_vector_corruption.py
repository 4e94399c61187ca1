"""Damaged vector index files are detected and the index is rebuilt from the data.

A database with a vector index is closed (which saves the index's files under
``derived/``), one bit of one file is flipped, and the database is reopened: the saved
state's size and BLAKE2b digest no longer match, so the index is rebuilt from the stored
vectors. Nearest-neighbour answers must equal those of an exact scan, and the index must
hold exactly the stored vectors (`vector_checks.vector_index_problems`).
"""

from __future__ import annotations

import logging
import random
from pathlib import Path

import pytest

import engram
from tests.reliability.crash_workload import DIMENSIONS, VECTOR_INDEX, Graph, create_schema
from tests.reliability.vector_checks import vector_index_problems

NODES = 60
# planned as a VectorSearch over the index (the test checks EXPLAIN says so)
SEARCH = "MATCH (n:N) RETURN n.uid ORDER BY vector.similarity.euclidean(n.emb, $q) DESC LIMIT 5"


def _vectors() -> dict[int, list[float]]:
    rng = random.Random(4)
    return {uid: [rng.randint(-8, 8) / 8 for _ in range(DIMENSIONS)] for uid in range(NODES)}


def _build(path: Path) -> None:
    with engram.open(path) as db:
        create_schema(db, vectors=True)
        rows = [{"uid": uid, "emb": emb} for uid, emb in _vectors().items()]
        db.execute("UNWIND $rows AS r CREATE (:N {uid: r.uid, emb: r.emb})", rows=rows)


def _model() -> Graph:
    graph = Graph()
    for uid, emb in _vectors().items():
        graph.nodes[uid] = (frozenset({"N"}), {"uid": uid, "emb": emb})
    return graph


def _distance(uid: int, query: list[float]) -> float:
    return sum((a - b) ** 2 for a, b in zip(_vectors()[uid], query, strict=True))


def _exact(query: list[float]) -> list[float]:
    """The five smallest distances (ties make the nodes, not the distances, ambiguous)."""
    return sorted(_distance(uid, query) for uid in range(NODES))[:5]


@pytest.mark.parametrize("suffix", [".hnsw", ".slots"])
def test_flipped_bit_in_a_vector_index_file_rebuilds_the_index(
    tmp_path: Path, suffix: str, caplog: pytest.LogCaptureFixture
):
    path = tmp_path / "db"
    _build(path)
    files = sorted((path / "derived").glob(f"vector-*{suffix}"))
    assert files, sorted(p.name for p in (path / "derived").iterdir())
    rng = random.Random(len(suffix))
    data = bytearray(files[-1].read_bytes())
    data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    files[-1].write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING), engram.open(path) as db:
        assert vector_index_problems(db, _model()) == []
        assert "damaged; rebuilding" in caplog.text
        for _ in range(5):
            query = [rng.randint(-8, 8) / 8 for _ in range(DIMENSIONS)]
            found = [_distance(row[0], query) for row in db.execute(SEARCH, q=query).rows()]
            assert found == _exact(query)
        assert "VectorSearch" in str(db.explain(SEARCH))
        shown = {row[0]: row for row in db.execute("SHOW INDEXES").rows()}
        assert shown[VECTOR_INDEX][5] == "ONLINE"
