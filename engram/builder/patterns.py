"""Graph patterns of the query builder: nodes, relationships, paths.

`node("p", "Person", name="Ada")` is `(p:Person {name: $v0})`; `.to`, `.from_` and
`.related` add a relationship and the next node. Property values become parameters.

>>> from engram.parser.printer import print_node
>>> path = node("a", "Person").to(node("b"), "KNOWS", var="r", hops=(1, 3)).named("p")
>>> print_node(path.node)
'p = (a:Person)-[r:KNOWS*1..3]->(b)'
>>> print_node(node("a").related(node(), "LIKES", "LOVES").node)
'(a)-[:LIKES|LOVES]-()'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from engram.builder.expressions import Expression, Values, map_literal
from engram.parser import ast

__all__ = ["Hops", "Path", "all_shortest_paths", "exists", "node", "shortest_path"]

#: variable length: `True` for `*`, `n` for `*n`, `(low, high)` for `*low..high` (None: open)
Hops: TypeAlias = bool | int | tuple[int | None, int | None] | None


@dataclass(frozen=True, slots=True)
class Path:
    """A path pattern (a single node pattern is a path of length 0)."""

    node: ast.PathPattern
    values: Values = ()

    def to(
        self,
        target: Path,
        *types: str,
        var: str | None = None,
        hops: Hops = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Path:
        """`...-[var:TYPES]->(target)`: an outgoing relationship to `target`."""
        return self._extend(target, ast.Direction.OUTGOING, types, var, hops, properties)

    def from_(
        self,
        source: Path,
        *types: str,
        var: str | None = None,
        hops: Hops = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Path:
        """`...<-[var:TYPES]-(source)`: an incoming relationship from `source`."""
        return self._extend(source, ast.Direction.INCOMING, types, var, hops, properties)

    def related(
        self,
        other: Path,
        *types: str,
        var: str | None = None,
        hops: Hops = None,
        properties: Mapping[str, Any] | None = None,
    ) -> Path:
        """`...-[var:TYPES]-(other)`: a relationship in either direction."""
        return self._extend(other, ast.Direction.BOTH, types, var, hops, properties)

    def named(self, name: str) -> Path:
        """`name = path`."""
        return Path(replace(self.node, variable=ast.Variable(name=name)), self.values)

    def _extend(
        self,
        other: Path,
        direction: ast.Direction,
        types: tuple[str, ...],
        variable: str | None,
        hops: Hops,
        properties: Mapping[str, Any] | None,
    ) -> Path:
        if other.node.variable is not None or other.node.shortest is not None:
            raise ValueError("the next element of a path must be a node() or an unnamed path")
        props = _properties(properties)
        relationship = ast.RelationshipPattern(
            variable=None if variable is None else ast.Variable(name=variable),
            types=types,
            direction=direction,
            length=_length(hops),
            properties=None if props is None else props.node,  # type: ignore[arg-type]
        )
        elements = (*self.node.elements, relationship, *other.node.elements)
        values = self.values + (props.values if props is not None else ()) + other.values
        return Path(replace(self.node, elements=elements), values)


def node(
    var: str | Expression | None = None,
    *labels: str,
    properties: Mapping[str, Any] | None = None,
    **named_properties: Any,
) -> Path:
    """The node pattern `(var:Labels {properties})`.

    Properties come as keywords (`name="Ada"`) or, for keys that are not Python names, as
    `properties={...}`; each value is a Python value (a parameter) or an expression.

    >>> from engram.parser.printer import print_node
    >>> print_node(node("p", "Person", "Admin", name="Ada").node)
    '(p:Person:Admin {name: $...})'
    """
    name = _variable_name(var)
    merged = {**(properties or {}), **named_properties}
    props = _properties(merged)
    pattern = ast.NodePattern(
        variable=None if name is None else ast.Variable(name=name),
        labels=labels,
        properties=None if props is None else props.node,  # type: ignore[arg-type]
    )
    return Path(
        ast.PathPattern(variable=None, elements=(pattern,)),
        props.values if props is not None else (),
    )


def shortest_path(path: Path) -> Path:
    """`shortestPath(path)` (name it with `.named("p")`)."""
    return Path(replace(path.node, shortest=ast.ShortestKind.SHORTEST), path.values)


def all_shortest_paths(path: Path) -> Path:
    """`allShortestPaths(path)`."""
    return Path(replace(path.node, shortest=ast.ShortestKind.ALL_SHORTEST), path.values)


def exists(path: Path) -> Expression:
    """`exists(pattern)`: whether the pattern has a match (a predicate for `where`).

    >>> from engram.parser.printer import print_expression
    >>> print_expression(exists(node("p").to(node(), "KNOWS")).node)
    'exists((p)-[:KNOWS]->())'
    """
    pattern = ast.PatternExpression(pattern=path.node)
    return Expression(ast.FunctionCall(name="exists", args=(pattern,)), path.values)


def _variable_name(var: str | Expression | None) -> str | None:
    if var is None or isinstance(var, str):
        return var
    if isinstance(var.node, ast.Variable):
        return var.node.name
    raise TypeError("a pattern variable is a name or var(name)")


def _properties(properties: Mapping[str, Any] | None) -> Expression | None:
    if not properties:
        return None
    return map_literal(properties)


def _length(hops: Hops) -> ast.VariableLength | None:
    if hops is None or hops is False:
        return None
    if hops is True:
        return ast.VariableLength(min=None, max=None)
    if isinstance(hops, int):
        return ast.VariableLength(min=hops, max=hops)
    low, high = hops
    return ast.VariableLength(min=low, max=high)
