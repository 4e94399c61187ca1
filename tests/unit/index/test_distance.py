"""Vector index options, stored-vector validation and the similarity arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import QueryRuntimeError
from engram.index.distance import (
    Metric,
    VectorParams,
    as_query,
    check_stored_vector,
    exact_scores,
    similarity,
)


def test_options_defaults_and_canonical_form():
    params = VectorParams.from_options({"dimensions": 64})
    assert params == VectorParams(dimensions=64)
    assert params.to_options() == {
        "dimensions": 64,
        "metric": "cosine",
        "m": 16,
        "ef_construction": 200,
        "ef_search": 64,
    }
    assert VectorParams.from_options(params.to_options()) == params


def test_options_accept_neo4j_spelling_and_aliases():
    params = VectorParams.from_options(
        {
            "indexConfig": {
                "vector.dimensions": 3,
                "vector.similarity_function": "EUCLIDEAN",
                "vector.hnsw.m": 8,
            }
        }
    )
    assert (params.dimensions, params.metric, params.m) == (3, Metric.L2, 8)
    assert VectorParams.from_options({"dimensions": 2, "metric": "dot"}).metric is Metric.IP
    assert VectorParams.from_options({"dimensions": 2.0}).dimensions == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "needs its number of dimensions"),
        ({"dimensions": 0}, "'dimensions' must be an integer from 1 to 65536, got 0"),
        ({"dimensions": True}, "'dimensions' must be an integer"),
        ({"dimensions": 2, "metric": 3}, "unknown vector metric 3"),
        ({"dimensions": 2, "m": 1}, "'m' must be an integer from 2"),
        ({"dimensions": 2, "ef_search": "high"}, "'ef_search' must be an integer"),
        ({"dimension": 2}, "unknown vector index option 'dimension'"),
        ({"dimensions": 2, "indexConfig": 5}, "'indexConfig' must be a map"),
    ],
)
def test_bad_options_are_schema_errors(options, message):
    with pytest.raises(QueryRuntimeError, match=message) as raised:
        VectorParams.from_options(options)
    assert raised.value.detail == "SchemaError"


def test_typo_in_an_option_gets_a_hint():
    with pytest.raises(QueryRuntimeError) as raised:
        VectorParams.from_options({"dimensions": 2, "ef_serch": 10})
    assert raised.value.hint == "did you mean 'ef_search'?"


def test_stored_vectors_are_checked():
    params = VectorParams(dimensions=3)
    vector = check_stored_vector([1, 2.5, -3], params, "index")
    assert vector.dtype == np.float32
    assert vector.tolist() == [1.0, 2.5, -3.0]
    cases = [
        ("abc", "InvalidVector", "got a STRING"),
        ([1.0, "x", 2.0], "InvalidVector", "got a list holding a STRING"),
        ([1.0, True, 2.0], "InvalidVector", "got a list holding a BOOLEAN"),
        ([1.0, 2.0], "VectorDimensionMismatch", "holds vectors of 3 dimensions, got 2"),
        ([1.0, math.nan, 2.0], "InvalidVector", "NaN or infinity"),
        ([1.0, 1e39, 2.0], "InvalidVector", "32-bit float"),
        ([0, 0, 0], "InvalidVector", "zero vector"),
    ]
    for value, detail, message in cases:
        with pytest.raises(QueryRuntimeError, match=message) as raised:
            check_stored_vector(value, params, "index")
        assert raised.value.detail == detail
    # the zero vector is fine without cosine
    assert check_stored_vector([0, 0, 0], VectorParams(3, Metric.L2), "x").tolist() == [0, 0, 0]


def test_query_vectors():
    params = VectorParams(dimensions=2)
    assert as_query(None, params, "f", 1) is None
    assert as_query([0, 0], params, "f", 1) is None  # cosine of the zero vector: null
    assert as_query([0, 0], VectorParams(2, Metric.L2), "f", 1).tolist() == [0.0, 0.0]
    assert as_query(np.array([1.0, 2.0]), params, "f", 1).dtype == np.float64
    with pytest.raises(QueryRuntimeError, match=r"f\(\) needs vectors of the same dimension"):
        as_query([1.0], params, "f", 1)
    with pytest.raises(QueryRuntimeError, match="as argument 3, got a STRING"):
        as_query("x", params, "f", 3)
    with pytest.raises(QueryRuntimeError, match="list holding null"):
        as_query([1.0, None], params, "f", 3)


def test_similarity_values():
    assert similarity("cosine", [1, 0], [1, 0]) == 1.0
    assert similarity("cosine", [1, 0], [0, 1]) == 0.5
    assert similarity("cosine", [1, 0], [-1, 0]) == 0.0
    assert similarity("cosine", [0, 0], [1, 0]) is None
    assert similarity("euclidean", [0, 0], [3, 4]) == pytest.approx(1 / 26)
    with pytest.raises(QueryRuntimeError, match="same dimension, got 2 and 1"):
        similarity("euclidean", [1, 2], [1])


finite = st.floats(-1e3, 1e3, allow_nan=False, width=32)


@given(
    st.integers(1, 8).flatmap(lambda n: st.tuples(*[st.lists(finite, min_size=n, max_size=n)] * 3))
)
def test_index_scores_match_the_functions(vectors):
    first, second, query = vectors
    rows = np.asarray([first, second], dtype=np.float32)
    q = np.asarray(query, dtype=np.float64)
    for metric, kind in ((Metric.COSINE, "cosine"), (Metric.L2, "euclidean")):
        scores = exact_scores(metric, rows, q)
        for row, score in zip((first, second), scores.tolist(), strict=True):
            expected = similarity(kind, list(row), list(query))
            if expected is None:
                assert math.isnan(score) or not np.asarray(row).any() or not q.any()
            else:
                assert score == pytest.approx(expected, rel=1e-9, abs=1e-12)
