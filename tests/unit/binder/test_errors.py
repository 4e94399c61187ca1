"""Every compile-time error the binder raises: kind, detail, phase, code, span and message."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, Phase, SemanticError
from tests.unit.binder.support import (
    bind_unchecked,
    binder_error_of,
    compile_text,
    error_of,
    underlined,
)

D = ErrorDetail
SYNTAX = ErrorKind.SYNTAX_ERROR
TYPE = ErrorKind.TYPE_ERROR

# (query, kind, detail, the text the caret must underline, words the message must contain)
CASES = [
    # --- UndefinedVariable
    ("MATCH () RETURN foo", SYNTAX, D.UNDEFINED_VARIABLE, "foo", "'foo'"),
    ("MATCH (a) DELETE x", SYNTAX, D.UNDEFINED_VARIABLE, "x", "'x'"),
    ("MATCH (a) SET a.name = missing RETURN a", SYNTAX, D.UNDEFINED_VARIABLE, "missing", ""),
    ("CREATE (b {name: missing}) RETURN b", SYNTAX, D.UNDEFINED_VARIABLE, "missing", ""),
    ("MERGE (n) ON CREATE SET x.num = 1", SYNTAX, D.UNDEFINED_VARIABLE, "x", "'x'"),
    ("RETURN {k1: k2} AS literal", SYNTAX, D.UNDEFINED_VARIABLE, "k2", ""),
    ("MATCH (n) WHERE (n)-[r]->() RETURN n", SYNTAX, D.UNDEFINED_VARIABLE, "r", "'r'"),
    ("MATCH (n) WHERE (a) RETURN n", SYNTAX, D.UNDEFINED_VARIABLE, "a", "'a'"),
    ("MATCH (a:A), (c:C) WITH a WITH a ORDER BY c RETURN a", SYNTAX, D.UNDEFINED_VARIABLE, "c", ""),
    ("MATCH (a) RETURN DISTINCT a.name ORDER BY a.age", SYNTAX, D.UNDEFINED_VARIABLE, "a", ""),
    (
        "MATCH (a) WITH DISTINCT a.x AS x WHERE a.y = 1 RETURN x",
        SYNTAX,
        D.UNDEFINED_VARIABLE,
        "a",
        "",
    ),
    ("MATCH (a) WITH count(*) AS c WHERE a.y = 1 RETURN c", SYNTAX, D.UNDEFINED_VARIABLE, "a", ""),
    ("RETURN [x IN [1] | x] AS l, x", SYNTAX, D.UNDEFINED_VARIABLE, "x", "'x'"),
    ("MATCH (a) FOREACH (x IN [1] | CREATE (b)) RETURN b", SYNTAX, D.UNDEFINED_VARIABLE, "b", ""),
    ("CALL test.labels() YIELD label RETURN lable", SYNTAX, D.UNDEFINED_VARIABLE, "lable", ""),
    ("CALL test.my.proc('a', 1) RETURN city", SYNTAX, D.UNDEFINED_VARIABLE, "city", ""),
    # --- VariableAlreadyBound
    ("MATCH (a) CREATE (a)", SYNTAX, D.VARIABLE_ALREADY_BOUND, "a", "'a'"),
    ("MATCH (a) CREATE (a {name: 'foo'}) RETURN a", SYNTAX, D.VARIABLE_ALREADY_BOUND, "a", ""),
    ("CREATE (n:Foo)-[:T1]->(), (n:Bar)-[:T2]->()", SYNTAX, D.VARIABLE_ALREADY_BOUND, "n", ""),
    ("CREATE (n {}) CREATE (n:Bar)-[:OWNS]->(:Dog)", SYNTAX, D.VARIABLE_ALREADY_BOUND, "n", ""),
    ("MATCH ()-[r]->() CREATE ()-[r]->()", SYNTAX, D.VARIABLE_ALREADY_BOUND, "r", "'r'"),
    ("MATCH (a) MERGE (a)", SYNTAX, D.VARIABLE_ALREADY_BOUND, "a", ""),
    ("CREATE (a:Foo) MERGE (a)-[r:KNOWS]->(a:Bar)", SYNTAX, D.VARIABLE_ALREADY_BOUND, "a", ""),
    ("MATCH (a)-[r]->(b) MERGE (a)-[r]->(b)", SYNTAX, D.VARIABLE_ALREADY_BOUND, "r", ""),
    ("WITH 1 AS x UNWIND [1] AS x RETURN x", SYNTAX, D.VARIABLE_ALREADY_BOUND, "x", "'x'"),
    ("MATCH p = ()-->() MATCH p = ()-->() RETURN p", SYNTAX, D.VARIABLE_ALREADY_BOUND, "p", ""),
    (
        "WITH 'Hi' AS label CALL test.labels() YIELD label RETURN *",
        SYNTAX,
        D.VARIABLE_ALREADY_BOUND,
        "label",
        "",
    ),
    (
        "CALL test.my.proc('a', 1) YIELD city, country_code AS city RETURN city",
        SYNTAX,
        D.VARIABLE_ALREADY_BOUND,
        "city",
        "",
    ),
    ("WITH [1] AS x FOREACH (x IN [2] | CREATE ())", SYNTAX, D.VARIABLE_ALREADY_BOUND, "x", ""),
    # --- VariableTypeConflict
    ("MATCH ()-[r]-() MATCH (r) RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", "'r'"),
    ("MATCH r = ()-[]-() MATCH (r) RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", "path"),
    ("MATCH ()-[r]-(r) RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", ""),
    ("MATCH (r)-[r]-() RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", ""),
    ("MATCH r = ()-[]-(), (r) RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", ""),
    ("WITH true AS n MATCH (n) RETURN n", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "n", "BOOLEAN"),
    ("WITH {x: 1} AS r MATCH ()-[r]-() RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", "MAP"),
    ("MATCH ()-[r*]-() MATCH ()-[r]-() RETURN r", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "r", ""),
    ("MATCH (n) MATCH p = (n)-->(), (p) RETURN p", SYNTAX, D.VARIABLE_TYPE_CONFLICT, "p", ""),
    # --- RelationshipUniquenessViolation
    ("MATCH (a)-[r]->()-[r]->(a) RETURN r", SYNTAX, D.RELATIONSHIP_UNIQUENESS_VIOLATION, "r", ""),
    ("MATCH ()-[r]->(), ()-[r]->() RETURN r", SYNTAX, D.RELATIONSHIP_UNIQUENESS_VIOLATION, "r", ""),
    # --- aggregation
    ("MATCH (a) WHERE count(a) > 10 RETURN a", SYNTAX, D.INVALID_AGGREGATION, "count(a)", "WHERE"),
    (
        "MATCH (n) RETURN n.num1 ORDER BY max(n.num2)",
        SYNTAX,
        D.INVALID_AGGREGATION,
        "max(n.num2)",
        "'max'",
    ),
    (
        "MATCH (n) WITH n.num1 AS foo ORDER BY count(n) RETURN foo",
        SYNTAX,
        D.INVALID_AGGREGATION,
        "count(n)",
        "",
    ),
    ("MATCH (n) RETURN [x IN [1, 2] | count(*)]", SYNTAX, D.INVALID_AGGREGATION, "count(*)", ""),
    (
        "MATCH (n) CALL test.my.proc(count(n), 1) YIELD city RETURN city",
        SYNTAX,
        D.INVALID_AGGREGATION,
        "count(n)",
        "",
    ),
    ("MATCH (n) SET n.c = count(*)", SYNTAX, D.INVALID_AGGREGATION, "count(*)", ""),
    (
        "UNWIND [1] AS x WITH collect(x) AS c, count(*) AS n ORDER BY max(n) RETURN c",
        SYNTAX,
        D.INVALID_AGGREGATION,
        "max(n)",
        "projects",
    ),
    (
        "UNWIND [1] AS x WITH collect(x) AS c ORDER BY count(x) RETURN c",
        SYNTAX,
        D.UNDEFINED_VARIABLE,
        "x",
        "",
    ),
    ("RETURN count(count(*))", SYNTAX, D.NESTED_AGGREGATION, "count(*)", "inside"),
    ("MATCH (n) RETURN n.x + count(*)", SYNTAX, D.AMBIGUOUS_AGGREGATION_EXPRESSION, "n", "'n'"),
    (
        "MATCH (n) RETURN n.a, n.a + n.b + count(*)",
        SYNTAX,
        D.AMBIGUOUS_AGGREGATION_EXPRESSION,
        "n",
        "",
    ),
    (
        "MATCH (me)--(you) WITH me.age + you.age AS s, count(*) AS cnt "
        "ORDER BY me.age + you.age + count(*) RETURN *",
        SYNTAX,
        D.AMBIGUOUS_AGGREGATION_EXPRESSION,
        "me",
        "",
    ),
    (
        "MATCH (me)--(you) WITH count(you.age) AS agg ORDER BY me.age + count(you.age) RETURN *",
        SYNTAX,
        D.UNDEFINED_VARIABLE,
        "me",
        "",
    ),
    # --- patterns in CREATE / MERGE / MATCH
    ("CREATE ()-->()", SYNTAX, D.NO_SINGLE_RELATIONSHIP_TYPE, None, "no type"),
    ("CREATE ()-[:A|:B]->()", SYNTAX, D.NO_SINGLE_RELATIONSHIP_TYPE, None, "2 types"),
    ("MATCH (a), (b) MERGE (a)-[NO_COLON]->(b)", SYNTAX, D.NO_SINGLE_RELATIONSHIP_TYPE, None, ""),
    ("CREATE (a)-[:FOO]-(b)", SYNTAX, D.REQUIRES_DIRECTED_RELATIONSHIP, None, "directed"),
    ("CREATE ()-[:FOO*2]->()", SYNTAX, D.CREATING_VAR_LENGTH, None, "variable-length"),
    ("MERGE (a) MERGE (b) MERGE (a)-[:FOO*2]->(b)", SYNTAX, D.CREATING_VAR_LENGTH, None, ""),
    ("MATCH (n $param) RETURN n", SYNTAX, D.INVALID_PARAMETER_USE, "$param", "'$param'"),
    ("MATCH ()-[r:FOO $param]->() RETURN r", SYNTAX, D.INVALID_PARAMETER_USE, "$param", ""),
    ("MERGE (n $param) RETURN n", SYNTAX, D.INVALID_PARAMETER_USE, "$param", "MERGE"),
    ("MATCH (n) RETURN (n)-[]->()", SYNTAX, D.UNEXPECTED_SYNTAX, "(n)-[]->()", "predicate"),
    ("MATCH (n) SET n.p = size((n)-->())", SYNTAX, D.UNEXPECTED_SYNTAX, "(n)-->()", ""),
    # --- types
    ("RETURN 123 AND true", SYNTAX, D.INVALID_ARGUMENT_TYPE, "123", "AND"),
    ("RETURN true OR 'foo'", SYNTAX, D.INVALID_ARGUMENT_TYPE, "'foo'", "STRING"),
    ("RETURN NOT [1, 2]", SYNTAX, D.INVALID_ARGUMENT_TYPE, "[1, 2]", "NOT"),
    ("RETURN NOT {a: 1}", SYNTAX, D.INVALID_ARGUMENT_TYPE, "{a: 1}", "MAP"),
    ("RETURN 1 IN 123", SYNTAX, D.INVALID_ARGUMENT_TYPE, "123", "IN"),
    ("RETURN none(x IN ['a'] WHERE x % 2 = 0)", SYNTAX, D.INVALID_ARGUMENT_TYPE, "x % 2", "'%'"),
    ("RETURN 'a' - 1", SYNTAX, D.INVALID_ARGUMENT_TYPE, "'a' - 1", ""),
    ("RETURN -true", SYNTAX, D.INVALID_ARGUMENT_TYPE, "-true", ""),
    ("MATCH (r) RETURN toUpper(r)", SYNTAX, D.INVALID_ARGUMENT_TYPE, "r", "'toUpper'"),
    ("RETURN toUpper(1)", SYNTAX, D.INVALID_ARGUMENT_TYPE, "1", "argument 1"),
    ("MATCH (n) WHERE (n) RETURN n", SYNTAX, D.INVALID_ARGUMENT_TYPE, None, "predicate"),
    ("MATCH (n) WHERE 1 RETURN n", SYNTAX, D.INVALID_ARGUMENT_TYPE, "1", "predicate"),
    ("MATCH ()-[r*]->() RETURN r.name", SYNTAX, D.INVALID_ARGUMENT_TYPE, None, "'r'"),
    (
        "MATCH p = ()-->() WHERE p.name = 'x' RETURN p",
        SYNTAX,
        D.INVALID_ARGUMENT_TYPE,
        None,
        "path 'p'",
    ),
    ("WITH 123 AS nonMap RETURN nonMap.num", TYPE, D.INVALID_ARGUMENT_TYPE, None, "'num'"),
    ("WITH [1, true] AS l RETURN l.num", TYPE, D.INVALID_ARGUMENT_TYPE, None, "LIST"),
    ("WITH true AS list, 0 AS idx RETURN list[idx]", TYPE, D.INVALID_ARGUMENT_TYPE, "list", ""),
    ("WITH [1] AS l RETURN l['a']", TYPE, D.LIST_ELEMENT_ACCESS_BY_NON_INTEGER, "'a'", ""),
    ("WITH {a: 1} AS m RETURN m[0]", TYPE, D.MAP_ELEMENT_ACCESS_BY_NON_STRING, "0", ""),
    ("MATCH () DELETE 1 + 1", SYNTAX, D.INVALID_ARGUMENT_TYPE, "1 + 1", "DELETE"),
    ("MATCH (n) DELETE n:Person", SYNTAX, D.INVALID_DELETE, "n:Person", "REMOVE"),
    ("MATCH ()-[r:T]-() DELETE r:T", SYNTAX, D.INVALID_DELETE, "r:T", ""),
    ("MATCH (n) SET n = 1", TYPE, D.INVALID_ARGUMENT_TYPE, "1", ""),
    ("MATCH ()-[r]->() SET r:Label", SYNTAX, D.INVALID_ARGUMENT_TYPE, "r", "nodes"),
    ("UNWIND 5 AS x RETURN [y IN x | y]", SYNTAX, D.INVALID_ARGUMENT_TYPE, "x", "LIST"),
    # --- functions
    ("MATCH (a) RETURN foo(a)", SYNTAX, D.UNKNOWN_FUNCTION, "foo", "'foo'"),
    ("RETURN toLower('a', 'b')", SYNTAX, D.INVALID_NUMBER_OF_ARGUMENTS, None, "takes 1 argument"),
    ("RETURN substring('abc')", SYNTAX, D.INVALID_NUMBER_OF_ARGUMENTS, None, "2 or 3"),
    ("RETURN toLower(DISTINCT 'a')", SYNTAX, D.UNEXPECTED_SYNTAX, None, "DISTINCT"),
    # --- projections
    ("RETURN 1 AS a, 2 AS a", SYNTAX, D.COLUMN_NAME_CONFLICT, "a", "'a'"),
    ("WITH 1 AS a, 2 AS a RETURN a", SYNTAX, D.COLUMN_NAME_CONFLICT, "a", ""),
    ("MATCH (a) RETURN a, a", SYNTAX, D.COLUMN_NAME_CONFLICT, None, ""),
    ("MATCH () RETURN *", SYNTAX, D.NO_VARIABLES_IN_SCOPE, None, "'*'"),
    ("MATCH (a) WITH a, count(*) RETURN a", SYNTAX, D.NO_EXPRESSION_ALIAS, "count(*)", "aliased"),
    ("MATCH (n) RETURN n SKIP n.count", SYNTAX, D.NON_CONSTANT_EXPRESSION, "n.count", "SKIP"),
    ("MATCH (n) RETURN n LIMIT n.count", SYNTAX, D.NON_CONSTANT_EXPRESSION, "n.count", "LIMIT"),
    ("MATCH (n) RETURN n LIMIT size([(n)-->() | 1])", SYNTAX, D.NON_CONSTANT_EXPRESSION, None, ""),
    ("MATCH (n) RETURN n SKIP -1", SYNTAX, D.NEGATIVE_INTEGER_ARGUMENT, "-1", "-1"),
    ("MATCH (n) RETURN n LIMIT -1", SYNTAX, D.NEGATIVE_INTEGER_ARGUMENT, "-1", ""),
    ("MATCH (n) RETURN n SKIP 1.5", SYNTAX, D.INVALID_ARGUMENT_TYPE, "1.5", "INTEGER"),
    ("MATCH (n) RETURN n LIMIT 'ten'", SYNTAX, D.INVALID_ARGUMENT_TYPE, "'ten'", ""),
    # --- clause composition
    ("RETURN 1 AS a UNION RETURN 2 AS b", SYNTAX, D.DIFFERENT_COLUMNS_IN_UNION, None, "'a'"),
    ("RETURN 1 AS a UNION ALL RETURN 2 AS b", SYNTAX, D.DIFFERENT_COLUMNS_IN_UNION, None, ""),
    (
        "RETURN 1 AS a UNION RETURN 2 AS a UNION ALL RETURN 3 AS a",
        SYNTAX,
        D.INVALID_CLAUSE_COMPOSITION,
        None,
        "mixed",
    ),
    (
        "MATCH (n) WHERE exists { MATCH (n)-->(m) SET m.prop = 'fail' } RETURN n",
        SYNTAX,
        D.INVALID_CLAUSE_COMPOSITION,
        None,
        "SET",
    ),
    ("CREATE (a) MATCH (b) RETURN b", SYNTAX, D.INVALID_CLAUSE_COMPOSITION, None, "WITH"),
    ("CREATE () UNION RETURN 1 AS x", SYNTAX, D.INVALID_CLAUSE_COMPOSITION, None, "RETURN"),
    ("MATCH (n)", SYNTAX, D.INVALID_CLAUSE_COMPOSITION, None, "end"),
    ("MATCH (n) WITH n", SYNTAX, D.INVALID_CLAUSE_COMPOSITION, None, ""),
    # --- procedures
    ("CALL test.my.proc('Dobby')", SYNTAX, D.INVALID_NUMBER_OF_ARGUMENTS, None, "2 arguments"),
    (
        "CALL test.my.proc(1, 2, 3, 4) YIELD city RETURN city",
        SYNTAX,
        D.INVALID_NUMBER_OF_ARGUMENTS,
        None,
        "",
    ),
    ("CALL test.my.proc(true, 1)", SYNTAX, D.INVALID_ARGUMENT_TYPE, "true", "'name'"),
    (
        "CALL test.my.proc YIELD city RETURN city",
        SYNTAX,
        D.INVALID_ARGUMENT_PASSING_MODE,
        None,
        "explicitly",
    ),
    ("CALL test.my.proc('a', 1) YIELD * RETURN city", SYNTAX, D.UNEXPECTED_SYNTAX, None, "YIELD *"),
    ("CALL test.labels() YIELD nope RETURN nope", SYNTAX, D.UNDEFINED_VARIABLE, "nope", ""),
    (
        "CALL no.such.proc()",
        ErrorKind.PROCEDURE_ERROR,
        D.PROCEDURE_NOT_FOUND,
        None,
        "'no.such.proc'",
    ),
]


@pytest.mark.parametrize(("query", "kind", "detail", "caret", "words"), CASES)
def test_compile_error(query, kind, detail, caret, words):
    error = error_of(query)
    assert (error.kind, error.detail) == (kind, detail), str(error)
    assert error.phase == Phase.COMPILE
    if not isinstance(error, SemanticError):
        # the parser checks this rule itself; the binder must too (builder ASTs skip it)
        error = binder_error_of(query)
        assert (error.kind, error.detail) == (kind, detail), str(error)
    assert isinstance(error, SemanticError)
    assert error.code.startswith("E2")
    if caret is not None:
        assert underlined(error) == caret, str(error)
    else:
        assert error.span is not None, str(error)
    assert words in error.message, str(error)
    rendered = str(error)
    assert rendered.startswith(f"{kind} ({detail}) [{error.code}]: ")
    assert "^" in rendered


def test_messages_are_not_sentences():
    """Messages start lower-case, with a keyword in capitals, or with a quoted name."""
    for query, *_ in CASES:
        first = binder_error_of(query).message.split()[0]
        assert first.islower() or first.isupper() or first[0] in "'(", first


PATTERN_POSITIONS = [
    ("MATCH (n) WHERE (n)-->() RETURN n", True),
    ("MATCH (n) WHERE NOT (n)-->() AND (n)<--() RETURN n", True),
    ("MATCH (n) RETURN NOT (n)-->() AS x", True),
    ("MATCH (n) RETURN CASE WHEN (n)-->() THEN 1 END AS x", True),
    ("MATCH (n) RETURN [x IN [1] WHERE (n)-->()] AS x", True),
    ("MATCH (n) RETURN (n)-->() AS x", False),
    ("MATCH (n) RETURN [(n)-->()] AS x", False),
    ("MATCH (n) RETURN CASE (n)-->() WHEN true THEN 1 END AS x", False),
    ("MATCH (n) WITH (n)-->() = true AS x RETURN x", False),
    ("MATCH (n) SET n.x = (n)-->()", False),
]


@pytest.mark.parametrize(("query", "allowed"), PATTERN_POSITIONS)
def test_pattern_predicates_are_allowed_where_the_parser_allows_them(query, allowed):
    """The binder enforces the parser's rule for ASTs that skip the parser's checks."""
    if allowed:
        compile_text(query)
        bind_unchecked(query)
    else:
        assert error_of(query).detail == D.UNEXPECTED_SYNTAX
        assert binder_error_of(query).detail == D.UNEXPECTED_SYNTAX
