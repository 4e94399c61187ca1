"""Notes for a read that found nothing: the labels, types and keys it names that do not exist.

A misspelt label (``MATCH (n:Persn)``) is no error in the language: the statement just
returns no rows. When a statement that writes nothing returns no rows, the shell looks at
the labels, relationship types and property keys the statement names in its code (strings,
comments and backquoted names are left alone) and notes those the database does not have,
with the nearest name it does have.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Final

from engram.repl.completer import Vocabulary
from engram.repl.scanner import scan

__all__ = ["unknown_names"]

_NAME: Final = r"[A-Za-z_][A-Za-z0-9_]*"
_WRITES: Final = re.compile(r"\b(CREATE|MERGE|SET|REMOVE|DELETE)\b", re.IGNORECASE)
#: a label or type expression: ``A:B``, ``A|B``, ``!A&B``
_EXPRESSION: Final = rf"\s*!?\s*{_NAME}(?:\s*[:|&]\s*!?\s*{_NAME})*"
#: ``(n:A:B`` ``(:A|B``: the labels of a node pattern
_NODE_LABELS: Final = re.compile(rf"\(\s*(?:{_NAME}\s*)?:({_EXPRESSION})")
#: ``[r:T`` ``[:T|U``: the types of a relationship pattern
_REL_TYPES: Final = re.compile(rf"\[\s*(?:{_NAME}\s*)?:({_EXPRESSION})")
#: ``n.key`` not followed by ``(`` or ``.`` (``date.truncate(``, ``vector.similarity.``)
_PROPERTY: Final = re.compile(rf"\b({_NAME})\s*\.\s*({_NAME})\b(?!\s*[.(])")
_WORD: Final = re.compile(_NAME)


def unknown_names(statement: str, vocabulary: Vocabulary) -> list[str]:
    """Notes on the names in `statement` the database lacks (none for a statement that writes).

    >>> vocabulary = Vocabulary(labels=("Person",), relationship_types=("KNOWS",),
    ...                         property_keys=("name",))
    >>> for note in unknown_names("MATCH (p:Persn)-[:KNOWS]->(q) RETURN q.nme", vocabulary):
    ...     print(note)
    no node has the label 'Persn' (did you mean Person?)
    no node or relationship has the property 'nme' (did you mean name?)
    """
    code = _code_only(statement)
    if _WRITES.search(code):
        return []
    labels = _names_in(_NODE_LABELS, code)
    types = _names_in(_REL_TYPES, code)
    callables = [*vocabulary.functions, *vocabulary.procedures]
    namespaces = {name.split(".", 1)[0].lower() for name in callables if "." in name}
    keys = [
        match.group(2)
        for match in _PROPERTY.finditer(code)
        if match.group(1).lower() not in namespaces
    ]
    return [
        *_notes("no node has the label", labels, vocabulary.labels),
        *_notes("no relationship has the type", types, vocabulary.relationship_types),
        *_notes("no node or relationship has the property", keys, vocabulary.property_keys),
    ]


def _code_only(statement: str) -> str:
    """The statement with strings, quoted names and comments blanked out."""
    mask = scan(statement).code
    return "".join(char if is_code else " " for char, is_code in zip(statement, mask, strict=True))


def _names_in(pattern: re.Pattern[str], code: str) -> list[str]:
    return [name for match in pattern.finditer(code) for name in _WORD.findall(match.group(1))]


def _notes(what: str, used: Iterable[str], known: Sequence[str]) -> list[str]:
    notes: list[str] = []
    for name in dict.fromkeys(used):
        if name in known:
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        notes.append(f"{what} '{name}'{hint}")
    return notes
