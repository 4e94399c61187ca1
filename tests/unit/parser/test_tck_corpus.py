"""Every openCypher TCK query parses, round-trips through the printer and names its columns.

The feature files are read from `$ENGRAM_TCK_DIR` or `../shared/tck/features`; without
them these tests are skipped with that reason.
"""

from __future__ import annotations

import pytest

from engram.errors import CypherSyntaxError
from engram.parser import parse
from engram.parser.ast import Return, Statement, UnionQuery
from engram.parser.printer import print_statement
from tests.unit.parser.tck_corpus import TckQuery, tck_queries

#: compile-time error details that a grammar (this parser) detects
GRAMMAR_DETAILS = frozenset(
    {
        "UnexpectedSyntax",
        "InvalidRelationshipPattern",
        "IntegerOverflow",
        "InvalidNumberLiteral",
        "FloatingPointOverflow",
        "InvalidUnicodeLiteral",
        "InvalidUnicodeCharacter",
    }
)

pytestmark = pytest.mark.skipif(
    not tck_queries(),
    reason="openCypher TCK features not found: set ENGRAM_TCK_DIR or check ../shared/tck",
)


def _should_parse(query: TckQuery) -> bool:
    return not (query.expects_compile_error and query.error_detail in GRAMMAR_DETAILS)


def _parsed() -> list[tuple[TckQuery, Statement]]:
    parsed = []
    for query in tck_queries():
        if _should_parse(query):
            parsed.append((query, parse(query.text)))
    return parsed


def test_every_query_that_should_parse_parses():
    failures = []
    for query in tck_queries():
        if not _should_parse(query):
            continue
        try:
            parse(query.text)
        except CypherSyntaxError as error:
            failures.append(f"{query.id}\n{error}")
    assert not failures, "\n\n".join(failures[:20])


def test_grammar_errors_have_the_expected_detail():
    wrong = []
    expected = [q for q in tck_queries() if not _should_parse(q)]
    assert expected
    for query in expected:
        try:
            parse(query.text)
        except CypherSyntaxError as error:
            if error.detail != query.error_detail:
                wrong.append(f"{query.id}: {error.detail} instead of {query.error_detail}")
        else:
            wrong.append(f"{query.id}: parsed, expected {query.error_detail}")
    assert not wrong, "\n".join(wrong)


def test_printed_queries_parse_back_to_the_same_tree():
    mismatches = []
    for query, statement in _parsed():
        printed = print_statement(statement)
        again = parse(printed)
        # repr also tells 1 from 1.0 from true, which dataclass equality does not
        if again != statement or repr(again) != repr(statement):
            mismatches.append(f"{query.id}\n{query.text}\n{printed}")
    assert not mismatches, "\n\n".join(mismatches[:10])


def test_printing_is_idempotent():
    for _query, statement in _parsed():
        printed = print_statement(statement)
        assert print_statement(parse(printed)) == printed


def test_column_names_match_the_expected_result_headers():
    checked = 0
    wrong = []
    for query, statement in _parsed():
        if query.columns is None:
            continue
        body = statement.body
        first = body.queries[0] if isinstance(body, UnionQuery) else body
        last = first.clauses[-1]  # type: ignore[union-attr]
        if not isinstance(last, Return) or last.projection.star:
            continue
        names = tuple(
            item.alias.name if item.alias else item.text for item in last.projection.items
        )
        checked += 1
        if names != query.columns:
            wrong.append(f"{query.id}: {names} != {query.columns}")
    assert checked > 2000
    assert not wrong, "\n".join(wrong[:20])
