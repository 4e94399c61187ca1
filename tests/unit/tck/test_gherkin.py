from __future__ import annotations

from collections import Counter

import pytest

from tests.tck.gherkin import (
    DocString,
    FeatureSyntaxError,
    Table,
    expand,
    parse_feature,
    parse_feature_file,
    split_table_row,
)
from tests.tck.locate import feature_files
from tests.unit.tck.shared import all_scenarios, shared_features

# shared/TCK.md, "What is here": expanded scenarios per directory of the visible suite
TCK_TABLE = {
    "clauses/call": 43,
    "clauses/create": 51,
    "clauses/delete": 25,
    "clauses/match": 245,
    "clauses/match-where": 23,
    "clauses/merge": 60,
    "clauses/remove": 12,
    "clauses/return": 39,
    "clauses/return-orderby": 29,
    "clauses/return-skip-limit": 28,
    "clauses/set": 24,
    "clauses/union": 10,
    "clauses/unwind": 14,
    "clauses/with": 19,
    "clauses/with-orderBy": 199,
    "clauses/with-skip-limit": 6,
    "clauses/with-where": 15,
    "expressions/aggregation": 20,
    "expressions/boolean": 120,
    "expressions/comparison": 63,
    "expressions/conditional": 13,
    "expressions/existentialSubqueries": 7,
    "expressions/graph": 31,
    "expressions/list": 93,
    "expressions/literals": 102,
    "expressions/map": 33,
    "expressions/mathematical": 5,
    "expressions/null": 34,
    "expressions/path": 4,
    "expressions/pattern": 50,
    "expressions/precedence": 110,
    "expressions/quantifier": 439,
    "expressions/string": 29,
    "expressions/temporal": 917,
    "expressions/typeConversion": 36,
    "useCases/countingSubgraphMatches": 11,
    "useCases/triadicSelection": 19,
}


def test_every_feature_file_parses():
    root = shared_features()
    files = feature_files(root)
    assert len(files) == 155
    features = [parse_feature_file(path, root) for path in files]
    assert all(feature.name for feature in features)
    # some upstream files are placeholders without scenarios yet
    assert sum(1 for feature in features if feature.scenarios) == 134


def test_expanded_counts_match_the_tck_table():
    counts = Counter(scenario.directory for scenario in all_scenarios())
    assert dict(counts) == TCK_TABLE
    assert sum(counts.values()) == 2978


def test_scenario_ids_are_unique():
    ids = [scenario.id for scenario in all_scenarios()]
    assert len(ids) == len(set(ids))


def test_background_runs_first_in_match5():
    scenarios = [s for s in all_scenarios() if s.feature == "clauses/match/Match5.feature"]
    assert scenarios
    for scenario in scenarios:
        assert scenario.steps[0].text == "an empty graph"
        assert scenario.steps[1].text == "having executed:"
        assert "CREATE (n0:A {name: 'n0'})" in scenario.steps[1].argument.text


def test_tab_indented_doc_strings_are_dedented():
    scenarios = {s.id: s for s in all_scenarios()}
    query = scenarios["expressions/pattern/Pattern1.feature::[10]::row1"].steps[-2].argument
    assert isinstance(query, DocString)
    assert query.text == "MATCH (n) WHERE (a) RETURN n"


def test_ignore_tag_is_present_once():
    ignored = [s.id for s in all_scenarios() if "@ignore" in s.tags]
    assert len(ignored) == 1


def test_agrees_with_cucumbers_own_parser():
    """gherkin-official (Cucumber's parser) as an oracle: names, tags, steps, arguments."""
    gherkin_parser = pytest.importorskip("gherkin.parser", reason="gherkin-official not installed")
    from gherkin.pickles.compiler import Compiler
    from gherkin.token_scanner import TokenScanner

    root = shared_features()
    for path in feature_files(root):
        document = gherkin_parser.Parser().parse(TokenScanner(path.read_text(encoding="utf-8")))
        document["uri"] = str(path)
        pickles = Compiler().compile(document)
        mine = expand(parse_feature_file(path, root))
        assert len(pickles) == len(mine), path
        for pickle, scenario in zip(pickles, mine, strict=True):
            assert pickle["name"] == scenario.name
            assert [tag["name"] for tag in pickle["tags"]] == list(scenario.tags)
            assert [step["text"] for step in pickle["steps"]] == [s.text for s in scenario.steps]
            for step, own in zip(pickle["steps"], scenario.steps, strict=True):
                argument = step.get("argument")
                if argument is None:
                    assert own.argument is None
                elif "docString" in argument:
                    assert argument["docString"]["content"] == own.argument.text
                else:
                    rows = argument["dataTable"]["rows"]
                    cells = tuple(tuple(cell["value"] for cell in row["cells"]) for row in rows)
                    assert cells == own.argument.rows


OUTLINE = '''\
#encoding: utf-8
@featuretag
Feature: Demo
  Some free description.

  Background:
    Given an empty graph

  @ignore
  Scenario: [1] Plain
    When executing query:
      """
      RETURN 1 AS x
      """
    Then the result should be, in any order:
      | x |
      | 1 |

  Scenario Outline: [2] Outline <name>
    When executing query:
      """
      WITH <value> AS v WHERE v < 3 RETURN v, '<name>' AS n
      """
    Then the result should be, in order:
      | v       | n        |
      | <value> | '<name>' |

    Examples:
      | name | value |
      | a\\|b | 1     |
      | c    | 2     |

    Examples:
      | name | value |
      | d    | 3     |
'''


def test_outline_expansion():
    scenarios = expand(parse_feature(OUTLINE, "dir/Demo.feature"))
    assert [s.id for s in scenarios] == [
        "dir/Demo.feature::[1]",
        "dir/Demo.feature::[2]::row1",
        "dir/Demo.feature::[2]::row2",
        "dir/Demo.feature::[2]::row3",
    ]
    first_row = scenarios[1]
    assert first_row.name == "[2] Outline a|b"
    assert first_row.steps[0].text == "an empty graph"
    query = first_row.steps[1].argument
    assert isinstance(query, DocString)
    # placeholders are replaced, `<` comparisons are left alone
    assert query.text == "WITH 1 AS v WHERE v < 3 RETURN v, 'a|b' AS n"
    table = first_row.steps[2].argument
    assert isinstance(table, Table)
    assert table.rows == (("v", "n"), ("1", "'a|b'"))
    assert scenarios[3].steps[2].argument.rows[1] == ("3", "'d'")
    assert scenarios[0].tags == ("@featuretag", "@ignore")
    assert scenarios[1].tags == ("@featuretag",)
    assert scenarios[1].directory == "dir"


def test_doc_string_keeps_relative_indentation():
    text = (
        "Feature: F\n  Scenario: [1] s\n    When executing query:\n"
        '      """\n      A\n        B\n      """\n'
    )
    (scenario,) = expand(parse_feature(text))
    assert scenario.steps[0].argument.text == "A\n  B"


def test_bare_bar_table_has_no_cells():
    text = "Feature: F\n  Scenario: [1] s\n    Given there exists a procedure p() :: ():\n      |\n"
    (scenario,) = expand(parse_feature(text))
    table = scenario.steps[0].argument
    assert isinstance(table, Table)
    assert table.rows == ((),)
    assert table.width == 0


def test_repeated_numbers_get_unique_ids():
    text = (
        "Feature: F\n  Scenario: [1] a\n    Given any graph\n"
        "  Scenario: [1] b\n    Given any graph\n"
    )
    ids = [s.id for s in expand(parse_feature(text, "F.feature"))]
    assert ids == ["F.feature::[1]", "F.feature::[1]#2"]


def test_scenario_without_number_uses_its_name():
    text = "Feature: F\n  Scenario: does things\n    Given any graph\n"
    (scenario,) = expand(parse_feature(text, "F.feature"))
    assert scenario.id == "F.feature::does things"


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ("| a | b |", ("a", "b")),
        ("|a|", ("a",)),
        ("|", ()),
        (r"| \| | \\ | \n |", ("|", "\\", "\n")),
        (r"| 'it\'s' |", ("'it\\'s'",)),
        ("|  spaced   out  |", ("spaced   out",)),
        ("| emoji 😀 |", ("emoji 😀",)),
    ],
)
def test_table_row_escapes(line, cells):
    assert split_table_row(line) == cells


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Scenario: [1] x\n", "expected 'Feature:'"),
        ("", "no 'Feature:'"),
        ("Feature: F\n  Rule: r\n", "'Rule:' is not supported"),
        ("Feature: F\n  Scenario: [1] x\n    Given any graph\n    Thn oops\n", "unexpected line"),
        ("Feature: F\n  Scenario Outline: [1] x\n    Given any graph\n", "needs an Examples"),
        (
            "Feature: F\n  Scenario: [1] x\n    Then t:\n      | a | b |\n      | c |\n",
            "table row has 1 cells",
        ),
        ('Feature: F\n  Scenario: [1] x\n    When q:\n      """\n      open\n', "unterminated"),
        ("Feature: F\n  Scenario: [1] x\n    Given any graph\n  @tag\n", "belong to nothing"),
        (
            "Feature: F\n  Scenario: [1] x\n    Given any graph\n  Examples:\n    | a |\n",
            "Examples under a plain Scenario",
        ),
    ],
)
def test_malformed_features_fail_loudly(text, message):
    with pytest.raises(FeatureSyntaxError, match=message):
        parse_feature(text, "bad.feature")


def test_error_names_file_and_line():
    with pytest.raises(FeatureSyntaxError) as error:
        parse_feature("Feature: F\n\n  Rule: r\n", "dir/bad.feature")
    assert error.value.path == "dir/bad.feature"
    assert error.value.line == 3
    assert str(error.value).startswith("dir/bad.feature:3:")
