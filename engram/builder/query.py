r"""The fluent, immutable `Query`: clauses as AST nodes, Python values as parameters.

Every method returns a new query; none changes the one it is called on. `str(query)`
is the canonical text (`engram.parser.printer`), `query.parameters` the values, and
`db.execute(query)` runs it.

>>> from engram.builder import match, node, var, count_star
>>> p, f = var("p"), var("f")
>>> q = (
...     match(node(p, "Person").to(node(f, "Person"), "KNOWS"))
...     .where((p.age > 30) & p.name.starts_with("A"))
...     .return_(p.name, friends=count_star())
...     .order_by(var("friends").desc())
...     .limit(10)
... )
>>> print(str(q).replace(" WHERE", "\nWHERE").replace(" RETURN", "\nRETURN"))
MATCH (p:Person)-[:KNOWS]->(f:Person)
WHERE p.age > $v0 AND p.name STARTS WITH $v1
RETURN p.name, count(*) AS friends ORDER BY friends DESC LIMIT $v2
>>> q.parameters
{'v0': 30, 'v1': 'A', 'v2': 10}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, TypeAlias

from engram.builder.expressions import (
    PLACEHOLDER_PREFIX,
    Aliased,
    Expression,
    SortKey,
    Values,
    expression,
)
from engram.builder.patterns import Path
from engram.parser import ast
from engram.parser.printer import print_statement

__all__ = ["Assignment", "Query", "ReturnItem"]

#: a RETURN / WITH item: a variable name, "*", an expression, or `expr.as_("alias")`
ReturnItem: TypeAlias = str | Expression | Aliased
#: a SET assignment: (property or variable, value)
Assignment: TypeAlias = tuple[Expression, Any]


@dataclass(frozen=True, slots=True)
class Query:
    """A query under construction; start one with `match`, `create`, `unwind`, ...."""

    clauses: tuple[ast.Clause, ...] = ()
    values: Values = ()
    #: earlier parts of a UNION and whether each is joined to the next by UNION ALL
    unions: tuple[tuple[tuple[ast.Clause, ...], bool], ...] = ()

    # -- output ---------------------------------------------------------------------------

    @property
    def statement(self) -> ast.Statement:
        """The AST of the query (what the parser builds from `str(query)`)."""
        renamed: ast.Statement = _renamed(self._raw_statement(), self._renaming())
        return renamed

    @property
    def parameters(self) -> dict[str, Any]:
        """The Python values of the query by parameter name (`v0`, `v1`, ...)."""
        renaming = self._renaming()
        return {renaming[name]: item for name, item in self.values if name in renaming}

    def __str__(self) -> str:
        return print_statement(self.statement)

    def __repr__(self) -> str:
        return f"Query({str(self)!r}, parameters={self.parameters!r})"

    def _raw_statement(self) -> ast.Statement:
        if not self.clauses:
            raise ValueError("an empty query: start with match(), create(), unwind(), ...")
        current = ast.SingleQuery(clauses=self.clauses)
        if not self.unions:
            return ast.Statement(body=current)
        queries = tuple(ast.SingleQuery(clauses=part) for part, _ in self.unions)
        flags = tuple(flag for _, flag in self.unions)
        return ast.Statement(body=ast.UnionQuery(queries=(*queries, current), all=flags))

    def _renaming(self) -> dict[str, str]:
        """Placeholder name -> `v<n>` in order of appearance, skipping names in use."""
        raw = self._raw_statement()
        taken: set[str] = set()
        order: list[str] = []
        for found in ast.walk(raw):
            if isinstance(found, ast.Parameter):
                if found.name.startswith(PLACEHOLDER_PREFIX):
                    if found.name not in order:
                        order.append(found.name)
                else:
                    taken.add(found.name)
        renaming: dict[str, str] = {}
        number = 0
        for name in order:
            while f"v{number}" in taken:
                number += 1
            renaming[name] = f"v{number}"
            number += 1
        return renaming

    # -- reading clauses ------------------------------------------------------------------

    def _add(self, clause: ast.Clause, values: Values = ()) -> Query:
        return Query((*self.clauses, clause), self.values + values, self.unions)

    def match(self, *patterns: Path, optional: bool = False) -> Query:
        """`MATCH pattern, ...` (`OPTIONAL MATCH` with `optional=True`)."""
        if not patterns:
            raise ValueError("match() needs at least one pattern")
        values: Values = ()
        for pattern in patterns:
            values += pattern.values
        clause = ast.Match(patterns=tuple(p.node for p in patterns), where=None, optional=optional)
        return self._add(clause, values)

    def optional_match(self, *patterns: Path) -> Query:
        """`OPTIONAL MATCH pattern, ...`."""
        return self.match(*patterns, optional=True)

    def where(self, condition: Any) -> Query:
        """`WHERE condition` on the last MATCH, WITH or CALL ... YIELD (ANDed to one there)."""
        built = expression(condition)
        last = self.clauses[-1] if self.clauses else None
        if not isinstance(last, ast.Match | ast.With | ast.Call) or (
            isinstance(last, ast.Call) and last.yield_items is None
        ):
            raise ValueError("where() follows match(), with_() or call(...).yield_(...)")
        where = built.node
        if last.where is not None:
            where = ast.Binary(op=ast.BinaryOp.AND, left=last.where, right=where)
        return self._replace_last(replace(last, where=where), built.values)

    def unwind(self, items: Any, name: str) -> Query:
        """`UNWIND items AS name` (a Python list becomes one parameter)."""
        built = expression(items)
        clause = ast.Unwind(expression=built.node, variable=ast.Variable(name=name))
        return self._add(clause, built.values)

    def call(self, procedure: str, *args: Any) -> Query:
        """`CALL procedure(args)`; add `.yield_(...)` to use its fields."""
        parts = [expression(arg) for arg in args]
        values: Values = ()
        for part in parts:
            values += part.values
        clause = ast.Call(procedure=procedure, args=tuple(part.node for part in parts))
        return self._add(clause, values)

    def yield_(self, *names: str, **aliases: str) -> Query:
        """`YIELD field, ..., field AS alias` on the last CALL (`yield_("*")`: all fields)."""
        last = self.clauses[-1] if self.clauses else None
        if not isinstance(last, ast.Call):
            raise ValueError("yield_() follows call()")
        if names == ("*",) and not aliases:
            return self._replace_last(replace(last, yield_star=True, yield_items=()))
        items = [ast.YieldItem(field=ast.Variable(name=name)) for name in names]
        items += [
            ast.YieldItem(field=ast.Variable(name=field), alias=ast.Variable(name=alias))
            for alias, field in aliases.items()
        ]
        return self._replace_last(replace(last, yield_items=tuple(items)))

    # -- projections ----------------------------------------------------------------------

    def with_(self, *items: ReturnItem, distinct: bool = False, **aliased: Any) -> Query:
        """`WITH items` (`alias=expression` keywords become `expression AS alias`)."""
        projection, values = _projection(items, aliased, distinct)
        return self._add(ast.With(projection=projection), values)

    def return_(self, *items: ReturnItem, distinct: bool = False, **aliased: Any) -> Query:
        """`RETURN items` (`alias=expression` keywords become `expression AS alias`)."""
        projection, values = _projection(items, aliased, distinct)
        return self._add(ast.Return(projection=projection), values)

    def order_by(self, *keys: str | Expression | SortKey) -> Query:
        """`ORDER BY keys` of the last RETURN or WITH (`expr.desc()` for descending)."""
        sort: list[ast.SortItem] = []
        values: Values = ()
        for key in keys:
            if isinstance(key, str):
                key = Expression(ast.Variable(name=key))
            if not isinstance(key, SortKey):
                key = SortKey(expression(key))
            sort.append(ast.SortItem(expression=key.expression.node, descending=key.descending))
            values += key.expression.values
        return self._with_projection(values, order_by=tuple(sort))

    def skip(self, count: Any) -> Query:
        """`SKIP count` on the last RETURN or WITH."""
        built = expression(count)
        return self._with_projection(built.values, skip=built.node)

    def limit(self, count: Any) -> Query:
        """`LIMIT count` on the last RETURN or WITH."""
        built = expression(count)
        return self._with_projection(built.values, limit=built.node)

    def _with_projection(self, values: Values, **changes: Any) -> Query:
        last = self.clauses[-1] if self.clauses else None
        if not isinstance(last, ast.Return | ast.With):
            raise ValueError("order_by(), skip() and limit() follow return_() or with_()")
        projection = replace(last.projection, **changes)
        return self._replace_last(replace(last, projection=projection), values)

    def _replace_last(self, clause: ast.Clause, values: Values = ()) -> Query:
        return Query((*self.clauses[:-1], clause), self.values + values, self.unions)

    # -- updating clauses -----------------------------------------------------------------

    def create(self, *patterns: Path) -> Query:
        """`CREATE pattern, ...`."""
        if not patterns:
            raise ValueError("create() needs at least one pattern")
        values: Values = ()
        for pattern in patterns:
            values += pattern.values
        return self._add(ast.Create(patterns=tuple(p.node for p in patterns)), values)

    def merge(
        self,
        pattern: Path,
        *,
        on_create: Sequence[Assignment] = (),
        on_match: Sequence[Assignment] = (),
    ) -> Query:
        """`MERGE pattern [ON CREATE SET ...] [ON MATCH SET ...]`."""
        actions: list[ast.MergeAction] = []
        values = pattern.values
        for flag, assignments in ((True, on_create), (False, on_match)):
            if assignments:
                items, more = _set_items(assignments)
                actions.append(ast.MergeAction(on_create=flag, items=items))
                values += more
        return self._add(ast.Merge(pattern=pattern.node, actions=tuple(actions)), values)

    def set(self, target: Expression, value: Any, *, merge: bool = False) -> Query:
        """`SET target = value` (`SET n += map` with `merge=True` on a variable)."""
        items, values = _set_items([(target, value)], merge=merge)
        return self._add(ast.Set(items=items), values)

    def set_labels(self, target: Expression | str, *labels: str) -> Query:
        """`SET n:Label:Other`."""
        item = ast.SetLabels(variable=_variable(target), labels=labels)
        return self._add(ast.Set(items=(item,)))

    def remove(self, *targets: Expression) -> Query:
        """`REMOVE n.key, ...`."""
        items: list[ast.RemoveItem] = []
        for target in targets:
            if not isinstance(target.node, ast.PropertyAccess):
                raise ValueError("remove() takes properties such as p.age; labels: remove_labels()")
            items.append(ast.RemoveProperty(target=target.node))
        return self._add(ast.Remove(items=tuple(items)))

    def remove_labels(self, target: Expression | str, *labels: str) -> Query:
        """`REMOVE n:Label:Other`."""
        item = ast.RemoveLabels(variable=_variable(target), labels=labels)
        return self._add(ast.Remove(items=(item,)))

    def delete(self, *items: Expression | str, detach: bool = False) -> Query:
        """`DELETE items` (`DETACH DELETE` with `detach=True`)."""
        built = [
            Expression(ast.Variable(name=item)) if isinstance(item, str) else expression(item)
            for item in items
        ]
        values: Values = ()
        for part in built:
            values += part.values
        clause = ast.Delete(expressions=tuple(part.node for part in built), detach=detach)
        return self._add(clause, values)

    def detach_delete(self, *items: Expression | str) -> Query:
        """`DETACH DELETE items`."""
        return self.delete(*items, detach=True)

    # -- union ----------------------------------------------------------------------------

    def union(self, other: Query, *, all: bool = False) -> Query:
        """`self UNION other` (`UNION ALL` with `all=True`)."""
        if not self.clauses or not other.clauses:
            raise ValueError("both sides of a union need clauses")
        parts = (*self.unions, (self.clauses, all), *other.unions)
        return Query(other.clauses, self.values + other.values, parts)

    def union_all(self, other: Query) -> Query:
        """`self UNION ALL other`."""
        return self.union(other, all=True)


def _projection(
    items: Sequence[ReturnItem], aliased: Mapping[str, Any], distinct: bool
) -> tuple[ast.Projection, Values]:
    star = False
    built: list[ast.ProjectionItem] = []
    values: Values = ()
    for item in items:
        if isinstance(item, str) and item == "*":
            star = True
            continue
        alias: str | None = None
        target: str | Expression = item if not isinstance(item, Aliased) else item.expression
        if isinstance(item, Aliased):
            alias = item.alias
        if isinstance(target, str):
            part = Expression(ast.Variable(name=target))
        else:
            part = expression(target)
        values += part.values
        built.append(_item(part.node, alias))
    for name, given in aliased.items():
        part = expression(given)
        values += part.values
        built.append(_item(part.node, name))
    if not built and not star:
        raise ValueError("return_() and with_() need at least one item")
    projection = ast.Projection(items=tuple(built), distinct=distinct, star=star)
    return projection, values


def _item(node: ast.Expr, alias: str | None) -> ast.ProjectionItem:
    return ast.ProjectionItem(
        expression=node, alias=None if alias is None else ast.Variable(name=alias)
    )


def _variable(target: Expression | str) -> ast.Variable:
    if isinstance(target, str):
        return ast.Variable(name=target)
    if isinstance(target.node, ast.Variable):
        return target.node
    raise ValueError("labels are set on a variable such as var('p')")


def _set_items(
    assignments: Sequence[Assignment], *, merge: bool = False
) -> tuple[tuple[ast.SetItem, ...], Values]:
    items: list[ast.SetItem] = []
    values: Values = ()
    for target, item in assignments:
        built = expression(item)
        values += target.values + built.values
        if isinstance(target.node, ast.PropertyAccess):
            if merge:
                raise ValueError("merge=True applies to a variable: set(p, {...}, merge=True)")
            items.append(ast.SetProperty(target=target.node, value=built.node))
        elif isinstance(target.node, ast.Variable):
            items.append(ast.SetVariable(variable=target.node, value=built.node, merge=merge))
        else:
            raise ValueError("set() assigns to a property (p.age) or a variable (p)")
    return tuple(items), values


def _renamed(node: Any, renaming: Mapping[str, str]) -> Any:
    """`node` with its placeholder parameters renamed (AST nodes are rebuilt as needed)."""
    if isinstance(node, ast.Parameter):
        name = renaming.get(node.name)
        return node if name is None else replace(node, name=name)
    if isinstance(node, tuple):
        renamed = tuple(_renamed(item, renaming) for item in node)
        return node if all(a is b for a, b in zip(renamed, node, strict=True)) else renamed
    if not isinstance(node, ast.AstNode):
        return node
    changes = {}
    for item in fields(node):
        current = getattr(node, item.name)
        if isinstance(current, ast.AstNode | tuple):
            renamed = _renamed(current, renaming)
            if renamed is not current:
                changes[item.name] = renamed
    return replace(node, **changes) if changes else node
