"""Statements, clauses, patterns and schema commands parse to the contract AST."""

from __future__ import annotations

import pytest

from engram.errors import CypherSyntaxError, ErrorDetail
from engram.parser import parse
from engram.parser.ast import (
    Binary,
    Call,
    Create,
    CreateConstraint,
    CreateIndex,
    CreateVectorIndex,
    Delete,
    Direction,
    DropConstraint,
    DropIndex,
    ExplainMode,
    Foreach,
    Literal,
    MapLiteral,
    Match,
    Merge,
    NodePattern,
    Parameter,
    PathPattern,
    PropertyAccess,
    RelationshipPattern,
    Remove,
    RemoveLabels,
    RemoveProperty,
    Return,
    Set,
    SetLabels,
    SetProperty,
    SetVariable,
    ShortestKind,
    ShowConstraints,
    ShowIndexes,
    SingleQuery,
    UnionQuery,
    Unwind,
    Variable,
    VariableLength,
    With,
    YieldItem,
)
from engram.parser.printer import print_statement


def clauses(text: str):
    body = parse(text).body
    assert isinstance(body, SingleQuery)
    return body.clauses


def relationship(text: str) -> RelationshipPattern:
    (match, _ret) = clauses(f"MATCH (a){text}(b) RETURN a")
    element = match.patterns[0].elements[1]
    assert isinstance(element, RelationshipPattern)
    return element


def test_match_where_return():
    match, ret = clauses("OPTIONAL MATCH (a:Person)-[:KNOWS]->(b), (c) WHERE a.age > 30 RETURN b")
    assert isinstance(match, Match)
    assert match.optional
    assert len(match.patterns) == 2
    assert isinstance(match.where, Binary)
    assert isinstance(ret, Return)


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("-->", Direction.OUTGOING),
        ("<--", Direction.INCOMING),
        ("--", Direction.BOTH),
        ("<-->", Direction.BOTH),
        ("-[]->", Direction.OUTGOING),
        ("<-[]-", Direction.INCOMING),
        ("-[]-", Direction.BOTH),
        ("<-[]->", Direction.BOTH),
        ("- [r] - >", Direction.OUTGOING),
        ("-- /* c */ ", Direction.BOTH),
        ("<-- // c\n", Direction.INCOMING),
        ("\u27e8\u2014[r]\u2014", Direction.INCOMING),
        ("\u2212[r]\u2212\uff1e", Direction.OUTGOING),
    ],
)
def test_relationship_directions(text, direction):
    assert relationship(text).direction is direction


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("-[*]->", VariableLength(min=None, max=None)),
        ("-[*..]->", VariableLength(min=None, max=None)),
        ("-[*2]->", VariableLength(min=2, max=2)),
        ("-[*1..3]->", VariableLength(min=1, max=3)),
        ("-[*..3]->", VariableLength(min=None, max=3)),
        ("-[*2..]->", VariableLength(min=2, max=None)),
        ("-[* 1 .. 3]->", VariableLength(min=1, max=3)),
        ("-[*0x2..0o7]->", VariableLength(min=2, max=7)),
        ("-->", None),
    ],
)
def test_variable_length(text, length):
    assert relationship(text).length == length


def test_relationship_detail():
    rel = relationship("-[r:KNOWS|:LIKES|END*1..2 {since: 2020}]->")
    assert rel.variable == Variable(name="r")
    assert rel.types == ("KNOWS", "LIKES", "END")
    assert rel.length == VariableLength(min=1, max=2)
    assert isinstance(rel.properties, MapLiteral)
    assert relationship("-[r $props]->").properties == Parameter(name="props")


@pytest.mark.parametrize("bound", ["*1.5", "*1..2.5"])
def test_fractional_length_bounds(bound):
    with pytest.raises(CypherSyntaxError) as info:
        parse(f"MATCH (a)-[{bound}]->(b) RETURN a")
    assert info.value.detail is ErrorDetail.INVALID_RELATIONSHIP_PATTERN


def test_nodes():
    (match, _) = clauses("MATCH (n:A:B {k: 1}), (), (:C), (m $p), ({x: 2}) RETURN n")
    nodes = [pattern.elements[0] for pattern in match.patterns]
    assert all(isinstance(node, NodePattern) for node in nodes)
    assert nodes[0].variable == Variable(name="n")
    assert nodes[0].labels == ("A", "B")
    assert nodes[1] == NodePattern(variable=None, labels=(), properties=None)
    assert nodes[2].labels == ("C",)
    assert nodes[3].properties == Parameter(name="p")
    assert isinstance(nodes[4].properties, MapLiteral)


def test_named_and_shortest_paths():
    (match, _) = clauses(
        "MATCH p = shortestPath((a)-[*]-(b)), q = ALLSHORTESTPATHS((a)-[:T*..5]->(c)), "
        "((x)-->(y)) RETURN p"
    )
    first, second, third = match.patterns
    assert first.variable == Variable(name="p")
    assert first.shortest is ShortestKind.SHORTEST
    assert second.shortest is ShortestKind.ALL_SHORTEST
    assert third.variable is None
    assert len(third.elements) == 3
    assert len(first.nodes) == 2
    assert len(first.relationships) == 1


def test_projections():
    (_, with_clause, ret) = clauses(
        "MATCH (n) WITH DISTINCT n, n.age AS age ORDER BY age DESC, n.name SKIP 1 LIMIT 10 "
        "WHERE age > 1 RETURN *, age AS a ORDER BY a ASCENDING"
    )
    assert isinstance(with_clause, With)
    projection = with_clause.projection
    assert projection.distinct
    assert [item.alias.name if item.alias else None for item in projection.items] == [None, "age"]
    assert [(item.descending) for item in projection.order_by] == [True, False]
    assert projection.skip == Literal(value=1)
    assert projection.limit == Literal(value=10)
    assert with_clause.where is not None
    assert ret.projection.star
    assert len(ret.projection.items) == 1
    assert not ret.projection.order_by[0].descending


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("RETURN count(*)", "count(*)"),
        ("RETURN n.name", "n.name"),
        ("RETURN aVg(    n.aGe     )", "aVg(    n.aGe     )"),
        ("RETURN (1 + 2)", "(1 + 2)"),
        ("RETURN count(a) > 0", "count(a) > 0"),
        ("RETURN  a /* c */ + b AS x", "a /* c */ + b"),
        ("RETURN 1 < 2 < 3", "1 < 2 < 3"),
        ("RETURN [x IN l | x]", "[x IN l | x]"),
        ("RETURN -1", "-1"),
        ("RETURN `a b`", "`a b`"),
    ],
)
def test_projection_text_is_verbatim(text, column):
    (ret,) = clauses(text)
    assert ret.projection.items[0].text == column


def test_unwind_union():
    body = parse("UNWIND [1, 2] AS x RETURN x UNION ALL RETURN 3 AS x UNION RETURN 4 AS x").body
    assert isinstance(body, UnionQuery)
    assert body.all == (True, False)
    assert len(body.queries) == 3
    assert isinstance(body.queries[0].clauses[0], Unwind)


def test_updates():
    create, merge, set_clause, remove, delete = clauses(
        "CREATE (a:A {k: 1})-[:T]->(b) "
        "MERGE (c:C {id: 1}) ON CREATE SET c.new = true ON MATCH SET c.seen = 1, c += {x: 1} "
        "SET a.k = 2, a = {k: 3}, a += $m, a:B:C "
        "REMOVE a.k, a:B "
        "DETACH DELETE a, b"
    )
    assert isinstance(create, Create)
    assert isinstance(merge, Merge)
    assert [action.on_create for action in merge.actions] == [True, False]
    assert len(merge.actions[1].items) == 2
    assert isinstance(set_clause, Set)
    kinds = [type(item) for item in set_clause.items]
    assert kinds == [SetProperty, SetVariable, SetVariable, SetLabels]
    assert set_clause.items[2].merge  # type: ignore[union-attr]
    assert isinstance(remove, Remove)
    assert [type(item) for item in remove.items] == [RemoveProperty, RemoveLabels]
    assert isinstance(delete, Delete)
    assert delete.detach


def test_set_nested_property():
    (_, set_clause) = clauses("MATCH (n) SET n.a.b = 1")
    item = set_clause.items[0]
    assert isinstance(item, SetProperty)
    assert item.target == PropertyAccess(
        subject=PropertyAccess(subject=Variable(name="n"), key="a"), key="b"
    )


@pytest.mark.parametrize(
    "text", ["MATCH (n) SET 1 = 2", "MATCH (n) SET n.x += {}", "MATCH (n) REMOVE n"]
)
def test_bad_update_targets(text):
    with pytest.raises(CypherSyntaxError) as info:
        parse(text)
    assert info.value.detail is ErrorDetail.UNEXPECTED_SYNTAX


def test_foreach():
    (foreach,) = clauses(
        "FOREACH (x IN [1, 2] | CREATE (:N {v: x}) FOREACH (y IN [x] | MERGE (:M {v: y})))"
    )
    assert isinstance(foreach, Foreach)
    assert len(foreach.clauses) == 2
    assert isinstance(foreach.clauses[1], Foreach)
    with pytest.raises(CypherSyntaxError):
        parse("FOREACH (x IN [1] | MATCH (n) RETURN n)")


def test_calls():
    (call,) = clauses("CALL db.labels")
    assert call == Call(procedure="db.labels", args=None)
    (call,) = clauses("CALL db.index.vector.queryNodes('docs', 10, $q) YIELD *")
    assert call.procedure == "db.index.vector.queryNodes"
    assert call.args is not None
    assert len(call.args) == 3
    assert call.yield_star
    (call, _ret) = clauses("CALL test.proc() YIELD a AS b, c WHERE b > 1 RETURN b")
    assert call.args == ()
    assert call.yield_items == (
        YieldItem(field=Variable(name="a"), alias=Variable(name="b")),
        YieldItem(field=Variable(name="c")),
    )
    assert call.where is not None


def test_yield_star_only_in_a_standalone_call():
    with pytest.raises(CypherSyntaxError) as info:
        parse("CALL test.proc() YIELD * RETURN x")
    assert info.value.detail is ErrorDetail.UNEXPECTED_SYNTAX
    assert "YIELD *" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n) RETURN (n)-->()",
        "MATCH (n) WITH (n)-->() AS x RETURN x",
        "MATCH (n) RETURN size((n)-->())",
        "MATCH (n) SET n.x = (n)-->()",
        "MATCH (n) WHERE size((n)-->()) > 1 RETURN n",
    ],
)
def test_pattern_predicates_only_where_a_truth_value_goes(text):
    with pytest.raises(CypherSyntaxError) as info:
        parse(text)
    assert info.value.detail is ErrorDetail.UNEXPECTED_SYNTAX
    assert "pattern" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "MATCH (n) WHERE (n)-->() RETURN n",
        "MATCH (n) WHERE NOT (n)-->() AND (n)<--() OR (n)--() XOR true RETURN n",
        "MATCH (n) RETURN exists((n)-->()) AS e",
        "MATCH (n) RETURN NOT (n)-->() AS e",
        "MATCH (n) RETURN CASE WHEN (n)-->() THEN 1 END AS e",
        "MATCH (n) RETURN [m IN [n] WHERE (m)-->()] AS e",
        "MATCH (n) RETURN all(m IN [n] WHERE (m)-->()) AS e",
        "MATCH (n) RETURN [(n)-->(m) WHERE (m)-->() | m] AS e",
        "MATCH (n) WITH n WHERE (n)-->() RETURN n",
    ],
)
def test_pattern_predicates_accepted(text):
    assert parse(text) is not None


def test_schema_commands():
    statement = parse(
        "CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name, p.age)"
    ).body
    assert statement == CreateIndex(
        name="person_name",
        if_not_exists=True,
        variable=Variable(name="p"),
        label="Person",
        properties=("name", "age"),
    )
    assert parse("CREATE INDEX FOR (p:Person) ON (p.name)").body.name is None  # type: ignore[union-attr]
    vector = parse(
        "CREATE VECTOR INDEX doc_vec FOR (d:Doc) ON (d.embedding) "
        "OPTIONS {dimensions: 64, metric: 'cosine'}"
    ).body
    assert isinstance(vector, CreateVectorIndex)
    assert vector.property == "embedding"
    assert isinstance(vector.options, MapLiteral)
    constraint = parse("CREATE CONSTRAINT uniq FOR (p:Person) REQUIRE p.email IS UNIQUE").body
    assert isinstance(constraint, CreateConstraint)
    assert constraint.properties == ("email",)
    composite = parse("CREATE CONSTRAINT FOR (p:P) REQUIRE (p.a, p.b) IS UNIQUE").body
    assert composite.properties == ("a", "b")  # type: ignore[union-attr]
    assert parse("DROP INDEX person_name IF EXISTS").body == DropIndex(
        name="person_name", if_exists=True
    )
    assert parse("DROP CONSTRAINT `my c`").body == DropConstraint(name="my c")
    assert parse("SHOW INDEXES").body == ShowIndexes()
    assert parse("show index").body == ShowIndexes()
    assert parse("SHOW CONSTRAINTS").body == ShowConstraints()


def test_show_with_a_tail_is_a_query_over_its_procedure():
    body = parse("SHOW INDEXES YIELD name, type WHERE type = 'VECTOR' RETURN name").body
    assert isinstance(body, SingleQuery)
    call, returned = body.clauses
    assert isinstance(call, Call)
    assert call.procedure == "db.indexes"
    assert call.args == ()
    assert [item.field.name for item in call.yield_items] == ["name", "type"]
    assert call.where is not None
    assert isinstance(returned, Return)
    (where_only,) = parse("SHOW CONSTRAINTS WHERE name = 'x'").body.clauses
    assert where_only.procedure == "db.constraints"
    assert where_only.where is not None
    assert [item.field.name for item in where_only.yield_items] == list(ShowConstraints.columns)
    star = parse("SHOW INDEX YIELD * RETURN count(*)").body.clauses[0]
    assert [item.field.name for item in star.yield_items] == list(ShowIndexes.columns)
    with pytest.raises(CypherSyntaxError):
        parse("SHOW INDEXES RETURN 1")
    printed = print_statement(parse("SHOW INDEXES WHERE type = 'VECTOR'"))
    assert printed.startswith("CALL db.indexes() YIELD name, type, entityType")
    assert repr(parse(printed)) == repr(parse("SHOW INDEXES WHERE type = 'VECTOR'"))


def test_schema_variables_must_match():
    with pytest.raises(CypherSyntaxError) as info:
        parse("CREATE INDEX FOR (p:Person) ON (q.name)")
    assert info.value.detail is ErrorDetail.UNDEFINED_VARIABLE
    assert "'q'" in info.value.message


def test_explain_profile_and_semicolon():
    statement = parse("EXPLAIN MATCH (n) RETURN n;")
    assert statement.explain is ExplainMode.EXPLAIN
    assert parse("profile RETURN 1").explain is ExplainMode.PROFILE
    assert parse("RETURN 1 ;").explain is None
    assert parse("EXPLAIN SHOW INDEXES").explain is ExplainMode.EXPLAIN


def test_create_with_keyword_variables():
    (create,) = clauses("CREATE index = (vector)-[:T]->(options)")
    pattern = create.patterns[0]
    assert isinstance(pattern, PathPattern)
    assert pattern.variable == Variable(name="index")


def test_clause_order_is_left_to_the_binder():
    # openCypher forbids this order; the binder reports it with a precise message
    assert len(clauses("MATCH (n) RETURN n MATCH (m) RETURN m")) == 4


def test_whitespace_and_comments_anywhere():
    text = "MATCH /* a */ (n) // line\n\tRETURN\u00a0n\u3000;"
    assert parse(text) == parse("MATCH (n) RETURN n")
