"""Vector similarity functions: vector.similarity.cosine and vector.similarity.euclidean.

Both take two lists of numbers of the same length and return a FLOAT in [0, 1] where 1
means identical, as Neo4j's functions of the same names do: cosine is
``(1 + cos(a, b)) / 2`` (null when either vector is all zeros), euclidean is
``1 / (1 + d²)``. A null argument gives null; a non-list, a non-number element, a
non-finite number or different lengths are errors. The same arithmetic scores vector
index searches (`engram.index.distance`), so a query ranked by the index and one ranked
by these functions order rows alike.
"""

from __future__ import annotations

from typing import Any, Final

from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.index.distance import similarity
from engram.types import FLOAT, NUMBER, list_of

__all__ = ["SPECS", "cosine", "euclidean"]

_VECTOR: Final = (list_of(NUMBER),)


def cosine(left: Any, right: Any) -> float | None:
    """`vector.similarity.cosine()`: (1 + cosine) / 2, in [0, 1]."""
    return similarity("cosine", left, right)


def euclidean(left: Any, right: Any) -> float | None:
    """`vector.similarity.euclidean()`: 1 / (1 + squared distance), in (0, 1]."""
    return similarity("euclidean", left, right)


SPECS: Final[tuple[FunctionSpec, ...]] = (
    scalar_spec(
        "vector.similarity.cosine",
        cosine,
        [_VECTOR, _VECTOR],
        FLOAT,
        signature="vector.similarity.cosine(a :: LIST<NUMBER>, b :: LIST<NUMBER>) :: FLOAT",
        description="Cosine similarity of two vectors, scaled to [0, 1] (1: same direction).",
    ),
    scalar_spec(
        "vector.similarity.euclidean",
        euclidean,
        [_VECTOR, _VECTOR],
        FLOAT,
        signature="vector.similarity.euclidean(a :: LIST<NUMBER>, b :: LIST<NUMBER>) :: FLOAT",
        description="Euclidean similarity of two vectors, 1 / (1 + squared distance).",
    ),
)
