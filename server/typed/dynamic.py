"""Building strawberry types at run time: object types, input types, enums and resolvers.

strawberry reads types from annotations; the generated schema has no source code, so
these helpers create the classes and give resolvers an explicit signature with real
annotation objects (`__signature__`), which strawberry inspects like a written function.
Classes are created empty first (`shell`) so types can refer to each other and to
themselves before they are finished.
"""

from __future__ import annotations

import enum
import inspect
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, cast

import strawberry
from strawberry.types.field import StrawberryField

__all__ = [
    "Argument",
    "InputField",
    "finish_input",
    "finish_object",
    "list_of",
    "make_enum",
    "make_field",
    "shell",
]


@dataclass(frozen=True, slots=True)
class Argument:
    """A resolver argument: Python name, GraphQL name, annotation, default."""

    name: str
    graphql_name: str
    annotation: Any
    default: Any = inspect.Parameter.empty
    description: str | None = None


@dataclass(frozen=True, slots=True)
class InputField:
    """A field of an input type (always optional, default unset)."""

    name: str
    graphql_name: str
    annotation: Any
    description: str | None = None


def list_of(item: Any) -> Any:
    """`list[item]` for a class made at run time (strawberry reads it as `[Item!]`)."""
    return types.GenericAlias(list, (item,))


def shell(name: str) -> type:
    """An empty class to finish later as an object or input type."""
    return types.new_class(name, (), {})


def make_field(
    name: str,
    returns: Any,
    resolve: Callable[..., Any],
    arguments: Sequence[Argument] = (),
    description: str | None = None,
) -> StrawberryField:
    """A field resolved by `resolve(root, info, **arguments)`."""

    def resolver(root: Any, info: Any, **kwargs: Any) -> Any:
        return resolve(root, info, **kwargs)

    parameters = [
        # strawberry passes the parent value to a parameter named `root`
        inspect.Parameter("root", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Any),
        inspect.Parameter(
            "info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=strawberry.Info
        ),
    ]
    for argument in arguments:
        parameters.append(
            inspect.Parameter(
                argument.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_argument_annotation(argument),
                default=argument.default,
            )
        )
    resolver.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # inspect honours it
        parameters, return_annotation=returns
    )
    resolver.__annotations__ = {p.name: p.annotation for p in parameters}
    resolver.__annotations__["return"] = returns
    resolver.__name__ = f"resolve_{name}"
    return cast(
        StrawberryField, strawberry.field(resolver=resolver, name=name, description=description)
    )


def _argument_annotation(argument: Argument) -> Any:
    if argument.graphql_name == argument.name and not argument.description:
        return argument.annotation
    return Annotated[
        argument.annotation,
        strawberry.argument(name=argument.graphql_name, description=argument.description),
    ]


def finish_object(
    cls: type, fields: Sequence[StrawberryField], description: str | None = None
) -> type:
    """Make `cls` a strawberry object type with `fields`."""
    for position, field in enumerate(fields):
        setattr(cls, f"f{position}_{field.graphql_name or 'field'}", field)
    cls.__annotations__ = {}
    return strawberry.type(cls, name=cls.__name__, description=description)


def finish_input(cls: type, fields: Sequence[InputField], description: str | None = None) -> type:
    """Make `cls` a strawberry input type whose fields all default to unset."""
    annotations = {}
    for field in fields:
        annotations[field.name] = field.annotation
        setattr(
            cls,
            field.name,
            strawberry.field(
                name=field.graphql_name, default=strawberry.UNSET, description=field.description
            ),
        )
    cls.__annotations__ = annotations
    return strawberry.input(cls, name=cls.__name__, description=description)


def make_enum(name: str, members: Sequence[tuple[str, Any]], description: str | None = None) -> Any:
    """A GraphQL enum whose members (GraphQL names) carry Python values."""
    factory: Any = enum.Enum  # the functional API takes a runtime name
    python = factory(name, [(member, value) for member, value in members])
    return strawberry.enum(python, name=name, description=description)
