"""Keyset cursors: a page continues after the sort-key values of the previous page's last row.

A cursor encodes the ordering it was made for, the sort-key values of its row and the
row's id (the final tiebreaker, so the order is total). "After the cursor" becomes a
condition on those values that follows the query language's ordering, where null sorts
after every value ascending and before every value descending; pages therefore stay
correct while rows are inserted or deleted between requests, unlike offsets.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

from engram.server import values
from engram.server.errors import BadUserInput
from engram.server.typed.inputs import Params, ident
from engram.server.typed.model import PropertyModel, Scalar
from engram.server.typed.scalars import input_expression

__all__ = ["ID_PROPERTY", "SortKey", "after_condition", "decode", "encode", "sort_expression"]

SortKey = tuple[PropertyModel, bool]  # (property, descending)

#: the id pseudo-property, sortable as `_id`
ID_PROPERTY: Final = PropertyModel("\x00id", "_id", Scalar.LONG)


def sort_expression(prop: PropertyModel, var: str) -> str:
    """The query expression a sort key reads."""
    return f"id({var})" if prop is ID_PROPERTY else f"{var}.{ident(prop.key)}"


def _signature(keys: Sequence[SortKey]) -> list[str]:
    return [f"{'-' if descending else '+'}{prop.key}" for prop, descending in keys]


def _cursor_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    text = values.temporal_text(value)
    return text if text is not None else str(value)


def encode(keys: Sequence[SortKey], row_values: Sequence[Any], tiebreak: int) -> str:
    """The cursor of a row: its sort-key values and tiebreak id."""
    data = {
        "o": _signature(keys),
        "v": [_cursor_value(value) for value in row_values],
        "i": tiebreak,
    }
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode(cursor: str, keys: Sequence[SortKey]) -> tuple[list[Any], int]:
    """The sort-key values and tiebreak id of a cursor made for the same ordering."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        raise BadUserInput(f"'{cursor}' is not a cursor this server made") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("i"), int):
        raise BadUserInput(f"'{cursor}' is not a cursor this server made")
    if data.get("o") != _signature(keys) or len(data.get("v") or []) != len(keys):
        raise BadUserInput(
            "the cursor was made for another ordering; use the same orderBy on every page"
        )
    return list(data["v"]), int(data["i"])


def after_condition(
    keys: Sequence[SortKey],
    cursor_values: Sequence[Any],
    tiebreak: int,
    var: str,
    tiebreak_expression: str,
    params: Params,
    *,
    tiebreak_descending: bool = False,
) -> str:
    """Rows strictly after the cursor's row in the ordering `keys`, then the tiebreak."""
    alternatives = []
    equal_prefix: list[str] = []
    for (prop, descending), value in zip(keys, cursor_values, strict=True):
        expression = sort_expression(prop, var)
        operand = None if value is None else input_expression(prop.scalar, False, params.add(value))
        later = _later(expression, operand, descending)
        if later is not None:
            alternatives.append(" AND ".join([*equal_prefix, later]))
        equal_prefix.append(
            f"{expression} IS NULL" if operand is None else f"{expression} = {operand}"
        )
    comparison = "<" if tiebreak_descending else ">"
    alternatives.append(
        " AND ".join([*equal_prefix, f"{tiebreak_expression} {comparison} {params.add(tiebreak)}"])
    )
    return " OR ".join(f"({alternative})" for alternative in alternatives)


def _later(expression: str, operand: str | None, descending: bool) -> str | None:
    # ascending: values, then nulls; descending: nulls, then values
    if descending:
        if operand is None:
            return f"{expression} IS NOT NULL"
        return f"{expression} < {operand}"
    if operand is None:
        return None
    return f"({expression} > {operand} OR {expression} IS NULL)"
