"""The builder round trip: builder queries give what their text queries give.

For every corpus entry the builder's AST prints to text that parses back to the same
AST, the text holds no value (every Python value is a parameter), and running the
builder query gives the same rows (and, for updates, the same graph) as the text query.
"""

from __future__ import annotations

import re

import pytest

import engram
from engram.parser import ast, parse
from tests.builder.corpus import READS, SETUP, WRITES


def rows_of(result, ordered):
    rows = [repr(row) for row in result.rows()]
    return rows if ordered else sorted(rows)


def same_columns(builder, text):
    """Equal names, except that an unaliased column names the builder's parameters."""
    assert len(builder) == len(text)
    for mine, theirs in zip(builder, text, strict=True):
        if "$" in mine:
            pattern = re.escape(mine).replace(r"\$v", "$v")
            assert re.fullmatch(re.sub(r"\$v\d+", ".+", pattern), theirs), (mine, theirs)
        else:
            assert mine == theirs
    return True


def graph_dump(db):
    nodes = db.execute("MATCH (n) RETURN id(n), labels(n), properties(n) ORDER BY id(n)").rows()
    rels = db.execute(
        "MATCH (a)-[r]->(b) RETURN id(a), type(r), id(b), properties(r) ORDER BY id(r)"
    ).rows()
    return repr(nodes), repr(rels)


def values_of(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from values_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from values_of(item)
    else:
        yield value


@pytest.fixture(scope="module")
def db():
    database = engram.open()
    database.execute(SETUP)
    yield database
    database.close()


def test_the_corpus_has_at_least_100_queries():
    assert len(READS) + len(WRITES) >= 100


@pytest.mark.parametrize(("query", "text", "params"), READS + WRITES, ids=lambda v: None)
def test_text_parses_back_to_the_builders_tree_and_holds_no_value(query, text, params):
    printed = str(query)
    assert parse(printed) == query.statement
    assert not [n for n in ast.walk(query.statement) if isinstance(n, ast.Literal)]
    for value in values_of(query.parameters):
        if isinstance(value, str) and len(value) > 1:
            assert value not in printed
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > 9:
            assert str(value) not in printed
    assert set(query.parameters) <= {
        n.name for n in ast.walk(query.statement) if isinstance(n, ast.Parameter)
    }


@pytest.mark.parametrize(("query", "text", "params"), READS, ids=[t for _, t, _ in READS])
def test_read_queries_match_their_text(db, query, text, params):
    ordered = "ORDER BY" in text
    expected = db.execute(text, params)
    got = db.execute(query, params)
    assert same_columns(got.columns, expected.columns)
    assert rows_of(got, ordered) == rows_of(expected, ordered)


@pytest.mark.parametrize(("query", "text", "params"), WRITES, ids=[t for _, t, _ in WRITES])
def test_update_queries_match_their_text(query, text, params):
    with engram.open() as by_text, engram.open() as by_builder:
        by_text.execute(SETUP)
        by_builder.execute(SETUP)
        expected = by_text.execute(text, params)
        got = by_builder.execute(query, params)
        assert rows_of(got, False) == rows_of(expected, False)
        assert got.stats == expected.stats
        assert graph_dump(by_builder) == graph_dump(by_text)
