"""Parse the Gherkin subset of the openCypher feature files and expand Scenario Outlines.

The subset is the one `shared/TCK.md` section 1 describes: one `Feature:` per file, an
optional `Background:`, `Scenario:` and `Scenario Outline:` with `Examples:` tables, tags,
`#` comments, steps followed by at most one doc string or data table. Anything else
(`Rule:`, a stray line between steps, ragged tables) is a `FeatureSyntaxError` naming the
file and line: the runner never guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

__all__ = [
    "DocString",
    "Examples",
    "Feature",
    "FeatureSyntaxError",
    "Scenario",
    "ScenarioDefinition",
    "Step",
    "Table",
    "expand",
    "parse_feature",
    "parse_feature_file",
    "split_table_row",
]

_STEP_KEYWORDS: Final = ("Given", "When", "Then", "And", "But", "*")
_SCENARIO_KEYWORDS: Final = {
    "Scenario": False,
    "Example": False,
    "Scenario Outline": True,
    "Scenario Template": True,
}
_EXAMPLES_KEYWORDS: Final = ("Examples", "Scenarios")
_DOC_FENCES: Final = ('"""', "```")
_NUMBER: Final = re.compile(r"^\[(\d+)\]")


class FeatureSyntaxError(Exception):
    """A feature file uses Gherkin outside the supported subset, or is malformed."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True, slots=True)
class DocString:
    """A step's doc string, with the opening fence's indentation removed."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Table:
    """A step's data table: rows of trimmed, unescaped cells (the first row may be a header)."""

    rows: tuple[tuple[str, ...], ...]
    line: int

    @property
    def width(self) -> int:
        """Number of cells per row (0 for the bare `|` table)."""
        return len(self.rows[0]) if self.rows else 0


@dataclass(frozen=True, slots=True)
class Step:
    """One step: its keyword, its text (the line after the keyword) and its argument."""

    keyword: str
    text: str
    line: int
    argument: DocString | Table | None = None


@dataclass(frozen=True, slots=True)
class Examples:
    """The Examples table of an Outline: header names and rows with their line numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, ...], int], ...]
    line: int


@dataclass(frozen=True, slots=True)
class ScenarioDefinition:
    """A Scenario or Scenario Outline as written (before expansion)."""

    name: str
    line: int
    tags: tuple[str, ...]
    steps: tuple[Step, ...]
    is_outline: bool
    examples: tuple[Examples, ...] = ()


@dataclass(frozen=True, slots=True)
class Feature:
    """A parsed feature file; `path` is relative to the feature directory (posix form)."""

    path: str
    name: str
    line: int
    tags: tuple[str, ...]
    background: tuple[Step, ...]
    scenarios: tuple[ScenarioDefinition, ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    """One runnable scenario: a plain Scenario, or one expanded row of an Outline.

    `steps` already include the Background steps and the row's substitutions.
    """

    feature: str
    name: str
    number: str
    row: int | None
    line: int
    tags: tuple[str, ...]
    steps: tuple[Step, ...]

    @property
    def id(self) -> str:
        """`clauses/match/Match1.feature::[1]`, plus `::row<k>` for an Outline row."""
        base = f"{self.feature}::{self.number}"
        return base if self.row is None else f"{base}::row{self.row}"

    @property
    def directory(self) -> str:
        """The feature's directory relative to the feature root, e.g. `clauses/match`."""
        head, _, _ = self.feature.rpartition("/")
        return head or "."


def parse_feature_file(path: Path, root: Path) -> Feature:
    """Parse the feature file at `path`; its id is its path relative to `root`."""
    relative = path.relative_to(root).as_posix()
    return parse_feature(path.read_text(encoding="utf-8"), relative)


def parse_feature(text: str, path: str = "<feature>") -> Feature:
    """Parse feature-file text (see the module docstring for the accepted subset)."""
    return _Parser(text, path).parse()


def split_table_row(line: str) -> tuple[str, ...]:
    r"""Split a `|`-row into trimmed cells, applying Gherkin's cell escapes.

    `\|` becomes `|`, `\\` becomes `\`, `\n` becomes a newline; any other backslash pair
    is kept as written (so `\'` stays `\'` for the value parser).

    >>> split_table_row(r"| 'a\|b' | \n | \' |")
    ("'a|b'", '\n', "\\'")
    """
    body = line.strip()
    if not body.startswith("|"):
        raise ValueError(f"not a table row: {line!r}")
    cells: list[str] = []
    current: list[str] = []
    index = 1
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            current.append({"|": "|", "\\": "\\", "n": "\n"}.get(following, "\\" + following))
            index += 2
            continue
        if char == "|":
            cells.append(_trim_cell("".join(current)))
            current = []
        else:
            current.append(char)
        index += 1
    return tuple(cells)


def _trim_cell(cell: str) -> str:
    # Gherkin trims spaces and tabs but keeps a newline that came from a `\n` escape
    return cell.strip(" \t\u00a0")


def expand(feature: Feature) -> list[Scenario]:
    """All runnable scenarios of a feature, Background steps first, Outline rows expanded."""
    scenarios: list[Scenario] = []
    seen: dict[tuple[str, bool], int] = {}
    for definition in feature.scenarios:
        number = _number(definition.name)
        # ids stay unique within a file: a repeated number gets `#2`, `#3`, ...
        kind = (number, definition.is_outline)
        seen[kind] = seen.get(kind, 0) + 1
        if seen[kind] > 1:
            number = f"{number}#{seen[kind]}"
        tags = feature.tags + definition.tags
        if not definition.is_outline:
            steps = feature.background + definition.steps
            scenarios.append(
                Scenario(feature.path, definition.name, number, None, definition.line, tags, steps)
            )
            continue
        row_number = 0
        for examples in definition.examples:
            for cells, line in examples.rows:
                row_number += 1
                values = dict(zip(examples.header, cells, strict=True))
                steps = feature.background + tuple(
                    _substitute_step(step, values) for step in definition.steps
                )
                name = _substitute(definition.name, values)
                scenarios.append(
                    Scenario(feature.path, name, number, row_number, line, tags, steps)
                )
    return scenarios


def _number(name: str) -> str:
    match = _NUMBER.match(name)
    return match.group(0) if match else name


def _substitute(text: str, values: dict[str, str]) -> str:
    if not values:
        return text
    pattern = "<(" + "|".join(re.escape(name) for name in values) + ")>"
    return re.sub(pattern, lambda match: values[match.group(1)], text)


def _substitute_step(step: Step, values: dict[str, str]) -> Step:
    argument = step.argument
    if isinstance(argument, DocString):
        argument = replace(argument, text=_substitute(argument.text, values))
    elif isinstance(argument, Table):
        rows = tuple(tuple(_substitute(cell, values) for cell in row) for row in argument.rows)
        argument = replace(argument, rows=rows)
    return replace(step, text=_substitute(step.text, values), argument=argument)


class _Parser:
    """A line-oriented state machine over one file."""

    def __init__(self, text: str, path: str) -> None:
        self.lines = text.splitlines()
        self.path = path
        self.index = 0
        self.pending_tags: list[str] = []

    def error(self, message: str, line: int | None = None) -> FeatureSyntaxError:
        return FeatureSyntaxError(self.path, line if line is not None else self.index + 1, message)

    def parse(self) -> Feature:
        feature_line, feature_name, feature_tags = self._feature_header()
        background: tuple[Step, ...] = ()
        scenarios: list[ScenarioDefinition] = []
        while (stripped := self._next_significant()) is not None:
            keyword, rest = _split_keyword(stripped)
            if stripped.startswith("@"):
                self._collect_tags(stripped)
            elif keyword == "Background":
                if scenarios or background:
                    raise self.error("a Background must come before every Scenario, once")
                self._reject_tags("Background")
                self.index += 1
                background = self._steps()
            elif keyword in _SCENARIO_KEYWORDS:
                scenarios.append(self._scenario(rest, is_outline=_SCENARIO_KEYWORDS[keyword]))
            elif keyword == "Rule":
                raise self.error("'Rule:' is not supported by this runner")
            elif keyword in _EXAMPLES_KEYWORDS:
                raise self.error("Examples outside a Scenario Outline (or tagged Examples)")
            else:
                raise self.error(f"unexpected line: {stripped!r}")
        if self.pending_tags:
            raise self.error("tags at the end of the file belong to nothing")
        return Feature(
            self.path, feature_name, feature_line, feature_tags, background, tuple(scenarios)
        )

    def _feature_header(self) -> tuple[int, str, tuple[str, ...]]:
        while (stripped := self._next_significant()) is not None:
            if stripped.startswith("@"):
                self._collect_tags(stripped)
                continue
            keyword, rest = _split_keyword(stripped)
            if keyword != "Feature":
                raise self.error(f"expected 'Feature:', found {stripped!r}")
            line = self.index + 1
            tags = tuple(self.pending_tags)
            self.pending_tags = []
            self.index += 1
            self._skip_description()
            return line, rest, tags
        raise self.error("no 'Feature:' in the file", line=1)

    def _scenario(self, name: str, *, is_outline: bool) -> ScenarioDefinition:
        line = self.index + 1
        tags = tuple(self.pending_tags)
        self.pending_tags = []
        self.index += 1
        self._skip_description()
        steps = self._steps()
        examples: list[Examples] = []
        while is_outline and (stripped := self._next_significant()) is not None:
            keyword, _ = _split_keyword(stripped)
            if keyword not in _EXAMPLES_KEYWORDS:
                break
            examples.append(self._examples())
        if is_outline and not examples:
            raise self.error("a Scenario Outline needs an Examples table", line=line)
        if not is_outline and self._peek_keyword() in _EXAMPLES_KEYWORDS:
            raise self.error("Examples under a plain Scenario")
        return ScenarioDefinition(name, line, tags, steps, is_outline, tuple(examples))

    def _examples(self) -> Examples:
        line = self.index + 1
        self.index += 1
        self._skip_description()
        table = self._table()
        if table is None or not table.rows:
            raise self.error("an Examples table needs a header row", line=line)
        header, *rows = table.rows
        numbered = tuple((row, table.line + offset + 1) for offset, row in enumerate(rows))
        return Examples(header, numbered, line)

    def _steps(self) -> tuple[Step, ...]:
        steps: list[Step] = []
        while (stripped := self._next_significant()) is not None:
            keyword = next(
                (word for word in _STEP_KEYWORDS if stripped.startswith(word + " ")), None
            )
            if keyword is None:
                break
            line = self.index + 1
            text = stripped[len(keyword) :].strip()
            self.index += 1
            argument = self._argument()
            steps.append(Step(keyword, text, line, argument))
        return tuple(steps)

    def _argument(self) -> DocString | Table | None:
        stripped = self._next_significant()
        if stripped is None:
            return None
        if stripped.startswith(_DOC_FENCES):
            return self._doc_string()
        if stripped.startswith("|"):
            return self._table()
        return None

    def _doc_string(self) -> DocString:
        raw = self.lines[self.index]
        indent = len(raw) - len(raw.lstrip())
        fence = raw.strip()[:3]
        line = self.index + 1
        self.index += 1
        content: list[str] = []
        while self.index < len(self.lines):
            current = self.lines[self.index]
            self.index += 1
            if current.strip() == fence:
                escaped = "".join("\\" + char for char in fence)
                return DocString("\n".join(content).replace(escaped, fence), line)
            content.append(_dedent(current, indent))
        raise self.error("unterminated doc string", line=line)

    def _table(self) -> Table | None:
        rows: list[tuple[str, ...]] = []
        line = self.index + 1
        while (stripped := self._next_significant()) is not None and stripped.startswith("|"):
            row = split_table_row(stripped)
            if rows and len(row) != len(rows[0]):
                raise self.error(
                    f"table row has {len(row)} cells, the first row has {len(rows[0])}"
                )
            rows.append(row)
            self.index += 1
        return Table(tuple(rows), line) if rows else None

    def _next_significant(self) -> str | None:
        """Skip blank and comment lines; return the stripped current line, or None at EOF."""
        while self.index < len(self.lines):
            stripped = self.lines[self.index].strip()
            if stripped and not stripped.startswith("#"):
                return stripped
            self.index += 1
        return None

    def _peek_keyword(self) -> str | None:
        stripped = self._next_significant()
        return None if stripped is None else _split_keyword(stripped)[0]

    def _skip_description(self) -> None:
        """Free text under a Feature/Scenario/Examples line, up to the next structural line."""
        while (stripped := self._next_significant()) is not None:
            keyword, _ = _split_keyword(stripped)
            structural = (
                stripped.startswith(("@", "|", *_DOC_FENCES))
                or keyword is not None
                or any(stripped.startswith(word + " ") for word in _STEP_KEYWORDS)
            )
            if structural:
                return
            self.index += 1

    def _collect_tags(self, stripped: str) -> None:
        for tag in stripped.split():
            if not tag.startswith("@"):
                raise self.error(f"malformed tag line: {stripped!r}")
            self.pending_tags.append(tag)
        self.index += 1

    def _reject_tags(self, what: str) -> None:
        if self.pending_tags:
            raise self.error(f"tags on a {what} are not supported")


def _split_keyword(stripped: str) -> tuple[str | None, str]:
    """(`Scenario Outline`, rest) for `Scenario Outline: [1] x`; (None, line) otherwise."""
    head, colon, rest = stripped.partition(":")
    if not colon:
        return None, stripped
    keyword = head.strip()
    known = {"Feature", "Background", "Rule", *_SCENARIO_KEYWORDS, *_EXAMPLES_KEYWORDS}
    return (keyword, rest.strip()) if keyword in known else (None, stripped)


def _dedent(line: str, indent: int) -> str:
    """Remove up to `indent` leading whitespace characters (the opening fence's indent)."""
    removable = len(line) - len(line.lstrip())
    return line[min(indent, removable) :]
