r"""Java-style regular expressions for `=~`, on the `regex` package, guarded against hangs.

The `regex` package reads Java's syntax closely (possessive quantifiers, atomic groups,
`\p{L}` and `\p{Alpha}` classes) and can abandon a match after a timeout, which turns
catastrophic backtracking (`(a|aa)+b`) into an error instead of a hung query. The
pattern is translated first:

- Java's `\z` (end of input) becomes `\Z`; Java's `\Z` (end of input before a final
  line terminator) becomes a lookahead; `\Q...\E` quotes its content literally.
- Long runs of plain literal characters are cut into atomic groups of `_CHUNK`
  characters. A run of single-character literals can only match one way, so the atomic
  group changes nothing, but it keeps `regex` from building its literal-search tables
  for the whole run, which costs time cubic in the run's length on the first match
  (about 100 s for a 5,000-character literal).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

import regex

from engram.errors import ErrorDetail
from engram.execution.faults import argument_error

__all__ = ["REGEX_TIMEOUT_SECONDS", "compile_java_regex", "full_match", "translate"]

#: the longest one match may run before it is abandoned with an error
REGEX_TIMEOUT_SECONDS: Final = 2.0

_META: Final = frozenset("\\[](){}|*+?.^$")
_QUANTIFIER_STARTS: Final = frozenset("*+?{")
_CHUNK: Final = 64
_HEX_LENGTHS: Final = {"x": 2, "u": 4}
_BRACED_ESCAPES: Final = frozenset("pPNxk")

# a token is (is_plain_literal_character, text)
_Token = tuple[bool, str]


def full_match(text: str, pattern: str) -> bool:
    """Whether the whole of `text` matches the Java-style `pattern`.

    Raises:
        QueryRuntimeError: ArgumentError InvalidArgumentValue for a malformed pattern;
            ArgumentError ResourceLimit when the match runs longer than
            `REGEX_TIMEOUT_SECONDS`.
    """
    compiled = compile_java_regex(pattern)
    try:
        return compiled.fullmatch(text, timeout=REGEX_TIMEOUT_SECONDS) is not None
    except TimeoutError:
        raise argument_error(
            f"regular expression {pattern!r} took longer than {REGEX_TIMEOUT_SECONDS} s to match",
            ErrorDetail.RESOURCE_LIMIT,
            hint="nested quantifiers such as (a+)+ or (a|aa)+ backtrack exponentially",
        ) from None


@lru_cache(maxsize=256)
def compile_java_regex(pattern: str) -> Any:
    """The compiled form of a Java-style pattern (cached)."""
    try:
        return regex.compile(translate(pattern))
    except (regex.error, OverflowError, RecursionError, ValueError) as error:
        raise argument_error(
            f"invalid regular expression {pattern!r}: {error}",
            ErrorDetail.INVALID_ARGUMENT_VALUE,
            hint="patterns use Java regular expression syntax",
        ) from None


def translate(pattern: str) -> str:
    """The `regex`-package form of a Java pattern (see the module docstring)."""
    tokens = _tokens(pattern)
    verbose = any(
        not literal and text.startswith("(?") and "x" in text.split(":")[0]
        for literal, text in tokens
    )
    return "".join(text for _, text in tokens) if verbose else _emit(tokens)


def _tokens(pattern: str) -> list[_Token]:
    tokens: list[_Token] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index = _escape(pattern, index, tokens)
        elif char == "[":
            end = _class_end(pattern, index)
            tokens.append((False, pattern[index:end]))
            index = end
        elif char == "(" and pattern.startswith("?", index + 1):
            end = _group_prefix_end(pattern, index)
            tokens.append((False, pattern[index:end]))
            index = end
        else:
            tokens.append((char not in _META, char))
            index += 1
    return tokens


def _escape(pattern: str, index: int, tokens: list[_Token]) -> int:
    """Append the escape sequence at `index`; return the index after it."""
    if index + 1 >= len(pattern):
        tokens.append((False, "\\"))
        return index + 1
    kind = pattern[index + 1]
    if kind == "Q":
        end = pattern.find("\\E", index + 2)
        quoted = pattern[index + 2 : len(pattern) if end < 0 else end]
        tokens.extend(
            (char not in _META, "\\" + char if char in _META else char) for char in quoted
        )
        return len(pattern) if end < 0 else end + 2
    if kind in "zZ":
        tokens.append((False, r"\Z" if kind == "z" else r"(?=\n?\Z)"))
        return index + 2
    end = _escape_end(pattern, index, kind)
    tokens.append((False, pattern[index:end]))
    return end


def _escape_end(pattern: str, index: int, kind: str) -> int:
    after = index + 2
    if kind in _BRACED_ESCAPES and pattern.startswith(("{", "<"), after):
        closing = "}" if pattern[after] == "{" else ">"
        found = pattern.find(closing, after)
        return len(pattern) if found < 0 else found + 1
    if kind in _HEX_LENGTHS:
        return min(len(pattern), after + _HEX_LENGTHS[kind])
    if kind == "c":
        return min(len(pattern), after + 1)
    if kind.isdigit():
        while after < len(pattern) and after < index + 5 and pattern[after].isdigit():
            after += 1
    return after


def _class_end(pattern: str, index: int) -> int:
    """The index after the character class that opens at `index` (nested classes too)."""
    position = index + 1
    if pattern.startswith("^", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1
    depth = 1
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return len(pattern)


def _group_prefix_end(pattern: str, index: int) -> int:
    """The index after a `(?...` group opener or inline flag group."""
    position = index + 2
    if pattern.startswith(("<=", "<!"), position):
        return position + 2
    closers = {"<": ">", "P": ">", "'": "'", "#": ")"}
    if position < len(pattern) and pattern[position] in closers:
        found = pattern.find(closers[pattern[position]], position + 1)
        found = pattern.find(")", position) if found < 0 else found
        return len(pattern) if found < 0 else found + 1
    while position < len(pattern) and (pattern[position].isalpha() or pattern[position] == "-"):
        position += 1
    return min(len(pattern), position + 1)


def _emit(tokens: list[_Token]) -> str:
    out: list[str] = []
    run: list[str] = []
    for literal, text in tokens:
        if literal:
            run.append(text)
            continue
        quantified = bool(run) and text[:1] in _QUANTIFIER_STARTS
        _flush(out, run[:-1] if quantified else run)
        if quantified:
            out.append(run[-1])
        run = []
        out.append(text)
    _flush(out, run)
    return "".join(out)


def _flush(out: list[str], run: list[str]) -> None:
    if len(run) <= _CHUNK:
        out.extend(run)
        return
    for start in range(0, len(run), _CHUNK):
        out.append("(?>" + "".join(run[start : start + _CHUNK]) + ")")
