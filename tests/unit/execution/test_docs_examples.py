"""Every example in docs/functions.md gives the documented result; every function is there.

Example rows look like ``| `RETURN toLower('A')` | `'a'` |`` or, for aggregates,
``| `UNWIND [1, 2] AS x RETURN sum(x)` | `3` |``; an error result is written
``Kind (Detail)``. The query is evaluated with the real implementations.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engram.errors import QueryRuntimeError
from engram.execution.functions.registry import all_functions, lookup
from tests.unit.execution.expr import evaluate, same

DOC = Path(__file__).resolve().parents[3] / "docs" / "functions.md"
ROW = re.compile(r"^\| `((?:RETURN|UNWIND) [^`]+)` \| (.+?) \|$")
UNWIND = re.compile(r"^UNWIND (?P<values>.+) AS x RETURN (?P<projection>.+)$")
AGGREGATE = re.compile(r"(?P<name>[A-Za-z]+)\((?P<distinct>DISTINCT )?x(?:, (?P<extra>[^()]+))?\)")
ERROR = re.compile(r"^(?P<kind>\w+) \((?P<detail>\w+)\)$")


def _examples() -> list[tuple[int, str, str]]:
    rows = []
    for number, line in enumerate(DOC.read_text().splitlines(), start=1):
        match = ROW.match(line.strip())
        if match:
            rows.append((number, match.group(1), match.group(2).strip()))
    return rows


EXAMPLES = _examples()


def _run(query: str):
    unwind = UNWIND.match(query)
    if unwind is None:
        return evaluate(query.removeprefix("RETURN "))
    values = evaluate(unwind["values"])
    projection = unwind["projection"]
    call = AGGREGATE.search(projection)
    assert call is not None, f"no aggregate over x in {projection!r}"
    spec = lookup(call["name"])
    assert spec is not None
    assert spec.is_aggregate
    extra = [evaluate(call["extra"])] if call["extra"] else []
    accumulator = spec.impl(call["distinct"] is not None)
    for value in values:
        accumulator.add(value, *extra)
    rewritten = projection[: call.start()] + "$aggregate" + projection[call.end() :]
    return evaluate(rewritten, {"aggregate": accumulator.result()})


def test_the_page_has_examples():
    assert len(EXAMPLES) > 150


@pytest.mark.parametrize(
    ("query", "expected"),
    [(query, expected) for _, query, expected in EXAMPLES],
    ids=[f"line{number}" for number, _, _ in EXAMPLES],
)
def test_example(query, expected):
    error = ERROR.match(expected)
    if error is not None:
        with pytest.raises(QueryRuntimeError) as raised:
            _run(query)
        assert (raised.value.kind, raised.value.detail) == (error["kind"], error["detail"])
        return
    assert expected.startswith("`"), f"result cell must be a backticked value: {expected!r}"
    assert expected.endswith("`"), f"result cell must be a backticked value: {expected!r}"
    assert same(_run(query), evaluate(expected.strip("`")))


@pytest.mark.parametrize("spec", all_functions(), ids=lambda spec: spec.display_name)
def test_every_function_is_documented_with_its_signature(spec):
    text = DOC.read_text()
    assert f"`{spec.signature}`" in text, f"docs/functions.md lacks `{spec.signature}`"
    documented = {query for _, query, _ in EXAMPLES}
    pattern = re.compile(rf"\b{re.escape(spec.display_name)}\(", re.IGNORECASE)
    assert any(pattern.search(query) for query in documented), spec.display_name
