"""The benchmark's data generator and CSV writer: deterministic, well-formed, round-trips."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.dataset.csvfmt import (
    constant,
    decimal_field,
    encode_rows,
    int_field,
    text_field,
)
from benchmarks.dataset.graph import GraphSpec, generate
from benchmarks.dataset.names import city_names, first_names
from benchmarks.dataset.store import FORMAT_VERSION, ensure_dataset, load_graph
from benchmarks.dataset.typed_csv import read_header, read_rows

SPEC = GraphSpec(persons=600, seed=7)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return ensure_dataset(SPEC, tmp_path_factory.mktemp("data"))


def test_same_seed_same_graph_other_seed_other_graph():
    first, again, other = generate(SPEC), generate(SPEC), generate(GraphSpec(600, seed=8))
    for name in ("person_ids", "age", "person_city", "knows_src", "knows_dst", "embedding"):
        assert np.array_equal(getattr(first, name), getattr(again, name)), name
    assert not np.array_equal(first.knows_dst[:50], other.knows_dst[:50])


def test_graph_shape():
    graph = generate(GraphSpec(persons=5_000, seed=1))
    assert len(np.unique(graph.person_ids)) == graph.person_count
    assert np.all(np.diff(graph.person_ids) > 0)
    assert not np.any(graph.knows_src == graph.knows_dst)
    pairs = graph.knows_src * graph.person_count + graph.knows_dst
    assert len(np.unique(pairs)) == graph.knows_count
    assert 8.5 < graph.knows_count / graph.person_count < 11.5
    degrees = np.bincount(graph.knows_src, minlength=graph.person_count)
    assert degrees.min() >= 1
    assert degrees.max() > 10 * np.median(degrees)  # a heavy tail: hubs exist
    assert graph.age.min() >= 18
    assert graph.age.max() <= 80
    norms = np.linalg.norm(graph.embedding, axis=1)
    assert np.allclose(norms, 1.0, atol=1e-3)
    assert np.array_equal(np.rint(graph.embedding * 10_000) / 10_000, graph.embedding)


def test_names_are_unique_and_plain():
    names = city_names(5_000)
    assert len(set(names)) == 5_000
    assert all(name.isalpha() and name.isascii() for name in names)
    assert first_names(400) == first_names(400)


def test_files_match_the_arrays(dataset):
    manifest = dataset.read_manifest()
    assert manifest["format"] == FORMAT_VERSION
    graph = load_graph(dataset)
    persons = list(read_rows(dataset.persons))
    assert [column.kind for column in read_header(dataset.persons)] == [
        "ID",
        "string",
        "string",
        "int",
        "int",
    ]
    assert len(persons) == manifest["counts"]["persons"] == graph.person_count
    assert [row[0] for row in persons] == graph.person_ids.tolist()
    assert [row[1] for row in persons] == [graph.first_names[i] for i in graph.first_name]
    assert [row[3] for row in persons] == graph.age.tolist()
    knows = list(read_rows(dataset.knows))
    assert len(knows) == manifest["counts"]["knows"]
    assert [row[1] for row in knows] == graph.person_ids[graph.knows_dst].tolist()
    assert [row[2] for row in knows] == graph.knows_since.tolist()
    cities = {row[0] for row in read_rows(dataset.cities)}
    assert {row[1] for row in read_rows(dataset.lives_in)} <= cities
    assert not cities & set(graph.person_ids.tolist())


def test_kuzu_file_carries_the_same_vectors(dataset):
    graph = load_graph(dataset)
    with dataset.kuzu_persons.open(newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    assert len(rows) == graph.person_count
    for row, vector in zip(rows, graph.embedding, strict=True):
        parsed = np.array([float(value) for value in row[5][1:-1].split(",")], dtype=np.float32)
        assert np.array_equal(parsed, vector)


def test_cached_dataset_is_reused(dataset):
    stamp = dataset.manifest.stat().st_mtime_ns
    again = ensure_dataset(SPEC, dataset.root.parent)
    assert again.root == dataset.root
    assert again.manifest.stat().st_mtime_ns == stamp


# correctness, not speed: no deadline (the machine running the suite may be busy)
@settings(deadline=None)
@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), min_size=1))
def test_int_field_matches_str(values):
    text = encode_rows([int_field(np.array(values)), constant(b"\n", len(values))])
    assert text.decode().splitlines() == [str(value) for value in values]


@settings(deadline=None)
@given(st.lists(st.integers(min_value=-99_999, max_value=99_999), min_size=1))
def test_decimal_field_writes_exact_decimals(scaled):
    values = np.array(scaled, dtype=np.float64) / 10_000
    text = encode_rows([decimal_field(values, 4), constant(b"\n", len(scaled))])
    expected = [f"{'-' if n < 0 else ''}{abs(n) // 10_000}.{abs(n) % 10_000:04d}" for n in scaled]
    assert text.decode().splitlines() == expected


def test_decimal_field_refuses_two_integer_digits():
    with pytest.raises(ValueError, match="one integer digit"):
        decimal_field(np.array([12.5]), 4)


def test_text_field_picks_words_and_refuses_csv_specials():
    rows = encode_rows([text_field(["a", "bcd", ""], np.array([1, 2, 0])), constant(b";", 3)])
    assert rows == b"bcd;;a;"
    with pytest.raises(ValueError, match="CSV quoting"):
        text_field(["a,b"], np.array([0]))
