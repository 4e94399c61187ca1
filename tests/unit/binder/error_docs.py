"""Generates docs/errors.md from real errors, so every example and caret in it stays true.

``python -m tests.unit.binder.error_docs --write`` rewrites the page;
`tests/unit/binder/test_error_docs.py` fails when the page differs from what the code
raises today.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from engram.binder import check_parameters
from engram.errors import (
    CypherSyntaxError,
    ErrorDetail,
    ErrorKind,
    MemoryLimitExceeded,
    ParameterError,
    QueryError,
    QueryRuntimeError,
    SemanticError,
)
from tests.unit.binder.support import compile_text, registry

PAGE = Path(__file__).resolve().parents[3] / "docs" / "errors.md"

D = ErrorDetail


@dataclass(frozen=True, slots=True)
class Example:
    """One documented error: what it means and a query that raises it."""

    detail: ErrorDetail
    meaning: str
    query: str
    parameters: frozenset[str] | None = None  # check parameters against these names


EXAMPLES = (
    Example(D.UNEXPECTED_SYNTAX, "The text is not in the language.", "MATCH (n RETURN n"),
    Example(
        D.UNEXPECTED_SYNTAX,
        "A form the grammar accepts but the language does not, such as a pattern used as a value.",
        "MATCH (n) RETURN (n)-->()",
    ),
    Example(
        D.INTEGER_OVERFLOW,
        "An integer literal outside 64 bits.",
        "RETURN 9223372036854775808 AS big",
    ),
    Example(D.FLOATING_POINT_OVERFLOW, "A float literal too large for 64 bits.", "RETURN 1.34E999"),
    Example(
        D.INVALID_NUMBER_LITERAL,
        "Digits and letters mixed in a number.",
        "RETURN 9223372h54775808 AS literal",
    ),
    Example(D.INVALID_UNICODE_LITERAL, "A bad `\\u` escape in a string.", "RETURN '\\uH'"),
    Example(
        D.INVALID_UNICODE_CHARACTER,
        "A character that only looks like an operator.",
        "RETURN 42 \u2014 41",
    ),
    Example(
        D.INVALID_RELATIONSHIP_PATTERN,
        "A malformed variable-length bound.",
        "MATCH (a)-[:LIKES*-2]->(c) RETURN c",
    ),
    Example(
        D.UNDEFINED_VARIABLE,
        "A variable that is not in scope here.",
        "MATCH (person:Person) RETURN persn.name",
    ),
    Example(
        D.VARIABLE_ALREADY_BOUND,
        "CREATE, MERGE, UNWIND, YIELD or a path name reuses a variable that is already bound.",
        "MATCH (a) CREATE (a:Extra)",
    ),
    Example(
        D.VARIABLE_TYPE_CONFLICT,
        "A variable used as two different kinds of thing.",
        "MATCH ()-[r]->() MATCH (r) RETURN r",
    ),
    Example(
        D.RELATIONSHIP_UNIQUENESS_VIOLATION,
        "One relationship variable twice in one MATCH.",
        "MATCH (a)-[r]->(b)-[r]->(c) RETURN c",
    ),
    Example(
        D.INVALID_AGGREGATION,
        "An aggregate where aggregates are not allowed.",
        "MATCH (p) WHERE count(p) > 1 RETURN p",
    ),
    Example(
        D.NESTED_AGGREGATION,
        "An aggregate inside another aggregate.",
        "MATCH (p) RETURN max(count(p))",
    ),
    Example(
        D.AMBIGUOUS_AGGREGATION_EXPRESSION,
        "An expression next to an aggregate that is not a grouping key.",
        "MATCH (p) RETURN p.name, p.age + count(*)",
    ),
    Example(
        D.INVALID_ARGUMENT_TYPE,
        "An operand or argument whose type is certainly wrong.",
        "RETURN 1 IN 'abc'",
    ),
    Example(
        D.INVALID_ARGUMENT_TYPE,
        "Property access on a value that has no properties (openCypher kind TypeError).",
        "WITH 123 AS x RETURN x.num",
    ),
    Example(
        D.LIST_ELEMENT_ACCESS_BY_NON_INTEGER,
        "A list indexed by a non-integer.",
        "WITH [1, 2] AS l RETURN l['a']",
    ),
    Example(
        D.MAP_ELEMENT_ACCESS_BY_NON_STRING,
        "A map indexed by a non-string.",
        "WITH {a: 1} AS m RETURN m[0]",
    ),
    Example(
        D.NO_SINGLE_RELATIONSHIP_TYPE,
        "CREATE and MERGE need exactly one type.",
        "CREATE (a)-[:A|B]->(b)",
    ),
    Example(
        D.REQUIRES_DIRECTED_RELATIONSHIP, "CREATE needs a direction.", "CREATE (a)-[:KNOWS]-(b)"
    ),
    Example(
        D.CREATING_VAR_LENGTH,
        "CREATE and MERGE cannot make variable-length relationships.",
        "CREATE (a)-[:KNOWS*2]->(b)",
    ),
    Example(D.INVALID_DELETE, "DELETE of a label (use REMOVE).", "MATCH (n) DELETE n:Person"),
    Example(
        D.INVALID_PARAMETER_USE,
        "A parameter as the property map of MATCH or MERGE.",
        "MATCH (n $props) RETURN n",
    ),
    Example(D.UNKNOWN_FUNCTION, "A function the registry does not know.", "RETURN toUppr('a')"),
    Example(
        D.INVALID_NUMBER_OF_ARGUMENTS, "Too many or too few arguments.", "RETURN substring('abc')"
    ),
    Example(D.COLUMN_NAME_CONFLICT, "Two columns with one name.", "RETURN 1 AS a, 2 AS a"),
    Example(
        D.NO_EXPRESSION_ALIAS,
        "WITH must name expressions that are not variables.",
        "MATCH (a) WITH a, count(*) RETURN a",
    ),
    Example(D.NO_VARIABLES_IN_SCOPE, "`*` with nothing to project.", "MATCH () RETURN *"),
    Example(
        D.NON_CONSTANT_EXPRESSION,
        "SKIP and LIMIT must not depend on rows.",
        "MATCH (n) RETURN n LIMIT n.count",
    ),
    Example(D.NEGATIVE_INTEGER_ARGUMENT, "A negative SKIP or LIMIT.", "MATCH (n) RETURN n SKIP -1"),
    Example(
        D.DIFFERENT_COLUMNS_IN_UNION,
        "UNION parts with different columns.",
        "RETURN 1 AS a UNION RETURN 2 AS b",
    ),
    Example(
        D.INVALID_CLAUSE_COMPOSITION,
        "Clauses in an order the language does not allow.",
        "CREATE (a) MATCH (b) RETURN b",
    ),
    Example(
        D.INVALID_ARGUMENT_PASSING_MODE,
        "Implicit procedure arguments inside a larger query.",
        "CALL test.my.proc YIELD city RETURN city",
    ),
    Example(D.PROCEDURE_NOT_FOUND, "A procedure that is not registered.", "CALL db.lables()"),
    Example(
        D.MISSING_PARAMETER,
        "A parameter the query uses but the caller did not supply "
        "(checked when execution starts, before any data is read).",
        "MATCH (n) WHERE n.name = $name RETURN n",
        frozenset({"nmae"}),
    ),
    Example(
        D.RESOURCE_LIMIT,
        "Input nested too deeply to analyse safely.",
        "RETURN " + "[" * 300 + "]" * 300,
    ),
)

RUNTIME = (
    (D.INVALID_ARGUMENT_VALUE, "TypeError", "a function got a value it cannot use"),
    (D.NUMBER_OUT_OF_RANGE, "ArgumentError", "a number outside the range a function accepts"),
    (D.MAP_ELEMENT_ACCESS_BY_NON_STRING, "TypeError", "a map indexed by a non-string value"),
    (D.LIST_ELEMENT_ACCESS_BY_NON_INTEGER, "TypeError", "a list indexed by a non-integer value"),
    (D.INVALID_ELEMENT_ACCESS, "TypeError", "indexing a value that is not a list or map"),
    (D.PROPERTY_ACCESS_ON_NON_MAP, "TypeError", "a property read on a value without properties"),
    (D.INVALID_ARGUMENT_TYPE, "TypeError", "an argument whose type is only known at runtime"),
    (D.INVALID_ARGUMENT_EXPRESSION, "TypeError", "an argument expression that cannot be used"),
    (D.INVALID_PROPERTY_TYPE, "TypeError", "a value that cannot be stored as a property"),
    (D.DELETED_ENTITY_ACCESS, "EntityNotFound", "reading a node or relationship deleted earlier"),
    (D.DELETE_CONNECTED_NODE, "ConstraintVerificationFailed",
     "DELETE of a node that still has relationships"),
    (D.MERGE_READ_OWN_WRITES, "SemanticError", "MERGE on a null property value"),
    (D.DIVISION_BY_ZERO, "ArithmeticError", "integer division or modulo by zero"),
    (D.NEGATIVE_INTEGER_ARGUMENT, "SyntaxError", "a negative SKIP / LIMIT passed as a parameter"),
    (D.INVALID_ARGUMENT_TYPE, "SyntaxError", "a SKIP / LIMIT parameter that is not an integer"),
    (D.UNIQUE_CONSTRAINT_VIOLATION, "ConstraintValidationFailed",
     "a write that breaks a uniqueness constraint"),
    (D.SCHEMA_ERROR, "SemanticError", "an index or constraint command that cannot be done"),
    (D.RESOURCE_LIMIT, "SemanticError", "a query that exceeds a configured limit"),
    (D.UNSUPPORTED, "SemanticError", "a feature engram does not support"),
    (D.VECTOR_DIMENSION_MISMATCH, "ArgumentError",
     "vectors of different lengths, or a vector that does not fit a vector index"),
    (D.INVALID_VECTOR, "TypeError",
     "a value a vector index cannot hold (not numbers, NaN, a zero vector under cosine)"),
)  # fmt: skip

_HEADER = """\
# Errors

Every error engram raises on purpose derives from `engram.EngramError`. Errors in a
query or its parameters are `engram.QueryError`s and carry:

- `kind` and `detail`: the openCypher error type and detail (`err.kind == "SyntaxError"`,
  `err.detail == "UndefinedVariable"`), as the openCypher TCK names them;
- `phase`: `"compile"` (found before any data is read or written) or `"runtime"`;
- `code`: a stable engram code, `E` + the stage + a number per detail: `E1xx` parser,
  `E2xx` binder, `E3xx` parameters, `E4xx` execution. The same detail found by two
  stages has the same number under each stage's prefix (UnexpectedSyntax is `E101` from
  the parser and `E201` from the binder);
- `span`, `line`, `column`: where in the query the problem is, when it comes from the text;
- `hint`: a suggestion, such as a close name ("did you mean 'person'?");
- `str(err)`: the rendered diagnostic below, the same text the shell prints and the
  GraphQL server returns as `extensions.rendered`.

```
EngramError
├── QueryError                 kind, detail, phase, code, span, hint
│   ├── CypherSyntaxError      E1xx  the parser: text that is not in the language
│   ├── SemanticError          E2xx  the binder: text that parses but means nothing valid
│   ├── ParameterError         E3xx  a missing parameter
│   └── QueryRuntimeError      E4xx  the executor: bad values, deleted entities, constraints
├── QueryTimeout               the query ran past its timeout; nothing was changed
├── MemoryLimitExceeded        the query needed more than its memory limit; nothing changed
├── TransactionError           lock timeouts, finished transactions, writes when read-only
├── DatabaseLocked             another process holds the database directory
├── StorageError               RocksDB and I/O failures
│   └── CorruptionError        checksums, unknown formats, damaged files
└── InternalError              a bug in engram ("please report it")
```

This page is generated from the code (`python -m tests.unit.binder.error_docs --write`)
and checked by the test suite, so every example below is what engram prints today.
"""


def _compile_error(example: Example) -> QueryError:
    try:
        statement = compile_text(
            example.query,
            registry("test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?)"),
        )
        if example.parameters is not None:
            check_parameters(statement, example.parameters)
    except QueryError as error:
        return error.with_source(example.query)
    raise AssertionError(f"no error for the documented example {example.query!r}")


def _section(example: Example, error: QueryError) -> str:
    stage = {
        CypherSyntaxError: "parser",
        SemanticError: "binder",
        ParameterError: "parameter check",
        QueryRuntimeError: "executor",
    }.get(type(error), type(error).__name__)
    return "\n".join(
        [
            f"### {error.code} {error.kind} ({error.detail})",
            "",
            f"{example.meaning} Raised by the {stage}.",
            "",
            "```",
            str(error),
            "```",
            "",
        ]
    )


def _summary(errors: list[QueryError]) -> list[str]:
    lines = ["| code | kind | detail |", "|---|---|---|"]
    seen = set()
    for error in sorted(errors, key=lambda e: (e.code, e.kind)):
        if (error.code, error.kind) in seen:
            continue
        seen.add((error.code, error.kind))
        lines.append(f"| {error.code} | {error.kind} | {error.detail} |")
    return lines


def render() -> str:
    """The whole page."""
    errors = [_compile_error(example) for example in EXAMPLES]
    for example, error in zip(EXAMPLES, errors, strict=True):
        if error.detail is not example.detail:
            raise AssertionError(f"{example.query!r} raised {error.detail}, not {example.detail}")
    parts = [_HEADER, "## Compile-time errors", ""]
    parts.extend(_summary(errors))
    parts.append("")
    parts.extend(_section(example, error) for example, error in zip(EXAMPLES, errors, strict=True))
    parts.extend(["## Runtime errors", "", _RUNTIME_INTRO, "", "| code | kind | detail | when |",
                  "|---|---|---|---|"])  # fmt: skip
    for detail, kind, when in RUNTIME:
        code = QueryRuntimeError("", detail=detail, kind=ErrorKind(kind)).code
        parts.append(f"| {code} | {kind} | {detail} | {when} |")
    example = MemoryLimitExceeded(64 * 1024 * 1024, 67_200_000, "Sort (ORDER BY)")
    parts.extend(["", _LIMITS, "", "```", str(example), f"= help: {example.hint}", "```"])
    return "\n".join(parts) + "\n"


_LIMITS = """\
## Limits: timeout and memory

`QueryTimeout` and `MemoryLimitExceeded` derive from `EngramError`, not `QueryError`:
they say the query was stopped, not that it is wrong. Either way the query changed
nothing (a statement inside an explicit transaction undoes only itself) and the
database serves the next query.

- `QueryTimeout`: `execute(..., timeout=seconds)` ran out, counted from the call, so
  parsing, binding and planning count; or `cancel` was set.
- `MemoryLimitExceeded`: the rows and values the query holds at once (sorts, groups,
  `collect()`, `DISTINCT`, `UNION`, hash tables, shortest-path frontiers, large lists
  built by `range()` or list comprehensions, the buffered result of a write or of a
  statement in a transaction, and the rows a read's `Result` keeps for `rows()` or
  iteration; `Result.stream()` keeps none) went over `memory_limit` bytes, given to
  `execute`, `profile` or `Transaction.execute`, or by default to `engram.open(...)`
  (a quarter of the machine's memory unless set). Attributes: `limit`, `used` (the estimate when
  it stopped), `operator` (what was growing), `phase` (`"runtime"`) and `hint`:"""


_RUNTIME_INTRO = """\
Raised while a query executes (`phase == "runtime"`), with the span of the expression
that failed. A failing query changes nothing. The kinds are the ones the openCypher TCK
expects for each detail."""


def main(argv: list[str] | None = None) -> int:
    """Print the page, or write it to docs/errors.md with --write."""
    parser = argparse.ArgumentParser(description="generate docs/errors.md")
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        PAGE.write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
