"""Test aid: read the openCypher TCK temporal feature files into expanded scenarios.

Only the Gherkin subset those files use is understood (scenarios, outlines with one
Examples table, doc strings, tables). The files are read in place, never copied.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def features_dir() -> Path | None:
    """The TCK features directory: $ENGRAM_TCK_DIR, or ../shared/tck/features upward."""
    configured = os.environ.get("ENGRAM_TCK_DIR")
    if configured:
        path = Path(configured)
        return path if path.is_dir() else None
    for parent in (ROOT.parent, ROOT.parent.parent):
        candidate = parent / "shared" / "tck" / "features"
        if candidate.is_dir():
            return candidate
    return None


@dataclass
class Step:
    text: str
    doc: str | None = None
    table: list[list[str]] | None = None


@dataclass
class Scenario:
    feature: str
    name: str
    tags: list[str]
    steps: list[Step]
    row: int | None = None
    examples: list[list[str]] = field(default_factory=list)

    @property
    def test_id(self) -> str:
        number = self.name.split("]")[0] + "]" if self.name.startswith("[") else self.name
        base = f"{self.feature}::{number}"
        return base if self.row is None else f"{base}::row{self.row}"


_STEP = re.compile(r"^(Given|When|Then|And|But)\s+(.*?)\s*$")


def _cells(line: str) -> list[str]:
    body = line.strip()[1:-1]
    cells, current, index = [], [], 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            current.append({"|": "|", "\\": "\\", "n": "\n"}.get(following, "\\" + following))
            index += 2
            continue
        if char == "|":
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return cells


def read_feature(path: Path) -> list[Scenario]:
    """The scenarios of one feature file, outlines not yet expanded."""
    lines = path.read_text(encoding="utf-8").splitlines()
    scenarios: list[Scenario] = []
    tags: list[str] = []
    index = 0
    in_examples = False
    while index < len(lines):
        stripped = lines[index].strip()
        index += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("@"):
            tags = stripped.split()
        elif stripped.startswith(("Scenario Outline:", "Scenario:")):
            name = stripped.split(":", 1)[1].strip()
            scenarios.append(Scenario(path.name, name, tags, []))
            tags, in_examples = [], False
        elif stripped.startswith("Examples:"):
            in_examples = True
        elif stripped.startswith("|") and scenarios:
            row = _cells(stripped)
            if in_examples:
                scenarios[-1].examples.append(row)
            else:
                step = scenarios[-1].steps[-1]
                step.table = (step.table or []) + [row]
        elif stripped.startswith('"""') and scenarios:
            indent = len(lines[index - 1]) - len(lines[index - 1].lstrip())
            body = []
            while not lines[index].strip().startswith('"""'):
                body.append(lines[index][indent:])
                index += 1
            index += 1
            scenarios[-1].steps[-1].doc = "\n".join(body)
        elif (match := _STEP.match(stripped)) and scenarios:
            scenarios[-1].steps.append(Step(match.group(2)))
    return scenarios


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace(f"<{key}>", value)
    return text


def expand(scenario: Scenario) -> list[Scenario]:
    """One scenario per Examples row (the scenario itself when it is not an outline)."""
    if not scenario.examples:
        return [scenario]
    header, *rows = scenario.examples
    expanded = []
    for number, row in enumerate(rows, start=1):
        values = dict(zip(header, row, strict=True))
        steps = [
            Step(
                step.text,
                None if step.doc is None else _fill(step.doc, values),
                None
                if step.table is None
                else [[_fill(cell, values) for cell in cells] for cells in step.table],
            )
            for step in scenario.steps
        ]
        expanded.append(Scenario(scenario.feature, scenario.name, scenario.tags, steps, number))
    return expanded


def temporal_scenarios() -> list[Scenario]:
    """Every expanded scenario of expressions/temporal, or [] without the TCK."""
    root = features_dir()
    if root is None:
        return []
    scenarios: list[Scenario] = []
    for path in sorted((root / "expressions" / "temporal").glob("*.feature")):
        for scenario in read_feature(path):
            scenarios.extend(expand(scenario))
    return scenarios


_VALUE_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<number>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<word>[A-Za-z]+)|(?P<punct>[\[\]{},:]))"
)


def parse_value(text: str) -> object:
    """A TCK expected cell (strings, numbers, null, booleans, lists, maps)."""
    tokens = [
        (match.lastgroup, match.group(match.lastgroup or ""))
        for match in _VALUE_TOKEN.finditer(text.strip())
    ]
    value, rest = _value(tokens)
    if rest:
        raise ValueError(f"trailing tokens in expected value {text!r}")
    return value


def _value(tokens: list[tuple[str | None, str]]) -> tuple[object, list[tuple[str | None, str]]]:
    kind, token = tokens[0]
    rest = tokens[1:]
    if kind == "string":
        return re.sub(r"\\(['\\])", r"\1", token[1:-1]), rest
    if kind == "number":
        is_float = "." in token or "e" in token.lower()
        return (float(token) if is_float else int(token)), rest
    if kind == "word":
        words = {"null": None, "true": True, "false": False, "NaN": float("nan")}
        return words[token], rest
    closing = "]" if token == "[" else "}"
    items: list[object] = []
    entries: dict[str, object] = {}
    while rest[0][1] != closing:
        if token == "{":
            key = rest[0][1]
            item, rest = _value(rest[2:])
            entries[key] = item
        else:
            item, rest = _value(rest)
            items.append(item)
        if rest[0][1] == ",":
            rest = rest[1:]
    return (items if token == "[" else entries), rest[1:]
