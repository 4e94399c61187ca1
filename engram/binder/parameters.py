"""The check made when execution starts: every parameter the statement uses is supplied.

openCypher reports a missing parameter as a compile-time `ParameterMissing` error
(detail MissingParameter); it is checked against the bound statement's `parameters`
before any data is read, with the caret under the first use of the parameter.
"""

from __future__ import annotations

from collections.abc import Container

from engram.binder.bound import BParameter, BStatement
from engram.binder.suggestions import did_you_mean
from engram.binder.walk import bound_children
from engram.errors import ErrorDetail, ParameterError, Span

__all__ = ["check_parameters"]


def check_parameters(statement: BStatement, supplied: Container[str]) -> None:
    """Raise when the statement uses a parameter that `supplied` lacks.

    Args:
        statement: the bound statement.
        supplied: the names of the parameters given with the query.

    Raises:
        ParameterError: kind ParameterMissing, detail MissingParameter, naming the first
            missing parameter (alphabetically) and pointing at its first use.
    """
    used = statement.parameters
    if not used or (isinstance(supplied, dict) and supplied.keys() >= used):
        return
    missing = sorted(name for name in used if name not in supplied)
    if not missing:
        return
    name = missing[0]
    others = [other for other in statement.parameters if other in supplied]
    raise ParameterError(
        f"expected a value for parameter '${name}'",
        detail=ErrorDetail.MISSING_PARAMETER,
        span=_first_use(statement, name),
        hint=did_you_mean(name, others, prefix="$")
        or f"pass it with the query, e.g. execute(query, {{'{name}': ...}})",
    )


def _first_use(statement: BStatement, name: str) -> Span | None:
    best: Span | None = None
    stack: list[object] = [statement.body]
    while stack:
        node = stack.pop()
        if isinstance(node, BParameter) and node.name == name:
            if node.origin.end > node.origin.start and (
                best is None or node.origin.start < best.start
            ):
                best = node.origin
            continue
        stack.extend(bound_children(node))
    return best
