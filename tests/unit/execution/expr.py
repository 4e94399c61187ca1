"""A small evaluator of constant Cypher expressions over the value-semantics layer.

It exists so that value-semantics tests and the examples in docs/functions.md can be
written as Cypher text (`[1, null] >= [1]`, `substring('hello', 1, 3)`) and evaluated
with the real implementations before the engine exists. It knows literals, lists, maps,
parameters given as a dict, function calls through the registry, indexing and slicing,
property access, the arithmetic, comparison, string, list, null and boolean operators,
with openCypher's precedence. It is test support, not a query engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engram.execution import arithmetic, ternary
from engram.execution.functions import access, registry, strings

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<float>(?:\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+|\.\d+(?:[eE][-+]?\d+)?))
  | (?P<int>\d+)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*|`[^`]+`)
  | (?P<param>\$[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op><>|<=|>=|=~|\.\.|[-+*/%^=<>()\[\]{},:.])
    """,
    re.VERBOSE,
)
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "'": "'", '"': '"', "\\": "\\"}
_COMPARISONS = {"=", "<>", "<", "<=", ">", ">="}


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


def _tokens(text: str) -> list[_Token]:
    tokens = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise SyntaxError(f"cannot read {text[position:]!r}")
        position = match.end()
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            tokens.append(_Token(kind, match.group()))
    tokens.append(_Token("end", ""))
    return tokens


def _unquote(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), body)


class _Parser:
    def __init__(self, text: str, params: dict[str, Any]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.params = params

    # token helpers
    def peek(self, offset: int = 0) -> _Token:
        return self.tokens[self.position + offset]

    def keyword(self, *words: str) -> bool:
        for offset, word in enumerate(words):
            token = self.peek(offset)
            if token.kind != "name" or token.text.upper() != word:
                return False
        return True

    def take_keyword(self, *words: str) -> bool:
        if self.keyword(*words):
            self.position += len(words)
            return True
        return False

    def take(self, text: str) -> bool:
        if self.peek().kind == "op" and self.peek().text == text:
            self.position += 1
            return True
        return False

    def expect(self, text: str) -> None:
        if not self.take(text):
            raise SyntaxError(f"expected {text!r}, got {self.peek().text!r}")

    # grammar, lowest precedence first
    def expression(self) -> Any:
        left = self.xor()
        while self.take_keyword("OR"):
            left = ternary.or3(left, self.xor())
        return left

    def xor(self) -> Any:
        left = self.conjunction()
        while self.take_keyword("XOR"):
            left = ternary.xor3(left, self.conjunction())
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.take_keyword("AND"):
            left = ternary.and3(left, self.negation())
        return left

    def negation(self) -> Any:
        if self.take_keyword("NOT"):
            return ternary.not3(self.negation())
        return self.comparison()

    def comparison(self) -> Any:
        left = self.predicate()
        result: Any = True
        chained = False
        while self.peek().kind == "op" and self.peek().text in _COMPARISONS:
            operator = self.peek().text
            self.position += 1
            right = self.predicate()
            result = ternary.and3(result, ternary.COMPARATORS[operator](left, right))
            left, chained = right, True
        return result if chained else left

    def predicate(self) -> Any:
        left = self.additive()
        while True:
            if self.take_keyword("IS", "NOT", "NULL"):
                left = left is not None
            elif self.take_keyword("IS", "NULL"):
                left = left is None
            elif self.take_keyword("IN"):
                left = ternary.in_list(left, self.additive())
            elif self.take_keyword("STARTS", "WITH"):
                left = strings.starts_with(left, self.additive())
            elif self.take_keyword("ENDS", "WITH"):
                left = strings.ends_with(left, self.additive())
            elif self.take_keyword("CONTAINS"):
                left = strings.contains(left, self.additive())
            elif self.take("=~"):
                left = strings.regex_match(left, self.additive())
            else:
                return left

    def additive(self) -> Any:
        left = self.multiplicative()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            operator = self.peek().text
            self.position += 1
            left = arithmetic.BINARY_OPERATORS[operator](left, self.multiplicative())
        return left

    def multiplicative(self) -> Any:
        left = self.power()
        while self.peek().kind == "op" and self.peek().text in ("*", "/", "%"):
            operator = self.peek().text
            self.position += 1
            left = arithmetic.BINARY_OPERATORS[operator](left, self.power())
        return left

    def power(self) -> Any:
        left = self.unary()
        while self.take("^"):
            left = arithmetic.power(left, self.unary())
        return left

    def unary(self) -> Any:
        if self.take("-"):
            return arithmetic.negate(self.unary())
        if self.take("+"):
            return arithmetic.plus(self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        value = self.atom()
        while True:
            if self.take("["):
                value = self.subscript(value)
            elif self.peek().text == "." and self.peek(1).kind == "name":
                self.position += 1
                value = access.property_of(value, self.name(self.peek().text))
                self.position += 1
            else:
                return value

    def subscript(self, value: Any) -> Any:
        if self.take(".."):
            end = access.OMITTED if self.take("]") else self.expression()
            if end is not access.OMITTED:
                self.expect("]")
            return access.list_slice(value, access.OMITTED, end)
        first = self.expression()
        if self.take(".."):
            end = access.OMITTED if self.peek().text == "]" else self.expression()
            self.expect("]")
            return access.list_slice(value, first, end)
        self.expect("]")
        return access.index(value, first)

    @staticmethod
    def name(text: str) -> str:
        return text[1:-1] if text.startswith("`") else text

    def atom(self) -> Any:
        token = self.peek()
        self.position += 1
        if token.kind == "int":
            return int(token.text)
        if token.kind == "float":
            return float(token.text)
        if token.kind == "string":
            return _unquote(token.text)
        if token.kind == "param":
            return self.params[token.text[1:]]
        if token.text == "(":
            value = self.expression()
            self.expect(")")
            return value
        if token.text == "[":
            return self.list_literal()
        if token.text == "{":
            return self.map_literal()
        if token.kind == "name":
            return self.named(token.text)
        raise SyntaxError(f"unexpected {token.text!r}")

    def list_literal(self) -> list[Any]:
        items: list[Any] = []
        if self.take("]"):
            return items
        items.append(self.expression())
        while self.take(","):
            items.append(self.expression())
        self.expect("]")
        return items

    def map_literal(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        if self.take("}"):
            return result
        while True:
            key = self.name(self.peek().text)
            self.position += 1
            self.expect(":")
            result[key] = self.expression()
            if not self.take(","):
                break
        self.expect("}")
        return result

    def named(self, text: str) -> Any:
        constants = {
            "NULL": None,
            "TRUE": True,
            "FALSE": False,
            "NAN": float("nan"),
            "INFINITY": float("inf"),
        }
        if text.upper() in constants and self.peek().text != "(":
            return constants[text.upper()]
        name = text
        while self.peek().text == "." and self.peek(1).kind == "name":
            name += "." + self.peek(1).text
            self.position += 2
        self.expect("(")
        args: list[Any] = []
        if not self.take(")"):
            args.append(self.expression())
            while self.take(","):
                args.append(self.expression())
            self.expect(")")
        spec = registry.lookup(name)
        if spec is None:
            raise NameError(f"unknown function {name!r}")
        if not spec.accepts_arity(len(args)):
            raise TypeError(f"{name} takes {spec.arity_text} arguments")
        return spec.invoke(*args)


def evaluate(text: str, params: dict[str, Any] | None = None) -> Any:
    """The value of the constant Cypher expression `text`."""
    parser = _Parser(text, params or {})
    value = parser.expression()
    if parser.peek().kind != "end":
        raise SyntaxError(f"unexpected {parser.peek().text!r} in {text!r}")
    return value


def same(actual: Any, expected: Any) -> bool:
    """Equality for test expectations: types must match (`1` is not `1.0`), NaN is NaN."""
    if isinstance(expected, float) and expected != expected:
        return isinstance(actual, float) and actual != actual
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            same(actual[key], expected[key]) for key in expected
        )
    return bool(actual == expected)
