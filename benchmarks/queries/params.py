"""Seeded parameter sets for every query, the same for every engine.

Each query draws from its own random stream (seed and query position), so adding a
query or changing the number of runs of one never changes another's parameters. The
first `warmup` sets of each list are the warm-up; the rest are measured.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from benchmarks.dataset.graph import SocialGraph
from benchmarks.queries.workload import QUERY_NAMES

__all__ = ["W1_ID_BASE", "ParamSets", "make_params", "read_params", "write_params"]

# ids of nodes created by W1: far above every generated person id
W1_ID_BASE: Final = 9 * 10**12

Params = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParamSets:
    """Warm-up and measured parameter sets per query name."""

    seed: int
    warmup: dict[str, list[Params]]
    measured: dict[str, list[Params]]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"seed": self.seed, "warmup": self.warmup, "measured": self.measured}


def make_params(graph: SocialGraph, runs: int, warmup: int, seed: int) -> ParamSets:
    """`warmup` + `runs` parameter sets for every query and for W1."""
    warm: dict[str, list[Params]] = {}
    measured: dict[str, list[Params]] = {}
    for position, name in enumerate((*QUERY_NAMES, "W1")):
        rng = np.random.default_rng(np.random.SeedSequence([seed, position]))
        sets = [_draw(name, graph, rng, index) for index in range(warmup + runs)]
        warm[name], measured[name] = sets[:warmup], sets[warmup:]
    return ParamSets(seed, warm, measured)


def write_params(params: ParamSets, path: Path) -> None:
    """Save the parameter sets as JSON."""
    path.write_text(json.dumps(params.to_json()))


def read_params(path: Path) -> ParamSets:
    """Load parameter sets saved by `write_params`."""
    data = json.loads(path.read_text())
    return ParamSets(data["seed"], data["warmup"], data["measured"])


def _person(graph: SocialGraph, rng: np.random.Generator) -> int:
    return int(rng.integers(0, graph.person_count))


def _draw(name: str, graph: SocialGraph, rng: np.random.Generator, index: int) -> Params:
    if name in ("Q1", "Q2", "Q3", "Q6"):
        return {"id": int(graph.person_ids[_person(graph, rng)])}
    if name == "Q4":
        return {}
    if name == "Q5":
        source = _person(graph, rng)
        target = (source + 1 + int(rng.integers(0, graph.person_count - 1))) % graph.person_count
        return {"source": int(graph.person_ids[source]), "target": int(graph.person_ids[target])}
    if name == "Q7":
        return {
            "firstName": graph.first_names[int(graph.first_name[_person(graph, rng)])],
            "minAge": int(rng.integers(18, 81)),
        }
    if name == "Q8":
        return {"vector": _query_vector(graph, rng)}
    if name == "W1":
        return {
            "id": W1_ID_BASE + index,
            "firstName": graph.first_names[int(rng.integers(0, len(graph.first_names)))],
            "lastName": graph.last_names[int(rng.integers(0, len(graph.last_names)))],
            "age": int(rng.integers(18, 81)),
            "cityId": int(graph.city_ids[int(rng.integers(0, len(graph.city_ids)))]),
        }
    raise ValueError(f"no parameters for query {name!r}")


def _query_vector(graph: SocialGraph, rng: np.random.Generator) -> list[float]:
    """A person's embedding moved a little: near real data, never an exact copy of it."""
    base = graph.embedding[_person(graph, rng)].astype(np.float64)
    vector = base + rng.normal(0.0, 0.3 / np.sqrt(len(base)), len(base))
    vector /= np.linalg.norm(vector)
    return [round(float(value), 6) for value in vector]
