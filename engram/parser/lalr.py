"""Run the LALR(1) tables Lark computes and build the AST directly, without a parse tree.

Lark analyses the grammar (`engram.parser.grammar`); this module drives its tables with
a small loop: every reduction calls the rule's method on the AST builder with the
rule's span and its children (filtered, with `[optional]` placeholders, the way Lark's
tree builder would hand them over). That is several times faster than building and
then transforming a Lark tree, and it never recurses, so input of any depth is safe.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from lark import Lark
from lark.grammar import Rule, Terminal
from lark.parsers.lalr_analysis import Shift

from engram.errors import InternalError, Span
from engram.parser.lexer import Lexeme, Lexer, LexFailure, convert

__all__ = ["END", "LalrDriver", "ParseFailure"]

#: the terminal that stands for the end of the text
END: Final = "$END"


class ParseFailure(Exception):
    """The parser cannot go on at `position`.

    Attributes:
        position: offset of the offending token (the text's length at the end).
        token: the offending token; None at the end of the text or when no terminal of
            the language starts there.
        accepted: the terminals the parser would have accepted there.
        stack: the values on the parser's stack, innermost last.
    """

    def __init__(
        self,
        position: int,
        token: Lexeme | None,
        accepted: frozenset[str],
        stack: Sequence[object],
    ) -> None:
        super().__init__(position)
        self.position = position
        self.token = token
        self.accepted = accepted
        self.stack = stack


class _Splice(list[Any]):
    """The children of one of Lark's helper rules (`x*`, `x+`), spliced into the parent."""


# what a reduction does with the children on the stack
_NONES, _CHILD, _SPLICE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class _Reduction:
    """How to reduce by one grammar rule."""

    size: int
    origin: str
    steps: tuple[tuple[int, int], ...]  # (_NONES, count) | (_CHILD, index) | (_SPLICE, index)
    function: Callable[..., object] | None  # the builder method, if the rule calls one
    is_helper: bool  # one of Lark's helper rules (`x*`, `x+`): spliced into the parent
    expand_single: bool  # a `?rule`: one child stands for itself
    passthrough: bool  # reduces one child to itself (`?a: b`): only the state changes
    direct: bool  # calls the builder with the children as they are
    level: int  # how many levels of nesting the reduction adds (a builder call adds one)

    pick: Callable[[list[Any]], Sequence[Any]] | None  # the kept children, if no more to do

    def build(self, builder: object, children: list[Any], span: Span) -> object:
        args = self._arguments(children) if self.pick is None else self.pick(children)
        if self.is_helper:
            return args
        if self.expand_single and len(args) == 1:
            return args[0]
        assert self.function is not None
        return self.function(builder, span, *args)

    def _arguments(self, children: list[Any]) -> list[Any]:
        args: list[Any] = _Splice()
        for kind, value in self.steps:
            if kind == _CHILD:
                args.append(children[value])
            elif kind == _SPLICE:
                if args:
                    args.extend(children[value])
                else:
                    # a left-recursive helper: grow its list instead of copying it
                    args = children[value]
            else:
                args.extend([None] * value)
        return args


_Action = tuple[bool, Any]  # (True, next state) or (False, _Reduction)


class LalrDriver:
    """Parse text with Lark's LALR tables, calling `builder_class` methods on reduction."""

    def __init__(
        self, lark: Lark, builder_class: type, splits: Mapping[str, str] | None = None
    ) -> None:
        """Prepare the tables of `lark`'s grammar.

        Args:
            lark: the analysed grammar.
            builder_class: the class whose methods build each rule's value.
            splits: compound terminals whose first character the parser may read alone
                (terminal name to that character) where it cannot go on with the whole
                token, as LALR's merged lookaheads can let the lexer take one too long.
        """
        table = lark.parser.parser.parser.parse_table
        reductions: dict[Rule, _Reduction] = {}
        self._actions: dict[int, dict[str, _Action]] = {}
        self._gotos: dict[int, dict[str, int]] = {}
        for state, row in table.states.items():
            actions = self._actions.setdefault(state, {})
            gotos = self._gotos.setdefault(state, {})
            for symbol, (action, argument) in row.items():
                name = str(symbol)
                if action is Shift and not name.isupper():
                    gotos[name] = argument
                elif action is Shift:
                    actions[name] = (True, argument)
                else:
                    if argument not in reductions:
                        reductions[argument] = _reduction(argument, builder_class)
                    actions[name] = (False, reductions[argument])
        self._chains: dict[tuple[int, int, str], int] = {}
        self._start_states = {str(name): state for name, state in table.start_states.items()}
        self._end_states = {str(name): state for name, state in table.end_states.items()}
        terminals = {
            state: [name for name in actions if name != END]
            for state, actions in self._actions.items()
        }
        self.lexer = Lexer(lark.terminals, lark.lexer_conf.ignore, terminals)
        by_text = {getattr(t.pattern, "value", None): t.name for t in lark.terminals}
        self._splits = {name: by_text[text] for name, text in (splits or {}).items()}

    def parse(
        self,
        text: str,
        start: str,
        builder: object,
        *,
        limit: int | None = None,
        measure: Callable[[object], int] | None = None,
    ) -> tuple[object, int]:
        """Parse `text` from the start symbol `start`, building with `builder`.

        When a reduction's depth bound passes `limit`, `measure` (which raises for a
        value nested too deeply, and else returns its exact depth) is called on the value
        built, and its exact depth replaces the bound: a long operator chain is refused
        as soon as it is too deep, not after the whole chain is parsed.

        Returns:
            The value the start rule built, and the nesting depth of the reductions
            that built it (each builder call one level; an upper bound for the AST's
            depth, up to the extra levels some rules add and report themselves).

        Raises:
            ParseFailure: the text is not in the language.
        """
        # one loop, lexing included, with everything it touches in local variables:
        # this is the parser's hot path. A reduced value ends where the last token
        # shifted before it ends (the only rule that can reduce to nothing,
        # relationship_detail, is never last), so only starts need a stack.
        actions = self._actions
        gotos = self._gotos
        chains = self._chains
        scanners = self.lexer.scanners
        new_token = tuple.__new__
        end_state = self._end_states[start]
        states = [self._start_states[start]]
        values: list[Any] = []
        starts: list[int] = []
        depths: list[int] = []
        push_state, push_value = states.append, values.append
        push_start, push_depth = starts.append, depths.append
        position = shifted_end = 0
        while True:
            scanner = scanners[states[-1]]
            match = scanner.match(text, position)
            group = None if match is None else match.lastgroup
            if group is None:
                self._check_end(text, position, states, values)
                token = None
                kind = END
                first = len(text)
            else:
                assert match is not None
                first, last = match.span(group)
                value = text[first:last]
                kind = group
                if group in scanner.conversions:
                    kind = convert(scanner, group, value)
                if kind in self._splits and not self._accepts(states, kind):
                    kind, last = self._splits[kind], first + 1
                    value = text[first:last]
                token = new_token(Lexeme, (kind, value, first, last))
            while True:
                action = actions[states[-1]].get(kind)
                if action is None:
                    raise self._failure(text, token, states, values)
                shift, target = action
                if shift:
                    push_state(target)
                    push_value(token)
                    push_start(first)
                    push_depth(0)
                    position = shifted_end = last
                    break
                if target.passthrough:
                    # `?a: b` reductions change only the top state: follow the whole run
                    # of them at once (memoised; it depends on the two top states only)
                    key = (states[-2], states[-1], kind)
                    top = chains.get(key)
                    if top is None:
                        top = chains[key] = self._follow_passthroughs(key)
                    states[-1] = top
                    if token is None and top == end_state:
                        return values[-1], depths[-1]
                    continue
                size = target.size
                if size:
                    children = values[-size:]
                    span = Span(starts[-size], shifted_end)
                    depth = (max(depths[-size:]) if size > 1 else depths[-1]) + target.level
                    del values[-size:], starts[-size:], states[-size:], depths[-size:]
                else:
                    children = []
                    span = Span(first, first)
                    depth = 0
                if target.direct:
                    built = target.function(builder, span, *children)
                else:
                    built = target.build(builder, children, span)
                if limit is not None and depth > limit and measure is not None:
                    depth = measure(built)
                push_value(built)
                push_start(span.start)
                push_depth(depth)
                goto = gotos[states[-1]][target.origin]
                push_state(goto)
                if token is None and goto == end_state:
                    return built, depth

    def _follow_passthroughs(self, key: tuple[int, int, str]) -> int:
        """The top state after every `?a: b` reduction the lookahead `kind` triggers.

        The run stops at the first other action, or where there is none (as at a start
        symbol's end state, where the parse is complete).
        """
        below, top, kind = key
        while True:
            action = self._actions[top].get(kind)
            if action is None or action[0] or not action[1].passthrough:
                return top
            top = self._gotos[below][action[1].origin]

    def _check_end(self, text: str, position: int, states: list[int], values: list[Any]) -> None:
        """Check that the text ends here, but for space and comments."""
        try:
            self.lexer.check_end(text, position)
        except LexFailure as failure:
            accepted = self.accepted(states)
            raise ParseFailure(failure.position, failure.found, accepted, tuple(values)) from None

    def _failure(
        self, text: str, token: Lexeme | None, states: list[int], values: list[Any]
    ) -> ParseFailure:
        position = len(text) if token is None else token.start
        return ParseFailure(position, token, self.accepted(states), tuple(values))

    def accepted(self, states: Sequence[int]) -> frozenset[str]:
        """The terminals the parser accepts next, given its state stack.

        LALR merges states, so the current state lists some terminals that only other
        contexts accept; each candidate is tried on a copy of the stack.
        """
        candidates = self._actions[states[-1]]
        return frozenset(kind for kind in candidates if self._accepts(states, kind))

    def _accepts(self, states: Sequence[int], kind: str) -> bool:
        stack = list(states)
        while True:
            action = self._actions[stack[-1]].get(kind)
            if action is None:
                return False
            shift, target = action
            if shift:
                return True
            if target.size:
                del stack[-target.size :]
            stack.append(self._gotos[stack[-1]][target.origin])
            if kind == END and stack[-1] in self._end_states.values():
                return True


def _reduction(rule: Rule, builder_class: type) -> _Reduction:
    """How Lark's tree builder would hand this rule's children over, as a plan."""
    origin = str(rule.origin.name)
    name = str(rule.alias or origin)
    steps = _steps(rule)
    is_helper = origin.startswith("_")
    expand_single = bool(rule.options.expand1 and not rule.alias)
    function = None if is_helper else getattr(builder_class, name, None)
    always_single = expand_single and _always_one_child(steps)
    if function is None and not is_helper and not always_single:
        raise InternalError(f"parser: no builder method for grammar rule '{name}'")
    size = len(rule.expansion)
    keeps_all = steps == tuple((_CHILD, index) for index in range(size))
    direct = keeps_all and function is not None and not is_helper and not expand_single
    return _Reduction(
        pick=None if is_helper else _picker(steps),
        size=size,
        origin=origin,
        steps=steps,
        function=function,
        is_helper=is_helper,
        expand_single=expand_single,
        passthrough=always_single and size == 1,
        direct=direct,
        level=0 if is_helper else 1,
    )


def _steps(rule: Rule) -> tuple[tuple[int, int], ...]:
    """Which stack children a rule keeps, where `[optional]` placeholders go, what splices."""
    expansion = rule.expansion
    empty = rule.options.empty_indices
    if empty:
        ones = "".join(str(int(flag)) for flag in empty).split("0")
        nones = [len(run) for run in ones]
    else:
        nones = [0] * (len(expansion) + 1)
    keep_tokens = rule.options.keep_all_tokens
    steps: list[tuple[int, int]] = []
    for index, symbol in enumerate(expansion):
        if nones[index]:
            steps.append((_NONES, nones[index]))
        if isinstance(symbol, Terminal) and symbol.filter_out and not keep_tokens:
            continue
        is_helper = not symbol.is_term and str(symbol.name).startswith("_")
        steps.append((_SPLICE if is_helper else _CHILD, index))
    if nones[len(expansion)]:
        steps.append((_NONES, nones[len(expansion)]))
    return tuple(steps)


def _picker(steps: tuple[tuple[int, int], ...]) -> Callable[[list[Any]], Sequence[Any]] | None:
    """A fast way to take the kept children when a rule only drops tokens, else None."""
    if any(kind != _CHILD for kind, _index in steps):
        return None
    indices = [index for _kind, index in steps]
    if not indices:
        return lambda children: ()
    if len(indices) == 1:
        (only,) = indices
        return lambda children: (children[only],)
    return operator.itemgetter(*indices)


def _always_one_child(steps: Iterable[tuple[int, int]]) -> bool:
    kinds = [kind for kind, _value in steps]
    return kinds == [_CHILD]
