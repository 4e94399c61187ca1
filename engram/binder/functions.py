"""Function calls checked against the function registry: name, arity, argument and result types.

The registry (`engram.execution.functions.registry`) owns the signatures; this module is
the binder's only view of them, so a change in the spec's shape is absorbed here.
"""

from __future__ import annotations

from collections.abc import Sequence

from engram import types as t
from engram.execution.functions import registry
from engram.execution.functions.spec import FunctionSpec
from engram.types import CypherType

__all__ = [
    "accepts_argument",
    "accepts_arity",
    "arity_text",
    "display_name",
    "function_names",
    "is_aggregate",
    "resolve",
    "result_type",
]


def resolve(name: str) -> FunctionSpec | None:
    """The function called `name` (case-insensitive, dotted names included), or None."""
    return registry.lookup(name)


def function_names() -> list[str]:
    """The documented names of every registered function, for suggestions."""
    return sorted(spec.display_name for spec in registry.all_functions())


def display_name(spec: FunctionSpec) -> str:
    """The documented spelling of the function's name."""
    return spec.display_name


def is_aggregate(spec: FunctionSpec) -> bool:
    """Whether calls of the function aggregate over rows."""
    return spec.is_aggregate


def accepts_arity(spec: FunctionSpec, count: int) -> bool:
    """Whether a call with `count` arguments is well-formed."""
    return spec.accepts_arity(count)


def arity_text(spec: FunctionSpec) -> str:
    """The accepted argument counts in words (`'1 or 2'`)."""
    return spec.arity_text


def accepts_argument(spec: FunctionSpec, position: int, type_: CypherType) -> bool:
    """Whether an argument of `type_` may appear at `position` (INTEGER widens to FLOAT)."""
    if spec.accepts_argument(position, type_):
        return True
    return type_ == t.INTEGER and spec.accepts_argument(position, t.FLOAT)


def result_type(spec: FunctionSpec, argument_types: Sequence[CypherType]) -> CypherType:
    """The type of a call with arguments of these types."""
    return spec.result_type_for(argument_types)
