from __future__ import annotations

import pytest

from tests.support.records import (
    Explain,
    Load,
    Param,
    Query,
    RecordSyntaxError,
    SortMode,
    Statement,
    parse_logic_file,
)

# the example of STYLE.md section 4.13
EXAMPLE = """\
# name: match/expand.test
# description: single-hop expansion, direction and type filters
# dataset: social

query TI rowsort
MATCH (a:Person {name: 'Ada'})-[:KNOWS]->(b) RETURN b.name, b.age
----
Grace\t45
Linus\t29

query N nosort
MATCH (p:Person) RETURN p ORDER BY p.name LIMIT 1
----
(:Person {age: 36, name: 'Ada'})

param since = 2020

query I nosort
MATCH ()-[k:KNOWS]->() WHERE k.since >= $since RETURN count(*)
----
3

statement ok
CREATE (:Person {name: 'Edsger'})

statement error E201
MATCH (p:Person) RETURN nmae
----
unknown variable 'nmae'
1 | MATCH (p:Person) RETURN nmae
  |                         ^^^^
"""


def test_the_style_guide_example():
    parsed = parse_logic_file(EXAMPLE, "match/expand.test")
    assert parsed.header == {
        "name": "match/expand.test",
        "description": "single-hop expansion, direction and type filters",
        "dataset": "social",
    }
    first, second, param, third, statement, error = parsed.records
    assert first == Query(
        line=5,
        query="MATCH (a:Person {name: 'Ada'})-[:KNOWS]->(b) RETURN b.name, b.age",
        types="TI",
        sort=SortMode.ROWSORT,
        expected=("Grace\t45", "Linus\t29"),
    )
    assert second.sort is SortMode.NOSORT
    assert second.expected == ("(:Person {age: 36, name: 'Ada'})",)
    assert param == Param(line=16, name="since", value=2020)
    assert third.line == 18
    assert statement == Statement(
        line=23, query="CREATE (:Person {name: 'Edsger'})", expect_error=False
    )
    assert error.expect_error
    assert error.code == "E201"
    assert error.expected == (
        "unknown variable 'nmae'",
        "1 | MATCH (p:Person) RETURN nmae",
        "  |                         ^^^^",
    )


def test_multi_line_queries_and_empty_results():
    text = "query II\nMATCH (n)\nRETURN n.a, n.b\n----\n\nstatement error\nRETURN x\n"
    query, statement = parse_logic_file(text).records
    assert query.query == "MATCH (n)\nRETURN n.a, n.b"
    assert query.expected == ()
    assert statement.expected is None
    assert statement.code is None


def test_records_without_an_expected_block():
    (query,) = parse_logic_file("query I\nRETURN 1\n").records
    assert query.expected is None


def test_labels_explain_and_rules():
    text = (
        "query I rowsort label=same\nRETURN 1\n\n"
        "query I label=same\nRETURN 1\n\n"
        "explain optimized rules=none\nMATCH (n) RETURN n\n----\nAllNodesScan: n\n\n"
        "explain logical rules=merge_filters,push_down_filters label=plan\nMATCH (n) RETURN n\n\n"
        "explain physical\nRETURN 1\n"
    )
    first, second, none, some, physical = parse_logic_file(text).records
    assert first.label == "same"
    assert second.label == "same"
    assert second.sort is SortMode.NOSORT
    assert none == Explain(
        line=7,
        query="MATCH (n) RETURN n",
        stage="optimized",
        rules=(),
        expected=("AllNodesScan: n",),
    )
    assert some.rules == ("merge_filters", "push_down_filters")
    assert some.label == "plan"
    assert physical.rules is None


def test_param_values_are_json():
    text = (
        'param name = "Ada"\n\nparam rows = [\n  {"a": 1},\n  {"a": null}\n]\n\nparam flag=true\n'
    )
    name, rows, flag = parse_logic_file(text).records
    assert name.value == "Ada"
    assert rows.value == [{"a": 1}, {"a": None}]
    assert flag == Param(line=8, name="flag", value=True)


def test_load_and_comments():
    text = "# header: no\n"
    with pytest.raises(RecordSyntaxError, match="unknown header key 'header'"):
        parse_logic_file(text)
    text = (
        "# just a comment\n\nload movies\n\n# a comment between records\nstatement ok\nRETURN 1\n"
    )
    load, statement = parse_logic_file(text).records
    assert load == Load(line=3, dataset="movies")
    assert statement.line == 6


def test_skip_applies_to_the_next_record():
    text = (
        "skip not yet\nquery I\nRETURN 1\n\n"
        "skip later\n\nstatement ok\nRETURN 2\n\n"
        "statement ok\nRETURN 3\n"
    )
    first, second, third = parse_logic_file(text).records
    assert (first.line, first.skip) == (2, "not yet")
    assert (second.line, second.skip) == (7, "later")
    assert third.skip is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("frobnicate\nRETURN 1\n", "unknown directive 'frobnicate'"),
        ("statement ok\n", "'statement' record without a query"),
        ("statement ok\nRETURN 1\n----\n1\n", "takes no expected block"),
        ("statement maybe\nRETURN 1\n", "write 'statement ok' or 'statement error"),
        ("query\nRETURN 1\n", "write 'query <types>"),
        ("query IX\nRETURN 1\n", "unknown type letter"),
        ("query I shuffled\nRETURN 1\n", "unknown sort mode 'shuffled'"),
        ("query I label=\nRETURN 1\n", "unknown or empty option"),
        ("query I colour=red\nRETURN 1\n", "unknown or empty option"),
        ("query I label=a label=b\nRETURN 1\n", "given twice"),
        ("explain optimised\nRETURN 1\n", "write 'explain logical|optimized|physical'"),
        ("param 1x = 2\n", "write 'param <name> = <json>'"),
        ("param x = {oops}\n", "not JSON"),
        ("load ../etc\n", "write 'load <dataset>'"),
        ("load a b\n", "write 'load <dataset>'"),
        ("skip\nquery I\nRETURN 1\n", "write 'skip <reason>'"),
        ("statement ok\nRETURN 1\n\nskip dangling\n", "skips nothing"),
        ("skip a\n\nskip b\nstatement ok\nRETURN 1\n", "two 'skip' lines"),
    ],
)
def test_malformed_files_name_the_line(text, message):
    with pytest.raises(RecordSyntaxError, match=message):
        parse_logic_file(text, "x.test")


def test_error_carries_the_line():
    with pytest.raises(RecordSyntaxError) as error:
        parse_logic_file("statement ok\nRETURN 1\n\n\nquery Z\nRETURN 1\n", "f.test")
    assert error.value.line == 5
    assert str(error.value).startswith("f.test:5:")
