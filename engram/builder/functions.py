"""Function calls, aggregates, CASE and list expressions for the query builder.

`fn` calls any function by name, dotted names included (`fn.toUpper(x)`,
`fn.duration.between(a, b)`); the common ones have typed helpers here so an IDE
completes them.

>>> from engram.parser.printer import print_expression
>>> from engram.builder.expressions import var
>>> p = var("p")
>>> print_expression(fn.toUpper(p.name).node)
'toUpper(p.name)'
>>> print_expression(count(p.name, distinct=True).node)
'count(DISTINCT p.name)'
>>> print_expression(case().when(p.age < 18, "minor").otherwise("adult").node)
'CASE WHEN p.age < $... THEN $... ELSE $... END'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from engram.builder.expressions import Expression, Values, expression
from engram.parser import ast

__all__ = [
    "Case",
    "all_",
    "any_",
    "avg",
    "call_function",
    "case",
    "coalesce",
    "collect",
    "count",
    "count_star",
    "fn",
    "id_",
    "labels",
    "list_comprehension",
    "max_",
    "min_",
    "none_",
    "single",
    "size",
    "sum_",
    "type_",
    "vector_similarity",
]


def call_function(name: str, *args: Any, distinct: bool = False) -> Expression:
    """`name(args...)`; each argument an expression or a Python value (a parameter)."""
    parts = [expression(arg) for arg in args]
    values: Values = ()
    for part in parts:
        values += part.values
    node = ast.FunctionCall(name=name, args=tuple(part.node for part in parts), distinct=distinct)
    return Expression(node, values)


@dataclass(frozen=True, slots=True)
class _Functions:
    """`fn.name(...)` calls the function `name`; `fn.a.b(...)` calls `a.b`."""

    prefix: str = ""

    def __getattr__(self, name: str) -> _Functions:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _Functions(f"{self.prefix}.{name}" if self.prefix else name)

    def __call__(self, *args: Any, distinct: bool = False) -> Expression:
        if not self.prefix:
            raise TypeError("name the function: fn.toUpper(x), fn.duration.between(a, b)")
        return call_function(self.prefix, *args, distinct=distinct)


#: any function by name: `fn.toUpper(p.name)`, `fn.duration.between(a, b)`
fn = _Functions()


def count(item: Any, *, distinct: bool = False) -> Expression:
    """`count(x)` / `count(DISTINCT x)`; `count_star()` is `count(*)`."""
    return call_function("count", item, distinct=distinct)


def count_star() -> Expression:
    """`count(*)`."""
    return Expression(ast.CountStar())


def collect(item: Any, *, distinct: bool = False) -> Expression:
    """`collect(x)`."""
    return call_function("collect", item, distinct=distinct)


def sum_(item: Any, *, distinct: bool = False) -> Expression:
    """`sum(x)`."""
    return call_function("sum", item, distinct=distinct)


def avg(item: Any, *, distinct: bool = False) -> Expression:
    """`avg(x)`."""
    return call_function("avg", item, distinct=distinct)


def min_(item: Any) -> Expression:
    """`min(x)`."""
    return call_function("min", item)


def max_(item: Any) -> Expression:
    """`max(x)`."""
    return call_function("max", item)


def size(item: Any) -> Expression:
    """`size(x)`."""
    return call_function("size", item)


def coalesce(*items: Any) -> Expression:
    """`coalesce(a, b, ...)`."""
    return call_function("coalesce", *items)


def labels(node: Any) -> Expression:
    """`labels(n)`."""
    return call_function("labels", node)


def type_(relationship: Any) -> Expression:
    """`type(r)`."""
    return call_function("type", relationship)


def id_(entity: Any) -> Expression:
    """`id(n)`."""
    return call_function("id", entity)


def vector_similarity(
    left: Any, right: Any, metric: Literal["cosine", "euclidean"] = "cosine"
) -> Expression:
    """`vector.similarity.cosine(a, b)` (or `.euclidean`): a Python list becomes a parameter.

    >>> from engram.parser.printer import print_expression
    >>> from engram.builder.expressions import var
    >>> print_expression(vector_similarity(var("d").embedding, [0.1, 0.2]).node)
    'vector.similarity.cosine(d.embedding, $...)'
    """
    if metric not in ("cosine", "euclidean"):
        raise ValueError(f"unknown similarity metric '{metric}': use 'cosine' or 'euclidean'")
    return call_function(f"vector.similarity.{metric}", left, right)


@dataclass(frozen=True, slots=True)
class Case:
    """`CASE [subject] WHEN ... THEN ... [ELSE ...] END`, built with `.when` and `.otherwise`."""

    subject: Expression | None
    whens: tuple[tuple[Expression, Expression], ...] = ()

    def when(self, condition: Any, result: Any) -> Case:
        """Another `WHEN condition THEN result` branch."""
        return Case(self.subject, (*self.whens, (expression(condition), expression(result))))

    def otherwise(self, default: Any) -> Expression:
        """The finished expression with `ELSE default`."""
        return self._build(expression(default))

    def end(self) -> Expression:
        """The finished expression without ELSE (null when no branch holds)."""
        return self._build(None)

    def _build(self, default: Expression | None) -> Expression:
        if not self.whens:
            raise ValueError("a CASE expression needs at least one when(...) branch")
        values: Values = self.subject.values if self.subject is not None else ()
        for condition, result in self.whens:
            values += condition.values + result.values
        if default is not None:
            values += default.values
        node = ast.Case(
            subject=self.subject.node if self.subject is not None else None,
            whens=tuple(ast.CaseWhen(condition=c.node, result=r.node) for c, r in self.whens),
            default=default.node if default is not None else None,
        )
        return Expression(node, values)


def case(subject: Any = None) -> Case:
    """A CASE expression: `case().when(cond, a).otherwise(b)`, or `case(x).when(1, 'one')`."""
    return Case(None if subject is None else expression(subject))


def list_comprehension(
    name: str, source: Any, *, where: Any = None, project: Any = None
) -> Expression:
    """`[name IN source WHERE where | project]`; refer to the element as `var(name)`.

    >>> from engram.parser.printer import print_expression
    >>> from engram.builder.expressions import var
    >>> x = var("x")
    >>> print_expression(list_comprehension("x", var("xs"), where=x > 0, project=x * 2).node)
    '[x IN xs WHERE x > $... | x * $...]'
    """
    src = expression(source)
    cond = None if where is None else expression(where)
    proj = None if project is None else expression(project)
    values = (
        src.values
        + (cond.values if cond is not None else ())
        + (proj.values if proj is not None else ())
    )
    node = ast.ListComprehension(
        variable=ast.Variable(name=name),
        source=src.node,
        where=cond.node if cond is not None else None,
        projection=proj.node if proj is not None else None,
    )
    return Expression(node, values)


def _quantifier(kind: ast.QuantifierKind, name: str, source: Any, where: Any) -> Expression:
    src, cond = expression(source), expression(where)
    node = ast.Quantifier(
        kind=kind, variable=ast.Variable(name=name), source=src.node, where=cond.node
    )
    return Expression(node, src.values + cond.values)


def all_(name: str, source: Any, where: Any) -> Expression:
    """`all(name IN source WHERE where)`."""
    return _quantifier(ast.QuantifierKind.ALL, name, source, where)


def any_(name: str, source: Any, where: Any) -> Expression:
    """`any(name IN source WHERE where)`."""
    return _quantifier(ast.QuantifierKind.ANY, name, source, where)


def none_(name: str, source: Any, where: Any) -> Expression:
    """`none(name IN source WHERE where)`."""
    return _quantifier(ast.QuantifierKind.NONE, name, source, where)


def single(name: str, source: Any, where: Any) -> Expression:
    """`single(name IN source WHERE where)`."""
    return _quantifier(ast.QuantifierKind.SINGLE, name, source, where)
