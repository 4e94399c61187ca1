"""Scopes, symbols and kinds: what each clause introduces and what stays visible."""

from __future__ import annotations

from engram import types as t
from engram.binder.bound import (
    BCreate,
    BExists,
    BListComprehension,
    BMatch,
    BPatternComprehension,
    BReduce,
    BReturn,
    BUnwind,
    BVariable,
    BWith,
    VarKind,
)
from tests.unit.binder.support import (
    bind_unchecked,
    clauses,
    compile_text,
    single,
)


def test_match_declares_nodes_relationships_and_paths():
    match, ret = clauses("MATCH p = (a:Person)-[r:KNOWS]->(b) RETURN p, a, r, b")
    assert isinstance(match, BMatch)
    (pattern,) = match.patterns
    assert pattern.path_symbol is not None
    assert (pattern.path_symbol.name, pattern.path_symbol.kind) == ("p", VarKind.PATH)
    a, r, b = pattern.elements
    assert (a.symbol.name, a.symbol.kind, a.symbol.type) == ("a", VarKind.NODE, t.NODE)
    assert (r.symbol.kind, r.symbol.type) == (VarKind.RELATIONSHIP, t.RELATIONSHIP)
    assert a.is_new
    assert r.is_new
    assert b.is_new
    assert isinstance(ret, BReturn)
    returned = [item.expression for item in ret.projection.items]
    assert all(isinstance(e, BVariable) for e in returned)
    assert [e.symbol for e in returned if isinstance(e, BVariable)] == [
        pattern.path_symbol,
        a.symbol,
        r.symbol,
        b.symbol,
    ]


def test_anonymous_parts_get_distinct_symbols():
    (match, _) = clauses("MATCH ()-->()<--() RETURN 1 AS one")
    assert isinstance(match, BMatch)
    symbols = [element.symbol for element in match.patterns[0].elements]
    assert len(set(symbols)) == 5
    assert all(symbol.anonymous for symbol in symbols)
    assert all(symbol.name.startswith("  anon_") for symbol in symbols)


def test_variable_length_relationship_is_a_list():
    match, _ = clauses("MATCH (a)-[r:T*2..5]->(b) RETURN r")
    assert isinstance(match, BMatch)
    rel = match.patterns[0].elements[1]
    assert rel.symbol.kind is VarKind.RELATIONSHIP_LIST
    assert rel.symbol.type == t.list_of(t.RELATIONSHIP)
    assert rel.length == (2, 5)  # type: ignore[union-attr]


def test_variable_length_defaults():
    lengths = {}
    for text in ("*", "*3", "*..4", "*2..", "*0..1"):
        match, _ = clauses(f"MATCH (a)-[{text}]->(b) RETURN a")
        assert isinstance(match, BMatch)
        lengths[text] = match.patterns[0].elements[1].length  # type: ignore[union-attr]
    assert lengths == {
        "*": (1, None),
        "*3": (3, 3),
        "*..4": (1, 4),
        "*2..": (2, None),
        "*0..1": (0, 1),
    }


def test_reuse_in_later_clause_is_not_new():
    first, second, _ = clauses("MATCH (a)-[r]->(b) MATCH (a)-[r]->(c) RETURN c")
    assert isinstance(first, BMatch)
    assert isinstance(second, BMatch)
    a1, r1, _b = first.patterns[0].elements
    a2, r2, c = second.patterns[0].elements
    assert a1.symbol == a2.symbol
    assert r1.symbol == r2.symbol
    assert not a2.is_new
    assert not r2.is_new
    assert c.is_new


def test_repeated_node_in_one_pattern_is_new_once():
    (match, _) = clauses("MATCH (a)-->(b)-->(a) RETURN a")
    assert isinstance(match, BMatch)
    first, _, _, _, last = match.patterns[0].elements
    assert first.symbol == last.symbol
    assert first.is_new
    assert not last.is_new


def test_with_resets_the_scope_and_passes_variables_through():
    match, with_, ret = clauses("MATCH (a)-->(b) WITH a, b.name AS name RETURN a, name")
    assert isinstance(match, BMatch)
    assert isinstance(with_, BWith)
    assert isinstance(ret, BReturn)
    a_symbol = match.patterns[0].elements[0].symbol
    a_item, name_item = with_.projection.items
    assert a_item.symbol == a_symbol  # a bare variable keeps its symbol
    assert name_item.symbol.kind is VarKind.VALUE
    assert [item.name for item in ret.projection.items] == ["a", "name"]


def test_alias_of_a_node_is_a_node():
    _, with_, match, _ = clauses("MATCH (a) WITH a AS x MATCH (x)-->(y) RETURN y")
    assert isinstance(with_, BWith)
    assert isinstance(match, BMatch)
    x = with_.projection.items[0].symbol
    assert (x.name, x.kind) == ("x", VarKind.NODE)
    assert match.patterns[0].elements[0].symbol == x


def test_shadowing_alias_gets_a_new_symbol():
    _, with_, ret = clauses("MATCH (a) WITH a AS b, 1 AS a RETURN a, b")
    assert isinstance(with_, BWith)
    assert isinstance(ret, BReturn)
    b_item, a_item = with_.projection.items
    assert b_item.symbol.kind is VarKind.NODE
    assert a_item.symbol.kind is VarKind.VALUE
    assert a_item.symbol.type == t.INTEGER
    returned = [item.expression for item in ret.projection.items]
    assert [e.symbol for e in returned if isinstance(e, BVariable)] == [
        a_item.symbol,
        b_item.symbol,
    ]


def test_star_projects_visible_user_variables_sorted():
    body = single(compile_text("MATCH p = (b)-->(a) RETURN *"))
    assert body.columns == ("a", "b", "p")
    body = single(compile_text("MATCH (b)-[r]->(a) WITH *, 1 AS one RETURN *"))
    assert body.columns == ("a", "b", "one", "r")


def test_columns_are_the_source_text():
    body = single(compile_text("MATCH (n) RETURN n.name, count( * ), aVg(    n.aGe     ) AS x"))
    assert body.columns == ("n.name", "count( * )", "x")
    body = single(compile_text("MATCH (a) RETURN toUpper(a.name), count(a) > 0"))
    assert body.columns == ("toUpper(a.name)", "count(a) > 0")


def test_unwind_element_type():
    unwind, _ = clauses("UNWIND [1, 2, 3] AS x RETURN x")
    assert isinstance(unwind, BUnwind)
    assert unwind.symbol.type == t.INTEGER
    unwind, _ = clauses("UNWIND [1, 2.5] AS x RETURN x")
    assert isinstance(unwind, BUnwind)
    assert unwind.symbol.type == t.NUMBER
    unwind, _ = clauses("UNWIND $list AS x RETURN x")
    assert isinstance(unwind, BUnwind)
    assert unwind.symbol.type == t.ANY


def test_unwound_nodes_can_be_matched():
    compile_text("MATCH (a), (b) WITH [a, b] AS ns UNWIND ns AS n MATCH (n)-->(m) RETURN m")
    compile_text("MATCH (a) WITH collect(a) AS ns UNWIND ns AS n MATCH (n)-->(m) RETURN m")


def test_comprehension_variables_are_scoped():
    _, ret = clauses("WITH [1, 2] AS xs RETURN [x IN xs WHERE x > 1 | x * 2] AS ys")
    assert isinstance(ret, BReturn)
    comprehension = ret.projection.items[0].expression
    assert isinstance(comprehension, BListComprehension)
    assert comprehension.variable.name == "x"
    assert comprehension.variable.type == t.INTEGER
    assert comprehension.type == t.list_of(t.INTEGER)


def test_comprehension_may_shadow_outer_variable():
    _, ret = clauses("WITH 'a' AS x RETURN [x IN [1, 2] | x + 1] AS l, x")
    assert isinstance(ret, BReturn)
    assert ret.projection.items[1].expression.type == t.STRING


def test_reduce_scopes_accumulator_and_variable():
    (ret,) = clauses("RETURN reduce(acc = 0, x IN [1, 2, 3] | acc + x) AS total")
    assert isinstance(ret, BReturn)
    reduce = ret.projection.items[0].expression
    assert isinstance(reduce, BReduce)
    assert (reduce.accumulator.name, reduce.variable.name) == ("acc", "x")


def test_pattern_predicate_is_correlated():
    match, _ = clauses("MATCH (a), (b) WHERE (a)-[:KNOWS]->() RETURN b")
    assert isinstance(match, BMatch)
    assert isinstance(match.where, BExists)
    a = match.patterns[0].elements[0].symbol
    assert match.where.outer == (a,)


def test_exists_subquery_records_outer_symbols():
    match, _ = clauses("MATCH (a)-->(b) WHERE EXISTS { MATCH (a)-->(c) WHERE c.x = b.x } RETURN a")
    assert isinstance(match, BMatch)
    exists = match.where
    assert isinstance(exists, BExists)
    a, _, b = match.patterns[0].elements
    assert exists.outer == (a.symbol, b.symbol)
    inner = exists.body.clauses[0]
    assert isinstance(inner, BMatch)
    assert inner.patterns[0].elements[0].symbol == a.symbol
    assert not inner.patterns[0].elements[0].is_new


def test_exists_subquery_variables_do_not_leak():
    error_cases = "MATCH (a) WHERE EXISTS { MATCH (a)-->(c) } RETURN c"
    from tests.unit.binder.support import error_of

    assert error_of(error_cases).detail == "UndefinedVariable"


def test_pattern_comprehension_introduces_local_variables():
    _, ret = single(
        bind_unchecked("MATCH (n) RETURN [p = (n)-->(m:B) WHERE m.x > 1 | p] AS paths")
    ).clauses
    assert isinstance(ret, BReturn)
    comprehension = ret.projection.items[0].expression
    assert isinstance(comprehension, BPatternComprehension)
    assert [s.name for s in comprehension.outer] == ["n"]
    assert comprehension.type == t.list_of(t.PATH)


def test_create_and_merge_reuse_bound_endpoints():
    _, create = clauses("MATCH (a), (b) CREATE (a)-[:T]->(b)")
    assert isinstance(create, BCreate)
    a, rel, b = create.patterns[0].elements
    assert not a.is_new
    assert not b.is_new
    assert rel.is_new


def test_foreach_variable_is_scoped_to_its_body():
    compile_text("MATCH (n) FOREACH (x IN [1, 2] | CREATE (:N {v: x}))")
    compile_text("FOREACH (x IN [1] | FOREACH (y IN [x] | CREATE ({v: y})))")


def test_union_parts_have_their_own_scopes():
    statement = compile_text("MATCH (a) RETURN a AS x UNION MATCH (b) RETURN b AS x")
    assert statement.body.columns == ("x",)  # type: ignore[union-attr]


def test_symbol_ids_are_unique_across_the_statement():
    statement = compile_text(
        "MATCH (a) WITH a MATCH (a)-->(b) RETURN b AS x UNION ALL MATCH (a) RETURN a AS x"
    )
    from engram.binder.walk import referenced_symbols

    symbols = referenced_symbols(statement.body)
    assert len({s.id for s in symbols}) == len(symbols)


def test_exists_subquery_keeps_outer_variables_after_its_own_with():
    match, _ = clauses(
        "MATCH (a) WHERE EXISTS { MATCH (a)-->(b) WITH b WHERE b.x = a.x RETURN b } RETURN a"
    )
    assert isinstance(match, BMatch)
    assert isinstance(match.where, BExists)
    assert [symbol.name for symbol in match.where.outer] == ["a"]


def test_null_unwinds_to_nothing_of_type_null():
    unwind, _ = clauses("UNWIND null AS x RETURN x")
    assert isinstance(unwind, BUnwind)
    assert unwind.symbol.type == t.NULL
