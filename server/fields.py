"""Typed wrappers around strawberry's field constructors, for mypy --strict.

strawberry's `field` decorator and `field(resolver=...)` are typed for class bodies
(where the field stands for its value); these wrappers say what they return when
fields are built in code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, TypeVar, cast

import strawberry
from strawberry.types.field import StrawberryField

__all__ = ["field", "resolver_field"]

F = TypeVar("F", bound=Callable[..., Any])


def field(*, name: str | None = None, description: str | None = None) -> Callable[[F], F]:
    """`@strawberry.field(...)` on a method, keeping the method's type for mypy."""
    return cast(Callable[[F], F], strawberry.field(name=name, description=description))


def resolver_field(
    resolver: Callable[..., Any],
    *,
    kind: Literal["query", "mutation", "subscription"] = "query",
    name: str | None = None,
) -> StrawberryField:
    """A field resolved by `resolver`, described by the first line of its docstring."""
    description = (resolver.__doc__ or "").strip().splitlines()[0] or None
    if kind == "mutation":
        made = strawberry.mutation(resolver=resolver, name=name, description=description)
    elif kind == "subscription":
        made = strawberry.subscription(resolver=resolver, name=name, description=description)
    else:
        made = strawberry.field(resolver=resolver, name=name, description=description)
    return cast(StrawberryField, made)
