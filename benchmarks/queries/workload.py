"""The benchmark's queries: what each measures and its text for every engine.

engram's text is written as a user writes it, with `$parameters` only. Kùzu gets each of
its forms (a prepared statement with parameters, the same text with the values written
in, and where one exists an equivalent formulation Kùzu runs faster); the harness times
them all on the warm-up parameters and measures the fastest. grand-cypher has no
parameters, so its text gets the values written in; `None` means it cannot express the
query. Where engines differ in semantics the texts pin the same answer down: grand-cypher
matches patterns with distinct nodes, so the Cypher texts say `c <> a` explicitly.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

__all__ = [
    "QUERIES",
    "QUERY_NAMES",
    "WRITE",
    "KuzuForm",
    "QuerySpec",
    "render_literals",
]

VECTOR_INDEX: Final = "person_embedding"


@dataclass(frozen=True, slots=True)
class KuzuForm:
    """One way to send a query to Kùzu.

    `mode` is "prepared" (prepared once, executed with parameters: Kùzu 0.11 deprecates
    this API but it is still there), "parameters" (`execute(text, parameters)` per call,
    the API Kùzu recommends) or "literal" (the values written into the text).
    """

    name: str
    text: str
    mode: str


@dataclass(frozen=True, slots=True)
class QuerySpec:
    """One query of the workload."""

    name: str
    title: str
    engram: str
    kuzu: tuple[KuzuForm, ...]
    grand_cypher: str | None
    # median latency ratio engram / Kùzu to reach at 100,000 persons (issue 11)
    target: float | None
    # a write cannot run twice with the same parameters (ids are unique)
    is_write: bool = False


def _kuzu_forms(text: str, *, prefix: str = "") -> tuple[KuzuForm, ...]:
    return tuple(
        KuzuForm(prefix + mode, text, mode) for mode in ("prepared", "parameters", "literal")
    )


_Q6_KUZU: Final = (
    "MATCH (a:Person {id: $id})-[:KNOWS*1..3]->(c:Person) WHERE c <> a RETURN count(DISTINCT c)"
)
_Q6_KUZU_SHORTEST: Final = (
    "MATCH (a:Person {id: $id})-[:KNOWS* SHORTEST 1..3]->(c:Person) WHERE c <> a "
    "RETURN count(DISTINCT c)"
)

QUERIES: Final[tuple[QuerySpec, ...]] = (
    QuerySpec(
        name="Q1",
        title="point lookup by indexed id",
        engram=(
            "MATCH (p:Person {id: $id}) "
            "RETURN p.firstName AS firstName, p.lastName AS lastName, p.age AS age"
        ),
        kuzu=_kuzu_forms("MATCH (p:Person {id: $id}) RETURN p.firstName, p.lastName, p.age"),
        grand_cypher="MATCH (p:Person {id: $id}) RETURN p.firstName, p.lastName, p.age",
        target=1.0,
    ),
    QuerySpec(
        name="Q2",
        title="1-hop neighbours with properties",
        engram=(
            "MATCH (p:Person {id: $id})-[k:KNOWS]->(f:Person) "
            "RETURN f.id AS id, f.firstName AS firstName, f.lastName AS lastName, "
            "k.since AS since"
        ),
        kuzu=_kuzu_forms(
            "MATCH (p:Person {id: $id})-[k:KNOWS]->(f:Person) "
            "RETURN f.id, f.firstName, f.lastName, k.since"
        ),
        grand_cypher=(
            "MATCH (p:Person {id: $id})-[k:KNOWS]->(f:Person) "
            "RETURN f.id, f.firstName, f.lastName, k.since"
        ),
        target=0.5,
    ),
    QuerySpec(
        name="Q3",
        title="2-hop distinct count",
        engram=(
            "MATCH (a:Person {id: $id})-[:KNOWS]->(:Person)-[:KNOWS]->(c:Person) "
            "WHERE c <> a RETURN count(DISTINCT c) AS reach"
        ),
        kuzu=_kuzu_forms(
            "MATCH (a:Person {id: $id})-[:KNOWS]->(:Person)-[:KNOWS]->(c:Person) "
            "WHERE c <> a RETURN count(DISTINCT c)"
        ),
        grand_cypher=(
            "MATCH (a:Person {id: $id})-[:KNOWS]->(b:Person)-[:KNOWS]->(c:Person) "
            "WHERE c.id <> $id RETURN DISTINCT c.id"
        ),
        target=0.5,
    ),
    QuerySpec(
        name="Q4",
        title="group-by: persons per city, average age, top 10",
        engram=(
            "MATCH (p:Person)-[:LIVES_IN]->(c:City) "
            "RETURN c.name AS city, count(p) AS persons, avg(p.age) AS avgAge "
            "ORDER BY persons DESC, city ASC LIMIT 10"
        ),
        kuzu=_kuzu_forms(
            "MATCH (p:Person)-[:LIVES_IN]->(c:City) "
            "RETURN c.name AS city, count(p) AS persons, avg(p.age) AS avgAge "
            "ORDER BY persons DESC, city ASC LIMIT 10"
        )[:2],
        grand_cypher=(
            "MATCH (p:Person)-[:LIVES_IN]->(c:City) "
            "RETURN c.name, COUNT(p), AVG(p.age) ORDER BY COUNT(p) DESC, c.name LIMIT 10"
        ),
        target=1.0,
    ),
    QuerySpec(
        name="Q5",
        title="shortest path length, undirected, up to 6 hops",
        engram=(
            "MATCH p = shortestPath((a:Person {id: $source})-[:KNOWS*..6]-"
            "(b:Person {id: $target})) RETURN length(p) AS hops"
        ),
        kuzu=_kuzu_forms(
            "MATCH (a:Person {id: $source})-[e:KNOWS* SHORTEST 1..6]-(b:Person {id: $target}) "
            "RETURN length(e)"
        ),
        grand_cypher=None,
        target=0.5,
    ),
    QuerySpec(
        name="Q6",
        title="[:KNOWS*1..3] distinct count",
        engram=(
            "MATCH (a:Person {id: $id})-[:KNOWS*1..3]->(c:Person) "
            "WHERE c <> a RETURN count(DISTINCT c) AS reach"
        ),
        kuzu=_kuzu_forms(_Q6_KUZU) + _kuzu_forms(_Q6_KUZU_SHORTEST, prefix="shortest-"),
        grand_cypher=(
            "MATCH (a:Person {id: $id})-[:KNOWS*1..3]->(c:Person) "
            "WHERE c.id <> $id RETURN DISTINCT c.id"
        ),
        target=0.5,
    ),
    QuerySpec(
        name="Q7",
        title="filtered scan count on two properties",
        engram=(
            "MATCH (p:Person) WHERE p.firstName = $firstName AND p.age >= $minAge "
            "RETURN count(p) AS matches"
        ),
        kuzu=_kuzu_forms(
            "MATCH (p:Person) WHERE p.firstName = $firstName AND p.age >= $minAge RETURN count(p)"
        ),
        grand_cypher=(
            "MATCH (p:Person) WHERE p.firstName == $firstName AND p.age >= $minAge RETURN COUNT(p)"
        ),
        target=1.0,
    ),
    QuerySpec(
        name="Q8",
        title="vector top-10 by cosine (HNSW)",
        engram=(
            "MATCH (p:Person) RETURN p.id AS id "
            "ORDER BY vector.similarity.cosine(p.embedding, $vector) DESC LIMIT 10"
        ),
        kuzu=_kuzu_forms(
            f"CALL QUERY_VECTOR_INDEX('Person', '{VECTOR_INDEX}', $vector, 10) "
            "RETURN node.id ORDER BY distance"
        ),
        grand_cypher=None,
        target=0.5,
    ),
)

WRITE: Final = QuerySpec(
    name="W1",
    title="single-node durable CREATE",
    engram=(
        "CREATE (:Person {id: $id, firstName: $firstName, lastName: $lastName, age: $age, "
        "cityId: $cityId})"
    ),
    kuzu=_kuzu_forms(
        "CREATE (:Person {id: $id, firstName: $firstName, lastName: $lastName, "
        "age: $age, cityId: $cityId})"
    )[:2],
    grand_cypher=None,
    target=None,
    is_write=True,
)

QUERY_NAMES: Final = tuple(query.name for query in QUERIES)

_PARAMETER: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def render_literals(text: str, params: Mapping[str, object], *, quote: str = "'") -> str:
    """`text` with every `$name` replaced by the literal of its value.

    Strings are quoted with `quote` (grand-cypher only reads double quotes); integers,
    floats and lists of them are written as they are.
    """

    def literal(match: re.Match[str]) -> str:
        return _literal(params[match.group(1)], quote)

    return _PARAMETER.sub(literal, text)


def _literal(value: object, quote: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote)
        return f"{quote}{escaped}{quote}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(item, quote) for item in value) + "]"
    raise TypeError(f"no literal form for {json.dumps(value, default=str)}")
