"""Notes on names a read uses that the database lacks (repl/hints.py), alone and in the shell."""

from __future__ import annotations

import pytest

from engram.repl.completer import Vocabulary
from engram.repl.hints import unknown_names
from tests.repl.support import session

VOCABULARY = Vocabulary(
    labels=("Movie", "Person"),
    relationship_types=("ACTED_IN", "KNOWS"),
    property_keys=("name", "title"),
    functions={"vector.similarity.cosine": "", "date.truncate": "", "count": ""},
    procedures={"db.labels": ""},
)


@pytest.mark.parametrize(
    ("statement", "notes"),
    [
        ("MATCH (n:Persn) RETURN n", ["no node has the label 'Persn' (did you mean Person?)"]),
        ("MATCH (n:Person:Zebra) RETURN n", ["no node has the label 'Zebra'"]),
        (
            "MATCH (n:!Movie&Persn) RETURN n",
            ["no node has the label 'Persn' (did you mean Person?)"],
        ),
        (
            "MATCH ()-[r:ACTS_IN|KNOWS*1..2]->() RETURN r",
            ["no relationship has the type 'ACTS_IN' (did you mean ACTED_IN?)"],
        ),
        (
            "MATCH (n:Person WHERE n.nme = 'x') RETURN n",
            ["no node or relationship has the property 'nme' (did you mean name?)"],
        ),
        # names the database has, function namespaces, procedures without parentheses
        ("MATCH (p:Person)-[:KNOWS]->(m:Movie) RETURN p.name, m.title", []),
        ("RETURN vector.similarity.cosine([1], [1]), date.truncate('day', d)", []),
        ("CALL db.labels YIELD label RETURN label", []),
        # strings, comments and quoted names are not code
        ("MATCH (n) WHERE n.name = '(x:Nope) y.nope' RETURN n // (z:Nope)", []),
        ("MATCH (n:`No Such`) RETURN n.`odd key`", []),
        # a statement that writes may name what does not exist yet
        ("MATCH (n:Persn) CREATE (:Fresh {key: 1})", []),
        # each name once
        ("MATCH (a:Nope), (b:Nope) RETURN a", ["no node has the label 'Nope'"]),
    ],
)
def test_unknown_names(statement, notes):
    assert unknown_names(statement, VOCABULARY) == notes


def test_the_shell_notes_a_misspelt_label_when_nothing_is_found():
    with session() as shell:
        assert shell.run("CREATE (:Person {name: 'Ada'})-[:KNOWS]->(:Person {name: 'Alan'})")
        shell.take()
        assert shell.run("MATCH (p:Persn)-[:KNOWS]->(q) RETURN q.name;")
        _, err = shell.take()
        assert "note: no node has the label 'Persn' (did you mean Person?)" in err
        # rows found: no note, even for a name the database lacks
        assert shell.run("MATCH (p:Person) RETURN p.nickname AS nick;")
        _, err = shell.take()
        assert "note:" not in err


def test_scripts_get_no_notes():
    with session(terminal=False) as shell:
        assert shell.run("MATCH (p:Persn) RETURN p;")
        _, err = shell.take()
        assert err == ""
