"""Split query text into tokens, offering in each parser state only what it accepts.

This is Lark's contextual lexing without Lark's runtime: for every set of terminals a
parser state accepts, one regular expression skips space and comments and then tries
those terminals in Lark's order (priority, then longest possible match, then name).
Keywords are not tried on their own: an identifier that spells a keyword the state
accepts becomes that keyword, so keywords always end at a word boundary (`ORb` is a
name, not `OR` + `b`). `engram.parser.lalr` runs the scanners inside its parsing loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Final, NamedTuple

from lark.lexer import TerminalDef

from engram.errors import Span

__all__ = ["IDENTIFIER", "LexFailure", "Lexeme", "Lexer", "Scanner", "convert"]

#: the identifier terminal, offered in every state
IDENTIFIER: Final = "NAME"


class Lexeme(NamedTuple):
    """One token: its terminal's name, its text and where it is."""

    type: str
    text: str
    start: int
    end: int

    @property
    def span(self) -> Span:
        """The token's half-open character span."""
        return Span(self.start, self.end)


class LexFailure(Exception):
    """No terminal the parser accepts starts at `position`.

    `found` is what some other terminal of the language reads there, if any: the token
    is then valid text in the wrong place (an em dash where a minus cannot go).
    """

    def __init__(self, position: int, found: Lexeme | None) -> None:
        super().__init__(position)
        self.position = position
        self.found = found


@dataclass(frozen=True, slots=True)
class Scanner:
    """The lexer of one set of accepted terminals.

    `match(text, position)` skips space and comments, then matches one terminal; the
    match's `lastgroup` names it (None: only space or comments were left, or nothing
    the state accepts starts there).
    """

    match: Callable[[str, int], re.Match[str] | None]
    # terminal read by a regular expression → {text (upper case) → terminal it becomes}
    conversions: Mapping[str, Mapping[str, str]]


class Lexer:
    """A contextual lexer over the grammar's terminal definitions."""

    def __init__(
        self,
        terminals: Iterable[TerminalDef],
        ignore: Iterable[str],
        state_terminals: Mapping[int, Iterable[str]],
    ) -> None:
        self._terminals = {str(terminal.name): terminal for terminal in terminals}
        self._ignore = frozenset(str(name) for name in ignore)
        skipped = "|".join(
            self._terminals[name].pattern.to_regexp() for name in sorted(self._ignore)
        )
        # possessive: space is never given back, so no input can make this backtrack
        self._skip = f"(?:{skipped})*+"
        self._skip_match = re.compile(self._skip).match
        self.scanners: dict[int, Scanner] = {}
        by_set: dict[frozenset[str], Scanner] = {}
        for state, names in state_terminals.items():
            accepted = frozenset(str(name) for name in names if name in self._terminals)
            scanner = by_set.get(accepted)
            if scanner is None:
                scanner = by_set[accepted] = self._scanner(accepted | {IDENTIFIER})
            self.scanners[state] = scanner
        self._root = self._scanner(frozenset(self._terminals) - self._ignore)

    def check_end(self, text: str, position: int) -> None:
        """Check that only space and comments remain after `position`.

        Raises:
            LexFailure: something the state does not accept starts after the space.
        """
        after = self.skip_ignored(text, position)
        if after < len(text):
            raise LexFailure(after, self._root_token(text, after))

    def skip_ignored(self, text: str, position: int) -> int:
        """The first position at or after `position` that is not space or a comment."""
        match = self._skip_match(text, position)
        return position if match is None else match.end()

    def _root_token(self, text: str, position: int) -> Lexeme | None:
        match = self._root.match(text, position)
        if match is None or match.lastgroup is None:
            return None
        kind = match.lastgroup
        value = match.group(kind)
        return Lexeme(convert(self._root, kind, value), value, match.start(kind), match.end())

    def _scanner(self, names: frozenset[str]) -> Scanner:
        """One regular expression for `names`, in Lark's order, after optional space."""
        terminals = [self._terminals[name] for name in names if name not in self._ignore]
        conversions: dict[str, dict[str, str]] = {}
        embedded: set[str] = set()
        for regexp in terminals:
            if regexp.pattern.type != "re":
                continue
            for string in terminals:
                if string.pattern.type != "str" or string.priority != regexp.priority:
                    continue
                value = string.pattern.value
                flags = re.IGNORECASE if "i" in string.pattern.flags else 0
                if re.fullmatch(regexp.pattern.to_regexp(), value, flags):
                    key = value.upper() if flags else value
                    conversions.setdefault(str(regexp.name), {})[key] = str(string.name)
                    embedded.add(str(string.name))
        kept = [terminal for terminal in terminals if str(terminal.name) not in embedded]
        kept.sort(key=lambda t: (-t.priority, -t.pattern.max_width, -len(t.pattern.value), t.name))
        alternatives = "|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in kept)
        pattern = re.compile(f"{self._skip}(?:{alternatives})?")
        return Scanner(pattern.match, conversions)


def convert(scanner: Scanner, kind: str, value: str) -> str:
    """The terminal a regular-expression match stands for (an identifier may be a keyword)."""
    table = scanner.conversions.get(kind)
    if table is None or not value.isascii():
        return kind
    return table.get(value) or table.get(value.upper(), kind)
