"""Procedure calls, updating clauses, statement flags, parameters and catalog notes."""

from __future__ import annotations

import pytest

from engram import types as t
from engram.binder import bind, check_parameters
from engram.binder.bound import (
    BCall,
    BCreate,
    BDelete,
    BForeach,
    BMerge,
    BParameter,
    BRemove,
    BRemoveLabels,
    BRemoveProperty,
    BSchemaCommand,
    BSet,
    BSetLabels,
    BSetProperties,
    BSetProperty,
)
from engram.errors import ErrorDetail, ErrorKind, ParameterError, Phase, SemanticError
from engram.parser import parse
from tests.unit.binder.support import clauses, compile_text, registry, single


def test_standalone_call_with_implicit_arguments():
    statement = compile_text("CALL test.my.proc")
    (call,) = single(statement).clauses
    assert isinstance(call, BCall)
    assert call.standalone
    assert [a.name for a in call.args if isinstance(a, BParameter)] == ["name", "id"]
    assert statement.parameters == {"name", "id"}
    assert single(statement).columns == ("city", "country_code")


def test_standalone_call_yield_selection_and_star():
    assert single(compile_text("CALL test.my.proc('a', 1) YIELD city")).columns == ("city",)
    assert single(compile_text("CALL test.my.proc('a', 1) YIELD *")).columns == (
        "city",
        "country_code",
    )
    assert single(compile_text("CALL test.doNothing()")).columns == ()


def test_in_query_call_binds_yielded_fields():
    call, ret = clauses("CALL test.my.proc('a', 1) YIELD city AS c WHERE c <> 'x' RETURN c")
    assert isinstance(call, BCall)
    assert not call.standalone
    ((field, symbol),) = call.yields
    assert (field, symbol.name, symbol.type) == ("city", "c", t.STRING)
    assert call.where is not None
    del ret


def test_call_argument_widening_and_case_insensitive_name():
    compile_text("CALL test.ratio(1) YIELD y RETURN y")
    compile_text("CALL TEST.LABELS() YIELD label RETURN label")


def test_in_query_void_call_may_end_a_query():
    compile_text("MATCH (n) CALL test.doNothing()")


def test_procedure_not_found_suggests():
    with pytest.raises(SemanticError) as info:
        compile_text("CALL test.lables()")
    error = info.value
    assert (error.kind, error.detail) == (
        ErrorKind.PROCEDURE_ERROR,
        ErrorDetail.PROCEDURE_NOT_FOUND,
    )
    assert str(error.hint).startswith("did you mean 'test.labels'")


def test_writing_procedure_marks_statement_updating():
    procedures = registry(writes=("test.write() :: ()",))
    assert compile_text("CALL test.write()", procedures).is_updating
    assert not compile_text("CALL test.labels()").is_updating


def test_updates_are_bound():
    (create,) = clauses("CREATE (a:A {x: 1})-[:T {y: $p}]->(b)")
    assert isinstance(create, BCreate)
    _, set_, remove = clauses("MATCH (n) SET n.x = 1, n = {a: 1}, n += {b: 2}, n:L REMOVE n.x, n:L")
    assert isinstance(set_, BSet)
    kinds = [type(item) for item in set_.items]
    assert kinds == [BSetProperty, BSetProperties, BSetProperties, BSetLabels]
    assert isinstance(remove, BRemove)
    assert [type(i) for i in remove.items] == [BRemoveProperty, BRemoveLabels]
    _, delete = clauses("MATCH p = ()-[r]->() DETACH DELETE p, r")
    assert isinstance(delete, BDelete)
    assert delete.detach


def test_merge_actions():
    (merge,) = clauses("MERGE (n:N {k: 1}) ON CREATE SET n.c = 1 ON MATCH SET n.m = 2, n:Seen")
    assert isinstance(merge, BMerge)
    assert len(merge.on_create) == 1
    assert len(merge.on_match) == 2
    compile_text("MATCH (a), (b) MERGE (a)-[:T]-(b)")  # MERGE may be undirected


def test_foreach_body():
    _, foreach = clauses("MATCH (n) FOREACH (x IN [1, 2] | SET n.v = x CREATE (:C {v: x}))")
    assert isinstance(foreach, BForeach)
    assert foreach.symbol.type == t.INTEGER
    assert len(foreach.clauses) == 2


def test_is_updating_flags():
    assert not compile_text("MATCH (n) RETURN n").is_updating
    assert compile_text("CREATE ()").is_updating
    assert compile_text("MATCH (n) FOREACH (x IN [1] | SET n.x = x)").is_updating


def test_schema_commands_pass_through():
    for text in ("CREATE INDEX FOR (n:Person) ON (n.name)", "SHOW INDEXES"):
        statement = compile_text(text)
        assert isinstance(statement.body, BSchemaCommand)
    assert compile_text("CREATE INDEX FOR (n:Person) ON (n.name)").is_updating
    assert not compile_text("SHOW INDEXES").is_updating


def test_explain_is_kept():
    assert compile_text("EXPLAIN MATCH (n) RETURN n").explain == "EXPLAIN"


def test_parameters_are_recorded_everywhere():
    statement = compile_text(
        "MATCH (n {k: $a}) WHERE n.x = $b CREATE (m $c) RETURN n SKIP $d LIMIT $e"
    )
    assert statement.parameters == {"a", "b", "c", "d", "e"}


def test_missing_parameter_points_at_first_use():
    text = "MATCH (n) WHERE n.x = $limit RETURN n LIMIT $limit"
    statement = compile_text(text)
    check_parameters(statement, {"limit"})
    with pytest.raises(ParameterError) as info:
        check_parameters(statement, {"limt"})
    error = info.value.with_source(text)
    assert (error.kind, error.detail, error.phase) == (
        ErrorKind.PARAMETER_MISSING,
        ErrorDetail.MISSING_PARAMETER,
        Phase.COMPILE,
    )
    assert error.code.startswith("E3")
    assert error.span is not None
    assert text[error.span.start : error.span.end] == "$limit"
    assert error.span.start == text.index("$limit")


def test_missing_implicit_procedure_argument():
    statement = compile_text("CALL test.my.proc")
    with pytest.raises(ParameterError):
        check_parameters(statement, {"name"})


class _Catalog:
    def label_names(self):
        return ["Person", "City"]

    def type_names(self):
        return ["KNOWS"]

    def property_key_names(self):
        return ["name", "age"]


def test_catalog_notes_suggest_names():
    text = "MATCH (p:Persn)-[:KNOWZ]->(c:City) WHERE p.nmae = 'x' AND c:Person RETURN p"
    statement = bind(parse(text), procedures=registry(), catalog=_Catalog())
    notes = [(note.message, note.hint) for note in statement.notes]
    assert ("label ':Persn' does not exist in the graph", "did you mean ':Person'?") in notes
    assert (
        "relationship type ':KNOWZ' does not exist in the graph",
        "did you mean ':KNOWS'?",
    ) in notes
    assert ("property key 'nmae' does not exist in the graph", "did you mean 'name'?") in notes
    assert len(notes) == 3


def test_no_notes_without_catalog_or_for_writes():
    assert compile_text("MATCH (p:Nothing) RETURN p").notes == ()
    statement = bind(parse("CREATE (:Fresh {k: 1})"), procedures=registry(), catalog=_Catalog())
    assert statement.notes == ()


def test_cartesian_product_note():
    text = "MATCH (a)-->(b), (c), (b)-->(d) RETURN d"
    (note,) = compile_text(text).notes
    assert note.message == "MATCH builds a cartesian product between disconnected patterns"
    assert text[note.span.start : note.span.end] == "(c)"
    assert compile_text("MATCH (a)-->(b), (b)-->(c) RETURN c").notes == ()
    assert compile_text("MATCH (a) MATCH (a)-->(b), (a)-->(c) RETURN c").notes == ()
    (note,) = compile_text("MATCH (a) OPTIONAL MATCH (x), (y) RETURN a").notes
    assert note.message.startswith("OPTIONAL MATCH builds")
