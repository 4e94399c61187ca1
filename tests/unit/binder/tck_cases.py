"""The openCypher TCK read for compile-time checks: every query, its procedures and parameters.

The feature files are read where they are (`$ENGRAM_TCK_DIR`, else `../shared/tck/features`
next to the repository) and never copied. Each expanded scenario (Outline rows expanded)
becomes one `TckCase`: its setup queries, the query under test with its expected
error, control queries, the procedures the scenario declares and the names of the
parameters it supplies.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler, GherkinDocumentWithURI, PickleStep

from engram.execution.procedures import ProcedureRegistry, ProcedureSpec, parse_signature

ROOT = Path(__file__).resolve().parents[3]
_ERROR = re.compile(r"an? (\w+) should be raised at (compile time|runtime|any time): (.+)")
_PROCEDURE = re.compile(r"there exists a procedure (.+?)\s*:$")


@dataclass(frozen=True, slots=True)
class ExpectedError:
    """`a TYPE should be raised at PHASE: DETAIL`."""

    kind: str
    phase: str  # "compile time", "runtime" or "any time"
    detail: str  # "*" is a wildcard


@dataclass(frozen=True, slots=True)
class TckCase:
    """One expanded scenario."""

    feature: str
    scenario: str
    setup: tuple[str, ...]
    query: str
    error: ExpectedError | None
    controls: tuple[str, ...] = ()
    procedures: tuple[str, ...] = ()  # signatures as the steps write them
    parameters: frozenset[str] = field(default_factory=frozenset)

    @property
    def id(self) -> str:
        """A readable id: feature path and scenario name."""
        return f"{self.feature}::{self.scenario}"

    def registry(self) -> ProcedureRegistry:
        """A procedure registry holding the scenario's procedures (no implementations)."""
        registry = ProcedureRegistry()
        for signature in self.procedures:
            name, inputs, outputs = parse_signature(signature)
            registry.register(
                ProcedureSpec(name=name, inputs=inputs, outputs=outputs, implementation=_rows)
            )
        return registry


def _rows(*args: object) -> list[tuple[object, ...]]:
    return []


def features_dir() -> Path | None:
    """The TCK features directory, or None when it is not available."""
    configured = os.environ.get("ENGRAM_TCK_DIR")
    if configured:
        return Path(configured) if Path(configured).is_dir() else None
    for candidate in (
        ROOT.parent.parent / "shared" / "tck" / "features",
        ROOT.parent / "shared" / "tck" / "features",
    ):
        if candidate.is_dir():
            return candidate
    return None


@cache
def tck_cases() -> tuple[TckCase, ...]:
    """Every expanded scenario of every feature file (empty when the TCK is absent)."""
    directory = features_dir()
    if directory is None:
        return ()
    return tuple(
        case for path in sorted(directory.rglob("*.feature")) for case in _read(directory, path)
    )


def _read(directory: Path, path: Path) -> Iterator[TckCase]:
    parsed = Parser().parse(path.read_text(encoding="utf-8"))
    document = GherkinDocumentWithURI(**parsed, uri=str(path))
    feature = path.relative_to(directory).as_posix()
    seen: dict[str, int] = {}
    for pickle in Compiler().compile(document):
        if any(tag["name"] == "@ignore" for tag in pickle["tags"]):
            continue
        name = pickle["name"]
        seen[name] = seen.get(name, 0) + 1
        case = _case(feature, f"{name} #{seen[name]}", pickle["steps"])
        if case is not None:
            yield case


def _case(feature: str, scenario: str, steps: list[PickleStep]) -> TckCase | None:
    setup: list[str] = []
    controls: list[str] = []
    procedures: list[str] = []
    parameters: set[str] = set()
    query: str | None = None
    error: ExpectedError | None = None
    for step in steps:
        text = step["text"].strip()
        argument: object = step.get("argument")
        doc = _doc_string(argument)
        if text == "having executed:" and doc is not None:
            setup.append(doc)
        elif text == "executing query:" and doc is not None:
            query = doc
        elif text == "executing control query:" and doc is not None:
            controls.append(doc)
        elif text == "parameters are:":
            parameters.update(_first_cells(argument))
        elif (found := _PROCEDURE.match(text)) is not None:
            procedures.append(found[1])
        elif (expected := _ERROR.fullmatch(text)) is not None:
            error = ExpectedError(expected[1], expected[2], expected[3].strip())
    if query is None:
        return None
    return TckCase(
        feature=feature,
        scenario=scenario,
        setup=tuple(setup),
        query=query,
        error=error,
        controls=tuple(controls),
        procedures=tuple(procedures),
        parameters=frozenset(parameters),
    )


def _doc_string(argument: object) -> str | None:
    if isinstance(argument, dict) and "docString" in argument:
        return str(argument["docString"]["content"])
    return None


def _first_cells(argument: object) -> list[str]:
    if not isinstance(argument, dict) or "dataTable" not in argument:
        return []
    return [str(row["cells"][0]["value"]) for row in argument["dataTable"]["rows"]]
