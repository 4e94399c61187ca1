"""Parse TCK table cells (the value notation of `shared/TCK.md` section 4) into values.

Scalars, lists and maps become plain Python values (`int`, `float`, `str`, `bool`,
`None`, `list`, `dict`); nodes, relationships and paths become the structural
`ExpectedNode`, `ExpectedRelationship` and `ExpectedPath`, which carry no identity:
the TCK compares graph elements by labels, type and properties only.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import LarkError, VisitError

__all__ = [
    "ExpectedNode",
    "ExpectedPath",
    "ExpectedRelationship",
    "NotationError",
    "PathStep",
    "parse_value",
]

_ESCAPE: Final = re.compile(r"\\(.)", re.DOTALL)
_SPECIAL_FLOATS: Final = {"NaN": math.nan, "Inf": math.inf, "-Inf": -math.inf}
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1


class NotationError(ValueError):
    """A table cell is not in the TCK value notation."""


@dataclass(frozen=True, slots=True)
class ExpectedNode:
    """An expected node: its label set and exact property map."""

    labels: frozenset[str] = frozenset()
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExpectedRelationship:
    """An expected relationship: its type and exact property map."""

    type: str
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PathStep:
    """One hop of an expected path; `outgoing` is True for `-[...]->`, False for `<-[...]-`."""

    relationship: ExpectedRelationship
    outgoing: bool
    node: ExpectedNode


@dataclass(frozen=True, slots=True)
class ExpectedPath:
    """An expected path: a start node and its hops in order."""

    start: ExpectedNode
    steps: tuple[PathStep, ...] = ()


def parse_value(text: str) -> Any:
    """Parse one cell (already Gherkin-unescaped) into a value.

    >>> parse_value("[1, 2.5, 'it\\\\'s', null]")
    [1, 2.5, "it's", None]
    >>> node = parse_value("(:B:A {num: 1})")
    >>> sorted(node.labels), node.properties
    (['A', 'B'], {'num': 1})

    Raises:
        NotationError: the text is not a value in the notation.
    """
    try:
        tree = _parser().parse(text)
        return _ToValue().transform(tree)
    except VisitError as error:
        raise NotationError(f"cell {text!r}: {error.orig_exc}") from error.orig_exc
    except LarkError as error:
        first_line = str(error).strip().splitlines()[0]
        raise NotationError(
            f"cell {text!r} is not in the TCK value notation: {first_line}"
        ) from None


@functools.cache
def _parser() -> Lark:
    return Lark.open_from_package(
        "tests.tck", "notation.lark", ("",), parser="lalr", maybe_placeholders=True
    )


def _unquote_name(token: Token) -> str:
    text = str(token)
    if text.startswith("`"):
        return text[1:-1].replace("``", "`")
    return text


def _unescape_string(quoted: str) -> str:
    r"""Strip the quotes; `\'` is a quote and `\\` a backslash, other pairs stay as written."""
    body = quoted[1:-1]
    return _ESCAPE.sub(lambda match: match.group(1) if match.group(1) in "'\\" else match[0], body)


class _ToValue(Transformer[Token, Any]):
    """Lark tree to values; one method per grammar alias."""

    def null(self, _: list[Any]) -> None:
        return None

    def true(self, _: list[Any]) -> bool:
        return True

    def false(self, _: list[Any]) -> bool:
        return False

    @v_args(inline=True)
    def number(self, token: Token) -> int | float:
        text = str(token)
        if any(char in text for char in ".eE"):
            return float(text)
        value = int(text)
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise NotationError(f"integer {text} does not fit in 64 bits")
        return value

    @v_args(inline=True)
    def special_float(self, token: Token) -> float:
        return _SPECIAL_FLOATS[str(token)]

    @v_args(inline=True)
    def string(self, token: Token) -> str:
        return _unescape_string(str(token))

    def list_items(self, items: list[Any]) -> list[Any]:
        return items

    @v_args(inline=True)
    def list_value(self, items: list[Any] | None) -> list[Any]:
        # the placeholder of an absent `[list_items]` is None; `[null]` is [None] items
        return [] if items is None else items

    def map_items(self, entries: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
        return entries

    @v_args(inline=True)
    def map_value(self, pairs: list[tuple[str, Any]] | None) -> dict[str, Any]:
        pairs = pairs or []
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise NotationError(f"duplicate key in map: {keys}")
        return dict(pairs)

    @v_args(inline=True)
    def entry(self, key: Token, value: Any) -> tuple[str, Any]:
        return _unquote_name(key), value

    @v_args(inline=True)
    def label(self, name: Token) -> str:
        return _unquote_name(name)

    def node(self, children: list[Any]) -> ExpectedNode:
        *labels, properties = children
        return ExpectedNode(frozenset(labels), properties or {})

    @v_args(inline=True)
    def relationship(self, name: Token, properties: dict[str, Any] | None) -> ExpectedRelationship:
        return ExpectedRelationship(_unquote_name(name), properties or {})

    @v_args(inline=True)
    def outgoing(self, relationship: ExpectedRelationship, node: ExpectedNode) -> PathStep:
        return PathStep(relationship, True, node)

    @v_args(inline=True)
    def incoming(self, relationship: ExpectedRelationship, node: ExpectedNode) -> PathStep:
        return PathStep(relationship, False, node)

    def path(self, children: list[Any]) -> ExpectedPath:
        start, *steps = children
        return ExpectedPath(start, tuple(steps))
