"""The reference engine: each query hand-written over numpy arrays (CSR adjacency).

Its answers are the ones every other engine is checked against, and its latencies are
the floor a Python engine executing over arrays could reach. It reads the generator's
arrays rather than parsing CSV, so it reports no load throughput.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Final

import numpy as np
from numpy.typing import NDArray

from benchmarks.dataset.store import DatasetFiles, load_graph
from benchmarks.engines.base import LoadReport, Params, QueryForm, QueryUnsupported, Rows
from benchmarks.queries.workload import QuerySpec

__all__ = ["NumpyEngine"]

_MAX_HOPS: Final = 6
Ints = NDArray[np.int64]


class _Csr:
    """Compressed sparse rows: the neighbours of row `i` are `targets[offsets[i]:offsets[i+1]]`."""

    __slots__ = ("offsets", "order", "targets")

    def __init__(self, sources: Ints, targets: Ints, count: int) -> None:
        self.order = np.argsort(sources, kind="stable")
        self.targets = targets[self.order]
        self.offsets = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(sources, minlength=count), out=self.offsets[1:])

    def gather(self, rows: Ints) -> Ints:
        """The neighbours of all `rows`, concatenated (with repeats)."""
        starts, stops = self.offsets[rows], self.offsets[rows + 1]
        lengths = stops - starts
        total = int(lengths.sum())
        if total == 0:
            return np.empty(0, dtype=np.int64)
        shift = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        return self.targets[shift + np.arange(total)]


class NumpyEngine:
    """Hand-written numpy: the reference answers and the floor."""

    name = "numpy"

    def __init__(self, call_timeout: float) -> None:
        del call_timeout  # nothing here runs long enough to need one

    def versions(self) -> dict[str, str]:
        """numpy's version."""
        return {"numpy": np.__version__}

    def load(self, files: DatasetFiles, workdir: Path) -> LoadReport:
        """Read the arrays and build CSR adjacency both ways and the lookup tables."""
        del workdir
        started = time.perf_counter()
        graph = load_graph(files)
        self.graph = graph
        count = graph.person_count
        self.out = _Csr(graph.knows_src, graph.knows_dst, count)
        self.into = _Csr(graph.knows_dst, graph.knows_src, count)
        self.since = graph.knows_since[self.out.order]
        self.first = np.array(graph.first_names, dtype=object)[graph.first_name]
        self.last = np.array(graph.last_names, dtype=object)[graph.last_name]
        self.first_code = {name: code for code, name in enumerate(graph.first_names)}
        self.city_rank = np.argsort(np.argsort(np.array(graph.city_names)))
        norms = np.linalg.norm(graph.embedding, axis=1, keepdims=True)
        self.unit = (graph.embedding / norms).astype(np.float32)
        return LoadReport(
            method="generator arrays (no CSV)",
            nodes=count + len(graph.city_ids),
            relationships=graph.knows_count + count,
            node_seconds=None,
            relationship_seconds=None,
            total_seconds=time.perf_counter() - started,
            index_seconds=0.0,
        )

    def forms(self, query: QuerySpec) -> tuple[QueryForm, ...]:
        """One hand-written form per read query."""
        runners = {
            "Q1": self._q1,
            "Q2": self._q2,
            "Q3": self._q3,
            "Q4": self._q4,
            "Q5": self._q5,
            "Q6": self._q6,
            "Q7": self._q7,
            "Q8": self._q8,
        }
        if query.name not in runners:
            raise QueryUnsupported("the reference engine is read-only")
        return (QueryForm("numpy", runners[query.name]),)

    def count_persons_from(self, first_id: int) -> int:
        """Persons with an id of at least `first_id`."""
        return int(np.count_nonzero(self.graph.person_ids >= first_id))

    def disk_bytes(self) -> int | None:
        """In memory only."""
        return None

    def close(self) -> None:
        """Nothing to release."""

    def _row(self, person_id: int) -> int | None:
        ids = self.graph.person_ids
        row = int(np.searchsorted(ids, person_id))
        return row if row < len(ids) and ids[row] == person_id else None

    def _q1(self, params: Params) -> Rows:
        row = self._row(params["id"])
        if row is None:
            return []
        return [(self.first[row], self.last[row], int(self.graph.age[row]))]

    def _q2(self, params: Params) -> Rows:
        row = self._row(params["id"])
        if row is None:
            return []
        start, stop = self.out.offsets[row], self.out.offsets[row + 1]
        friends = self.out.targets[start:stop]
        return list(
            zip(
                self.graph.person_ids[friends].tolist(),
                self.first[friends].tolist(),
                self.last[friends].tolist(),
                self.since[start:stop].tolist(),
                strict=True,
            )
        )

    def _q3(self, params: Params) -> Rows:
        row = self._row(params["id"])
        if row is None:
            return [(0,)]
        second = np.unique(self.out.gather(self.out.gather(np.array([row]))))
        return [(int(np.count_nonzero(second != row)),)]

    def _q4(self, params: Params) -> Rows:
        del params
        city = self.graph.person_city
        counts = np.bincount(city, minlength=len(self.graph.city_ids))
        ages = np.bincount(city, weights=self.graph.age, minlength=len(counts))
        top = np.lexsort((self.city_rank, -counts))[:10]
        names = self.graph.city_names
        return [(names[c], int(counts[c]), float(ages[c] / counts[c])) for c in top if counts[c]]

    def _q5(self, params: Params) -> Rows:
        source, target = self._row(params["source"]), self._row(params["target"])
        if source is None or target is None:
            return []
        hops = self._bidirectional(source, target)
        return [] if hops is None else [(hops,)]

    def _q6(self, params: Params) -> Rows:
        row = self._row(params["id"])
        if row is None:
            return [(0,)]
        seen = np.zeros(self.graph.person_count, dtype=bool)
        seen[row] = True
        frontier = np.array([row])
        for _ in range(3):
            reached = self.out.gather(frontier)
            frontier = np.unique(reached[~seen[reached]])
            seen[frontier] = True
        return [(int(np.count_nonzero(seen)) - 1,)]

    def _q7(self, params: Params) -> Rows:
        code = self.first_code.get(params["firstName"])
        if code is None:
            return [(0,)]
        graph = self.graph
        matches = (graph.first_name == code) & (graph.age >= params["minAge"])
        return [(int(np.count_nonzero(matches)),)]

    def _q8(self, params: Params) -> Rows:
        query = np.asarray(params["vector"], dtype=np.float32)
        scores = self.unit @ (query / np.linalg.norm(query))
        top = np.argpartition(-scores, 10)[:10]
        ranked = top[np.lexsort((self.graph.person_ids[top], -scores[top]))]
        return [(int(self.graph.person_ids[row]),) for row in ranked]

    def _neighbours(self, rows: Ints) -> Ints:
        return np.concatenate((self.out.gather(rows), self.into.gather(rows)))

    def _bidirectional(self, source: int, target: int) -> int | None:
        """Undirected hop count between two rows, up to `_MAX_HOPS`, by two-sided BFS.

        Whole levels are expanded, the smaller frontier first; the first level that meets
        the other side's visited set gives the distance (depths on both sides plus one).
        """
        count = self.graph.person_count
        seen = [np.zeros(count, dtype=bool), np.zeros(count, dtype=bool)]
        seen[0][source] = seen[1][target] = True
        frontiers = [np.array([source]), np.array([target])]
        depth = 0
        while depth < _MAX_HOPS:
            side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
            reached = self._neighbours(frontiers[side])
            if np.any(seen[1 - side][reached]):
                return depth + 1
            fresh = np.unique(reached[~seen[side][reached]])
            if len(fresh) == 0:
                return None
            seen[side][fresh] = True
            frontiers[side] = fresh
            depth += 1
        return None
