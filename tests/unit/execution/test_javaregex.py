"""Java-style regular expressions: translation, agreement with `re`, and hang guards."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engram.errors import ErrorDetail, QueryRuntimeError
from engram.execution.functions import javaregex
from engram.execution.functions.javaregex import compile_java_regex, full_match, translate


@pytest.mark.parametrize(
    ("pattern", "translated"),
    [
        ("abc", "abc"),
        ("abc\\z", "abc\\Z"),
        ("abc\\Z", "abc(?=\\n?\\Z)"),
        ("\\Qa.b*\\E+", "a\\.b\\*+"),
        ("\\Qopen", "open"),
        ("[a-z]+\\d{2}", "[a-z]+\\d{2}"),
        ("(?i)abc|(?<name>x)", "(?i)abc|(?<name>x)"),
        ("\\x41\\u00e9\\p{Lu}\\12", "\\x41\\u00e9\\p{Lu}\\12"),
    ],
)
def test_translation(pattern, translated):
    assert translate(pattern) == translated


def test_long_literal_runs_become_atomic_chunks():
    translated = translate("x" * 200)
    assert translated == "".join("(?>" + "x" * 64 + ")" for _ in range(3)) + "(?>xxxxxxxx)"
    assert full_match("x" * 200, "x" * 200)
    assert not full_match("x" * 199, "x" * 200)


def test_a_quantified_last_character_stays_outside_the_chunks():
    translated = translate("a" * 100 + "b*")
    assert translated.endswith("b*")
    assert full_match("a" * 100, "a" * 100 + "b*")
    assert full_match("a" * 100 + "bbb", "a" * 100 + "b*")
    assert not full_match("a" * 99 + "b", "a" * 100 + "b*")


def test_verbose_patterns_are_left_alone():
    pattern = "(?x)" + "a b # comment\n" * 20
    assert translate(pattern) == pattern
    assert full_match("ab" * 20, pattern)


def test_a_five_thousand_character_literal_matches():
    # without the atomic chunks the first match takes about 100 s in the regex package
    literal = "9" * 5000
    assert full_match(literal, literal)
    assert full_match("a" + literal, "." + literal)
    assert not full_match(literal + "9", literal)


def test_catastrophic_backtracking_is_stopped(monkeypatch):
    monkeypatch.setattr(javaregex, "REGEX_TIMEOUT_SECONDS", 0.05)
    with pytest.raises(QueryRuntimeError) as raised:
        full_match("a" * 64, "(a|aa)+b")
    assert raised.value.detail == ErrorDetail.RESOURCE_LIMIT


@pytest.mark.parametrize("pattern", ["[", "(", "a{2,1}", "\\p{NoSuchClass}", "*", "\\"])
def test_malformed_patterns(pattern):
    compile_java_regex.cache_clear()
    with pytest.raises(QueryRuntimeError) as raised:
        full_match("x", pattern)
    assert raised.value.detail == ErrorDetail.INVALID_ARGUMENT_VALUE


# -- agreement with Python's re on the syntax both share ------------------------------------

_atoms = st.one_of(
    st.tuples(st.text("ab9", min_size=1, max_size=3), st.just(None)),
    st.tuples(st.text("ab", min_size=60, max_size=140), st.just(None)),
    st.sampled_from(
        [
            (".", "x"),
            ("[ab]", "b"),
            ("[^a]", "9"),
            ("\\d", "7"),
            ("\\.", "."),
            ("a*", "aaa"),
            ("b+?", "bb"),
            ("9?", ""),
            ("a{2}", "aa"),
            ("(?:ab|b)", "ab"),
            ("(a|9)+", "a9a"),
            ("\\bx", "x"),
        ]
    ),
)


@st.composite
def _pattern_and_text(draw):
    parts = draw(st.lists(_atoms, min_size=1, max_size=6))
    pattern = "".join(part for part, _ in parts)
    text = "".join(part if sample is None else sample for part, sample in parts)
    mutation = draw(st.sampled_from(["keep", "append", "drop", "change"]))
    if mutation == "append":
        text += draw(st.text("ab9", min_size=1, max_size=2))
    elif mutation == "drop" and text:
        text = text[:-1]
    elif mutation == "change" and text:
        position = draw(st.integers(0, len(text) - 1))
        text = text[:position] + draw(st.sampled_from("ab9x")) + text[position + 1 :]
    return pattern, text


@given(_pattern_and_text())
def test_translated_patterns_match_like_re(pair):
    pattern, text = pair
    assert full_match(text, pattern) == (re.fullmatch(pattern, text) is not None)
