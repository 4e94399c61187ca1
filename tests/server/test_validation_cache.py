"""The per-schema cache of parsed documents and validated query texts."""

from __future__ import annotations

from graphql import build_schema, parse, specified_rules

from engram.server.limits import ValidatedDocuments

SCHEMA = build_schema("type Query { a: Int, b(n: Int): [Int] }")
RULES = tuple(specified_rules)


def test_valid_texts_are_validated_once_and_invalid_ones_every_time():
    documents = ValidatedDocuments(size=2)
    assert documents.validate(SCHEMA, "{ a }", parse("{ a }"), RULES) == []
    # the text is known valid now: the (deliberately wrong) document is not looked at again
    assert documents.validate(SCHEMA, "{ a }", parse("{ nope }"), RULES) == []
    first = documents.validate(SCHEMA, "{ nope }", parse("{ nope }"), RULES)
    second = documents.validate(SCHEMA, "{ nope }", parse("{ nope }"), RULES)
    assert len(first) == len(second) == 1
    assert first[0] is not second[0], "errors are never shared between requests"


def test_the_cache_is_bounded():
    documents = ValidatedDocuments(size=2)
    for text in ("{ a }", "{ b }", "{ a b }"):
        assert documents.validate(SCHEMA, text, parse(text), RULES) == []
    # "{ a }" was evicted: it is validated again (against a wrong document: an error)
    assert documents.validate(SCHEMA, "{ a }", parse("{ nope }"), RULES)
    assert documents.validate(SCHEMA, "{ a b }", parse("{ nope }"), RULES) == []


def test_parsed_documents_are_kept_per_text():
    documents = ValidatedDocuments(size=1)
    assert documents.parsed("{ a }") is None
    document = parse("{ a }")
    documents.remember("{ a }", document)
    assert documents.parsed("{ a }") is document
    documents.remember("{ b }", parse("{ b }"))
    assert documents.parsed("{ a }") is None, "bounded: the oldest text was dropped"
    assert documents.parsed(None) is None
