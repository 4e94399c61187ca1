"""Fuzzing inputs for the parser: random queries from a small grammar, and mutated TCK queries.

`queries` writes text from a generator of its own (clauses, patterns, expressions,
literals good and bad, comments), so most inputs are valid and reach deep into the
parser; `mutations` damages real queries from the TCK character by character. Both are
hypothesis strategies; `check` is what every input must satisfy.
"""

from __future__ import annotations

import gc
import random
import string
import time
from dataclasses import dataclass, field

from hypothesis import strategies as st

from engram.errors import EngramError, QueryError
from engram.parser import KEYWORDS, parse
from engram.parser.ast import Statement
from engram.parser.printer import print_statement
from tests.unit.parser.tck_corpus import tck_queries

# -- pieces -------------------------------------------------------------------------------

_identifier = st.text(string.ascii_letters + "_", min_size=1, max_size=6)
names = st.one_of(
    _identifier,
    st.sampled_from(sorted(KEYWORDS)),
    st.sampled_from(["`a b`", "``", "`x``y`", "Größe", "_1", "count", "n", "m", "r", "p"]),
)
numbers = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0x2A", "0o17", ".5", "1e3", "1E-9", "1.34E999", "12ab", "0X1", "007", "1e"]),
)
strings = st.one_of(
    st.text(max_size=6).map(lambda text: "'" + text.replace("\\", "").replace("'", "") + "'"),
    st.sampled_from(["'it\\'s'", '"a\\tb"', "'\\u00e9'", "'\\uZZ'", "'\\q'", "'\\U0001F600'", "'"]),
)
literals = st.one_of(numbers, strings, st.sampled_from(["true", "false", "null", "TRUE", "NULL"]))
parameters = st.one_of(
    names.map(lambda name: "$" + name.strip("`")), st.sampled_from(["$0", "$`a b`"])
)
_operators = [
    "+", "-", "*", "/", "%", "^", "=", "<>", "<", ">", "<=", ">=", "=~", "AND", "OR", "XOR",
    "IN", "STARTS WITH", "ENDS WITH", "CONTAINS", "!=", "==", "&&",
]  # fmt: skip
_space = st.sampled_from([" ", " ", " ", "  ", "\n", "\t", " /* c */ ", " // c\n", "\u00a0"])


def _join(parts: list[str], separator: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(separator, min_size=len(parts), max_size=len(parts)).map(
        lambda seps: "".join(part + sep for part, sep in zip(parts, seps, strict=True)).strip()
    )


# -- patterns -----------------------------------------------------------------------------

labels = st.lists(names, max_size=2).map(lambda found: "".join(":" + name for name in found))
properties = st.one_of(st.just(""), parameters, st.builds("{{{}: {}}}".format, names, literals))
nodes = st.builds(
    lambda variable, label, props: f"({variable}{label} {props})".replace(" )", ")"),
    st.one_of(st.just(""), names),
    labels,
    properties,
)
lengths = st.sampled_from(["", "*", "*2", "*1..3", "*..3", "*2..", "*-1", "*1.5", "..", "*0x2"])
relationships = st.one_of(
    st.sampled_from(["-->", "<--", "--", "<-->", "-", "->", "\u2014\u2014>"]),
    st.builds(
        lambda left, variable, types, length, props, right: (
            f"{left}-[{variable}{types}{length} {props}]-{right}"
        ),
        st.sampled_from(["", "<"]),
        st.one_of(st.just(""), names),
        st.lists(names, max_size=3).map(lambda found: (":" + "|".join(found)) if found else ""),
        lengths,
        properties,
        st.sampled_from(["", ">"]),
    ),
)
paths = st.builds(
    lambda name, first, steps: (f"{name} = " if name else "") + first + "".join(steps),
    st.one_of(st.just(""), names),
    nodes,
    st.lists(st.builds("{}{}".format, relationships, nodes), max_size=3),
)


# -- expressions ----------------------------------------------------------------------------


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds("{} {} {}".format, inner, st.sampled_from(_operators), inner),
        st.builds("NOT {}".format, inner),
        st.builds("-{}".format, inner),
        st.builds("({})".format, inner),
        st.lists(inner, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
        st.builds("{{{}: {}}}".format, names, inner),
        st.builds("{}({})".format, names, inner),
        st.builds("{}(DISTINCT {})".format, names, inner),
        st.builds("{}.{}".format, inner, names),
        st.builds("{}[{}]".format, inner, inner),
        st.builds("{}[{}..{}]".format, inner, inner, inner),
        st.builds("{} IS NULL".format, inner),
        st.builds("{} IS NOT NULL".format, inner),
        st.builds("{}:{}".format, inner, names),
        st.builds("CASE WHEN {} THEN {} ELSE {} END".format, inner, inner, inner),
        st.builds("CASE {} WHEN {} THEN {} END".format, inner, inner, inner),
        st.builds("[x IN {} WHERE {} | {}]".format, inner, inner, inner),
        st.builds("all(x IN {} WHERE {})".format, inner, inner),
        st.builds("reduce(a = {}, x IN {} | a + x)".format, inner, inner),
        st.builds("{} {{.{}, .*, {}: {}}}".format, names, names, names, inner),
        st.builds("[{} | {}]".format, paths, inner),
        st.builds("EXISTS {{ {} }}".format, paths),
        paths,
        st.just("count(*)"),
    )


expressions = st.recursive(st.one_of(literals, names, parameters), _compound, max_leaves=12)


# -- clauses and statements -------------------------------------------------------------------

_where = st.one_of(st.just(""), st.builds(" WHERE {}".format, expressions))
_items = st.lists(
    st.builds("{}{}".format, expressions, st.one_of(st.just(""), names.map(" AS {}".format))),
    min_size=1,
    max_size=3,
).map(", ".join)
_projection = st.builds(
    "{}{}{}{}{}".format,
    st.sampled_from(["", "DISTINCT "]),
    st.one_of(_items, st.just("*")),
    st.one_of(st.just(""), expressions.map(" ORDER BY {} DESC".format)),
    st.one_of(st.just(""), literals.map(" SKIP {}".format)),
    st.one_of(st.just(""), literals.map(" LIMIT {}".format)),
)
_pattern = st.lists(paths, min_size=1, max_size=2).map(", ".join)
clauses = st.one_of(
    st.builds("MATCH {}{}".format, _pattern, _where),
    st.builds("OPTIONAL MATCH {}{}".format, _pattern, _where),
    st.builds("WITH {}{}".format, _projection, _where),
    st.builds("UNWIND {} AS {}".format, expressions, names),
    st.builds("CREATE {}".format, _pattern),
    st.builds("MERGE {} ON CREATE SET {}.x = {}".format, paths, names, expressions),
    st.builds("SET {}.{} = {}".format, names, names, expressions),
    st.builds("SET {}{}".format, names, labels),
    st.builds("REMOVE {}.{}".format, names, names),
    st.builds("DETACH DELETE {}".format, expressions),
    st.builds("FOREACH ({} IN {} | CREATE {})".format, names, expressions, paths),
    st.builds("CALL {}.{}({}) YIELD {}".format, names, names, expressions, names),
)
_schema = st.one_of(
    st.builds("CREATE INDEX {} FOR (n:{}) ON (n.{})".format, names, names, names),
    st.builds(
        "CREATE VECTOR INDEX {} FOR (n:{}) ON (n.{}) OPTIONS {{dimensions: 3}}".format,
        names,
        names,
        names,
    ),
    st.builds("CREATE CONSTRAINT FOR (n:{}) REQUIRE n.{} IS UNIQUE".format, names, names),
    st.builds("DROP INDEX {} IF EXISTS".format, names),
    st.sampled_from(["SHOW INDEXES", "SHOW CONSTRAINTS"]),
)
_query = st.builds(
    "{} RETURN {}".format, st.lists(clauses, max_size=4).map(" ".join), _projection
).map(str.strip)

#: random statements, mostly valid
queries = st.one_of(
    _query,
    st.builds("{} UNION ALL {}".format, _query, _query),
    st.builds("EXPLAIN {}".format, _query),
    _schema,
    st.lists(clauses, min_size=1, max_size=5).map(" ".join),
)


# -- mutations of real queries ----------------------------------------------------------------

_junk = st.one_of(
    st.characters(),
    st.sampled_from([*"()[]{}'\"`$\\/*-<>|:.,;=!&#", "\u2014", "\u00d7", "\x00", "\ud800"]),
    st.sampled_from(
        ["MATCH", "RETURN", " WHERE ", "(", "((((((((", "[[[[", "'", "/*", "-[", "]->"]
    ),
)
_edits = st.tuples(
    st.sampled_from(["insert", "delete", "replace", "duplicate", "cut"]),
    st.integers(0, 10**6),
    _junk,
)


def _mutate(text: str, edits: list[tuple[str, int, str]]) -> str:
    for kind, where, junk in edits:
        index = where % (len(text) + 1)
        if kind == "insert":
            text = text[:index] + junk + text[index:]
        elif kind == "delete":
            text = text[:index] + text[index + 1 :]
        elif kind == "replace":
            text = text[:index] + junk + text[index + 1 :]
        elif kind == "duplicate":
            text = text[:index] + text[index : index + 20] + text[index:]
        else:
            text = text[:index]
    return text


def _corpus() -> list[str]:
    return [query.text for query in tck_queries()] or ["MATCH (n) RETURN n"]


def mutations() -> st.SearchStrategy[str]:
    """TCK queries with one to four character-level edits."""
    return st.builds(_mutate, st.sampled_from(_corpus()), st.lists(_edits, min_size=1, max_size=4))


# Long runs: hypothesis spends far more time drawing an example than the parser spends
# on it, so each drawn example seeds a batch of further random edits of itself.
_JUNK = [*"()[]{}'\"`$\\/*-<>|:.,;=!&#_ \n09aZ", "\u2014", "\u00d7", "\x00", "\ud800", "\u00e9"]
_JUNK += ["MATCH", "RETURN", " WHERE ", "((((((((", "[[[[", "/*", "-[", "]->", "'", "$x", "1e999"]


def _variants(text: str, seed: int, count: int) -> list[str]:
    """`text` and `count - 1` copies of it with one to four random edits each."""
    rng = random.Random(seed)
    kinds = ["insert", "delete", "replace", "duplicate", "cut"]
    batch = [text]
    for _ in range(count - 1):
        edits = [
            (rng.choice(kinds), rng.randrange(10**6), rng.choice(_JUNK))
            for _ in range(rng.randint(1, 4))
        ]
        batch.append(_mutate(text, edits))
    return batch


def query_batches(count: int) -> st.SearchStrategy[list[str]]:
    """A random query from the grammar-based generator and `count - 1` edits of it."""
    return st.builds(_variants, queries, st.integers(0, 2**32), st.just(count))


def mutation_batches(count: int) -> st.SearchStrategy[list[str]]:
    """`count` random edits of one TCK query."""
    return st.builds(
        lambda text, seed: _variants(text, seed, count + 1)[1:],
        st.sampled_from(_corpus()),
        st.integers(0, 2**32),
    )


# -- what every input must satisfy -------------------------------------------------------------


@dataclass
class FuzzStats:
    """What a fuzzing run saw.

    Times are CPU time of this process (`time.process_time`): on a shared machine the
    wall clock also counts the time other processes held the CPU. The garbage collector
    is paused while an input is timed: a collection's cost depends on every object the
    process holds (hypothesis holds many), not on the parser. An input that takes more
    than `RETIME` is timed twice more and its best time counts, as benchmarks do: even
    CPU time grows when other processes crowd the cores. The slowest wall time (of the
    first run) is kept too, for the report.
    """

    inputs: int = 0
    parsed: int = 0
    rejected: int = 0
    slowest: float = 0.0
    slowest_wall: float = 0.0
    slowest_input: str = ""
    details: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the test log."""
        return (
            f"{self.inputs} inputs: {self.parsed} parsed, {self.rejected} rejected with "
            f"EngramError, 0 other exceptions; slowest {self.slowest * 1000:.1f} ms CPU "
            f"({self.slowest_wall * 1000:.1f} ms wall)"
        )


#: inputs slower than this (CPU seconds) are timed again, best of three
RETIME = 0.05


def check(text: str, stats: FuzzStats) -> None:
    """Parse `text`: it must parse, round-trip and print, or fail with an EngramError.

    Anything else (another exception, a RecursionError, a wrong span) fails the test.
    """
    stats.inputs += 1
    started_wall = time.perf_counter()
    elapsed, statement, failure = _timed_parse(text)
    stats.slowest_wall = max(stats.slowest_wall, time.perf_counter() - started_wall)
    for _ in range(2):
        if elapsed <= RETIME:
            break
        elapsed = min(elapsed, _timed_parse(text)[0])
    if failure is None:
        assert statement is not None
        stats.parsed += 1
        printed = print_statement(statement)
        assert parse(printed) == statement, (text, printed)
    else:
        stats.rejected += 1
        _check_error(failure, text, stats)
    if elapsed > stats.slowest:
        stats.slowest, stats.slowest_input = elapsed, text


def _timed_parse(text: str) -> tuple[float, Statement | None, EngramError | None]:
    """CPU time of one parse (collector paused), with its statement or its error."""
    collecting = gc.isenabled()
    gc.disable()
    started = time.process_time()
    try:
        return time.process_time() - started, parse(text), None
    except EngramError as error:
        return time.process_time() - started, None, error
    finally:
        if collecting:
            gc.enable()


def _check_error(error: EngramError, text: str, stats: FuzzStats) -> None:
    if not isinstance(error, QueryError):
        return
    stats.details[str(error.detail)] = stats.details.get(str(error.detail), 0) + 1
    span = error.span
    assert span is None or 0 <= span.start <= span.end <= len(text), span
    assert str(error)  # the diagnostic renders
