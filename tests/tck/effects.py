"""Side effects of a query as the difference of two graph snapshots (`shared/TCK.md` §5).

A snapshot holds the node and relationship ids, the set of distinct labels present on any
node, and every `(element, key, value)` property triple with type-aware value equality.
The eight counters are set differences between the snapshot before and the one after the
query under test, so effects that are not observable (`CREATE (n) DELETE n`) cancel out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from engram.values import Node, Relationship
from tests.tck.compare import Key, value_key
from tests.tck.gherkin import Table

__all__ = [
    "COUNTERS",
    "GraphSnapshot",
    "compare_side_effects",
    "expected_side_effects",
    "side_effects",
    "snapshot_of",
]

COUNTERS: Final = (
    "+nodes",
    "-nodes",
    "+relationships",
    "-relationships",
    "+labels",
    "-labels",
    "+properties",
    "-properties",
)


@dataclass(frozen=True, slots=True)
class GraphSnapshot:
    """The observable state of a graph, as sets (see the module docstring)."""

    nodes: frozenset[int]
    relationships: frozenset[int]
    labels: frozenset[str]
    properties: frozenset[tuple[str, int, str, Key]]


def snapshot_of(nodes: Iterable[Node], relationships: Iterable[Relationship]) -> GraphSnapshot:
    """Build a snapshot from every node and relationship of a graph."""
    node_ids: set[int] = set()
    rel_ids: set[int] = set()
    labels: set[str] = set()
    properties: set[tuple[str, int, str, Key]] = set()
    for node in nodes:
        node_ids.add(node.id)
        labels.update(node.labels)
        properties.update(_triples("node", node.id, node.properties))
    for rel in relationships:
        rel_ids.add(rel.id)
        properties.update(_triples("relationship", rel.id, rel.properties))
    return GraphSnapshot(
        frozenset(node_ids), frozenset(rel_ids), frozenset(labels), frozenset(properties)
    )


def _triples(
    kind: str, element: int, properties: Mapping[str, Any]
) -> Iterable[tuple[str, int, str, Key]]:
    # type-aware: 1 and 1.0 differ, a date differs from its text
    return (
        (kind, element, key, value_key(value, temporal_as_text=False))
        for key, value in properties.items()
    )


def side_effects(before: GraphSnapshot, after: GraphSnapshot) -> dict[str, int]:
    """The eight counters between two snapshots.

    >>> empty = snapshot_of([], [])
    >>> side_effects(empty, snapshot_of([Node(1, frozenset({"L"}), {"k": 1})], []))["+labels"]
    1
    """
    pairs = {
        "nodes": (before.nodes, after.nodes),
        "relationships": (before.relationships, after.relationships),
        "labels": (before.labels, after.labels),
        "properties": (before.properties, after.properties),
    }
    counters: dict[str, int] = {}
    for name, (old, new) in pairs.items():
        counters[f"+{name}"] = len(new - old)
        counters[f"-{name}"] = len(old - new)
    return {name: counters[name] for name in COUNTERS}


def expected_side_effects(table: Table | None) -> dict[str, int]:
    """The counters a side-effects table lists (unlisted ones are 0); None means none at all.

    Raises:
        ValueError: an unknown counter name, a repeated one, or a count that is not a
            non-negative integer.
    """
    expected = dict.fromkeys(COUNTERS, 0)
    seen: set[str] = set()
    for row in table.rows if table is not None else ():
        if len(row) != 2:
            raise ValueError(f"a side-effects row has two cells, not {len(row)}: {row}")
        name, count = row
        if name not in expected:
            raise ValueError(f"unknown side-effect counter {name!r} (known: {', '.join(COUNTERS)})")
        if name in seen:
            raise ValueError(f"side-effect counter {name!r} is listed twice")
        if not count.isdigit():
            raise ValueError(f"side-effect count for {name!r} is not a number: {count!r}")
        seen.add(name)
        expected[name] = int(count)
    return expected


def compare_side_effects(expected: dict[str, int], actual: dict[str, int]) -> str | None:
    """None when the counters agree, else which ones differ."""
    wrong = [name for name in COUNTERS if expected.get(name, 0) != actual.get(name, 0)]
    if not wrong:
        return None
    details = ", ".join(
        f"{name} expected {expected.get(name, 0)} got {actual[name]}" for name in wrong
    )
    return f"side effects differ: {details}"
