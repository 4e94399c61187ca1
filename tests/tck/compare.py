"""Compare engine results with TCK expectations, following the reference runner's rules.

Every value, expected or actual, is turned into a hashable *key* in which equal values have
equal keys: integers and floats are different (`1` is not `1.0`), booleans are not integers,
`NaN` equals `NaN`, graph elements compare by structure (labels, type, properties and path
directions, never ids), and temporal values compare by their canonical Cypher text with the
string cells the TCK writes for them. Rows are then compared as sequences or multisets.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from engram.values import Node, Path, Relationship
from tests.support.engine import QueryResult
from tests.support.temporal_text import cypher_temporal_text, is_temporal
from tests.tck.gherkin import Table
from tests.tck.notation import ExpectedNode, ExpectedPath, ExpectedRelationship, parse_value

__all__ = [
    "Key",
    "ResultExpectation",
    "UnsupportedValue",
    "compare_result",
    "expectation_from_table",
    "render_value",
    "value_key",
]

Key = tuple[Any, ...]

_MAX_SHOWN: Final = 25


class UnsupportedValue(TypeError):
    """The engine returned a value outside the public contract (e.g. a numpy scalar)."""


def value_key(value: Any, *, unordered_lists: bool = False, temporal_as_text: bool = True) -> Key:
    """The comparison key of an expected or actual value.

    Args:
        value: a value from the notation parser or from the engine.
        unordered_lists: compare every list, at any depth, as a multiset.
        temporal_as_text: temporal values get the key of their canonical text (so they
            equal the string cells the TCK writes); False keeps their type in the key.

    Raises:
        UnsupportedValue: `value` has a type the public API never returns.
    """

    def key(item: Any) -> Key:
        return value_key(item, unordered_lists=unordered_lists, temporal_as_text=temporal_as_text)

    _require_plain_scalar(value)
    match value:
        case None:
            return ("null",)
        case bool():
            return ("boolean", value)
        case int():
            return ("integer", value)
        case float():
            # NaN equals NaN here; -0.0 and 0.0 are equal floats and must share a key
            return ("float", "NaN") if math.isnan(value) else ("float", value + 0.0)
        case str():
            return ("string", value)
        case list() | tuple():
            keys = [key(item) for item in value]
            return ("list", tuple(sorted(keys, key=repr) if unordered_lists else keys))
        case Mapping():
            return _map_key(value, key)
        case ExpectedNode() | Node():
            return ("node", tuple(sorted(value.labels)), _map_key(value.properties, key))
        case ExpectedRelationship() | Relationship():
            return ("relationship", value.type, _map_key(value.properties, key))
        case ExpectedPath():
            hops = tuple(
                ("->" if hop.outgoing else "<-", key(hop.relationship), key(hop.node))
                for hop in value.steps
            )
            return ("path", key(value.start), hops)
        case Path():
            return ("path", key(value.nodes[0]), _path_hops(value, key))
        case _ if is_temporal(value):
            text = cypher_temporal_text(value)
            return ("string", text) if temporal_as_text else ("temporal", _kind(value), text)
        case _:
            raise UnsupportedValue(
                f"the engine returned a {type(value).__module__}.{type(value).__qualname__} "
                f"({value!r}), which is not a value of the public API"
            )


_PLAIN_SCALARS: Final = (bool, int, float, str)


def _require_plain_scalar(value: Any) -> None:
    """Subclasses of the scalar types (numpy's float64, enums) are not API values."""
    if isinstance(value, _PLAIN_SCALARS) and type(value) not in _PLAIN_SCALARS:
        raise UnsupportedValue(
            f"the engine returned a {type(value).__module__}.{type(value).__qualname__} "
            f"({value!r}), which is not a value of the public API"
        )


def _map_key(mapping: Mapping[str, Any], key: Any) -> Key:
    return ("map", tuple(sorted(((name, key(item)) for name, item in mapping.items()))))


def _kind(value: Any) -> str:
    return type(value).__name__.lower()


def _path_hops(path: Path, key: Any) -> tuple[Key, ...]:
    if len(path.nodes) != len(path.relationships) + 1:
        raise UnsupportedValue(
            f"malformed path: {len(path.nodes)} nodes, {len(path.relationships)} relationships"
        )
    hops = []
    for index, rel in enumerate(path.relationships):
        before, after = path.nodes[index], path.nodes[index + 1]
        if (rel.start, rel.end) == (before.id, after.id):
            direction = "->"
        elif (rel.start, rel.end) == (after.id, before.id):
            direction = "<-"
        else:
            raise UnsupportedValue(
                f"malformed path: relationship {rel.id} ({rel.start}->{rel.end}) does not join "
                f"nodes {before.id} and {after.id}"
            )
        hops.append((direction, key(rel), key(after)))
    return tuple(hops)


def render_value(value: Any) -> str:
    """A value in TCK notation, for failure messages (temporal values as quoted text).

    >>> render_value([1, 1.0, "it's", None, {"b": True}])
    "[1, 1.0, 'it\\\\'s', null, {b: true}]"
    """
    match value:
        case None:
            return "null"
        case bool():
            return "true" if value else "false"
        case int():
            return str(value)
        case float():
            return _render_float(value)
        case str():
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        case list() | tuple():
            return "[" + ", ".join(render_value(item) for item in value) + "]"
        case Mapping():
            return _render_map(value)
        case ExpectedNode() | Node():
            labels = "".join(f":{label}" for label in sorted(value.labels))
            props = _render_map(value.properties) if value.properties else ""
            return "(" + " ".join(part for part in (labels, props) if part) + ")"
        case ExpectedRelationship() | Relationship():
            props = " " + _render_map(value.properties) if value.properties else ""
            return f"[:{value.type}{props}]"
        case ExpectedPath():
            parts = [render_value(value.start)]
            for hop in value.steps:
                rel = render_value(hop.relationship)
                parts.append(f"-{rel}->" if hop.outgoing else f"<-{rel}-")
                parts.append(render_value(hop.node))
            return "<" + "".join(parts) + ">"
        case Path():
            return _render_path(value)
        case _ if is_temporal(value):
            return render_value(cypher_temporal_text(value))
        case _:
            return f"<{type(value).__qualname__} {value!r}>"


def _render_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    return repr(value)


def _render_map(mapping: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{key}: {render_value(mapping[key])}" for key in sorted(mapping)) + "}"


def _render_path(path: Path) -> str:
    parts = [render_value(path.nodes[0])]
    for index, rel in enumerate(path.relationships):
        following = path.nodes[index + 1]
        text = render_value(rel)
        outgoing = rel.end == following.id and rel.start == path.nodes[index].id
        parts.append(f"-{text}->" if outgoing else f"<-{text}-")
        parts.append(render_value(following))
    return "<" + "".join(parts) + ">"


@dataclass(frozen=True, slots=True)
class ResultExpectation:
    """What a result step expects.

    `columns` is None when the step does not check them (`the result should be empty`).
    """

    columns: tuple[str, ...] | None
    rows: tuple[tuple[Any, ...], ...]
    ordered: bool
    unordered_lists: bool

    @property
    def description(self) -> str:
        """How rows are compared, in the words of the step."""
        order = "in order" if self.ordered else "in any order"
        return order + (", ignoring list order" if self.unordered_lists else "")


def expectation_from_table(
    table: Table | None, *, ordered: bool, unordered_lists: bool
) -> ResultExpectation:
    """The expectation of a result step; a missing table means zero rows, columns unchecked."""
    if table is None:
        return ResultExpectation(None, (), ordered=False, unordered_lists=False)
    header, *rows = table.rows
    parsed = tuple(tuple(parse_value(cell) for cell in row) for row in rows)
    return ResultExpectation(header, parsed, ordered=ordered, unordered_lists=unordered_lists)


def compare_result(expected: ResultExpectation, actual: QueryResult) -> str | None:
    """None when `actual` satisfies `expected`, else a readable explanation of the difference.

    Raises:
        UnsupportedValue: the result holds a value outside the public API.
    """
    if expected.columns is not None and tuple(actual.columns) != tuple(expected.columns):
        return (
            f"columns differ: expected {list(expected.columns)}, got {list(actual.columns)}\n"
            + _tables(expected, actual)
        )
    lists = expected.unordered_lists
    expected_keys = [
        tuple(value_key(v, unordered_lists=lists) for v in row) for row in expected.rows
    ]
    actual_keys = [tuple(value_key(v, unordered_lists=lists) for v in row) for row in actual.rows]
    if expected.ordered:
        if expected_keys == actual_keys:
            return None
        return (
            f"rows differ ({expected.description}){_first_difference(expected_keys, actual_keys)}\n"
            + _tables(expected, actual)
        )
    missing = Counter(expected_keys) - Counter(actual_keys)
    unexpected = Counter(actual_keys) - Counter(expected_keys)
    if not missing and not unexpected:
        return None
    summary = (
        f"rows differ ({expected.description}): {sum(missing.values())} expected row(s) missing, "
        f"{sum(unexpected.values())} unexpected row(s)"
    )
    details = _row_list("missing", expected.rows, expected_keys, missing)
    details += _row_list("unexpected", actual.rows, actual_keys, unexpected)
    return summary + "\n" + _tables(expected, actual) + details


def _first_difference(expected: Sequence[Key], actual: Sequence[Key]) -> str:
    if len(expected) != len(actual):
        return f": expected {len(expected)} rows, got {len(actual)}"
    index = next(
        index for index, pair in enumerate(zip(expected, actual, strict=True)) if pair[0] != pair[1]
    )
    return f": first difference at row {index + 1}"


def _row_list(
    title: str, rows: Sequence[Sequence[Any]], keys: Sequence[Key], wanted: Counter[Key]
) -> str:
    remaining = Counter(wanted)
    lines = []
    for row, key in zip(rows, keys, strict=True):
        if remaining[key] > 0:
            remaining[key] -= 1
            lines.append("  " + _render_row(row))
    if not lines:
        return ""
    shown = lines[:_MAX_SHOWN]
    more = f"\n  … {len(lines) - _MAX_SHOWN} more" if len(lines) > _MAX_SHOWN else ""
    return f"\n{title}:\n" + "\n".join(shown) + more


def _render_row(row: Sequence[Any]) -> str:
    return "| " + " | ".join(render_value(value) for value in row) + " |"


def _tables(expected: ResultExpectation, actual: QueryResult) -> str:
    header = "| " + " | ".join(expected.columns or ()) + " |"
    lines = ["expected:", "  " + header]
    lines += ["  " + _render_row(row) for row in expected.rows[:_MAX_SHOWN]]
    if len(expected.rows) > _MAX_SHOWN:
        lines.append(f"  … {len(expected.rows) - _MAX_SHOWN} more")
    lines += ["actual:", "  | " + " | ".join(actual.columns) + " |"]
    lines += ["  " + _render_row(row) for row in actual.rows[:_MAX_SHOWN]]
    if len(actual.rows) > _MAX_SHOWN:
        lines.append(f"  … {len(actual.rows) - _MAX_SHOWN} more")
    return "\n".join(lines)
