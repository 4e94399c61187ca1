"""Parse `.test` files (STYLE.md §4.13) into header settings and typed records.

A file starts with `# key: value` header lines (`name`, `description`, `dataset`,
`requires`); then come records separated by blank lines. A record is a directive line, the
query text, and optionally `----` followed by the expected block. The seven directives are
`statement ok`, `statement error [CODE]`, `query <types> [sort] [label=L]`,
`explain <stage> [rules=…] [label=L]`, `param <name> = <json>`, `load <dataset>` and
`skip <reason>` (which skips the record after it). Lines starting with `#` between records
are comments. Malformed input is a `RecordSyntaxError` with the line number.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

__all__ = [
    "EXPECTED_SEPARATOR",
    "HEADER_KEYS",
    "TYPE_LETTERS",
    "Explain",
    "Load",
    "LogicFile",
    "Param",
    "Query",
    "Record",
    "RecordSyntaxError",
    "SortMode",
    "Statement",
    "parse_logic_file",
]

EXPECTED_SEPARATOR: Final = "----"
HEADER_KEYS: Final = frozenset({"name", "description", "dataset", "requires"})
TYPE_LETTERS: Final = "IRTBNEPLM?"
_HEADER_LINE: Final = re.compile(r"^#\s*(?P<key>[a-z]+):\s*(?P<value>.*?)\s*$")
_NAME: Final = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DATASET: Final = re.compile(r"^[A-Za-z0-9_-]+$")
_CODE: Final = re.compile(r"^(E\d+|[A-Za-z]+(\.[A-Za-z]+)?)$")
_STAGES: Final = ("logical", "optimized", "physical")


class RecordSyntaxError(Exception):
    """A `.test` file is malformed; names the file and line."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.line = line


class SortMode(StrEnum):
    """How a query's rows are compared."""

    NOSORT = "nosort"
    ROWSORT = "rowsort"
    VALUESORT = "valuesort"


@dataclass(frozen=True, slots=True, kw_only=True)
class Statement:
    """`statement ok` or `statement error [CODE]` with an optional expected block."""

    line: int
    query: str
    expect_error: bool
    code: str | None = None
    expected: tuple[str, ...] | None = None
    skip: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """`query <types> [sort] [label=L]`: a result check."""

    line: int
    query: str
    types: str
    sort: SortMode = SortMode.NOSORT
    label: str | None = None
    expected: tuple[str, ...] | None = None
    skip: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Explain:
    """`explain <stage> [rules=none|a,b] [label=L]`: a plan golden."""

    line: int
    query: str
    stage: str
    rules: tuple[str, ...] | None = None
    label: str | None = None
    expected: tuple[str, ...] | None = None
    skip: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Param:
    """`param <name> = <json>`: binds `$name` for the records that follow."""

    line: int
    name: str
    value: Any
    skip: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Load:
    """`load <dataset>`: reset the database and load `tests/datasets/<dataset>.cypher`."""

    line: int
    dataset: str
    skip: str | None = None


Record = Statement | Query | Explain | Param | Load


@dataclass(frozen=True, slots=True)
class LogicFile:
    """A parsed `.test` file: its header settings and records in file order."""

    path: str
    header: dict[str, str]
    records: tuple[Record, ...]


def parse_logic_file(text: str, path: str = "<test>") -> LogicFile:
    """Parse the text of a `.test` file.

    Raises:
        RecordSyntaxError: an unknown directive or header key, a bad argument, a record
            without a query, or an expected block where the directive takes none.
    """
    # split on "\n" only: values may hold other characters str.splitlines() breaks on
    lines = text.split("\n")
    header, index = _header(lines, path)
    records: list[Record] = []
    pending_skip: str | None = None
    for start, block in _blocks(lines, index):
        if block[0].startswith("skip"):
            reason = _skip_reason(block[0], path, start)
            if pending_skip is not None:
                raise RecordSyntaxError(path, start, "two 'skip' lines in a row")
            pending_skip = reason
            block = block[1:]
            start += 1
            if not block:
                continue
        records.append(_record(block, start, path, pending_skip))
        pending_skip = None
    if pending_skip is not None:
        raise RecordSyntaxError(path, len(lines), "'skip' at the end of the file skips nothing")
    return LogicFile(path, header, tuple(records))


def _header(lines: list[str], path: str) -> tuple[dict[str, str], int]:
    header: dict[str, str] = {}
    index = 0
    while index < len(lines) and lines[index].startswith("#"):
        match = _HEADER_LINE.match(lines[index])
        if match is not None and match.group("key") in HEADER_KEYS:
            header[match.group("key")] = match.group("value")
        elif match is not None:
            raise RecordSyntaxError(
                path,
                index + 1,
                f"unknown header key {match.group('key')!r} "
                f"(known: {', '.join(sorted(HEADER_KEYS))})",
            )
        index += 1
    return header, index


def _blocks(lines: list[str], index: int) -> list[tuple[int, list[str]]]:
    """Non-blank runs of lines with their 1-based first line; `#` lines outside records go."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines[index:], start=index + 1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
        elif not current and line.startswith("#"):
            continue
        else:
            if not current:
                start = number
            current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


def _skip_reason(line: str, path: str, number: int) -> str:
    word, _, reason = line.partition(" ")
    if word != "skip" or not reason.strip():
        raise RecordSyntaxError(path, number, "write 'skip <reason>'")
    return reason.strip()


def _split_expected(block: list[str], path: str, start: int) -> tuple[str, tuple[str, ...] | None]:
    body = block[1:]
    if EXPECTED_SEPARATOR in body:
        cut = body.index(EXPECTED_SEPARATOR)
        query_lines, expected = body[:cut], tuple(body[cut + 1 :])
    else:
        query_lines, expected = body, None
    if not query_lines:
        raise RecordSyntaxError(path, start, f"{block[0].split()[0]!r} record without a query")
    return "\n".join(query_lines), expected


def _record(block: list[str], start: int, path: str, skip: str | None) -> Record:
    directive, *arguments = block[0].split()
    if directive == "statement":
        return _statement(block, arguments, start, path, skip)
    if directive == "query":
        return _query(block, arguments, start, path, skip)
    if directive == "explain":
        return _explain(block, arguments, start, path, skip)
    if directive == "param":
        return _param(block, start, path, skip)
    if directive == "load":
        if len(arguments) != 1 or not _DATASET.match(arguments[0]) or len(block) > 1:
            raise RecordSyntaxError(path, start, "write 'load <dataset>' on its own line")
        return Load(line=start, dataset=arguments[0], skip=skip)
    raise RecordSyntaxError(
        path,
        start,
        f"unknown directive {directive!r} (statement, query, explain, param, load, skip)",
    )


def _statement(
    block: list[str], arguments: list[str], start: int, path: str, skip: str | None
) -> Statement:
    query, expected = _split_expected(block, path, start)
    match arguments:
        case ["ok"]:
            if expected is not None:
                raise RecordSyntaxError(path, start, "'statement ok' takes no expected block")
            return Statement(line=start, query=query, expect_error=False, skip=skip)
        case ["error"]:
            return Statement(
                line=start, query=query, expect_error=True, expected=expected, skip=skip
            )
        case ["error", code] if _CODE.match(code):
            return Statement(
                line=start, query=query, expect_error=True, code=code, expected=expected, skip=skip
            )
    raise RecordSyntaxError(path, start, "write 'statement ok' or 'statement error [CODE]'")


def _options(
    arguments: list[str], start: int, path: str, allowed: set[str]
) -> tuple[list[str], dict[str, str]]:
    positional: list[str] = []
    options: dict[str, str] = {}
    for argument in arguments:
        key, equals, value = argument.partition("=")
        if not equals:
            positional.append(argument)
        elif key not in allowed or not value:
            raise RecordSyntaxError(path, start, f"unknown or empty option {argument!r}")
        elif key in options:
            raise RecordSyntaxError(path, start, f"option {key!r} given twice")
        else:
            options[key] = value
    return positional, options


def _query(
    block: list[str], arguments: list[str], start: int, path: str, skip: str | None
) -> Query:
    positional, options = _options(arguments, start, path, {"label"})
    if not positional or len(positional) > 2:
        raise RecordSyntaxError(path, start, "write 'query <types> [nosort|rowsort|valuesort]'")
    types = positional[0]
    if any(letter not in TYPE_LETTERS for letter in types):
        raise RecordSyntaxError(
            path, start, f"unknown type letter in {types!r} (letters: {TYPE_LETTERS})"
        )
    try:
        sort = SortMode(positional[1]) if len(positional) == 2 else SortMode.NOSORT
    except ValueError:
        raise RecordSyntaxError(
            path, start, f"unknown sort mode {positional[1]!r} (nosort, rowsort, valuesort)"
        ) from None
    query, expected = _split_expected(block, path, start)
    return Query(
        line=start,
        query=query,
        types=types,
        sort=sort,
        label=options.get("label"),
        expected=expected,
        skip=skip,
    )


def _explain(
    block: list[str], arguments: list[str], start: int, path: str, skip: str | None
) -> Explain:
    positional, options = _options(arguments, start, path, {"rules", "label"})
    if len(positional) != 1 or positional[0] not in _STAGES:
        raise RecordSyntaxError(path, start, "write 'explain logical|optimized|physical'")
    rules: tuple[str, ...] | None = None
    if "rules" in options:
        names = options["rules"]
        rules = () if names == "none" else tuple(name for name in names.split(",") if name)
    query, expected = _split_expected(block, path, start)
    return Explain(
        line=start,
        query=query,
        stage=positional[0],
        rules=rules,
        label=options.get("label"),
        expected=expected,
        skip=skip,
    )


def _param(block: list[str], start: int, path: str, skip: str | None) -> Param:
    text = " ".join([block[0].removeprefix("param"), *block[1:]])
    name, equals, value_text = text.partition("=")
    name = name.strip()
    if not equals or not _NAME.match(name):
        raise RecordSyntaxError(path, start, "write 'param <name> = <json>'")
    try:
        value = json.loads(value_text)
    except json.JSONDecodeError as error:
        raise RecordSyntaxError(path, start, f"param {name!r}: not JSON ({error.msg})") from None
    return Param(line=start, name=name, value=value, skip=skip)
