"""Test procedures of `clauses/call`: parse a TCK signature and turn its table into a callable.

`there exists a procedure test.my.proc(in :: INTEGER?) :: (out :: STRING?):` is followed by
a table whose header names the inputs, then the outputs. Calling the procedure yields the
output cells of every row whose input cells equal the arguments, in table order
(`shared/TCK.md` section 7). The callable is what `db.register_procedure` receives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

from tests.tck.compare import Key, value_key
from tests.tck.gherkin import Table
from tests.tck.notation import parse_value

__all__ = [
    "ProcedureParameter",
    "ProcedureSignature",
    "TableProcedure",
    "parse_signature",
    "table_procedure",
]

_SIGNATURE: Final = re.compile(
    r"^\s*(?P<name>[A-Za-z_][\w.]*)\s*\((?P<inputs>[^()]*)\)\s*::\s*\((?P<outputs>[^()]*)\)\s*:?\s*$"
)
_PARAMETER: Final = re.compile(
    r"^\s*(?P<name>\w+)\s*::\s*(?P<type>[A-Za-z]+(?:\s+[A-Za-z]+)*?)\s*(?P<nullable>\?)?\s*$"
)


@dataclass(frozen=True, slots=True)
class ProcedureParameter:
    """One input or output: `name :: TYPE?` (`?` marks a nullable type)."""

    name: str
    type: str
    nullable: bool

    def __str__(self) -> str:
        return f"{self.name} :: {self.type}{'?' if self.nullable else ''}"


@dataclass(frozen=True, slots=True)
class ProcedureSignature:
    """A procedure's dotted name, inputs and outputs; `str()` is the canonical TCK form."""

    name: str
    inputs: tuple[ProcedureParameter, ...]
    outputs: tuple[ProcedureParameter, ...]

    def __str__(self) -> str:
        inputs = ", ".join(str(param) for param in self.inputs)
        outputs = ", ".join(str(param) for param in self.outputs)
        return f"{self.name}({inputs}) :: ({outputs})"


def parse_signature(text: str) -> ProcedureSignature:
    """Parse `test.my.proc(in :: INTEGER?) :: (out :: STRING?)` (a trailing `:` is allowed).

    >>> str(parse_signature("test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?) :"))
    'test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?)'

    Raises:
        ValueError: the text is not a procedure signature.
    """
    match = _SIGNATURE.match(text)
    if match is None:
        raise ValueError(f"not a procedure signature: {text!r}")
    inputs = _parameters(match.group("inputs"), text)
    outputs = _parameters(match.group("outputs"), text)
    names = [param.name for param in inputs + outputs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"procedure signature repeats {duplicates}: {text!r}")
    return ProcedureSignature(match.group("name"), inputs, outputs)


def _parameters(text: str, signature: str) -> tuple[ProcedureParameter, ...]:
    if not text.strip():
        return ()
    parameters = []
    for part in text.split(","):
        match = _PARAMETER.match(part)
        if match is None:
            raise ValueError(f"bad parameter {part.strip()!r} in procedure signature {signature!r}")
        parameters.append(
            ProcedureParameter(
                match.group("name"), match.group("type").upper(), match.group("nullable") == "?"
            )
        )
    return tuple(parameters)


@dataclass(frozen=True, slots=True)
class TableProcedure:
    """A procedure backed by a TCK table; call it with the input values positionally."""

    signature: ProcedureSignature
    rows: tuple[tuple[tuple[Any, ...], tuple[Any, ...]], ...]

    def __call__(self, *arguments: Any) -> Iterator[tuple[Any, ...]]:
        """The output tuples of every row whose inputs equal `arguments`, in table order.

        Raises:
            TypeError: the number of arguments differs from the signature's inputs.
        """
        if len(arguments) != len(self.signature.inputs):
            raise TypeError(
                f"procedure {self.signature.name} takes {len(self.signature.inputs)} "
                f"argument(s), got {len(arguments)}"
            )
        wanted = self._keys(arguments)
        return iter([outputs for inputs, outputs in self.rows if self._keys(inputs) == wanted])

    def _keys(self, values: tuple[Any, ...]) -> tuple[Key, ...]:
        coerced = (
            _coerce(value, param.type)
            for value, param in zip(values, self.signature.inputs, strict=True)
        )
        return tuple(value_key(value) for value in coerced)


def _coerce(value: Any, declared: str) -> Any:
    """Integers passed to a FLOAT input are floats (Cypher's implicit widening)."""
    if declared == "FLOAT" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def table_procedure(signature: ProcedureSignature, table: Table) -> TableProcedure:
    """The callable for a procedure step's table.

    Raises:
        ValueError: the header does not list the inputs then the outputs, or a cell is not
            in the value notation.
    """
    names = tuple(param.name for param in signature.inputs + signature.outputs)
    header, *rows = table.rows or ((),)
    if tuple(header) != names:
        raise ValueError(
            f"the table header {list(header)} must list the inputs then the outputs {list(names)}"
        )
    split = len(signature.inputs)
    parsed = []
    for row in rows:
        values = tuple(parse_value(cell) for cell in row)
        parsed.append((values[:split], values[split:]))
    return TableProcedure(signature, tuple(parsed))
