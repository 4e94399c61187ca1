"""Test aid: a tiny evaluator for the pure-expression queries of the temporal TCK files.

It understands ``[WITH <expr> AS <name>, ...] RETURN <expr> [AS <name>], ...`` over
literals, maps, lists, variables, property access, the temporal functions of
`engram.temporal.functions`, ``toString``, comparisons and ``+ - * /``. It exists only so
the library can be checked against the TCK before the query engine exists; it is not a
Cypher implementation and nothing outside these tests uses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from engram.temporal.base import TemporalValue
from engram.temporal.clock import TemporalContext
from engram.temporal.functions import TEMPORAL_FUNCTIONS

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
    r"|(?P<string>'(?:[^'\\]|\\.)*')"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><>|<=|>=|[-+*/=<>(){}\[\],:.]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise SyntaxError(f"cannot tokenize at {text[position:]!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


@dataclass
class Projection:
    expression: Any  # parsed tree
    name: str


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        position = self.index + offset
        return self.tokens[position] if position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1].lower() != value.lower()):
            raise SyntaxError(f"expected {value!r}, got {token!r} in {self.text!r}")
        self.index += 1
        return token

    def at(self, value: str) -> bool:
        token = self.peek()
        return token is not None and token[1].lower() == value.lower()

    # query := (WITH projections)* RETURN projections
    def query(self) -> list[tuple[str, list[Projection]]]:
        clauses = []
        while self.peek() is not None:
            keyword = self.take()[1].upper()
            if keyword not in ("WITH", "RETURN"):
                raise SyntaxError(f"unsupported clause {keyword}")
            clauses.append((keyword, self.projections()))
        return clauses

    def projections(self) -> list[Projection]:
        items = []
        while True:
            start = self.index
            expression = self.expression()
            if self.at("AS"):
                self.take()
                name = self.take()[1]
            else:
                name = " ".join(value for _, value in self.tokens[start : self.index])
                name = re.sub(r"\s*([.(){}\[\],:])\s*", r"\1", name)
                name = re.sub(r"\s*(<>|<=|>=|[<>=])\s*", r" \1 ", name)
            items.append(Projection(expression, name))
            if not self.at(","):
                return items
            self.take(",")

    def expression(self) -> Any:
        left = self.additive()
        token = self.peek()
        if token is not None and token[1] in ("=", "<>", "<", ">", "<=", ">="):
            self.take()
            return ("compare", token[1], left, self.additive())
        return left

    def additive(self) -> Any:
        left = self.multiplicative()
        while self.peek() is not None and self.peek()[1] in ("+", "-"):  # type: ignore[index]
            operator = self.take()[1]
            left = ("arith", operator, left, self.multiplicative())
        return left

    def multiplicative(self) -> Any:
        left = self.unary()
        while self.peek() is not None and self.peek()[1] in ("*", "/"):  # type: ignore[index]
            operator = self.take()[1]
            left = ("arith", operator, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.at("-"):
            self.take()
            return ("negate", self.unary())
        return self.postfix()

    def postfix(self) -> Any:
        node = self.primary()
        while self.at("."):
            self.take()
            node = ("property", node, self.take()[1])
        return node

    def primary(self) -> Any:
        kind, value = self.take()
        if kind == "number":
            return ("literal", float(value) if "." in value or "e" in value.lower() else int(value))
        if kind == "string":
            return ("literal", re.sub(r"\\(.)", r"\1", value[1:-1]))
        if value == "(":
            inner = self.expression()
            self.take(")")
            return inner
        if value == "{":
            return self.map_literal()
        if value == "[":
            items = []
            while not self.at("]"):
                items.append(self.expression())
                if self.at(","):
                    self.take(",")
            self.take("]")
            return ("list", items)
        if kind == "name":
            lowered = value.lower()
            if lowered in ("null", "true", "false"):
                return ("literal", {"null": None, "true": True, "false": False}[lowered])
            name = value
            while self.at(".") and self.peek(1) is not None and self.peek(2) is not None:
                if self.peek(2)[1] != "(" or self.peek(1)[0] != "name":  # type: ignore[index]
                    break
                self.take(".")
                name += "." + self.take()[1]
            if self.at("("):
                self.take("(")
                arguments = []
                while not self.at(")"):
                    arguments.append(self.expression())
                    if self.at(","):
                        self.take(",")
                self.take(")")
                return ("call", name.lower(), arguments)
            return ("variable", name)
        raise SyntaxError(f"unexpected {value!r} in {self.text!r}")

    def map_literal(self) -> Any:
        entries = []
        while not self.at("}"):
            key = self.take()[1]
            self.take(":")
            entries.append((key, self.expression()))
            if self.at(","):
                self.take(",")
        self.take("}")
        return ("map", entries)


def evaluate(node: Any, scope: dict[str, Any], context: TemporalContext) -> Any:
    kind = node[0]
    if kind == "literal":
        return node[1]
    if kind == "variable":
        return scope[node[1]]
    if kind == "map":
        return {key: evaluate(value, scope, context) for key, value in node[1]}
    if kind == "list":
        return [evaluate(item, scope, context) for item in node[1]]
    if kind == "property":
        return evaluate(node[1], scope, context).property(node[2])
    if kind == "negate":
        value = evaluate(node[1], scope, context)
        return value.negated() if isinstance(value, TemporalValue) else -value
    if kind == "call":
        arguments = [evaluate(argument, scope, context) for argument in node[2]]
        if node[1] == "tostring":
            (value,) = arguments
            return None if value is None else str(value)
        return TEMPORAL_FUNCTIONS[node[1]](context, *arguments)
    if kind == "compare":
        return compare(
            node[1], evaluate(node[2], scope, context), evaluate(node[3], scope, context)
        )
    if kind == "arith":
        return arithmetic(
            node[1], evaluate(node[2], scope, context), evaluate(node[3], scope, context)
        )
    raise ValueError(f"unknown node {node!r}")


def compare(operator: str, left: Any, right: Any) -> bool | None:
    if left is None or right is None:
        return None
    if operator in ("=", "<>"):
        equal = left.cypher_equals(right) if isinstance(left, TemporalValue) else left == right
        return equal if operator == "=" else (None if equal is None else not equal)
    if isinstance(left, TemporalValue):
        order = left.cypher_compare(right)
        if order is None:
            return None
    else:
        order = (left > right) - (left < right)
    return {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[operator]


def arithmetic(operator: str, left: Any, right: Any) -> Any:
    if left is None or right is None:
        return None
    methods = {"+": "cypher_add", "-": "cypher_sub", "*": "cypher_mul", "/": "cypher_div"}
    if isinstance(left, TemporalValue):
        result = getattr(left, methods[operator])(right)
        if result is NotImplemented and operator == "+" and isinstance(right, TemporalValue):
            result = right.cypher_radd(left)
    elif isinstance(right, TemporalValue):
        result = right.cypher_radd(left) if operator == "+" else NotImplemented
        if operator == "*":
            result = right.cypher_mul(left)
    else:
        return {"+": left + right, "-": left - right, "*": left * right, "/": left / right}[
            operator
        ]
    if result is NotImplemented:
        raise TypeError(f"{type(left).__name__} {operator} {type(right).__name__}")
    return result


def run(query: str, context: TemporalContext) -> tuple[list[str], list[Any]]:
    """Evaluate a one-row query; returns (column names, values)."""
    scope: dict[str, Any] = {}
    columns: list[str] = []
    values: list[Any] = []
    for keyword, projections in Parser(query).query():
        evaluated = [evaluate(item.expression, scope, context) for item in projections]
        if keyword == "WITH":
            scope = {item.name: value for item, value in zip(projections, evaluated, strict=True)}
        else:
            columns = [item.name for item in projections]
            values = evaluated
    return columns, values


_CREATE = re.compile(r"CREATE\s*\(\s*\{\s*(?P<key>\w+)\s*:\s*(?P<value>.*)\}\s*\)\s*", re.S)


def create_property(query: str, context: TemporalContext) -> Any:
    """The property value of a ``CREATE ({key: <expr>})`` query."""
    match = _CREATE.fullmatch(query.strip())
    if match is None:
        raise SyntaxError(f"unsupported CREATE {query!r}")
    parser = Parser(match["value"])
    value = evaluate(parser.expression(), {}, context)
    if parser.peek() is not None:
        raise SyntaxError(f"trailing input in {query!r}")
    return value
