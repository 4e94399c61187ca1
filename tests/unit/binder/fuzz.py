"""Fuzzing parse + bind: generated queries, mutated TCK queries and deep nesting.

Every input must be answered with a bound statement or an `engram.EngramError`: never
another exception, never a RecursionError, and quickly. Inputs come from three sources,
all driven by one seeded `random.Random` so a run is reproducible:

- a small random grammar of the language (clauses, patterns, expressions) over a pool
  of variable names, function names and literals chosen to hit binder errors often;
- mutations of TCK queries (deleted, duplicated, swapped and inserted tokens and
  characters);
- deeply nested expressions, patterns and subqueries.

Run ``python -m tests.unit.binder.fuzz --count 100000`` for the figures.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from engram.binder import bind
from engram.errors import EngramError
from engram.execution.procedures import ProcedureRegistry
from engram.parser import parse
from tests.unit.binder.support import registry
from tests.unit.binder.tck_cases import tck_cases

_VARIABLES = ("a", "b", "n", "m", "r", "p", "x", "count", "`weird name`")
_LABELS = ("Person", "A", "B", "`Odd Label`")
_TYPES = ("KNOWS", "T", "R")
_KEYS = ("name", "age", "x", "num")
_FUNCTIONS = (
    "count", "sum", "avg", "collect", "max", "min", "size", "toUpper", "toLower", "abs",
    "coalesce", "head", "range", "type", "labels", "id", "nodes", "length", "keys",
    "substring", "nosuch", "date", "exists", "toInteger", "reverse",
)  # fmt: skip
_LITERALS = (
    "0", "1", "-1", "42", "1.5", "-0.0", "1e308", "9223372036854775807",
    "-9223372036854775808", "0x7FFFFFFFFFFFFFFF", "0o17", "true", "false", "null", "'text'",
    "\"dq\"", "'\\u00e9'", "''", "[]", "{}", "$param", "$0",
)  # fmt: skip
_ODD_LITERALS = ("1.34E999", "9223372036854775808", "0x", "1e", "'\\uZZZZ'", "0o8")
_BINARY = (
    "+", "-", "*", "/", "%", "^", "=", "<>", "<", "<=", ">", ">=", "AND", "OR", "XOR",
    "IN", "STARTS WITH", "ENDS WITH", "CONTAINS", "=~",
)  # fmt: skip
_TOKENS = (
    "MATCH", "OPTIONAL", "WHERE", "WITH", "RETURN", "UNWIND", "AS", "CREATE", "MERGE",
    "SET", "REMOVE", "DELETE", "DETACH", "FOREACH", "CALL", "YIELD", "UNION", "ALL",
    "ORDER BY", "SKIP", "LIMIT", "DISTINCT", "CASE", "WHEN", "THEN", "ELSE", "END",
    "EXISTS", "NOT", "NULL", "(", ")", "[", "]", "{", "}", ",", ":", ".", "..", "|", "*",
    "-->", "<--", "-[", "]->", "=", "$", "`", "'", "\"", "/*", "*/", "//", "\n", "\\",
    "\u2014", "\U0001f600", "\x00", "n", "x", "count(*)", "1", "0.5",
)  # fmt: skip


@dataclass(slots=True)
class FuzzReport:
    """What a fuzz run found."""

    inputs: int = 0
    bound: int = 0
    engram_errors: int = 0
    recursion_errors: list[str] = field(default_factory=list)
    other_errors: list[tuple[str, str]] = field(default_factory=list)
    slow: list[tuple[str, float]] = field(default_factory=list)
    max_seconds: float = 0.0
    slow_cpu: int = 0
    max_cpu_seconds: float = 0.0


class QueryGenerator:
    """Random queries from a small grammar of the language."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...]) -> str:
        """One of `options`."""
        return self.rng.choice(options)

    def expression(self, depth: int = 0) -> str:
        """A random expression, nested up to a few levels."""
        if depth > 3 or self.rng.random() < 0.3:
            return self._leaf()
        choice = self.rng.randrange(10)
        inner = self.expression
        if choice == 0:
            return f"{inner(depth + 1)} {self.pick(_BINARY)} {inner(depth + 1)}"
        if choice == 1:
            args = ", ".join(inner(depth + 1) for _ in range(self.rng.randrange(3)))
            distinct = "DISTINCT " if self.rng.random() < 0.1 else ""
            return f"{self.pick(_FUNCTIONS)}({distinct}{args})"
        if choice == 2:
            return f"[{', '.join(inner(depth + 1) for _ in range(self.rng.randrange(4)))}]"
        if choice == 3:
            return f"{{{self.pick(_KEYS)}: {inner(depth + 1)}}}"
        if choice == 4:
            variable = self.pick(_VARIABLES)
            where, projection = self.predicate(depth + 1), inner(depth + 1)
            return f"[{variable} IN {inner(depth + 1)} WHERE {where} | {projection}]"
        if choice == 5:
            kind = self.pick(("all", "any", "none", "single"))
            where = self.predicate(depth + 1)
            return f"{kind}({self.pick(_VARIABLES)} IN {inner(depth + 1)} WHERE {where})"
        if choice == 6:
            return (
                f"CASE WHEN {inner(depth + 1)} THEN {inner(depth + 1)} ELSE {inner(depth + 1)} END"
            )
        if choice == 7:
            return f"({inner(depth + 1)})[{inner(depth + 1)}]"
        if choice == 8:
            return f"[{self.pattern(hops=1)} | {inner(depth + 1)}]"
        return f"EXISTS {{ MATCH {self.pattern()} WHERE {self.predicate(depth + 1)} }}"

    def predicate(self, depth: int = 0) -> str:
        """A WHERE predicate: expressions, label tests and pattern predicates."""
        roll = self.rng.random()
        if depth > 3 or roll < 0.4:
            return self.expression(depth)
        if roll < 0.5:
            return f"{self.pick(_VARIABLES)}:{self.pick(_LABELS)}"
        if roll < 0.65:
            return self.pattern(named=False)
        if roll < 0.75:
            return f"NOT {self.predicate(depth + 1)}"
        operator = self.pick(("AND", "OR", "XOR"))
        return f"{self.predicate(depth + 1)} {operator} {self.predicate(depth + 1)}"

    def _leaf(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return self.pick(_VARIABLES)
        if roll < 0.6:
            return f"{self.pick(_VARIABLES)}.{self.pick(_KEYS)}"
        if roll < 0.65:
            return "count(*)"
        if roll < 0.995:
            return self.pick(_LITERALS)
        return self.pick(_ODD_LITERALS)

    def node(self) -> str:
        """A node pattern."""
        variable = self.pick(_VARIABLES) if self.rng.random() < 0.7 else ""
        labels = "".join(f":{self.pick(_LABELS)}" for _ in range(self.rng.randrange(3)))
        properties = ""
        if self.rng.random() < 0.3:
            properties = (
                " $param"
                if self.rng.random() < 0.2
                else f" {{{self.pick(_KEYS)}: {self.expression(2)}}}"
            )
        return f"({variable}{labels}{properties})"

    def relationship(self) -> str:
        """A relationship pattern, any direction, maybe variable length."""
        variable = self.pick(_VARIABLES) if self.rng.random() < 0.5 else ""
        types = "|".join(f":{self.pick(_TYPES)}" for _ in range(self.rng.randrange(3)))
        types = types.replace("|:", "|") if self.rng.random() < 0.5 else types
        length = self.pick(("", "", "*", "*2", "*1..3", "*..2", "*0.."))
        left, right = self.rng.choice((("-", "->"), ("<-", "-"), ("-", "-"), ("<-", "->")))
        return f"{left}[{variable}{types}{length}]{right}"

    def pattern(self, *, named: bool = True, hops: int = 0) -> str:
        """A path pattern of at least `hops` relationships, maybe named."""
        parts = [self.node()]
        for _ in range(max(hops, self.rng.randrange(3))):
            parts.extend((self.relationship(), self.node()))
        name = f"{self.pick(_VARIABLES)} = " if named and self.rng.random() < 0.15 else ""
        return name + "".join(parts)

    def clause(self) -> str:
        """One clause."""
        choice = self.rng.randrange(10)
        if choice < 3:
            where = f" WHERE {self.predicate()}" if self.rng.random() < 0.5 else ""
            optional = "OPTIONAL " if self.rng.random() < 0.2 else ""
            return f"{optional}MATCH {self.pattern()}{where}"
        if choice == 3:
            return f"UNWIND {self.expression()} AS {self.pick(_VARIABLES)}"
        if choice == 4:
            return f"WITH {self.projection()}"
        if choice == 5:
            return f"CREATE {self.pattern()}"
        if choice == 6:
            return f"MERGE {self.pattern()}"
        if choice == 7:
            return f"SET {self.pick(_VARIABLES)}.{self.pick(_KEYS)} = {self.expression()}"
        if choice == 8:
            return f"DELETE {self.expression()}"
        return self.pick(
            ("CALL test.labels() YIELD label", "CALL test.my.proc", "CALL nope()",
             "CALL test.my.proc('a', 1) YIELD city AS x")
        )  # fmt: skip

    def projection(self) -> str:
        """The body of a WITH or RETURN."""
        if self.rng.random() < 0.1:
            return "*"
        items = []
        for _ in range(1 + self.rng.randrange(3)):
            alias = f" AS {self.pick(_VARIABLES)}" if self.rng.random() < 0.6 else ""
            items.append(self.expression() + alias)
        text = ("DISTINCT " if self.rng.random() < 0.1 else "") + ", ".join(items)
        if self.rng.random() < 0.3:
            text += f" ORDER BY {self.expression()}"
        if self.rng.random() < 0.2:
            text += f" SKIP {self.pick(_LITERALS)}"
        if self.rng.random() < 0.2:
            text += f" LIMIT {self.expression(2)}"
        return text

    def query(self) -> str:
        """A random query."""
        clauses = [self.clause() for _ in range(self.rng.randrange(1, 5))]
        if self.rng.random() < 0.8:
            clauses.append(f"RETURN {self.projection()}")
        text = "\n".join(clauses)
        if self.rng.random() < 0.05:
            text += " UNION RETURN 1 AS x"
        return text


def nested(rng: random.Random) -> str:
    """A deeply nested input (up to a few thousand levels)."""
    depth = rng.choice((50, 200, 1000, 5000))
    shapes: tuple[Callable[[int], str], ...] = (
        lambda d: "RETURN " + "[" * d + "1" + "]" * d,
        lambda d: "RETURN " + "(" * d + "1" + ")" * d,
        lambda d: "RETURN " + "NOT " * d + "true",
        lambda d: "RETURN " + "-" * d + "1",
        lambda d: "RETURN " + " + ".join(["1"] * d),
        lambda d: "RETURN " + "{a: " * d + "1" + "}" * d,
        lambda d: (
            "MATCH (n) WHERE " + "EXISTS { MATCH (n) WHERE " * d + "true" + " }" * d + " RETURN n"
        ),
        lambda d: "RETURN " + "[x IN " * d + "[1]" + " | x]" * d,
        lambda d: "MATCH " + "()-->" * d + "() RETURN 1",
        lambda d: "RETURN " + "size(" * d + "[1]" + ")" * d,
    )
    return rng.choice(shapes)(depth)


def mutate(text: str, rng: random.Random) -> str:
    """A TCK query with one to three random edits."""
    for _ in range(rng.randint(1, 3)):
        if not text:
            text = rng.choice(_TOKENS)
            continue
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.randint(1, 12))
        choice = rng.randrange(6)
        if choice == 0:
            text = text[:start] + text[end:]
        elif choice == 1:
            text = text[:start] + text[start:end] * 2 + text[end:]
        elif choice == 2:
            text = text[:start] + f" {rng.choice(_TOKENS)} " + text[start:]
        elif choice == 3:
            text = text[:start] + chr(rng.randrange(1, 0x2FFF)) + text[start + 1 :]
        elif choice == 4:
            other = rng.randrange(len(text))
            a, b = sorted((start, other))
            text = text[:a] + text[b : b + 6] + text[a + 6 : b] + text[a : a + 6] + text[b + 6 :]
        else:
            text = text[:start] + text[end:] + text[start:end]
    return text


def inputs(count: int, seed: int = 0) -> Iterator[str]:
    """`count` fuzz inputs: 45% generated, 45% mutated TCK queries, 10% deep nesting."""
    rng = random.Random(seed)
    generator = QueryGenerator(rng)
    corpus = [q for case in tck_cases() for q in (*case.setup, case.query)] or ["RETURN 1"]
    for _ in range(count):
        roll = rng.random()
        if roll < 0.45:
            yield generator.query()
        elif roll < 0.9:
            yield mutate(rng.choice(corpus), rng)
        else:
            yield nested(rng)


def compile_one(text: str, procedures: ProcedureRegistry) -> None:
    """Parse and bind one input."""
    bind(parse(text), procedures=procedures)


def run(count: int, seed: int = 0, *, slow_seconds: float = 0.1) -> FuzzReport:
    """Compile `count` inputs and record how each was answered."""
    report = FuzzReport()
    procedures = registry()
    compile_one("MATCH (n) RETURN n", procedures)  # build the grammar before timing
    for text in inputs(count, seed):
        report.inputs += 1
        start = time.perf_counter()
        cpu_start = time.process_time()
        try:
            compile_one(text, procedures)
            report.bound += 1
        except RecursionError:
            report.recursion_errors.append(text)
        except EngramError:
            report.engram_errors += 1
        except Exception as error:
            report.other_errors.append((text, f"{type(error).__name__}: {error}"))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
        report.max_seconds = max(report.max_seconds, elapsed)
        report.max_cpu_seconds = max(report.max_cpu_seconds, cpu)
        if elapsed > slow_seconds:
            report.slow.append((text, elapsed))
        if cpu > slow_seconds:
            report.slow_cpu += 1
    return report


def main(argv: list[str] | None = None) -> int:
    """Print a fuzz run's figures; exit status 1 on any unexpected exception."""
    parser = argparse.ArgumentParser(description="fuzz parse + bind")
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    report = run(args.count, args.seed)
    total = time.perf_counter() - start
    print(f"inputs: {report.inputs} (seed {args.seed}) in {total:.1f} s")
    print(f"bound: {report.bound}, EngramError: {report.engram_errors}")
    recursion, other = len(report.recursion_errors), len(report.other_errors)
    print(f"RecursionError: {recursion}, other exceptions: {other}")
    print(
        f"slowest input: {report.max_seconds * 1000:.1f} ms wall, "
        f"{report.max_cpu_seconds * 1000:.1f} ms CPU; over 100 ms: {len(report.slow)} wall, "
        f"{report.slow_cpu} CPU"
    )
    for text, problem in report.other_errors[:10]:
        print(f"\n--- {problem}\n{text[:300]!r}")
    for text in report.recursion_errors[:5]:
        print(f"\n--- RecursionError\n{text[:200]!r}")
    for text, seconds in report.slow[:5]:
        print(f"\n--- slow {seconds * 1000:.0f} ms\n{text[:200]!r}")
    return 1 if report.other_errors or report.recursion_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
