"""Vector checks of the crash loop: the index holds exactly the vectors the data holds.

Used once the engine has vector indexes (`crash_workload.has_vector_indexes`); reads the
live index through `engram.index.manager`, the one internal module these checks need.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import engram
from tests.reliability.crash_workload import VECTOR_INDEX, Graph


def vector_index_problems(db: engram.Database, graph: Graph) -> list[str]:
    """Differences between the vector index, the stored `emb` properties and the model."""
    from engram.index.manager import vector_indexes

    problems: list[str] = []
    stored = dict(db.execute("MATCH (n:N) WHERE n.emb IS NOT NULL RETURN n.uid, n.emb").rows())
    expected = {uid: props["emb"] for uid, (_, props) in graph.nodes.items() if "emb" in props}
    if stored != expected:
        problems.append(f"stored vectors differ from the model ({len(stored)} vs {len(expected)})")
    ids = dict(db.execute("MATCH (n:N) RETURN n.uid, id(n)").rows())
    with db.begin_read() as view:
        definition = view.catalog.index(VECTOR_INDEX)
        if definition is None:
            return [*problems, "the vector index is missing"]
        live: Any = vector_indexes(view.store).index_for(view, definition)
        if live is None:
            return [*problems, "the vector index is not loaded"]
        if live.count != len(stored):
            problems.append(f"the index holds {live.count} vectors, the data {len(stored)}")
        for uid, emb in stored.items():
            found = live.vector_of(ids[uid])
            wanted = np.asarray(emb, dtype=np.float32)
            if found is None or found.tolist() != wanted.tolist():
                problems.append(f"node {uid}: indexed {found} but stored {emb}")
    return problems
