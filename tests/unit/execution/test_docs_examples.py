"""Every example in docs/functions.md gives the documented result; every function is there.

Example rows look like ``| `RETURN toLower('A')` | `'a'` |`` or, for aggregates,
``| `UNWIND [1, 2] AS x RETURN sum(x)` | `3` |``; an error result is written
``Kind (Detail)``. Examples run through the real engine on a database holding the small
graph `GRAPH` below (graph functions need one); the expected value is evaluated by the
engine too. Temporal functions are documented in docs/temporal.md.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import engram
from engram.errors import QueryError
from engram.execution.functions.registry import all_functions
from tests.unit.execution.expr import same

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC = DOCS / "functions.md"
TEMPORAL_DOC = DOCS / "temporal.md"
ROW = re.compile(r"^\| `((?:RETURN|UNWIND|MATCH|OPTIONAL MATCH|WITH) [^`]+)` \| (.+?) \|$")
#: floats the language has no literal for, as expressions that compute them
SPECIAL = {"NaN": "0.0 / 0.0", "Infinity": "1.0 / 0.0", "-Infinity": "-1.0 / 0.0"}
ERROR = re.compile(r"^(?P<kind>\w+) \((?P<detail>\w+)\)$")
#: the graph the examples of graph functions read
GRAPH = (
    "CREATE (:Person:Admin {name: 'Ada', age: 36})-[:KNOWS {since: 1990}]->(:Person {name: 'Alan'})"
)


def _examples() -> list[tuple[int, str, str]]:
    rows = []
    for number, line in enumerate(DOC.read_text().splitlines(), start=1):
        match = ROW.match(line.strip())
        if match:
            rows.append((number, match.group(1), match.group(2).strip()))
    return rows


EXAMPLES = _examples()


@pytest.fixture(scope="module")
def db():
    with engram.open() as database:
        database.execute(GRAPH)
        yield database


def _run(db, query: str):
    return db.execute(query).scalar()


_TEMPORAL_TYPES = ("DATE", "TIME", "LOCALTIME", "DATETIME", "LOCALDATETIME", "DURATION")
_TEMPORAL_PREFIXES = ("date", "time", "localtime", "datetime", "localdatetime", "duration")


def test_the_page_has_examples():
    assert len(EXAMPLES) > 150


@pytest.mark.parametrize(
    ("query", "expected"),
    [(query, expected) for _, query, expected in EXAMPLES],
    ids=[f"line{number}" for number, _, _ in EXAMPLES],
)
def test_example(db, query, expected):
    error = ERROR.match(expected)
    if error is not None:
        with pytest.raises(QueryError) as raised:
            _run(db, query)
        assert (raised.value.kind, raised.value.detail) == (error["kind"], error["detail"])
        return
    assert expected.startswith("`"), f"result cell must be a backticked value: {expected!r}"
    assert expected.endswith("`"), f"result cell must be a backticked value: {expected!r}"
    value = expected.strip("`")
    assert same(_run(db, query), _run(db, "RETURN " + SPECIAL.get(value, value)))


@pytest.mark.parametrize("spec", all_functions(), ids=lambda spec: spec.display_name)
def test_every_function_is_documented_with_its_signature(spec):
    temporal = spec.result_type.kind.value in _TEMPORAL_TYPES or spec.name.startswith(
        _TEMPORAL_PREFIXES
    )
    page = TEMPORAL_DOC if temporal else DOC
    text = page.read_text()
    assert f"`{spec.signature}`" in text, f"docs/{page.name} lacks `{spec.signature}`"
    if temporal:
        return  # docs/temporal.md runs its own examples (tests/unit/temporal/test_docs.py)
    documented = {query for _, query, _ in EXAMPLES}
    pattern = re.compile(rf"\b{re.escape(spec.display_name)}\(", re.IGNORECASE)
    assert any(pattern.search(query) for query in documented), spec.display_name
