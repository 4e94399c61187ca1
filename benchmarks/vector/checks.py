"""Correctness checks of the vector benchmark: visibility of writes, snapshots, crashes.

Each check runs on the benchmark's own database and returns a small dict for the report:
what was checked, whether it held, and how long it took.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.vector.queries import CHECK

__all__ = ["crash_rounds", "visibility_checks"]

ROOT: Final = Path(__file__).resolve().parents[2]


def _top(db: Any, vector: np.ndarray, k: int = 10, transaction: Any = None) -> list[int]:
    params = {"vector": vector.tolist()}
    if transaction is None:
        rows = db.execute(CHECK, params).rows()
    else:
        rows = db.session.run_in(transaction, CHECK, params, timeout=None, profile=False).rows()
    return [row[0] for row in rows[:k]]


def visibility_checks(db: Any, ids: np.ndarray, rng: np.random.Generator) -> dict[str, Any]:
    """Committed updates and deletes are seen by the next query; snapshots are not disturbed."""
    dims = len(db.execute("MATCH (p:Person) RETURN p.embedding LIMIT 1").scalar())
    query = rng.normal(size=dims)
    query /= np.linalg.norm(query)
    moved, deleted, hidden = (int(i) for i in rng.choice(ids, 3, replace=False))
    started = time.perf_counter()
    db.execute("MATCH (p:Person {id: $id}) SET p.embedding = $v", id=moved, v=query.tolist())
    updated_found = _top(db, query, 1) == [moved]
    db.execute("MATCH (p:Person {id: $id}) DETACH DELETE p", id=moved)
    deleted_gone = moved not in _top(db, query)
    db.execute("MATCH (p:Person {id: $id}) SET p.embedding = $v", id=deleted, v=query.tolist())
    snapshot = db.begin_read()
    try:
        db.execute("MATCH (p:Person {id: $id}) SET p.embedding = $v", id=hidden, v=query.tolist())
        db.execute("MATCH (p:Person {id: $id}) REMOVE p.embedding", id=deleted)
        old = _top(db, query, 1, snapshot)
        new = _top(db, query, 1)
    finally:
        snapshot.close()
    return {
        "update_found_by_next_query": updated_found,
        "delete_not_found_by_next_query": deleted_gone,
        "snapshot_sees_only_older_writes": old == [deleted] and new == [hidden],
        "seconds": time.perf_counter() - started,
    }


_WRITER: Final = """
import sys, numpy as np, engram
from engram.index.manager import vector_indexes
db = engram.open(sys.argv[1])
with db.begin_read() as view:
    indexes = vector_indexes(view.store)
rng = np.random.default_rng(int(sys.argv[2]))
ids = [row[0] for row in db.execute("MATCH (p:Person) RETURN p.id LIMIT 5000").rows()]
dims = int(sys.argv[3])
print("ready", flush=True)
while True:
    rows = [{"id": int(i), "v": rng.normal(size=dims).astype(np.float32).tolist()}
            for i in rng.choice(ids, 50)]
    db.execute("UNWIND $rows AS r MATCH (p:Person {id: r.id}) SET p.embedding = r.v", rows=rows)
    indexes.save_all()
"""


def _index_matches_data(path: Path, sample: int, rng: np.random.Generator) -> tuple[bool, float]:
    import engram
    from engram.index.manager import vector_indexes

    started = time.perf_counter()
    with engram.open(path) as db:
        opened = time.perf_counter() - started
        with db.begin_read() as view:
            definition = view.catalog.index("person_embedding")
            index = vector_indexes(view.store).index_for(view, definition)
            rows = db.execute(
                "MATCH (p:Person) WHERE p.embedding IS NOT NULL RETURN id(p), p.embedding"
            ).rows()
            if index is None or index.count != len(rows):
                return False, opened
            for node, vector in random.Random(int(rng.integers(1 << 30))).sample(rows, sample):
                found = index.vector_of(node)
                expected = np.asarray(vector, dtype=np.float32)
                if found is None or found.tolist() != expected.tolist():
                    return False, opened
    return True, opened


def crash_rounds(path: Path, rounds: int, dims: int, seed: int) -> dict[str, Any]:
    """SIGKILL a process that keeps updating and saving; every reopen must match the data."""
    rng = np.random.default_rng(seed)
    results = []
    for round_number in range(rounds):
        with subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(seed + round_number), str(dims)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        ) as process:
            try:
                assert process.stdout is not None
                process.stdout.readline()
                time.sleep(float(rng.uniform(0.2, 3.0)))
            finally:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        matches, reopen_seconds = _index_matches_data(path, 200, rng)
        results.append({"matches_data": matches, "reopen_seconds": reopen_seconds})
    return {
        "rounds": rounds,
        "all_match": all(result["matches_data"] for result in results),
        "reopen_seconds": [result["reopen_seconds"] for result in results],
    }
