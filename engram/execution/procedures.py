"""Procedure catalogue: signatures, registration, and the `name(in :: T) :: (out :: T)` form.

Built-in procedures (`db.labels()`, ...) and procedures registered by users through
`Database.register_procedure` share one shape, `ProcedureSpec`. The binder checks calls
against the signature; execution calls `implementation(ctx, *args)` (or
`implementation(*args)` for user procedures, which never see engine internals) and
expects an iterable of output rows, each a sequence in output-field order or a mapping
from output-field names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from engram import types as t
from engram.errors import ErrorDetail, ErrorKind, SemanticError

__all__ = [
    "ProcedureField",
    "ProcedureRegistry",
    "ProcedureSpec",
    "RuntimeRows",
    "parse_signature",
]

ProcedureImpl = Callable[..., Iterable[Any]]


class RuntimeRows(list[tuple[Any, ...]]):
    """Rows a built-in procedure vouches for, taken by the call as they are.

    Each row is a tuple of exactly the procedure's output fields, in order, and each
    value is a runtime value already (numbers, strings, NodeRef, ...), so the call
    needs no check or conversion per value: what makes a procedure that yields a row
    per node of a large graph cheap.
    """


@dataclass(frozen=True, slots=True)
class ProcedureField:
    """One input or output of a procedure."""

    name: str
    type: t.CypherType = t.ANY
    nullable: bool = True


@dataclass(frozen=True, slots=True, eq=False)
class ProcedureSpec:
    """A callable procedure.

    Attributes:
        name: dotted name as it is called (`db.labels`); lookups are case-insensitive.
        inputs: the arguments, in order.
        outputs: the fields it yields, in order.
        implementation: returns the rows; called with `(ctx, *args)` when
            `needs_context`, else with `(*args)`.
        needs_context: whether the implementation receives the execution context.
        writes: whether it can change the graph (readers may not call it).
        description: one line for `SHOW PROCEDURES`-style listings and the shell.
    """

    name: str
    inputs: tuple[ProcedureField, ...]
    outputs: tuple[ProcedureField, ...]
    implementation: ProcedureImpl = field(repr=False)
    needs_context: bool = False
    writes: bool = False
    description: str = ""

    @property
    def signature(self) -> str:
        """The declaration in the `name(in :: T) :: (out :: T)` form."""
        inputs = ", ".join(f"{f.name} :: {_type_text(f)}" for f in self.inputs)
        outputs = ", ".join(f"{f.name} :: {_type_text(f)}" for f in self.outputs)
        return f"{self.name}({inputs}) :: ({outputs})"


def _type_text(item: ProcedureField) -> str:
    return f"{item.type}{'?' if item.nullable else ''}"


class ProcedureRegistry:
    """Procedures by lower-case name, layered over an optional parent (the built-ins)."""

    def __init__(self, parent: ProcedureRegistry | None = None) -> None:
        self._parent = parent
        self._procedures: dict[str, ProcedureSpec] = {}

    def register(self, spec: ProcedureSpec) -> None:
        """Add or replace a procedure."""
        self._procedures[spec.name.lower()] = spec

    def unregister(self, name: str) -> None:
        """Remove a procedure registered here (built-ins in the parent stay)."""
        self._procedures.pop(name.lower(), None)

    def lookup(self, name: str) -> ProcedureSpec | None:
        """The procedure called `name` (case-insensitive), or None."""
        found = self._procedures.get(name.lower())
        if found is None and self._parent is not None:
            return self._parent.lookup(name)
        return found

    def __iter__(self) -> Iterator[ProcedureSpec]:
        seen: dict[str, ProcedureSpec] = {}
        if self._parent is not None:
            seen.update((spec.name.lower(), spec) for spec in self._parent)
        seen.update(self._procedures)
        return iter(sorted(seen.values(), key=lambda spec: spec.name.lower()))


_TYPE_NAMES: dict[str, t.CypherType] = {
    "ANY": t.ANY,
    "BOOLEAN": t.BOOLEAN,
    "INTEGER": t.INTEGER,
    "FLOAT": t.FLOAT,
    "NUMBER": t.NUMBER,
    "STRING": t.STRING,
    "MAP": t.MAP,
    "NODE": t.NODE,
    "RELATIONSHIP": t.RELATIONSHIP,
    "PATH": t.PATH,
    "DATE": t.DATE,
    "TIME": t.TIME,
    "LOCALTIME": t.LOCALTIME,
    "DATETIME": t.DATETIME,
    "LOCALDATETIME": t.LOCALDATETIME,
    "DURATION": t.DURATION,
    "LIST": t.list_of(t.ANY),
}

_SIGNATURE = re.compile(
    r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*\((?P<inputs>[^)]*)\)\s*::\s*\((?P<outputs>[^)]*)\)\s*$"
)
_FIELD = re.compile(
    r"^\s*(?P<name>[A-Za-z_]\w*)\s*::\s*(?P<type>(?:LIST\s*\??\s*OF\s+)*[A-Za-z]+)\s*(?P<q>\?)?\s*$",
    re.IGNORECASE,
)


Fields: TypeAlias = tuple[ProcedureField, ...]


def parse_signature(text: str) -> tuple[str, Fields, Fields]:
    """Parse `ns.name(in :: INTEGER?, ...) :: (out :: STRING?, ...)`.

    Raises:
        SemanticError: the text is not a procedure signature.
    """
    match = _SIGNATURE.match(text)
    if match is None:
        raise _signature_error(text, "expected 'name(input :: TYPE, ...) :: (output :: TYPE, ...)'")
    inputs = _parse_fields(match["inputs"], text)
    outputs = _parse_fields(match["outputs"], text)
    return match["name"], inputs, outputs


def _parse_fields(text: str, whole: str) -> Fields:
    if not text.strip():
        return ()
    result = []
    for part in text.split(","):
        match = _FIELD.match(part)
        if match is None:
            raise _signature_error(whole, f"cannot read the field {part.strip()!r}")
        result.append(ProcedureField(match["name"], _parse_type(match["type"]), bool(match["q"])))
    return tuple(result)


def _parse_type(text: str) -> t.CypherType:
    words = [w.strip("?").upper() for w in text.split() if w.strip("?")]
    depth = 0
    while words and words[0] == "LIST":
        words = words[2:] if len(words) > 1 and words[1] == "OF" else words[1:]
        depth += 1
    base = _TYPE_NAMES.get(words[0] if words else "ANY", t.ANY)
    for _ in range(depth):
        base = t.list_of(base)
    return base


def _signature_error(text: str, reason: str) -> SemanticError:
    return SemanticError(
        f"invalid procedure signature {text!r}: {reason}",
        detail=ErrorDetail.UNEXPECTED_SYNTAX,
        kind=ErrorKind.SYNTAX_ERROR,
    )


def rows_as_tuples(
    rows: Iterable[Any], outputs: tuple[ProcedureField, ...]
) -> Iterator[tuple[Any, ...]]:
    """Normalise a procedure's rows (sequences or mappings) to tuples in output order."""
    names = [f.name for f in outputs]
    width = len(names)
    for row in rows:
        if type(row) is tuple and len(row) == width:
            yield row
        elif isinstance(row, Mapping):
            yield tuple(row.get(name) for name in names)
        else:
            values = tuple(row)
            if len(values) != len(names):
                raise ValueError(f"procedure row has {len(values)} values, expected {len(names)}")
            yield values
