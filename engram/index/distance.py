"""Vector metrics and parameters: index options, vector validation, similarity scores.

Similarity scores follow Neo4j's vector functions so queries move over unchanged:
`cosine` is ``(1 + cos(a, b)) / 2`` and `euclidean` is ``1 / (1 + d(a, b)²)``, both in
[0, 1] with 1 for identical vectors; an ``ip`` index scores by the dot product. An index
keeps its vectors as float32 (as hnswlib, Neo4j and Kùzu do); scores are computed in
float64 from those float32 values.
"""

from __future__ import annotations

import difflib
import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError

__all__ = [
    "DEFAULT_EF_CONSTRUCTION",
    "DEFAULT_EF_SEARCH",
    "DEFAULT_M",
    "HNSW_SAFE",
    "Metric",
    "VectorParams",
    "as_query",
    "check_stored_vector",
    "exact_scores",
    "hnsw_safe",
    "plain_query",
    "similarity",
]

DEFAULT_M: Final = 16
DEFAULT_EF_CONSTRUCTION: Final = 200
DEFAULT_EF_SEARCH: Final = 64
MAX_DIMENSIONS: Final = 65_536
_FLOATS: Final = {float}
#: query components up to this size keep hnswlib's float32 arithmetic finite (its sums of
#: squares and products overflow from about 1.8e19 / sqrt(dimensions)); larger queries
#: are searched exactly in float64
HNSW_SAFE: Final = 1e15


class Metric(enum.StrEnum):
    """How an index compares vectors (the hnswlib space of the same name)."""

    COSINE = "cosine"
    L2 = "l2"
    IP = "ip"

    @property
    def function(self) -> str | None:
        """The `vector.similarity.*` function whose DESC order this metric's order is."""
        return {Metric.COSINE: "cosine", Metric.L2: "euclidean"}.get(self)


_METRIC_ALIASES: Final = {
    "cosine": Metric.COSINE,
    "l2": Metric.L2,
    "euclidean": Metric.L2,
    "ip": Metric.IP,
    "dot": Metric.IP,
}
_OPTION_NAMES: Final = ("dimensions", "metric", "m", "ef_construction", "ef_search")
# Neo4j's spelling: OPTIONS {indexConfig: {`vector.dimensions`: 64, ...}}
_NEO4J_KEYS: Final = {
    "vector.dimensions": "dimensions",
    "vector.similarity_function": "metric",
    "vector.hnsw.m": "m",
    "vector.hnsw.ef_construction": "ef_construction",
}


def _option_error(message: str, hint: str | None = None) -> QueryRuntimeError:
    return QueryRuntimeError(
        message, kind=ErrorKind.SEMANTIC_ERROR, detail=ErrorDetail.SCHEMA_ERROR, hint=hint
    )


@dataclass(frozen=True, slots=True)
class VectorParams:
    """The parameters of one vector index (kept in the index definition's options)."""

    dimensions: int
    metric: Metric = Metric.COSINE
    m: int = DEFAULT_M
    ef_construction: int = DEFAULT_EF_CONSTRUCTION
    ef_search: int = DEFAULT_EF_SEARCH

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> VectorParams:
        """Parameters from `CREATE VECTOR INDEX ... OPTIONS {...}` (or stored options).

        Raises:
            QueryRuntimeError: SchemaError naming the option that is missing or wrong.
        """
        flat = _flatten(options)
        unknown = sorted(set(flat) - set(_OPTION_NAMES))
        if unknown:
            close = difflib.get_close_matches(unknown[0], _OPTION_NAMES, n=1)
            known = ", ".join(_OPTION_NAMES)
            hint = f"did you mean '{close[0]}'?" if close else f"the options are {known}"
            raise _option_error(f"unknown vector index option '{unknown[0]}'", hint)
        if "dimensions" not in flat:
            raise _option_error(
                "a vector index needs its number of dimensions",
                hint="add OPTIONS {dimensions: 64, metric: 'cosine'}",
            )
        dimensions = _positive(flat, "dimensions", MAX_DIMENSIONS)
        metric = _metric(flat.get("metric", "cosine"))
        return cls(
            dimensions=dimensions,
            metric=metric,
            m=_positive(flat, "m", 512, default=DEFAULT_M, low=2),
            ef_construction=_positive(
                flat, "ef_construction", 100_000, default=DEFAULT_EF_CONSTRUCTION
            ),
            ef_search=_positive(flat, "ef_search", 100_000, default=DEFAULT_EF_SEARCH),
        )

    def to_options(self) -> dict[str, Any]:
        """The canonical options stored with the index definition."""
        return {
            "dimensions": self.dimensions,
            "metric": self.metric.value,
            "m": self.m,
            "ef_construction": self.ef_construction,
            "ef_search": self.ef_search,
        }


def _flatten(options: Mapping[str, Any]) -> dict[str, Any]:
    flat = {str(key): value for key, value in options.items() if key != "indexConfig"}
    config = options.get("indexConfig")
    if config is not None:
        if not isinstance(config, Mapping):
            raise _option_error("the vector index option 'indexConfig' must be a map")
        for key, value in config.items():
            flat[_NEO4J_KEYS.get(str(key), str(key))] = value
    return flat


def _positive(
    options: Mapping[str, Any], name: str, high: int, *, default: int = 0, low: int = 1
) -> int:
    value = options.get(name, default)
    if type(value) is float and value.is_integer():
        value = int(value)
    if type(value) is not int or not low <= value <= high:
        raise _option_error(
            f"the vector index option '{name}' must be an integer from {low} to {high}, "
            f"got {value!r}"
        )
    return value


def _metric(value: Any) -> Metric:
    metric = _METRIC_ALIASES.get(value.lower()) if isinstance(value, str) else None
    if metric is None:
        raise _option_error(
            f"unknown vector metric {value!r}",
            hint="use 'cosine', 'l2' (also 'euclidean') or 'ip' (dot product)",
        )
    return metric


# -- stored vectors ----------------------------------------------------------------------------


def _invalid(message: str, hint: str | None = None) -> QueryRuntimeError:
    return QueryRuntimeError(
        message, kind=ErrorKind.TYPE_ERROR, detail=ErrorDetail.INVALID_VECTOR, hint=hint
    )


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "a BOOLEAN"
    if isinstance(value, int):
        return "an INTEGER"
    if isinstance(value, float):
        return "a FLOAT"
    if isinstance(value, str):
        return "a STRING"
    if isinstance(value, list | tuple):
        return "a LIST"
    return f"a {type(value).__name__}"


def check_stored_vector(value: Any, params: VectorParams, where: str) -> np.ndarray:
    """`value` as a float32 vector the index can hold, or a clear error.

    Args:
        value: the property value (a list of numbers, as storage keeps it).
        params: the index parameters.
        where: what is being written, for messages (``"vector index 'v' on :Doc(emb)"``).

    Raises:
        QueryRuntimeError: TypeError InvalidVector (not a list of finite numbers, or a
            zero vector under cosine), ArgumentError VectorDimensionMismatch.
    """
    hint = "store a list of numbers of the index's dimension, or drop the index"
    if not isinstance(value, list | tuple):
        raise _invalid(f"{where} needs a list of numbers, got {_describe(value)}", hint)
    for item in value:
        if type(item) is not float and (type(item) is not int):
            raise _invalid(f"{where} needs a list of numbers, got a list holding {_describe(item)}")
    if len(value) != params.dimensions:
        raise QueryRuntimeError(
            f"{where} holds vectors of {params.dimensions} dimensions, got {len(value)}",
            kind=ErrorKind.ARGUMENT_ERROR,
            detail=ErrorDetail.VECTOR_DIMENSION_MISMATCH,
            hint=hint,
        )
    vector = np.asarray(value, dtype=np.float64)
    if not np.isfinite(vector).all():
        raise _invalid(f"{where} needs finite numbers, got NaN or infinity")
    with np.errstate(over="ignore"):
        single = vector.astype(np.float32)
    if not np.isfinite(single).all():
        raise _invalid(f"{where} needs numbers that fit in a 32-bit float")
    if params.metric is Metric.COSINE and not single.any():
        raise _invalid(f"{where} cannot hold the zero vector: its cosine similarity is undefined")
    return single


def plain_query(value: Any, params: VectorParams) -> list[float] | None:
    """`value` itself when it is a query vector in the usual shape, else None.

    The usual shape: a list of the index's dimension of finite Python floats, not all
    zero under cosine. Anything else (null, integers, numpy arrays, another size, NaN or
    infinity, the zero vector) goes through `as_query`, which converts it or raises.
    """
    if (
        type(value) is list
        and len(value) == params.dimensions
        and set(map(type, value)) == _FLOATS
        and math.isfinite(sum(value))  # a NaN or infinity (or an overflow) goes the long way
        and (params.metric is not Metric.COSINE or any(value))
        and min(value) >= -HNSW_SAFE
        and max(value) <= HNSW_SAFE
    ):
        return value
    return None


def hnsw_safe(vector: np.ndarray) -> bool:
    """Whether hnswlib's float32 arithmetic stays finite for this query (`HNSW_SAFE`)."""
    return bool(np.abs(vector).max() <= HNSW_SAFE)


def as_query(value: Any, params: VectorParams, function: str, position: int) -> np.ndarray | None:
    """A query vector as float64; None when every similarity to it is null.

    Null gives None, and so does a zero vector under cosine (its cosine is undefined,
    so `vector.similarity.cosine` returns null for it).

    Raises:
        QueryRuntimeError: TypeError InvalidArgumentType for a non-list or non-numbers,
            ArgumentError VectorDimensionMismatch, InvalidVector for non-finite values.
    """
    if value is None:
        return None
    plain = plain_query(value, params)
    if plain is not None:
        return np.array(plain, dtype=np.float64)
    vector = _numbers(value, function, position)
    if len(vector) != params.dimensions:
        raise _dimension_mismatch(function, params.dimensions, len(vector))
    if params.metric is Metric.COSINE and not vector.any():
        return None
    return vector


def _numbers(value: Any, function: str, position: int) -> np.ndarray:
    if type(value) is list and set(map(type, value)) == _FLOATS:
        plain = np.array(value, dtype=np.float64)
        if np.isfinite(plain).all():
            return plain
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, list | tuple):
        raise QueryRuntimeError(
            f"{function}() expects a LIST of numbers as argument {position}, "
            f"got {_describe(value)}",
            kind=ErrorKind.TYPE_ERROR,
            detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
        )
    for item in value:
        if type(item) is not float and type(item) is not int:
            raise QueryRuntimeError(
                f"{function}() expects a LIST of numbers as argument {position}, "
                f"got a list holding {'null' if item is None else _describe(item)}",
                kind=ErrorKind.TYPE_ERROR,
                detail=ErrorDetail.INVALID_ARGUMENT_TYPE,
            )
    vector = np.asarray(value, dtype=np.float64)
    if not np.isfinite(vector).all():
        raise _invalid(f"{function}() needs finite numbers, got NaN or infinity")
    return vector


def _dimension_mismatch(function: str, left: int, right: int) -> QueryRuntimeError:
    return QueryRuntimeError(
        f"{function}() needs vectors of the same dimension, got {left} and {right}",
        kind=ErrorKind.ARGUMENT_ERROR,
        detail=ErrorDetail.VECTOR_DIMENSION_MISMATCH,
    )


# -- scores ------------------------------------------------------------------------------------


def similarity(kind: str, left: Any, right: Any) -> float | None:
    """`vector.similarity.<kind>(left, right)` for two non-null values.

    Raises:
        QueryRuntimeError: a non-list or non-number element, different dimensions,
            non-finite numbers.
    """
    function = f"vector.similarity.{kind}"
    a = _numbers(left, function, 1)
    b = _numbers(right, function, 2)
    if len(a) != len(b):
        raise _dimension_mismatch(function, len(a), len(b))
    if kind == "euclidean":
        difference = a - b
        return 1.0 / (1.0 + float(np.dot(difference, difference)))
    norms = math.sqrt(float(np.dot(a, a))) * math.sqrt(float(np.dot(b, b)))
    if norms == 0.0 or not math.isfinite(norms):
        return None  # the cosine of a zero vector is undefined
    cosine = min(1.0, max(-1.0, float(np.dot(a, b)) / norms))
    return (1.0 + cosine) / 2.0


def exact_scores(metric: Metric, vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Scores (higher is closer) of float32 `vectors` (rows) against a float64 `query`."""
    rows = vectors.astype(np.float64)
    result: np.ndarray
    if metric is Metric.L2:
        difference = rows - query
        result = 1.0 / (1.0 + np.einsum("ij,ij->i", difference, difference))
        return result
    dots: np.ndarray = rows @ query
    if metric is Metric.IP:
        return dots
    norms = np.sqrt(np.einsum("ij,ij->i", rows, rows)) * math.sqrt(float(np.dot(query, query)))
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = np.clip(dots / norms, -1.0, 1.0)
    result = (1.0 + cosine) / 2.0
    return result
