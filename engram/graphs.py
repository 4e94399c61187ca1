"""networkx interop: stored graphs and results to networkx graphs, and networkx graphs in.

A node becomes a networkx node keyed by its id, with its properties as attributes and
its labels (a sorted list) under ``labels``; a relationship becomes an edge keyed by its
id with its properties and its type under ``type``. A property that is itself named
``labels`` (nodes) or ``type`` (relationships) is kept as ``property:labels`` /
``property:type``, and `from_networkx` reads those back, so nothing is lost.

>>> import engram, networkx as nx
>>> with engram.open() as db:
...     _ = db.execute(
...         "CREATE (:Person {name: 'Ada'})-[:KNOWS {since: 1833}]->(:Person {name: 'Alan'})"
...     )
...     graph = db.to_networkx(labels=["Person"], types=["KNOWS"])
...     sorted(graph.nodes[n]["name"] for n in graph), list(graph.edges(data="since"))
(['Ada', 'Alan'], [(0, 1, 1833)])
>>> copy = nx.MultiDiGraph()
>>> copy.add_edge("a", "b", type="LIKES", weight=0.5)
0
>>> with engram.open() as db:
...     ids = from_networkx(db, copy, label="Thing", key_property="key")
...     db.execute("MATCH (a:Thing)-[r:LIKES]->(b) RETURN a.key, r.weight, b.key").rows()
[('a', 0.5, 'b')]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from engram.builder import fn, id_, match, node, type_, var
from engram.builder import labels as labels_of
from engram.execution.gc_pause import gc_paused
from engram.execution.graph import StoreGraph

if TYPE_CHECKING:
    from engram.api import Database

__all__ = ["edge_attributes", "from_networkx", "node_attributes", "to_networkx"]

LABELS: Final = "labels"
TYPE: Final = "type"
_KEPT: Final = "property:"
_BATCH: Final = 10_000


def node_attributes(labels: Iterable[str], properties: Mapping[str, Any]) -> dict[str, Any]:
    """The networkx attributes of a node."""
    attributes = {(_KEPT + k if k == LABELS else k): v for k, v in properties.items()}
    attributes[LABELS] = sorted(labels)
    return attributes


def edge_attributes(rel_type: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    """The networkx attributes of an edge."""
    attributes = {(_KEPT + k if k == TYPE else k): v for k, v in properties.items()}
    attributes[TYPE] = rel_type
    return attributes


def to_networkx(
    db: Database, labels: Sequence[str] | None = None, types: Sequence[str] | None = None
) -> Any:
    """The nodes with any of `labels` and the relationships of `types` between them.

    None (or empty) means every node / every relationship type. The result is a
    networkx.MultiDiGraph keyed by node and relationship ids.
    """
    import networkx

    graph = networkx.MultiDiGraph()
    n = var("n")
    nodes = match(node(n))
    if labels:
        condition = n.has_labels(labels[0])
        for label in labels[1:]:
            condition = condition | n.has_labels(label)
        nodes = nodes.where(condition)
    with db.transaction() as tx:
        query = nodes.return_(id_(n), labels_of(n), fn.properties(n))
        for node_id, node_labels, properties in tx.execute(query):
            graph.add_node(node_id, **node_attributes(node_labels, properties))
        a, r, b = var("a"), var("r"), var("b")
        pattern = node(a).to(node(b), *(types or ()), var="r")
        rels = match(pattern).return_(id_(r), id_(a), id_(b), type_(r), fn.properties(r))
        for rel_id, start, end, rel_type, properties in tx.execute(rels):
            if start in graph and end in graph:
                graph.add_edge(start, end, key=rel_id, **edge_attributes(rel_type, properties))
    return graph


def from_networkx(
    db: Database,
    graph: Any,
    *,
    label: str | None = None,
    type: str = "RELATED",
    key_property: str | None = None,
    batch_size: int = _BATCH,
) -> dict[Hashable, int]:
    """Load a networkx graph (any of the four kinds) in one transaction.

    Writes through the storage layer in batches of `batch_size` and commits once (a
    bad value rolls everything back). Node attributes become properties; a ``labels``
    attribute (a name or a list) gives the labels, else `label`. Edge attributes
    become properties; a ``type`` attribute gives the type, else `type`. Undirected
    edges are stored in the direction networkx lists them. `key_property` stores each
    networkx node key as that property. Values are checked as stored properties
    (numpy scalars and arrays become numbers and lists; None means no property).

    Returns:
        networkx node key -> engram node id.
    """
    ids: dict[Hashable, int] = {}
    with gc_paused(), db.begin_write() as transaction:
        writer = StoreGraph(transaction)
        for node_labels, keys, rows in _node_groups(graph, label, key_property, batch_size):
            created = writer.create_nodes(node_labels, rows)
            ids.update(zip(keys, created, strict=True))
        for rel_type, starts, ends, rows in _edge_groups(graph, type, ids, batch_size):
            writer.create_relationships(rel_type, starts, ends, rows)
        transaction.commit()
    return ids


def _node_groups(
    graph: Any, label: str | None, key_property: str | None, batch_size: int
) -> Iterator[tuple[tuple[str, ...], list[Hashable], list[dict[str, Any]]]]:
    groups: dict[tuple[str, ...], tuple[list[Hashable], list[dict[str, Any]]]] = {}
    for key, data in graph.nodes(data=True):
        attributes = dict(data)
        given = attributes.pop(LABELS, None)
        if given is None:
            node_labels: tuple[str, ...] = () if label is None else (label,)
        elif isinstance(given, str):
            node_labels = (given,)
        else:
            node_labels = tuple(str(item) for item in given)
        properties = _properties(attributes, LABELS)
        if key_property is not None:
            properties[key_property] = _plain(key)
        keys, rows = groups.setdefault(tuple(sorted(set(node_labels))), ([], []))
        keys.append(key)
        rows.append(properties)
    for node_labels, (keys, rows) in groups.items():
        for start in range(0, len(rows), batch_size):
            yield node_labels, keys[start : start + batch_size], rows[start : start + batch_size]


def _edge_groups(
    graph: Any, default_type: str, ids: Mapping[Hashable, int], batch_size: int
) -> Iterator[tuple[str, list[int], list[int], list[dict[str, Any]]]]:
    groups: dict[str, tuple[list[int], list[int], list[dict[str, Any]]]] = {}
    for start, end, data in graph.edges(data=True):
        attributes = dict(data)
        rel_type = str(attributes.pop(TYPE, None) or default_type)
        starts, ends, rows = groups.setdefault(rel_type, ([], [], []))
        starts.append(ids[start])
        ends.append(ids[end])
        rows.append(_properties(attributes, TYPE))
    for rel_type, (starts, ends, rows) in groups.items():
        for first in range(0, len(rows), batch_size):
            last = first + batch_size
            yield rel_type, starts[first:last], ends[first:last], rows[first:last]


def _properties(attributes: Mapping[str, Any], reserved: str) -> dict[str, Any]:
    kept = _KEPT + reserved
    out: dict[str, Any] = {}
    for key, item in attributes.items():
        name = reserved if key == kept else str(key)
        out[name] = _plain(item)
    return out


def _plain(item: Any) -> Any:
    """Tuples, sets, numpy scalars and arrays as plain Python values."""
    tolist = getattr(item, "tolist", None)
    if tolist is not None and type(item).__module__ == "numpy":
        return tolist()
    if isinstance(item, tuple | set | frozenset):
        return [_plain(element) for element in item]
    if isinstance(item, list):
        return [_plain(element) for element in item]
    if isinstance(item, dict):
        return {str(k): _plain(v) for k, v in item.items()}
    return item
