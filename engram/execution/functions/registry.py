"""Function catalogue (placeholder; the function-library work replaces this module)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engram.types import ANY, CypherType

__all__ = ["FunctionSpec"]


@dataclass(frozen=True, slots=True, eq=False)
class FunctionSpec:
    """A function's signature and implementation."""

    name: str
    display: str
    min_args: int
    max_args: int | None
    arg_types: tuple[CypherType, ...] = ()
    return_type: CypherType = ANY
    propagates_null: bool = True
    deterministic: bool = True
    needs_context: bool = False
    is_aggregate: bool = False
    impl: Callable[..., Any] = field(default=lambda *args: None, repr=False)
