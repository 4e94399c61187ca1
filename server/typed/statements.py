"""Query text for the typed fields: listings, counts, relationship fields and mutations.

Every statement is built from quoted names and `$p<n>` parameters only (see
`engram.server.typed.inputs.Params`); nothing a client sends is ever spliced into the text.
The variable names `n` (the listed node), `r` (the relationship) and `_a`, `_pid`,
`_row` are the generator's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from engram.server.typed.cursors import SortKey, sort_expression
from engram.server.typed.inputs import Params, ident
from engram.server.typed.model import LinkModel, PropertyModel, VectorModel
from engram.server.typed.scalars import input_expression

__all__ = [
    "Nearest",
    "assignments",
    "count_links",
    "count_nodes",
    "create_node",
    "create_nodes",
    "create_relationship",
    "delete_node",
    "delete_relationship",
    "select_links",
    "select_nodes",
    "update_nodes",
    "update_relationship",
]

_SIMILARITY = {"cosine": "vector.similarity.cosine", "l2": "vector.similarity.euclidean"}


@dataclass(frozen=True, slots=True)
class Nearest:
    """A vector search: the index, the query vector and how many nodes."""

    vector: VectorModel
    query: list[float]
    k: int


def _where(conditions: Sequence[str | None]) -> str:
    present = [condition for condition in conditions if condition]
    if not present:
        return ""
    return " WHERE " + " AND ".join(f"({condition})" for condition in present)


def _order(keys: Sequence[SortKey], var: str, tiebreak: str, descending: bool) -> str:
    parts = [f"{sort_expression(prop, var)} {'DESC' if desc else 'ASC'}" for prop, desc in keys]
    parts.append(f"{tiebreak} {'DESC' if descending else 'ASC'}")
    return " ORDER BY " + ", ".join(parts)


def _page(skip: int | None, limit: int | None, params: Params) -> str:
    text = ""
    if skip:
        text += f" SKIP {params.add(skip)}"
    if limit is not None:
        text += f" LIMIT {params.add(limit)}"
    return text


def select_nodes(
    label: str,
    conditions: Sequence[str | None],
    keys: Sequence[SortKey],
    params: Params,
    *,
    skip: int | None = None,
    limit: int | None = None,
    descending_tiebreak: bool = False,
    nearest: Nearest | None = None,
) -> str:
    """Nodes with `label` matching `conditions`, sorted by `keys` then id; returns n [_score]."""
    head = f"MATCH (n:{ident(label)}){_where(conditions)}"
    if nearest is None:
        order = _order(keys, "n", "id(n)", descending_tiebreak)
        return f"{head} RETURN n{order}{_page(skip, limit, params)}"
    vector = params.add(nearest.query)
    function = _SIMILARITY.get(nearest.vector.metric)
    if function is None:
        # the inner product has no similarity function: ask the index for k candidates
        return (
            f"CALL db.index.vector.queryNodes({params.add(nearest.vector.index)}, "
            f"{params.add(nearest.k)}, {vector}) YIELD node AS n, score AS _score"
            f"{_where(conditions)} RETURN n, _score ORDER BY _score DESC, id(n) ASC"
            f"{_page(skip, None, params)}"
        )
    score = f"{function}(n.{ident(nearest.vector.key)}, {vector})"
    return (
        f"{head} WITH n, {score} AS _score WHERE _score IS NOT NULL "
        f"RETURN n, _score ORDER BY _score DESC, id(n) ASC{_page(skip, nearest.k, params)}"
    )


def count_nodes(label: str, conditions: Sequence[str | None]) -> str:
    """How many nodes with `label` match `conditions`."""
    return f"MATCH (n:{ident(label)}){_where(conditions)} RETURN count(n) AS count"


def _link_pattern(link: LinkModel) -> str:
    rel = f"[r:{ident(link.rel_type)}]"
    target = f"(n:{ident(link.target)})"
    return f"(_a)-{rel}->{target}" if link.direction == "out" else f"(_a)<-{rel}-{target}"


def select_links(
    link: LinkModel,
    parents: Sequence[int],
    conditions: Sequence[str | None],
    keys: Sequence[SortKey],
    params: Params,
    *,
    skip: int | None = None,
    limit: int | None = None,
    descending_tiebreak: bool = False,
) -> str:
    """Related nodes of each parent; returns _pid, r, n sorted per parent.

    Paging is pushed into the statement only for a single parent.
    """
    ids = params.add(list(parents))
    text = (
        f"UNWIND {ids} AS _pid MATCH (_a) WHERE id(_a) = _pid "
        f"MATCH {_link_pattern(link)}{_where(conditions)} RETURN _pid, r, n"
    )
    order = _order(keys, "n", "id(r)", descending_tiebreak)
    text += order.replace(" ORDER BY ", " ORDER BY _pid ASC, ", 1)
    if len(parents) == 1:
        text += _page(skip, limit, params)
    return text


def count_links(
    link: LinkModel, parents: Sequence[int], conditions: Sequence[str | None], params: Params
) -> str:
    """How many related nodes each parent has; returns _pid, count."""
    ids = params.add(list(parents))
    return (
        f"UNWIND {ids} AS _pid MATCH (_a) WHERE id(_a) = _pid "
        f"OPTIONAL MATCH {_link_pattern(link)}{_where(conditions)} "
        "RETURN _pid, count(n) AS count"
    )


def assignments(
    var: str,
    fields: Sequence[tuple[PropertyModel, str]],
    params: Params,
    values: Mapping[str, Any],
) -> list[str]:
    """`var.key = <value>` for typed values (`values` by property key)."""
    out = []
    for prop, _ in fields:
        if prop.key not in values:
            continue
        value = values[prop.key]
        operand = (
            "null"
            if value is None
            else input_expression(prop.scalar, prop.is_list, params.add(value))
        )
        out.append(f"{var}.{ident(prop.key)} = {operand}")
    return out


def create_node(label: str, sets: Sequence[str], extra: str | None) -> str:
    """Create one node with `label`; returns n."""
    parts = list(sets)
    if extra:
        parts.append(f"n += {extra}")
    set_text = f" SET {', '.join(parts)}" if parts else ""
    return f"CREATE (n:{ident(label)}){set_text} RETURN n"


def create_nodes(label: str, props: Sequence[PropertyModel], rows: str) -> str:
    """Create a node per row of `rows` (maps `{p: typed values, x: extra properties}`)."""
    sets = [
        f"n.{ident(prop.key)} = "
        + input_expression(prop.scalar, prop.is_list, f"_row.p.{ident(prop.key)}")
        for prop in props
    ]
    sets.append("n += _row.x")
    return f"UNWIND {rows} AS _row CREATE (n:{ident(label)}) SET {', '.join(sets)} RETURN n"


def update_nodes(
    label: str,
    conditions: Sequence[str | None],
    sets: Sequence[str],
    removes: Sequence[str],
    extra: str | None,
) -> str:
    """Set and remove properties of matching nodes; returns n."""
    text = f"MATCH (n:{ident(label)}){_where(conditions)}"
    parts = list(sets)
    if extra:
        parts.append(f"n += {extra}")
    if parts:
        text += f" SET {', '.join(parts)}"
    if removes:
        text += " REMOVE " + ", ".join(f"n.{ident(key)}" for key in removes)
    return f"{text} RETURN n ORDER BY id(n)"


def delete_node(label: str, conditions: Sequence[str | None], detach: bool) -> str:
    """Delete matching nodes; returns how many."""
    verb = "DETACH DELETE" if detach else "DELETE"
    return f"MATCH (n:{ident(label)}){_where(conditions)} {verb} n RETURN count(*) AS deleted"


def create_relationship(
    rel_type: str, start: str, end: str, sets: Sequence[str], extra: str | None
) -> str:
    """Create one relationship between two nodes given by id; returns r."""
    parts = list(sets)
    if extra:
        parts.append(f"r += {extra}")
    set_text = f" SET {', '.join(parts)}" if parts else ""
    return (
        f"MATCH (_a) WHERE id(_a) = {start} MATCH (_b) WHERE id(_b) = {end} "
        f"CREATE (_a)-[r:{ident(rel_type)}]->(_b){set_text} RETURN r"
    )


def update_relationship(
    rel_type: str, rel_id: str, sets: Sequence[str], removes: Sequence[str], extra: str | None
) -> str:
    """Set and remove properties of one relationship; returns r."""
    text = f"MATCH ()-[r:{ident(rel_type)}]->() WHERE id(r) = {rel_id}"
    parts = list(sets)
    if extra:
        parts.append(f"r += {extra}")
    if parts:
        text += f" SET {', '.join(parts)}"
    if removes:
        text += " REMOVE " + ", ".join(f"r.{ident(key)}" for key in removes)
    return f"{text} RETURN r"


def delete_relationship(rel_type: str, rel_id: str) -> str:
    """Delete one relationship; returns how many (0 or 1)."""
    return (
        f"MATCH ()-[r:{ident(rel_type)}]->() WHERE id(r) = {rel_id} "
        "DELETE r RETURN count(*) AS deleted"
    )
