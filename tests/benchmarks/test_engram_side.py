"""The engram side's loader sends rows whose keys are exactly what its queries read.

The engram engine cannot run until `engram.open` exists; its batches are plain Python
built from the same files, checked here so the first real run does not fail on a typo.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from benchmarks.dataset.graph import GraphSpec
from benchmarks.dataset.store import ensure_dataset, load_graph
from benchmarks.engines import engram_side
from benchmarks.engines.base import EngineUnavailable


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return ensure_dataset(GraphSpec(persons=250, seed=5), tmp_path_factory.mktemp("data"))


def _reads(statement: str) -> set[str]:
    return set(re.findall(r"row\.(\w+)", statement))


def test_person_batches_carry_every_property_and_the_vector(dataset):
    graph = load_graph(dataset)
    vectors = np.load(dataset.embedding)
    batches = list(engram_side._node_batches(dataset.persons, 100, vectors))
    assert [len(batch) for batch in batches] == [100, 100, 50]
    rows = [row for batch in batches for row in batch]
    assert set(rows[0]) == _reads(engram_side._CREATE_PERSONS)
    assert [row["id"] for row in rows] == graph.person_ids.tolist()
    assert rows[17]["embedding"] == vectors[17].tolist()
    assert isinstance(rows[17]["age"], int)


def test_city_and_relationship_batches_match_their_statements(dataset):
    cities = next(engram_side._node_batches(dataset.cities, 1000, None))
    assert set(cities[0]) == _reads(engram_side._CREATE_CITIES)
    knows = next(engram_side._relationship_batches(dataset.knows, 1000))
    assert set(knows[0]) == _reads(engram_side._CREATE_KNOWS)
    lives_in = next(engram_side._relationship_batches(dataset.lives_in, 1000))
    assert set(lives_in[0]) == _reads(engram_side._CREATE_LIVES_IN)


def test_vector_batches_for_the_importer_path(dataset):
    vectors = np.load(dataset.embedding)
    rows = next(engram_side._vector_batches(dataset.persons, 10, vectors))
    assert set(rows[0]) == _reads(engram_side._SET_VECTORS)
    assert rows[3]["embedding"] == vectors[3].tolist()


def test_engine_refuses_to_start_without_the_api():
    reason = engram_side.unavailable_reason()
    if reason is None:
        pytest.skip("engram's API exists; the harness smoke test runs the engram side")
    with pytest.raises(EngineUnavailable, match="engram"):
        engram_side.EngramEngine(call_timeout=1.0)


def test_loader_switch_point_is_checked():
    assert engram_side.LOADER in engram_side.LOADERS
    if engram_side.unavailable_reason() is None:
        with pytest.raises(ValueError, match="unknown engram loader"):
            engram_side.EngramEngine(call_timeout=1.0, loader="csv")
