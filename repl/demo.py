"""The bundled demo graph (`engram shell --demo`) and the welcome text of its examples.

The graph (``engram/demo/movies.cypher``, package data) holds films, the people who made
them and their genres, with a small genre embedding on every film. `EXAMPLES` are the
queries the welcome text suggests; the test suite runs each one against the demo graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Final

import engram
from engram.repl.scanner import split_script

__all__ = ["EXAMPLES", "Example", "demo_script", "load_demo", "welcome_text"]

DEMO_FILE: Final = "demo/movies.cypher"


@dataclass(frozen=True, slots=True)
class Example:
    """One suggested query: what it shows and its text."""

    caption: str
    text: str
    needs_function: str | None = None


EXAMPLES: Final[tuple[Example, ...]] = (
    Example(
        "who played whom in The Matrix",
        "MATCH (p:Person)-[r:ACTED_IN]->(m:Movie {title: 'The Matrix'})\n"
        "RETURN p.name AS actor, r.roles AS roles ORDER BY actor;",
    ),
    Example(
        "the busiest actors (aggregation)",
        "MATCH (p:Person)-[:ACTED_IN]->(m:Movie)\n"
        "RETURN p.name AS actor, count(m) AS films, collect(m.title) AS titles\n"
        "ORDER BY films DESC, actor LIMIT 5;",
    ),
    Example(
        "Kevin Bacon to Keanu Reeves (shortest path)",
        "MATCH (a:Person {name: 'Kevin Bacon'}), (b:Person {name: 'Keanu Reeves'}),\n"
        "      path = shortestPath((a)-[:ACTED_IN*]-(b))\n"
        "RETURN [n IN nodes(path) | coalesce(n.name, n.title)] AS chain;",
    ),
    Example(
        "films like The Matrix (vector similarity, answered by an HNSW index)",
        "MATCH (m:Movie {title: 'The Matrix'}), (other:Movie) WHERE other <> m\n"
        "WITH other, vector.similarity.cosine(other.embedding, m.embedding) AS score\n"
        "ORDER BY score DESC LIMIT 3\n"
        "RETURN other.title AS film, round(score, 3) AS similarity;",
        needs_function="vector.similarity.cosine",
    ),
    Example(
        "co-stars of co-stars Tom Hanks has not worked with (recommendation)",
        "MATCH (tom:Person {name: 'Tom Hanks'})-[:ACTED_IN]->()<-[:ACTED_IN]-(co),\n"
        "      (co)-[:ACTED_IN]->()<-[:ACTED_IN]-(other)\n"
        "WHERE other <> tom AND NOT (tom)-[:ACTED_IN]->()<-[:ACTED_IN]-(other)\n"
        "RETURN other.name AS suggestion, count(DISTINCT co) AS via\n"
        "ORDER BY via DESC, suggestion LIMIT 5;",
    ),
)


def demo_script() -> str:
    """The Cypher script that builds the demo graph."""
    return resources.files("engram").joinpath(DEMO_FILE).read_text(encoding="utf-8")


def load_demo(database: engram.Database) -> None:
    """Build the demo graph in `database` (one transaction per statement of the script)."""
    for piece in split_script(demo_script()):
        database.execute(piece.text)


def available_examples() -> tuple[Example, ...]:
    """The examples whose functions this build has."""
    names = {info.name.lower() for info in engram.functions()}
    return tuple(
        example
        for example in EXAMPLES
        if example.needs_function is None or example.needs_function.lower() in names
    )


def welcome_text(name: str, *, color: bool) -> str:
    """The greeting of `engram shell --demo`: what the graph holds and what to try."""
    bold, dim, reset = ("\x1b[1m", "\x1b[2m", "\x1b[0m") if color else ("", "", "")
    lines = [
        f"{bold}engram demo{reset}: a temporary database '{name}' with films, the people who",
        "made them and their genres (removed when you quit). Try:",
        "",
    ]
    for example in available_examples():
        lines.append(f"{dim}// {example.caption}{reset}")
        lines.append(example.text)
        lines.append("")
    lines.append(f"{dim}:schema shows the graph and :help the commands. Statements end with ';'")
    lines.append(f"and may span lines; Tab completes, Ctrl-C cancels, Ctrl-D quits.{reset}")
    return "\n".join(lines)
