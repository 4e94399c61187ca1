"""Completion: what may come at the cursor, from the language, the catalog and the session.

`complete` looks at the text before the cursor and decides the context: a meta-command
name or argument, a label after ``(n:``, a relationship type after ``[r:`` or ``|``, a
property key after ``n.`` or as a map key, a ``$parameter``, a procedure after CALL, a
dotted function name, or else a keyword, function or variable of the statement. It is
pure: the shell passes the `Vocabulary` it keeps up to date from the open database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from engram.repl.scanner import scan

__all__ = ["Suggestion", "Vocabulary", "complete"]

_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*$")
_PARAMETER: Final = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)?$")
_VARIABLE_SITES: Final = re.compile(
    r"[(\[]\s*([A-Za-z_][A-Za-z0-9_]*)"  # (n  [r
    r"|\bAS\s+([A-Za-z_][A-Za-z0-9_]*)"  # AS name
    r"|\b([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:\(|shortestPath|allShortestPaths)",  # p = (...)
    re.IGNORECASE,
)
_PREVIOUS_WORD: Final = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\s*$")


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything completion may offer, refreshed by the shell as the database changes.

    `functions`, `procedures` and `commands` map names to the text shown beside them
    (signatures, summaries); `command_values` maps a meta-command name (with its ``:``)
    to the values its argument takes, when it takes one of a few.
    """

    keywords: tuple[str, ...] = ()
    functions: dict[str, str] = field(default_factory=dict)
    procedures: dict[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    relationship_types: tuple[str, ...] = ()
    property_keys: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    commands: dict[str, str] = field(default_factory=dict)
    command_values: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One completion: the text to insert in place of the last `replace` characters."""

    text: str
    replace: int
    kind: str
    meta: str = ""


def complete(text: str, vocabulary: Vocabulary) -> list[Suggestion]:
    """Suggestions for the cursor at the end of `text` (the buffer up to the cursor).

    >>> vocabulary = Vocabulary(keywords=("MATCH", "MERGE"), labels=("Person", "Place"))
    >>> [s.text for s in complete("MATCH (p:P", vocabulary)]
    ['Person', 'Place']
    >>> [s.text for s in complete("ma", vocabulary)]
    ['MATCH']
    """
    stripped = text.lstrip()
    if stripped.startswith(":"):
        return _command(stripped, vocabulary)
    return _query(text, vocabulary)


def _command(text: str, vocabulary: Vocabulary) -> list[Suggestion]:
    name, space, argument = text.partition(" ")
    if not space:
        return _matching(name, vocabulary.commands, "command", replace=len(name), exact_case=True)
    name = name.lower()
    if name in (":explain", ":profile"):
        return _query(argument, vocabulary)
    if name == ":param" and "=>" in argument:
        return _query(argument.split("=>", 1)[1], vocabulary)
    choices = vocabulary.command_values.get(name, ())
    word = argument.lstrip()
    if not choices or " " in word:
        return []
    return _matching(word, choices, "value", replace=len(word))


def _query(text: str, vocabulary: Vocabulary) -> list[Suggestion]:
    result = scan(text)
    if result.in_literal:
        return []
    parameter = _PARAMETER.search(text)
    if parameter is not None:
        word = parameter.group(1) or ""
        return _matching(word, vocabulary.parameters, "parameter", replace=len(word))
    found = _WORD.search(text)
    word = found.group(0) if found else ""
    before = text[: len(text) - len(word)]
    bracket = result.openings[-1].text if result.openings else ""
    marker = before.rstrip()[-1:] if before.rstrip() else ""
    if marker in (":", "|") and before.endswith(marker):
        return _after_colon(word, bracket, marker, vocabulary)
    if "." in word:
        return _dotted(word, before, vocabulary)
    if bracket == "{" and marker in ("{", ","):
        return _matching(word, vocabulary.property_keys, "property key", replace=len(word))
    if _previous_word(before).upper() == "CALL":
        return _matching(word, vocabulary.procedures, "procedure", replace=len(word))
    if not word:
        return []
    return _plain(word, text, vocabulary)


def _after_colon(word: str, bracket: str, marker: str, vocabulary: Vocabulary) -> list[Suggestion]:
    if bracket == "[":
        return _matching(word, vocabulary.relationship_types, "type", replace=len(word))
    if marker == "|":
        return []
    return _matching(word, vocabulary.labels, "label", replace=len(word))


def _dotted(word: str, before: str, vocabulary: Vocabulary) -> list[Suggestion]:
    head = word.split(".", 1)[0].lower()
    if _previous_word(before).upper() == "CALL":
        return _matching(word, vocabulary.procedures, "procedure", replace=len(word))
    namespaced = [name for name in vocabulary.functions if name.lower().startswith(head + ".")]
    procedures = [name for name in vocabulary.procedures if name.lower().startswith(head + ".")]
    if namespaced or procedures:
        meta = {
            **{n: vocabulary.procedures[n] for n in procedures},
            **{n: vocabulary.functions[n] for n in namespaced},
        }
        return _matching(word, meta, "function", replace=len(word))
    key = word.rsplit(".", 1)[1]
    return _matching(key, vocabulary.property_keys, "property key", replace=len(key))


def _plain(word: str, text: str, vocabulary: Vocabulary) -> list[Suggestion]:
    statement = text[text.rfind(";") + 1 :]
    variables = _variables(statement[: len(statement) - len(word)])
    out = _matching(word, variables, "variable", replace=len(word))
    out += _matching(word, vocabulary.keywords, "keyword", replace=len(word))
    out += _matching(word, vocabulary.functions, "function", replace=len(word))
    seen: set[str] = set()
    unique = []
    for suggestion in out:
        if suggestion.text not in seen and suggestion.text != word:
            seen.add(suggestion.text)
            unique.append(suggestion)
    return unique


def _variables(statement: str) -> list[str]:
    names: list[str] = []
    for match in _VARIABLE_SITES.finditer(statement):
        name = next(group for group in match.groups() if group)
        if name not in names:
            names.append(name)
    return names


def _previous_word(before: str) -> str:
    found = _PREVIOUS_WORD.search(before)
    return found.group(1) if found else ""


def _matching(
    word: str,
    choices: Iterable[str] | dict[str, str],
    kind: str,
    *,
    replace: int,
    exact_case: bool = False,
) -> list[Suggestion]:
    """Choices that start with `word` (ignoring case unless `exact_case`), in order."""
    prefix = word if exact_case else word.lower()
    metas = choices if isinstance(choices, dict) else {}
    out = []
    for choice in _ordered(choices):
        candidate = choice if exact_case else choice.lower()
        if candidate.startswith(prefix):
            out.append(Suggestion(choice, replace, kind, metas.get(choice, "")))
    return out


def _ordered(choices: Iterable[str] | dict[str, str]) -> Sequence[str]:
    if isinstance(choices, dict):
        return sorted(choices, key=str.lower)
    return list(choices)
