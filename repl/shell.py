"""The interactive prompt (prompt-toolkit): input, highlighting, completion, history, keys.

The only module that touches prompt-toolkit. Enter runs the buffer when it holds
complete statements (ending with `;`) or a meta-command, and otherwise starts a new
line; unclosed quotes, comments and brackets, and closers that close nothing, are marked
as you type and named in the bottom toolbar; Tab completes from `completer.complete`;
history persists in a file and is searched with Up/Down (by prefix) and Ctrl-R. What
was typed is handed to `ShellCore`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Final

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.filters import is_searching
from prompt_toolkit.formatted_text import FormattedText, StyleAndTextTuples
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.lexers import Lexer, PygmentsLexer
from prompt_toolkit.output import Output
from prompt_toolkit.styles import Style

from engram.repl.completer import complete
from engram.repl.core import Abandon, ShellCore
from engram.repl.highlight import STYLES, EngramLexer
from engram.repl.scanner import Opening, is_complete, scan

__all__ = ["EXIT_INTERRUPTED", "HISTORY_ENV", "ShellLexer", "history_path", "run_interactive"]

#: environment variable naming the history file (default ``~/.engram_history``)
HISTORY_ENV: Final = "ENGRAM_HISTORY"
_UNCLOSED_STYLE: Final = "class:unclosed"
#: exit code after abandoning a statement that would not stop (128 + SIGINT)
EXIT_INTERRUPTED: Final = 130


def history_path() -> Path:
    """Where the history is kept: ``$ENGRAM_HISTORY`` or ``~/.engram_history``."""
    configured = os.environ.get(HISTORY_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".engram_history"


def _open_history(path: Path) -> tuple[History, str | None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
        if not os.access(path, os.R_OK | os.W_OK):
            raise PermissionError(f"permission denied: '{path}'")
    except OSError as error:
        return InMemoryHistory(), f"history is not saved ({error})"
    return FileHistory(str(path)), None


class ShellLexer(Lexer):
    """Pygments highlighting plus the live marking of what is still open or stray."""

    def __init__(self) -> None:
        self._pygments = PygmentsLexer(EngramLexer)

    def lex_document(self, document: Document) -> Callable[[int], StyleAndTextTuples]:
        """Style each line, marking unclosed openings and stray closers."""
        base = self._pygments.lex_document(document)
        result = scan(document.text)
        marks: dict[int, set[int]] = {}
        offsets = [opening.offset for opening in result.openings] + list(result.stray)
        for offset in offsets:
            row, column = document.translate_index_to_position(offset)
            marks.setdefault(row, set()).add(column)

        def line(row: int) -> StyleAndTextTuples:
            fragments = base(row)
            columns = marks.get(row)
            return _mark(fragments, columns) if columns else fragments

        return line


def _mark(fragments: StyleAndTextTuples, columns: set[int]) -> StyleAndTextTuples:
    out: StyleAndTextTuples = []
    position = 0
    for fragment in fragments:
        style, text = fragment[0], fragment[1]
        for char in text:
            marked = position in columns
            out.append((f"{style} {_UNCLOSED_STYLE}" if marked else style, char))
            position += 1
    return out


class ShellCompleter(Completer):
    """prompt-toolkit's side of `completer.complete` (and file names for :source)."""

    def __init__(self, core: ShellCore) -> None:
        self._core = core
        self._paths = PathCompleter(expanduser=True)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        """Completions at the cursor."""
        text = document.text_before_cursor
        stripped = text.lstrip()
        if stripped.lower().startswith(":source "):
            path = stripped[len(":source ") :].lstrip()
            yield from self._paths.get_completions(Document(path), complete_event)
            return
        for suggestion in complete(text, self._core.vocabulary):
            yield Completion(
                suggestion.text,
                start_position=-suggestion.replace,
                display_meta=suggestion.meta or suggestion.kind,
            )


def _bindings() -> KeyBindings:
    bindings = KeyBindings()

    # while Ctrl-R searches, Enter keeps prompt-toolkit's meaning: take the entry found
    @bindings.add("enter", filter=~is_searching)
    def _enter(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.newline(copy_margin=True)

    @bindings.add("escape", "enter", filter=~is_searching)
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.newline(copy_margin=True)

    return bindings


def _describe(opening: Opening, text: str) -> str:
    row, column = Document(text).translate_index_to_position(opening.offset)
    what = {"'": "string", '"': "string", "`": "quoted name", "/*": "comment"}.get(
        opening.text, "bracket"
    )
    return f"unclosed {what} {opening.text!r} at line {row + 1}, column {column + 1}"


class Prompt:
    """The prompt-toolkit session of one shell, with its prompt and toolbar."""

    def __init__(
        self,
        core: ShellCore,
        *,
        history: History,
        input: Input | None = None,
        output: Output | None = None,
    ) -> None:
        self._core = core
        self.session: PromptSession[str] = PromptSession(
            message=self._message,
            multiline=True,
            key_bindings=_bindings(),
            lexer=ShellLexer(),
            completer=ShellCompleter(core),
            complete_while_typing=True,
            history=history,
            auto_suggest=AutoSuggestFromHistory(),
            enable_history_search=True,
            search_ignore_case=True,
            enable_open_in_editor=True,
            enable_suspend=True,
            prompt_continuation=self._continuation,
            bottom_toolbar=self._toolbar,
            style=Style.from_dict(STYLES),
            include_default_pygments_style=False,
            tempfile_suffix=".cypher",
            input=input,
            output=output,
        )

    def _prompt_text(self) -> tuple[str, str]:
        transaction = "[tx]" if self._core.transaction is not None else ""
        return self._core.name, transaction

    def _message(self) -> FormattedText:
        name, transaction = self._prompt_text()
        parts = [("class:prompt", name)]
        if transaction:
            parts.append(("class:prompt.transaction", transaction))
        parts.append(("class:prompt", "> "))
        return FormattedText(parts)

    def _continuation(self, width: int, line_number: int, wrap_count: int) -> FormattedText:
        # a line the terminal wrapped is no new line of the statement: no marker
        marker = " " * width if wrap_count else "...> ".rjust(width)
        return FormattedText([("class:continuation", marker)])

    def _toolbar(self) -> FormattedText:
        text = self.session.default_buffer.text
        result = scan(text)
        if result.openings:
            innermost = result.openings[-1]
            return FormattedText(
                [("class:bottom-toolbar.warning", " " + _describe(innermost, text))]
            )
        if result.stray:
            row, column = Document(text).translate_index_to_position(result.stray[0])
            message = (
                f" {text[result.stray[0]]!r} at line {row + 1}, column {column + 1} closes nothing"
            )
            return FormattedText([("class:bottom-toolbar.warning", message)])
        settings = self._core.settings
        hint = "end the statement with ;" if text.strip() and not is_complete(text) else ":help"
        transaction = " · transaction open" if self._core.transaction is not None else ""
        if self._core.database.read_only:
            transaction += " · read-only"
        return FormattedText(
            [
                (
                    "class:bottom-toolbar",
                    f" {self._core.name}{transaction} · {settings.format} · {hint}",
                )
            ]
        )

    def read(self) -> str:
        """One entry (raises KeyboardInterrupt on Ctrl-C, EOFError on Ctrl-D)."""
        return self.session.prompt()


def run_interactive(
    core: ShellCore,
    *,
    welcome: str,
    input: Input | None = None,
    output: Output | None = None,
) -> int:
    """Read and run entries until :quit or Ctrl-D; returns the exit code.

    Args:
        core: the session.
        welcome: printed once before the first prompt.
        input: prompt-toolkit input (tests pass a pipe); the terminal by default.
        output: prompt-toolkit output; the terminal by default.
    """
    history, problem = _open_history(history_path())
    prompt = Prompt(core, history=history, input=input, output=output)
    core.history = history.get_strings
    core.printer.print(welcome)
    if problem:
        core.printer.note(problem, style="33")
    while not core.quit_requested:
        try:
            text = prompt.read()
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        try:
            core.execute(text)
        except Abandon:
            core.printer.note("abandoned the statement; quitting", style="33")
            # the database thread is stuck in the statement: leave without waiting for it
            os._exit(EXIT_INTERRUPTED)
        except KeyboardInterrupt:
            core.printer.note("interrupted")
    return 0
