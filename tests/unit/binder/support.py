"""Helpers for binder tests: compile query text, capture errors, find symbols and items."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engram.binder import bind
from engram.binder.bound import (
    BClause,
    BProjection,
    BReturn,
    BSingleQuery,
    BStatement,
    BWith,
)
from engram.errors import QueryError
from engram.execution.procedures import (
    ProcedureRegistry,
    ProcedureSpec,
    parse_signature,
)
from engram.parser import parse
from engram.parser.ast import Statement
from engram.parser.grammar import START_STATEMENT
from engram.parser.transformer import AstBuilder, get_driver

#: procedures available to the binder tests (the TCK's test procedures, plus a writer)
SIGNATURES = (
    "test.doNothing() :: ()",
    "test.labels() :: (label :: STRING?)",
    "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: INTEGER?)",
    "test.ratio(x :: FLOAT?) :: (y :: FLOAT?)",
    "db.labels() :: (label :: STRING?)",
)


def registry(*extra: str, writes: tuple[str, ...] = ()) -> ProcedureRegistry:
    """A registry with `SIGNATURES`, `extra` signatures and writing procedures `writes`."""
    result = ProcedureRegistry()
    for signature in (*SIGNATURES, *extra, *writes):
        name, inputs, outputs = parse_signature(signature)
        result.register(
            ProcedureSpec(
                name=name,
                inputs=inputs,
                outputs=outputs,
                implementation=lambda *args: [],
                writes=signature in writes,
            )
        )
    return result


def compile_text(text: str, procedures: ProcedureRegistry | None = None) -> BStatement:
    """Parse and bind query text."""
    return bind(parse(text), procedures=procedures or registry())


def parse_unchecked(text: str) -> Statement:
    """The AST of `text` without the parser's own rule checks.

    The parser rejects some invalid forms itself (a pattern outside a predicate, YIELD *
    in a larger query, ...); ASTs built elsewhere (the query builder) skip those checks,
    so the binder must make them too. This is how its tests reach them: it runs the
    parser's LALR driver without the builder's final rule checks (`AstBuilder.finish`).
    """
    statement, _depth = get_driver().parse(text, START_STATEMENT, AstBuilder(text))
    assert isinstance(statement, Statement)
    return statement


def bind_unchecked(text: str, procedures: ProcedureRegistry | None = None) -> BStatement:
    """Bind the AST of `text` without the parser's rule checks (see `parse_unchecked`)."""
    return bind(parse_unchecked(text), procedures=procedures or registry())


def binder_error_of(text: str, procedures: ProcedureRegistry | None = None) -> QueryError:
    """The error the binder itself raises for `text` (parser rule checks skipped)."""
    with pytest.raises(QueryError) as info:
        bind_unchecked(text, procedures)
    return info.value.with_source(text)


def error_of(text: str, procedures: ProcedureRegistry | None = None) -> QueryError:
    """The error compiling `text` raises, with the source attached for rendering."""
    with pytest.raises(QueryError) as info:
        compile_text(text, procedures)
    return info.value.with_source(text)


def caret_line(error: QueryError) -> str:
    """The source line and the caret line of the rendered error, joined by a newline."""
    lines = str(error).splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("|") and "^" in line)
    return lines[index - 1].split("| ", 1)[1] + "\n" + lines[index].split("| ", 1)[1]


def underlined(error: QueryError) -> str:
    """The text the caret underlines."""
    assert error.span is not None
    assert error.source is not None
    return error.source[error.span.start : error.span.end]


def single(statement: BStatement) -> BSingleQuery:
    """The statement's single query."""
    assert isinstance(statement.body, BSingleQuery)
    return statement.body


def clauses(text: str) -> tuple[BClause, ...]:
    """The bound clauses of a single query."""
    return single(compile_text(text)).clauses


def projections(text: str) -> Iterator[BProjection]:
    """The projections of the WITH and RETURN clauses, in order."""
    for clause in clauses(text):
        if isinstance(clause, BWith | BReturn):
            yield clause.projection


def last_projection(text: str) -> BProjection:
    """The projection of the last WITH or RETURN."""
    return list(projections(text))[-1]
