"""Queries of the openCypher TCK feature files, for the parser's corpus tests.

The feature files are read where they are (`$ENGRAM_TCK_DIR`, else `../shared/tck/features`
next to the repository); nothing is copied into the project.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler

ROOT = Path(__file__).resolve().parents[3]
_ERROR_STEP = re.compile(r"an? (\w+) should be raised at (compile time|runtime|any time): (.+)")
_QUERY_STEPS = {"executing query:": "query", "having executed:": "setup"}


@dataclass(frozen=True, slots=True)
class TckQuery:
    """One query of one expanded scenario."""

    feature: str  # path relative to the features directory
    scenario: str  # scenario name, plus the Examples row for outlines
    role: str  # "query" (the query under test) or "setup" (`having executed:`)
    text: str
    error_kind: str | None = None  # expected error of the query under test, if any
    error_phase: str | None = None
    error_detail: str | None = None
    columns: tuple[str, ...] | None = None  # the expected result's header, if any

    @property
    def expects_compile_error(self) -> bool:
        """The TCK expects this query to fail at compile time."""
        return self.role == "query" and self.error_phase == "compile time"

    @property
    def id(self) -> str:
        """A readable test id."""
        return f"{self.feature}::{self.scenario}::{self.role}"


def features_dir() -> Path | None:
    """The TCK features directory, or None when it is not available."""
    configured = os.environ.get("ENGRAM_TCK_DIR")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT.parent.parent / "shared" / "tck" / "features")
    candidates.append(ROOT.parent / "shared" / "tck" / "features")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


@cache
def tck_queries() -> tuple[TckQuery, ...]:
    """Every query of every expanded scenario (empty when the TCK is absent)."""
    directory = features_dir()
    if directory is None:
        return ()
    return tuple(
        query for path in sorted(directory.rglob("*.feature")) for query in _read(directory, path)
    )


def _read(directory: Path, path: Path) -> Iterator[TckQuery]:
    document = Parser().parse(path.read_text(encoding="utf-8"))
    document["uri"] = str(path)
    feature = path.relative_to(directory).as_posix()
    seen: dict[str, int] = {}
    for pickle in Compiler().compile(document):
        name = pickle["name"]
        seen[name] = seen.get(name, 0) + 1
        scenario = f"{name}#{seen[name]}"
        if any(tag["name"] == "@ignore" for tag in pickle["tags"]):
            continue
        yield from _queries(feature, scenario, pickle["steps"])


def _queries(feature: str, scenario: str, steps: list[dict[str, Any]]) -> Iterator[TckQuery]:
    error: tuple[str, str, str] | None = None
    columns: tuple[str, ...] | None = None
    for step in steps:
        text = str(step["text"]).strip()
        match = _ERROR_STEP.fullmatch(text)
        if match:
            error = (match[1], match[2], match[3])
        if columns is None and text.startswith("the result should be") and "argument" in step:
            rows = step["argument"]["dataTable"]["rows"]
            columns = tuple(cell["value"] for cell in rows[0]["cells"])
    for step in steps:
        role = _QUERY_STEPS.get(str(step["text"]).strip())
        argument = step.get("argument")
        if role is None or not isinstance(argument, dict):
            continue
        text = argument["docString"]["content"]
        if role == "query" and error is not None:
            yield TckQuery(feature, scenario, role, text, *error)
        elif role == "query":
            yield TckQuery(feature, scenario, role, text, columns=columns)
        else:
            yield TckQuery(feature, scenario, role, text)
