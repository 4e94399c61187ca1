"""What completion offers in each context (repl/completer.py), from a real database too."""

from __future__ import annotations

import pytest

import engram
from engram.repl.completer import Vocabulary, complete
from engram.repl.core import ShellCore
from engram.repl.output import Printer

VOCABULARY = Vocabulary(
    keywords=("MATCH", "MERGE", "RETURN", "WHERE", "WITH", "VECTOR"),
    functions={
        "count": "count(input :: ANY) :: INTEGER",
        "collect": "collect(input :: ANY) :: LIST",
        "date.truncate": "date.truncate(...)",
        "vector.similarity.cosine": "vector.similarity.cosine(a, b)",
    },
    procedures={"db.labels": "db.labels() :: (label :: STRING)", "db.schema": "db.schema()"},
    labels=("Movie", "Person", "Place"),
    relationship_types=("ACTED_IN", "DIRECTED", "KNOWS"),
    property_keys=("born", "name", "title"),
    parameters=("min", "name"),
    commands={":help": "help", ":format": "formats", ":explain": "plans"},
    command_values={":format": ("table", "csv", "json")},
)


def _texts(text: str) -> list[str]:
    return [suggestion.text for suggestion in complete(text, VOCABULARY)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MATCH (p:", ["Movie", "Person", "Place"]),
        ("MATCH (p:Pe", ["Person"]),
        ("MATCH (:pl", ["Place"]),
        ("MATCH (p)-[r:K", ["KNOWS"]),
        ("MATCH (p)-[:ACTED_IN|D", ["DIRECTED"]),
        ("MATCH (p) WHERE p:Mo", ["Movie"]),
        ("MATCH (p) WHERE p.na", ["name"]),
        ("MATCH (p {ti", ["title"]),
        ("MATCH (p {name: 'x', b", ["born"]),
        ("RETURN $", ["min", "name"]),
        ("RETURN $n", ["name"]),
        ("CALL db.", ["db.labels", "db.schema"]),
        ("CALL d", ["db.labels", "db.schema"]),
        ("RETURN vector.s", ["vector.similarity.cosine"]),
        ("RETURN date.t", ["date.truncate"]),
        ("ma", ["MATCH"]),
        ("RETURN co", ["collect", "count"]),
        ("MATCH (person:Person) RETURN pe", ["person"]),
        ("UNWIND [1] AS item RETURN it", ["item"]),
        (":he", [":help"]),
        (":format c", ["csv"]),
        (":explain MATCH (n:Mo", ["Movie"]),
        ("RETURN [x IN [1] | x.ti", ["title"]),
    ],
)
def test_contexts(text, expected):
    assert _texts(text) == expected


@pytest.mark.parametrize(
    "text",
    ["RETURN 'Pe", "RETURN 'abc' // p.na", "RETURN /* (n:", "", "MATCH (n) ", ":format csv x"],
)
def test_nothing_inside_strings_comments_or_after_a_space(text):
    assert _texts(text) == []


def test_suggestions_replace_the_typed_word_and_carry_a_description():
    [suggestion] = complete("RETURN cou", VOCABULARY)
    assert suggestion.replace == 3
    assert suggestion.kind == "function"
    assert suggestion.meta == "count(input :: ANY) :: INTEGER"
    [label] = complete("MATCH (p:Per", VOCABULARY)
    assert (label.replace, label.kind) == (3, "label")


def test_vocabulary_follows_the_database():
    with engram.open() as db:
        core = ShellCore(db, Printer.standard())
        try:
            core.refresh_vocabulary()
            assert core.vocabulary.labels == ()
            assert core.run_statement("CREATE (:Galaxy {stars: 1})-[:ORBITS]->(:Galaxy)")
            assert core.vocabulary.labels == ("Galaxy",)
            assert core.vocabulary.relationship_types == ("ORBITS",)
            assert "stars" in core.vocabulary.property_keys
            assert "MATCH" in core.vocabulary.keywords
            assert "toLower" in core.vocabulary.functions
            assert "db.labels" in core.vocabulary.procedures
            assert ":schema" in core.vocabulary.commands
            core.set_parameter("limit", 3)
            assert [s.text for s in complete("RETURN $li", core.vocabulary)] == ["limit"]
            assert [s.text for s in complete("MATCH (g:Ga", core.vocabulary)] == ["Galaxy"]
        finally:
            core.close()
