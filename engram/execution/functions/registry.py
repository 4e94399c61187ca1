"""The function catalogue: every function the language knows, by case-insensitive name.

It starts with the built-in scalar and aggregate functions of this package. Other
packages add theirs with `register` when they are imported: temporal constructors and
`duration.between` (engram.temporal), vector similarity, and the graph functions that
need the store (labels, type, id, keys and properties of entities, startNode, endNode,
nodes, relationships, length), which the engine registers with `needs_context=True` and
`replace=True` where they extend a built-in (`keys`, `properties`, `size`).

>>> lookup("TOLOWER").display_name
'toLower'
>>> lookup("toLower").invoke("HeLLo")
'hello'
"""

from __future__ import annotations

import difflib
import threading
from typing import Final

from engram.errors import InternalError
from engram.execution.functions import (
    aggregates,
    conversion,
    general,
    lists,
    numeric,
    strings,
    vector,
)
from engram.execution.functions.spec import FunctionSpec

__all__ = ["all_functions", "lookup", "register", "suggest"]

_FUNCTIONS: Final[dict[str, FunctionSpec]] = {}
_LOCK: Final = threading.Lock()


def register(spec: FunctionSpec, *, replace: bool = False) -> FunctionSpec:
    """Add `spec` to the catalogue under its canonical name; returns it.

    Args:
        spec: the function to add.
        replace: allow replacing a function of the same name (an engine version of
            `keys` that also handles nodes, say). Without it a second registration of a
            name is a bug.

    Raises:
        InternalError: the name is taken and `replace` is false.
    """
    with _LOCK:
        existing = _FUNCTIONS.get(spec.name)
        if existing is not None and not replace and existing is not spec:
            raise InternalError(f"function {spec.display_name!r} is registered twice")
        _FUNCTIONS[spec.name] = spec
    return spec


def lookup(name: str) -> FunctionSpec | None:
    """The function called `name` (any case, dotted for namespaces), or None."""
    return _FUNCTIONS.get(name.lower())


def all_functions() -> tuple[FunctionSpec, ...]:
    """Every registered function, sorted by name (shell completion, docs)."""
    return tuple(sorted(_FUNCTIONS.values(), key=lambda spec: spec.name))


def suggest(name: str, limit: int = 3) -> list[str]:
    """Display names of registered functions that look like `name`, best first."""
    by_name = {spec.name: spec.display_name for spec in _FUNCTIONS.values()}
    matches = difflib.get_close_matches(name.lower(), list(by_name), n=limit, cutoff=0.6)
    return [by_name[match] for match in matches]


for _module in (strings, numeric, conversion, lists, general, aggregates, vector):
    for _spec in _module.SPECS:
        register(_spec)
