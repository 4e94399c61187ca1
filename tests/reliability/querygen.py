"""Random small graphs and random read queries for differential and metamorphic testing.

The graphs have one node label ``N`` (a unique ``id`` and nullable integer ``x``, ``y``
and string ``s``) and two relationship types ``R`` and ``S`` (nullable integer ``w``),
self-loops and parallel relationships included: small enough that every query answers
in milliseconds, dense enough that patterns, NULLs and cycles are common. The queries
stay inside the language engram and Kùzu share with the same meaning (see
docs/reliability.md, "Known dialect differences", for what is left out and why).

`QueryGen` builds queries from a seeded `random.Random`: predicates over three-valued
logic (comparisons, IS NULL, IN with NULLs, arithmetic, AND / OR / XOR / NOT), patterns
in both directions, OPTIONAL MATCH, aggregation with NULL group keys, ORDER BY with a
total order, SKIP / LIMIT, DISTINCT, WITH ... WHERE and variable-length patterns.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class GraphData:
    """A generated graph: nodes (id, x, y, s) and relationships (type, start, end, w)."""

    nodes: tuple[tuple[int, int | None, int | None, str | None], ...]
    rels: tuple[tuple[str, int, int, int | None], ...]


@dataclass(frozen=True, slots=True)
class Query:
    """A query; `ordered` when its rows come in a total order (compare as a sequence)."""

    text: str
    ordered: bool = False


def random_graph(rng: random.Random) -> GraphData:
    """A graph of 0 to 14 nodes and up to 3 relationships per node."""
    count = rng.choice([0, 1, 2, 3, 5, 8, 10, 14])

    def maybe(value: Any) -> Any:
        return None if rng.random() < 0.25 else value

    nodes = tuple(
        (
            node_id,
            maybe(rng.randint(-2, 4)),
            maybe(rng.randint(0, 3)),
            maybe(rng.choice(["", "a", "ab", "b", "ba"])),
        )
        for node_id in range(1, count + 1)
    )
    rels = tuple(
        (rng.choice("RS"), rng.randint(1, count), rng.randint(1, count), maybe(rng.randint(0, 3)))
        for _ in range(rng.randint(0, 3 * count) if count else 0)
    )
    return GraphData(nodes, rels)


def load_statements(graph: GraphData) -> list[tuple[str, dict[str, Any]]]:
    """Statements (with parameters) that create `graph` in either engine."""
    statements: list[tuple[str, dict[str, Any]]] = []
    for node_id, x, y, s in graph.nodes:
        values = {"id": node_id, "x": x, "y": y, "s": s}
        present = {key: value for key, value in values.items() if value is not None}
        keys = ", ".join(f"{key}: ${key}" for key in present)
        statements.append((f"CREATE (:N {{{keys}}})", present))
    for rel_type, start, end, w in graph.rels:
        props = "" if w is None else " {w: $w}"
        text = f"MATCH (a:N {{id: $a}}), (b:N {{id: $b}}) CREATE (a)-[:{rel_type}{props}]->(b)"
        params: dict[str, Any] = {"a": start, "b": end}
        if w is not None:
            params["w"] = w
        statements.append((text, params))
    return statements


def normalise(value: Any) -> Any:
    """A value in a form both engines' answers compare in (Decimal -> int, floats rounded)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, (list, tuple)):
        return tuple(normalise(item) for item in value)
    return value


def _sort_key(row: Row) -> tuple[Any, ...]:
    return tuple((value is None, type(value).__name__, repr(value)) for value in row)


def canonical(rows: list[Row], ordered: bool) -> list[Row]:
    """Rows normalised, sorted unless their order is part of the answer."""
    normal = [tuple(normalise(value) for value in row) for row in rows]
    return normal if ordered else sorted(normal, key=_sort_key)


class QueryGen:
    """Random queries over the `random_graph` schema."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    # -- expressions ---------------------------------------------------------------------

    def literal(self) -> str:
        return self.rng.choice(["-1", "0", "1", "2", "3", "NULL"])

    def integer(self, names: tuple[str, ...]) -> str:
        """An integer-valued (possibly NULL) expression over the properties of `names`."""
        rng = self.rng
        roll = rng.random()
        nodes = [name for name in names if name != "r"]
        if roll < 0.55:
            return f"{rng.choice(nodes)}.{rng.choice('xy')}"
        if roll < 0.7:
            return self.literal()
        if roll < 0.8 and "r" in names:
            return "r.w"
        left = f"{rng.choice(nodes)}.{rng.choice('xy')}"
        operator = rng.choice(["+", "-", "*"])
        return f"({left} {operator} {self.literal()})"

    def predicate(self, names: tuple[str, ...], depth: int = 0) -> str:
        """A boolean (possibly NULL) expression."""
        rng = self.rng
        roll = rng.random()
        if depth < 2 and roll < 0.3:
            operator = rng.choice(["AND", "OR", "XOR"])
            left = self.predicate(names, depth + 1)
            right = self.predicate(names, depth + 1)
            return f"({left} {operator} {right})"
        if depth < 2 and roll < 0.4:
            return f"NOT ({self.predicate(names, depth + 1)})"
        if roll < 0.55:
            negation = rng.choice(["", " NOT"])
            return f"{self.integer(names)} IS{negation} NULL"
        if roll < 0.65:
            # Kùzu: NULL IN [] is NULL and 3 IN [1, NULL] is false (Cypher: false, NULL)
            items = ", ".join(
                rng.choice(["-1", "0", "1", "2", "3"]) for _ in range(rng.randint(1, 3))
            )
            return f"{self.integer(names)} IN [{items}]"
        if roll < 0.72:
            name = rng.choice([name for name in names if name != "r"])
            operator = rng.choice(["STARTS WITH", "ENDS WITH", "CONTAINS", "=", "<"])
            # Kùzu: x CONTAINS '' is false (Cypher: true)
            needles = ["a", "b", "ab"] if operator == "CONTAINS" else ["", "a", "b", "ab"]
            return f"{name}.s {operator} '{rng.choice(needles)}'"
        operator = rng.choice(["=", "<>", "<", "<=", ">", ">="])
        return f"{self.integer(names)} {operator} {self.integer(names)}"

    # -- patterns ------------------------------------------------------------------------

    def edge(self, variable: str = "r") -> str:
        """A directed relationship pattern between a and b, either way round."""
        rel_type = self.rng.choice(["R", "S", "R|S"])
        if self.rng.random() < 0.5:
            return f"(a:N)-[{variable}:{rel_type}]->(b:N)"
        return f"(b:N)<-[{variable}:{rel_type}]-(a:N)"

    # -- queries -------------------------------------------------------------------------

    def query(self) -> Query:
        """One random query of a random shape."""
        shape = self.rng.choice(self._SHAPES)
        return getattr(self, shape)()  # type: ignore[no-any-return]

    _SHAPES = (
        "node_filter",
        "edge_filter",
        "optional",
        "aggregate",
        "ordered",
        "variable_length",
        "two_hops",
        "with_where",
        "distinct",
        "undirected",
    )

    def node_filter(self) -> Query:
        return Query(f"MATCH (a:N) WHERE {self.predicate(('a',))} RETURN a.id, a.x, a.s")

    def edge_filter(self) -> Query:
        where = self.predicate(("a", "b", "r"))
        return Query(f"MATCH {self.edge()} WHERE {where} RETURN a.id, b.id, r.w")

    def optional(self) -> Query:
        # Kùzu drops every match of an OPTIONAL MATCH whose WHERE reads an outer variable
        where = self.predicate(("b", "r"))
        first = self.predicate(("a",)) if self.rng.random() < 0.5 else "true"
        return Query(
            f"MATCH (a:N) WHERE {first} OPTIONAL MATCH {self.edge()} WHERE {where} "
            "RETURN a.id, b.id, r.w"
        )

    def aggregate(self) -> Query:
        rng = self.rng
        key = rng.choice(["a.x", "a.y", "a.s", "b.x", "r.w"])
        aggregates = rng.sample(
            ["count(*)", "count(b.x)", "coalesce(sum(b.y), 0)", "min(b.x)", "max(r.w)",
             "count(DISTINCT a.x)", "coalesce(sum(a.x * 2), 0)", "min(a.s)", "max(b.s)"],
            rng.randint(1, 3),
        )  # fmt: skip
        distinct = [aggregate for aggregate in aggregates if "DISTINCT" in aggregate]
        if distinct:  # Kùzu: grouped DISTINCT aggregates beside others give them NULL
            aggregates = distinct
        where = f" WHERE {self.predicate(('a', 'b', 'r'))}" if rng.random() < 0.6 else ""
        columns = ", ".join(aggregates)
        if rng.random() < 0.2:
            return Query(f"MATCH {self.edge()}{where} RETURN {columns}")
        return Query(f"MATCH {self.edge()}{where} RETURN {key} AS k, {columns}")

    def ordered(self) -> Query:
        rng = self.rng
        keys = [
            f"{rng.choice(['a.x', 'a.y', 'a.s', '(a.x + a.y)'])} {rng.choice(['', 'ASC', 'DESC'])}"
            for _ in range(rng.randint(1, 2))
        ]
        keys.append(f"a.id {rng.choice(['', 'DESC'])}")  # a total order
        page = ""
        if rng.random() < 0.6:
            page = f" SKIP {rng.randint(0, 3)} LIMIT {rng.randint(0, 6)}"
        where = f" WHERE {self.predicate(('a',))}" if rng.random() < 0.5 else ""
        order = ", ".join(key.strip() for key in keys)
        return Query(f"MATCH (a:N){where} RETURN a.id, a.x, a.y ORDER BY {order}{page}", True)

    def variable_length(self) -> Query:
        rng = self.rng
        upper = rng.randint(1, 3)
        rel_type = rng.choice(["R", "S", "R|S"])
        start = rng.randint(1, 8)
        arrow = rng.choice([("-", "->"), ("<-", "-")])
        pattern = f"(a:N {{id: {start}}}){arrow[0]}[:{rel_type}*1..{upper}]{arrow[1]}(b:N)"
        if rng.random() < 0.5:
            return Query(f"MATCH {pattern} RETURN DISTINCT b.id")
        return Query(f"MATCH {pattern} WHERE {self.predicate(('b',))} RETURN count(DISTINCT b.id)")

    def two_hops(self) -> Query:
        where = self.predicate(("a", "b", "c"))
        return Query(f"MATCH (a:N)-[:R]->(b:N)<-[:S]-(c:N) WHERE {where} RETURN a.id, b.id, c.id")

    def with_where(self) -> Query:
        threshold = self.rng.randint(0, 3)
        return Query(
            f"MATCH {self.edge()} WITH a, count(b) AS c, coalesce(sum(r.w), 0) AS t "
            f"WHERE c > {threshold} "
            "RETURN a.id, c, t"
        )

    def distinct(self) -> Query:
        column = self.rng.choice(["a.x", "a.y", "a.s", "b.x", "a.x + b.y"])
        return Query(f"MATCH {self.edge()} RETURN DISTINCT {column} AS v")

    def undirected(self) -> Query:
        where = self.predicate(("a", "b", "r"))
        # a self-loop matches an undirected pattern once in engram, twice in Kùzu
        return Query(
            f"MATCH (a:N)-[r:R]-(b:N) WHERE a.id <> b.id AND ({where}) RETURN a.id, b.id, r.w"
        )
