"""Lexical scanning of shell input: statement ends, open quotes and brackets, script pieces.

The shell needs to know, while the user types, whether the buffer holds complete
statements (a `;` outside strings and comments), which quotes, comments and brackets are
still open (they are marked live) and where a script's statements and meta-commands begin.
This is a small hand-written scanner rather than the parser: it must work on half-typed
text, and it never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = [
    "Opening",
    "Piece",
    "Scan",
    "is_complete",
    "scan",
    "split_script",
]

_CLOSERS: Final = {")": "(", "]": "[", "}": "{"}
_QUOTES: Final = frozenset("'\"`")


@dataclass(frozen=True, slots=True)
class Opening:
    """An opened quote, comment or bracket: its 0-based offset and its opening text."""

    offset: int
    text: str

    @property
    def closer(self) -> str:
        """The text that closes it."""
        return {"(": ")", "[": "]", "{": "}", "/*": "*/"}.get(self.text, self.text)


@dataclass(frozen=True, slots=True)
class Scan:
    """What `scan` found in a text.

    Attributes:
        openings: quotes, block comments and brackets still open at the end, outermost
            first (a quote or comment, if any, is last).
        stray: offsets of closing brackets that close nothing or the wrong bracket.
        ends: offsets of the `;` characters that end statements.
        code: for each offset, whether it is code (not inside a string, identifier
            quote or comment); same length as the text.
        comments: the [start, end) offsets of the comments.
    """

    openings: tuple[Opening, ...]
    stray: tuple[int, ...]
    ends: tuple[int, ...]
    code: tuple[bool, ...]
    comments: tuple[tuple[int, int], ...] = ()

    @property
    def in_literal(self) -> bool:
        """Whether the text ends inside a string, quoted identifier or comment."""
        if self.openings and self.openings[-1].text in {"'", '"', "`", "/*"}:
            return True
        # a line comment runs to the end of the text when no newline follows it
        return bool(self.comments) and self.comments[-1][1] == len(self.code)


def scan(text: str) -> Scan:
    """Scan `text` for statement ends, open quotes and brackets; never fails.

    >>> result = scan("MATCH (n {name: 'A;b'}) RETURN n; RETURN [1,")
    >>> result.ends
    (32,)
    >>> [opening.text for opening in result.openings]
    ['[']
    """
    stack: list[Opening] = []
    stray: list[int] = []
    ends: list[int] = []
    comments: list[tuple[int, int]] = []
    code = [True] * len(text)
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char in _QUOTES:
            index = _skip_quoted(text, index, char, code, stack)
        elif text.startswith("//", index):
            end = _skip_line_comment(text, index, code)
            comments.append((index, end))
            index = end
        elif text.startswith("/*", index):
            end = _skip_block_comment(text, index, code, stack)
            comments.append((index, end))
            index = end
        else:
            if char in "([{":
                stack.append(Opening(index, char))
            elif char in _CLOSERS:
                if stack and stack[-1].text == _CLOSERS[char]:
                    stack.pop()
                else:
                    stray.append(index)
            elif char == ";":
                ends.append(index)
            index += 1
    return Scan(tuple(stack), tuple(stray), tuple(ends), tuple(code), tuple(comments))


def _skip_quoted(text: str, start: int, quote: str, code: list[bool], stack: list[Opening]) -> int:
    index, size = start + 1, len(text)
    while index < size:
        char = text[index]
        if char == "\\" and quote != "`":
            index += 2
            continue
        if char == quote:
            # a doubled backtick is an escaped backtick inside a quoted identifier
            if quote == "`" and text.startswith("``", index):
                index += 2
                continue
            _mark(code, start, index + 1)
            return index + 1
        index += 1
    _mark(code, start, size)
    stack.append(Opening(start, quote))
    return size


def _skip_line_comment(text: str, start: int, code: list[bool]) -> int:
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    _mark(code, start, end)
    return end


def _skip_block_comment(text: str, start: int, code: list[bool], stack: list[Opening]) -> int:
    end = text.find("*/", start + 2)
    if end < 0:
        _mark(code, start, len(text))
        stack.append(Opening(start, "/*"))
        return len(text)
    _mark(code, start, end + 2)
    return end + 2


def _mark(code: list[bool], start: int, end: int) -> None:
    for index in range(start, min(end, len(code))):
        code[index] = False


def is_complete(text: str) -> bool:
    r"""Whether pressing Enter should run `text` rather than start a new line.

    Blank input, a meta-command (a first line starting with ``:``) with nothing left open,
    and statements whose last code character is a `;` are complete.

    >>> is_complete("MATCH (n)\nRETURN n;")
    True
    >>> is_complete("MATCH (n) RETURN n")
    False
    >>> is_complete(":param x => [1,")
    False
    """
    stripped = text.strip()
    if not stripped:
        return True
    result = scan(text)
    if stripped.startswith(":"):
        return not result.openings
    if result.openings:
        return False
    last = _last_code_index(text, result)
    return last is not None and text[last] == ";"


def _last_code_index(text: str, result: Scan) -> int | None:
    for index in range(len(text) - 1, -1, -1):
        if result.code[index] and not text[index].isspace():
            return index
    return None


@dataclass(frozen=True, slots=True)
class Piece:
    """One statement or meta-command of a script, with its 1-based first line."""

    text: str
    line: int

    @property
    def is_command(self) -> bool:
        """Whether this is a meta-command (``:name ...``)."""
        return self.text.startswith(":")


def split_script(text: str) -> list[Piece]:
    r"""Split a script into statements (ended by `;`) and meta-commands (one line each).

    A meta-command starts a line outside any statement and ends with that line (or, when
    it leaves a bracket or quote open, with the line that closes it). Statements lose
    their `;`; comments between pieces and empty statements are dropped; text after the
    last `;` is a statement of its own.

    >>> [(p.text, p.line) for p in split_script(":param x => 1\nRETURN $x;\n// done\n")]
    [(':param x => 1', 1), ('RETURN $x', 2)]
    """
    pieces: list[Piece] = []
    offset, line = 0, 1
    while offset < len(text):
        skipped = _skip_space(text, offset)
        line += text.count("\n", offset, skipped)
        offset = skipped
        if offset >= len(text):
            break
        if text[offset] == ":":
            end = _command_end(text, offset)
            pieces.append(Piece(text[offset:end].strip().rstrip(";").rstrip(), line))
        else:
            end = _statement_end(text, offset)
            statement = text[offset:end].strip()
            if statement.endswith(";"):
                statement = statement[:-1].rstrip()
            if _has_code(statement):
                pieces.append(Piece(statement, line))
        line += text.count("\n", offset, end)
        offset = end
    return pieces


def _skip_space(text: str, offset: int) -> int:
    """The offset after the whitespace and comments at `offset`."""
    while offset < len(text):
        if text[offset].isspace():
            offset += 1
        elif text.startswith("//", offset):
            end = text.find("\n", offset)
            offset = len(text) if end < 0 else end
        elif text.startswith("/*", offset):
            end = text.find("*/", offset + 2)
            offset = len(text) if end < 0 else end + 2
        else:
            break
    return offset


def _command_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    while end >= 0 and scan(text[start:end]).openings:
        end = text.find("\n", end + 1)
    return len(text) if end < 0 else end + 1


def _statement_end(text: str, start: int) -> int:
    result = scan(text[start:])
    return start + result.ends[0] + 1 if result.ends else len(text)


def _has_code(statement: str) -> bool:
    """Whether anything but whitespace and comments is left."""
    in_comment = [False] * len(statement)
    for start, end in scan(statement).comments:
        in_comment[start:end] = [True] * (end - start)
    return any(
        not hidden and not char.isspace()
        for char, hidden in zip(statement, in_comment, strict=True)
    )
