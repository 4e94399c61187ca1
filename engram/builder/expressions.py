"""Expressions of the query builder: AST expressions with Python operators and values.

An `Expression` wraps an `engram.parser.ast.Expr` together with the Python values it
refers to. A Python value never becomes text: `value(x)` (and every operator or method
given a plain Python value) makes a fresh parameter holding it, and the query renames
the parameters `$v0, $v1, ...` in order of appearance when it is built.

>>> from engram.parser.printer import print_expression
>>> p = var("p")
>>> condition = (p.age > 30) & p.name.starts_with("A") | ~p.email.is_null()
>>> print_expression(condition.node)
'p.age > $... AND p.name STARTS WITH $... OR NOT p.email IS NULL'
>>> sorted(condition.parameters().values(), key=str)
[30, 'A']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, NoReturn, TypeAlias

from engram.parser import ast

__all__ = [
    "Expression",
    "ExpressionLike",
    "SortKey",
    "Values",
    "expression",
    "param",
    "value",
    "var",
]

#: the Python values an expression refers to, by placeholder parameter name
Values: TypeAlias = tuple[tuple[str, Any], ...]

#: placeholder parameter names; `engram.builder.query` renames them `v0, v1, ...`
PLACEHOLDER_PREFIX: Final = "__engram_value_"
_counter = itertools.count()


def _placeholder() -> str:
    return f"{PLACEHOLDER_PREFIX}{next(_counter)}"


@dataclass(frozen=True, slots=True, eq=False)
class Expression:
    """A query expression; Python operators and methods build bigger ones.

    Comparisons (`==`, `!=`, `<`, `<=`, `>`, `>=`), arithmetic (`+ - * / % **`, unary
    `-`), boolean logic (`&` AND, `|` OR, `^` XOR, `~` NOT), properties (`p.name`,
    `p["name"]`), list indexing and slicing (`xs[0]`, `xs[1:3]`). An expression has no
    truth value: write `(a > 1) & (b < 2)`, not `a > 1 and b < 2`.
    """

    node: ast.Expr
    values: Values = ()

    # -- building blocks ----------------------------------------------------------------

    def _binary(self, op: ast.BinaryOp, other: Any, *, reflected: bool = False) -> Expression:
        right = expression(other)
        left, right = (right, self) if reflected else (self, right)
        return Expression(
            ast.Binary(op=op, left=left.node, right=right.node), left.values + right.values
        )

    def _wrap(self, node: ast.Expr) -> Expression:
        return Expression(node, self.values)

    def parameters(self) -> dict[str, Any]:
        """The Python values this expression refers to, by (placeholder) parameter name."""
        return dict(self.values)

    def parameter_names(self) -> list[str]:
        """The placeholder names of this expression's values, in order of appearance."""
        names = [n.name for n in ast.walk(self.node) if isinstance(n, ast.Parameter)]
        return [name for name in names if name.startswith(PLACEHOLDER_PREFIX)]

    # -- comparisons ----------------------------------------------------------------------

    def __eq__(self, other: object) -> Expression:  # type: ignore[override]
        return self._binary(ast.BinaryOp.EQ, other)

    def __ne__(self, other: object) -> Expression:  # type: ignore[override]
        return self._binary(ast.BinaryOp.NE, other)

    def __lt__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.LT, other)

    def __le__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.LE, other)

    def __gt__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.GT, other)

    def __ge__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.GE, other)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> NoReturn:
        raise TypeError(
            "a query expression has no truth value: combine conditions with & | ~ "
            "instead of and / or / not, and compare with == inside a query only"
        )

    # -- arithmetic -----------------------------------------------------------------------

    def __add__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.ADD, other)

    def __radd__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.ADD, other, reflected=True)

    def __sub__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.SUB, other)

    def __rsub__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.SUB, other, reflected=True)

    def __mul__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.MUL, other)

    def __rmul__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.MUL, other, reflected=True)

    def __truediv__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.DIV, other)

    def __rtruediv__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.DIV, other, reflected=True)

    def __mod__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.MOD, other)

    def __rmod__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.MOD, other, reflected=True)

    def __pow__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.POW, other)

    def __rpow__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.POW, other, reflected=True)

    def __neg__(self) -> Expression:
        return self._wrap(ast.Unary(op=ast.UnaryOp.NEGATE, operand=self.node))

    def __pos__(self) -> Expression:
        return self._wrap(ast.Unary(op=ast.UnaryOp.PLUS, operand=self.node))

    # -- boolean logic --------------------------------------------------------------------

    def __and__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.AND, other)

    def __rand__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.AND, other, reflected=True)

    def __or__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.OR, other)

    def __ror__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.OR, other, reflected=True)

    def __xor__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.XOR, other)

    def __rxor__(self, other: Any) -> Expression:
        return self._binary(ast.BinaryOp.XOR, other, reflected=True)

    def __invert__(self) -> Expression:
        return self._wrap(ast.Unary(op=ast.UnaryOp.NOT, operand=self.node))

    # -- properties, indexing -------------------------------------------------------------

    def __getattr__(self, key: str) -> Expression:
        if key.startswith("__") and key.endswith("__"):
            raise AttributeError(key)
        return self.prop(key)

    def prop(self, key: str) -> Expression:
        """The property `key` (for names that clash with a method: `p.prop("count")`)."""
        return self._wrap(ast.PropertyAccess(subject=self.node, key=key))

    def __getitem__(self, key: Any) -> Expression:
        if isinstance(key, str):
            return self.prop(key)
        if isinstance(key, slice):
            if key.step is not None:
                raise TypeError("a query slice has no step")
            start = None if key.start is None else expression(key.start)
            end = None if key.stop is None else expression(key.stop)
            values = (
                self.values
                + (start.values if start is not None else ())
                + (end.values if end is not None else ())
            )
            node = ast.Slice(
                subject=self.node,
                start=start.node if start is not None else None,
                end=end.node if end is not None else None,
            )
            return Expression(node, values)
        index = expression(key)
        return Expression(
            ast.Subscript(subject=self.node, index=index.node), self.values + index.values
        )

    # -- predicates -----------------------------------------------------------------------

    def is_null(self) -> Expression:
        """`x IS NULL`."""
        return self._wrap(ast.IsNull(operand=self.node))

    def is_not_null(self) -> Expression:
        """`x IS NOT NULL`."""
        return self._wrap(ast.IsNull(operand=self.node, negated=True))

    def starts_with(self, prefix: Any) -> Expression:
        """`x STARTS WITH prefix`."""
        return self._binary(ast.BinaryOp.STARTS_WITH, prefix)

    def ends_with(self, suffix: Any) -> Expression:
        """`x ENDS WITH suffix`."""
        return self._binary(ast.BinaryOp.ENDS_WITH, suffix)

    def contains(self, part: Any) -> Expression:
        """`x CONTAINS part`."""
        return self._binary(ast.BinaryOp.CONTAINS, part)

    def matches(self, pattern: Any) -> Expression:
        """`x =~ pattern` (a regular expression matching the whole string)."""
        return self._binary(ast.BinaryOp.REGEX, pattern)

    def in_(self, items: Any) -> Expression:
        """`x IN items` (a Python list becomes one parameter)."""
        return self._binary(ast.BinaryOp.IN, items)

    def has_labels(self, *labels: str) -> Expression:
        """`n:Label:Other`."""
        return self._wrap(ast.HasLabels(subject=self.node, labels=labels))

    # -- projection helpers ---------------------------------------------------------------

    def as_(self, alias: str) -> Aliased:
        """This expression under a column name: `RETURN x AS alias`."""
        return Aliased(self, alias)

    def asc(self) -> SortKey:
        """Ascending sort key (the default)."""
        return SortKey(self, descending=False)

    def desc(self) -> SortKey:
        """Descending sort key."""
        return SortKey(self, descending=True)


@dataclass(frozen=True, slots=True)
class Aliased:
    """An expression with a column name (`x AS alias`)."""

    expression: Expression
    alias: str


@dataclass(frozen=True, slots=True)
class SortKey:
    """An ORDER BY item."""

    expression: Expression
    descending: bool = False


#: what a builder method accepts where an expression goes: an expression or a Python value
ExpressionLike: TypeAlias = Expression | Any


def var(name: str) -> Expression:
    """The variable `name`: `var("p").age` is `p.age`.

    >>> from engram.parser.printer import print_expression
    >>> print_expression(var("p").address.city.node)
    'p.address.city'
    """
    return Expression(ast.Variable(name=name))


def param(name: str) -> Expression:
    """The named parameter `$name`, given when the query runs (`db.execute(q, name=...)`).

    >>> from engram.parser.printer import print_expression
    >>> print_expression((var("p").age >= param("min_age")).node)
    'p.age >= $min_age'
    """
    return Expression(ast.Parameter(name=name))


def value(python_value: Any) -> Expression:
    """A Python value as a fresh parameter (never as text).

    >>> v = value([1, 2, 3])
    >>> list(v.parameters().values())
    [[1, 2, 3]]
    """
    name = _placeholder()
    return Expression(ast.Parameter(name=name), ((name, python_value),))


def expression(item: Any) -> Expression:
    """`item` as an expression (a Python value becomes a parameter).

    Expressions stay as they are; a list or dict holding any expression becomes a list
    or map literal of its items; any other value becomes one parameter.

    >>> from engram.parser.printer import print_expression
    >>> print_expression(expression({"name": var("p").name}).node)
    '{name: p.name}'
    """
    if isinstance(item, Expression):
        return item
    if isinstance(item, Aliased | SortKey):
        raise TypeError("an aliased or sort expression can only be a RETURN, WITH or ORDER BY item")
    if isinstance(item, list | tuple) and any(_is_built(element) for element in item):
        parts = [expression(element) for element in item]
        return Expression(ast.ListLiteral(items=tuple(part.node for part in parts)), _joined(parts))
    if isinstance(item, Mapping) and any(_is_built(element) for element in item.values()):
        return map_literal(item)
    return value(item)


def map_literal(entries: Mapping[str, Any]) -> Expression:
    """A map literal `{key: value, ...}`; each value an expression or a parameter."""
    parts = [(str(key), expression(item)) for key, item in entries.items()]
    node = ast.MapLiteral(
        entries=tuple(ast.MapEntry(key=key, value=part.node) for key, part in parts)
    )
    return Expression(node, _joined(part for _, part in parts))


def _is_built(item: Any) -> bool:
    if isinstance(item, Expression):
        return True
    if isinstance(item, list | tuple):
        return any(_is_built(element) for element in item)
    if isinstance(item, Mapping):
        return any(_is_built(element) for element in item.values())
    return False


def _joined(parts: Iterable[Expression]) -> Values:
    values: Values = ()
    for part in parts:
        values += part.values
    return values
