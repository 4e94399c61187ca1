from __future__ import annotations

import pytest

from tests.support.cypher_script import split_statements
from tests.support.plugin import DATASETS
from tests.tck.locate import default_feature_dirs


@pytest.mark.parametrize(
    ("script", "statements"),
    [
        ("", []),
        (";;\n", []),
        ("CREATE ()", ["CREATE ()"]),
        ("CREATE ();\nCREATE ();", ["CREATE ()", "CREATE ()"]),
        ("CREATE ({s: 'a;b'});", ["CREATE ({s: 'a;b'})"]),
        ('CREATE ({s: "a;b"});', ['CREATE ({s: "a;b"})']),
        (r"CREATE ({s: 'it\'s; fine'});", [r"CREATE ({s: 'it\'s; fine'})"]),
        ("CREATE (:`odd;label`);", ["CREATE (:`odd;label`)"]),
        ("// a comment; still a comment\nCREATE ();", ["// a comment; still a comment\nCREATE ()"]),
        ("/* block; comment */ CREATE ();", ["/* block; comment */ CREATE ()"]),
        ("CREATE (); // trailing\n", ["CREATE ()"]),
        ("RETURN 4 / 2;", ["RETURN 4 / 2"]),
    ],
)
def test_split(script, statements):
    assert split_statements(script) == statements


def test_unterminated_string():
    with pytest.raises(ValueError, match="unterminated"):
        split_statements("CREATE ({s: 'open});")


def test_named_graphs_are_one_statement_each():
    graphs = [path.parent / "graphs" for path in default_feature_dirs() if path.is_dir()]
    if not graphs:
        pytest.skip("the TCK's named graphs are not available")
    for name in ("binary-tree-1", "binary-tree-2"):
        script = (graphs[0] / name / f"{name}.cypher").read_text(encoding="utf-8")
        (statement,) = split_statements(script)
        assert statement.startswith("CREATE (a:A {name: 'a'})")
        assert statement.count("CREATE") == 4


@pytest.mark.parametrize("dataset", ["social", "movies"])
def test_datasets_split_into_create_statements(dataset):
    statements = split_statements((DATASETS / f"{dataset}.cypher").read_text(encoding="utf-8"))
    assert statements
    assert all("CREATE" in statement or "MATCH" in statement for statement in statements)
