"""General functions that take values of any type: coalesce, nullIf, randomUUID.

`coalesce` here is the value function; evaluating its arguments lazily (stopping at the
first non-null one) is the expression compiler's job.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.execution.ternary import equals
from engram.types import ANY, STRING, CypherType, TypeKind

__all__ = ["SPECS", "coalesce", "null_if"]


def coalesce(*values: Any) -> Any:
    """`coalesce()`: the first non-null argument, or null."""
    for value in values:
        if value is not None:
            return value
    return None


def null_if(value: Any, other: Any) -> Any:
    """`nullIf()`: null when the two arguments are equal, else the first."""
    return None if equals(value, other) is True else value


def random_uuid() -> str:
    """`randomUUID()`: a random (version 4) UUID as a string."""
    return str(uuid.uuid4())


def _first_known(types: Sequence[CypherType]) -> CypherType:
    known = [kind for kind in types if kind.kind not in (TypeKind.NULL, TypeKind.ANY)]
    if known and all(kind == known[0] for kind in known):
        return known[0]
    return ANY


SPECS: Final[tuple[FunctionSpec, ...]] = (
    scalar_spec(
        "coalesce",
        coalesce,
        [(ANY,)],
        ANY,
        variadic=True,
        propagates_null=False,
        infer_result=_first_known,
        signature="coalesce(input :: ANY, ...) :: ANY",
        description="The first argument that is not null; null if all are.",
    ),
    scalar_spec(
        "nullIf",
        null_if,
        [(ANY,), (ANY,)],
        ANY,
        propagates_null=False,
        infer_result=lambda types: types[0] if types else ANY,
        signature="nullIf(v1 :: ANY, v2 :: ANY) :: ANY",
        description="Null when the arguments are equal, else the first argument.",
    ),
    scalar_spec(
        "randomUUID",
        random_uuid,
        [],
        STRING,
        deterministic=False,
        signature="randomUUID() :: STRING",
        description="A random UUID (version 4) as a string.",
    ),
)
