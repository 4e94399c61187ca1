"""The grammar builds in Lark's strict mode and its keyword list matches the data."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from importlib import resources
from pathlib import Path

import pytest
from lark import Lark

from engram.parser import KEYWORDS, NON_RESERVED, RESERVED, parse
from engram.parser.grammar import _cache_file, build_parser, get_parser

GRAMMAR_FILES = ("cypher.lark", "expressions.lark", "terminals.lark")
_RULE = re.compile(r"^[!?]*([a-z_][a-z0-9_]*)\s*:", re.MULTILINE)
_TERMINAL = re.compile(r"^([A-Z_][A-Z0-9_]*)\s*:", re.MULTILINE)


@pytest.fixture(scope="module")
def strict_parser() -> Lark:
    return build_parser(strict=True)


def _grammar_text(name: str) -> str:
    return resources.files("engram.grammar").joinpath(name).read_text(encoding="utf-8")


def test_strict_build_has_no_conflicts_or_collisions(strict_parser):
    # strict=True raises on shift/reduce and reduce/reduce conflicts and on terminal
    # collisions (interegular); building at all is the assertion, so check it is usable
    assert strict_parser.parse("RETURN 1", start="statement") is not None
    assert strict_parser.options.parser == "lalr"
    assert strict_parser.options.lexer == "contextual"


def test_imports_keep_every_name(strict_parser):
    """A rule or terminal missing from an %import list would be renamed `module__name`."""
    names = {str(rule.origin.name) for rule in strict_parser.rules}
    names |= {str(rule.alias) for rule in strict_parser.rules if rule.alias}
    names |= {terminal.name for terminal in strict_parser.terminals}
    namespaced = sorted(name for name in names if "__" in name.lstrip("_"))
    assert not namespaced


def test_every_rule_has_an_example_comment():
    missing = []
    for name in GRAMMAR_FILES:
        lines = _grammar_text(name).splitlines()
        for index, line in enumerate(lines):
            match = _RULE.match(line) or _TERMINAL.match(line)
            if match is None:
                continue
            previous = lines[index - 1].strip() if index else ""
            if not previous.startswith("//"):
                missing.append(f"{name}: {match.group(1)}")
    assert not missing, "rules without a // example comment: " + ", ".join(missing)


def test_keyword_data_matches_the_grammar():
    words = {
        terminal.pattern.value.upper()
        for terminal in get_parser().terminals
        if terminal.pattern.type == "str" and terminal.pattern.value.isalpha()
    }
    assert words == {keyword.upper() for keyword in KEYWORDS}
    assert not NON_RESERVED & RESERVED


def test_cached_parser_is_built_once():
    assert get_parser() is get_parser()


@pytest.mark.parametrize("keyword", sorted(KEYWORDS))
def test_every_keyword_names_labels_types_and_keys(keyword):
    query = f"MATCH (n:{keyword})-[r:{keyword}]->() RETURN n.{keyword}, {{{keyword}: 1}}"
    statement = parse(query)
    match, ret = statement.body.clauses
    node, rel, _ = match.patterns[0].elements
    assert node.labels == (keyword,)
    assert rel.types == (keyword,)
    first, second = ret.projection.items
    assert first.expression.key == keyword
    assert second.expression.entries[0].key == keyword


@pytest.mark.parametrize("keyword", sorted(NON_RESERVED))
def test_non_reserved_keywords_name_variables(keyword):
    statement = parse(f"MATCH ({keyword}) WITH {keyword} AS {keyword} RETURN {keyword}")
    assert statement.body.clauses[-1].projection.items[0].expression.name == keyword


@pytest.mark.parametrize("keyword", ["MATCH", "RETURN", "WHERE", "END", "NULL"])
def test_reserved_keywords_name_variables_when_backquoted(keyword):
    statement = parse(f"WITH 1 AS `{keyword}` RETURN `{keyword}`")
    assert statement.body.clauses[-1].projection.items[0].expression.name == keyword


def test_keywords_are_case_insensitive():
    assert parse("match (n) return n") == parse("MATCH (n) RETURN n")
    assert parse("MaTcH (n) wHeRe n.x Is NoT nUlL rEtUrN DiStInCt n") == parse(
        "MATCH (n) WHERE n.x IS NOT NULL RETURN DISTINCT n"
    )


def test_parsing_from_many_threads_gives_the_same_trees():
    queries = [
        f"MATCH (n:L{i} {{k: {i}}})-[:T*1..{i % 5 + 1}]->(m) RETURN n.k + {i}" for i in range(60)
    ]
    expected = [parse(query) for query in queries]

    def work(offset: int) -> bool:
        return all(
            parse(queries[(offset + i) % len(queries)]) == expected[(offset + i) % len(queries)]
            for i in range(len(queries))
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(16)))


def test_text_must_be_a_string():
    with pytest.raises(TypeError, match="must be a str"):
        parse(b"RETURN 1")  # type: ignore[arg-type]


def test_cache_goes_to_a_private_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = _cache_file()
    assert path is not None
    assert path.startswith(str(tmp_path / "engram"))
    assert (tmp_path / "engram").stat().st_mode & 0o077 == 0
    parser = build_parser()
    assert Path(path).is_file()
    assert build_parser().parse("RETURN 1", start="statement") is not None
    assert parser is not None


def test_no_cache_where_others_could_write(tmp_path, monkeypatch):
    shared = tmp_path / "engram"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert _cache_file() is None
