from __future__ import annotations

import pytest

from tests.tck.gherkin import Table
from tests.tck.procedures import (
    ProcedureParameter,
    parse_signature,
    table_procedure,
)
from tests.tck.steps import match_step
from tests.unit.tck.shared import all_scenarios

CITY_SIGNATURE = (
    "test.my.proc(name :: STRING?, id :: INTEGER?) :: (city :: STRING?, country_code :: INTEGER?)"
)


def test_every_procedure_step_of_the_suite_builds_a_procedure():
    built = 0
    for scenario in all_scenarios():
        for step in scenario.steps:
            if step.text.startswith("there exists a procedure"):
                _, match = match_step(step)
                signature = parse_signature(match.group("signature"))
                procedure = table_procedure(signature, step.argument)
                assert procedure.signature == signature
                built += 1
    # 39 step definitions; Outline rows make 41 expanded steps
    assert built == 41


def test_signature_forms():
    signature = parse_signature(CITY_SIGNATURE + ":")
    assert signature.name == "test.my.proc"
    assert signature.inputs == (
        ProcedureParameter("name", "STRING", True),
        ProcedureParameter("id", "INTEGER", True),
    )
    assert [param.name for param in signature.outputs] == ["city", "country_code"]
    assert str(signature) == CITY_SIGNATURE
    # a space before the final colon, no colon at all, no parameters
    assert str(
        parse_signature("test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?) :")
    ) == ("test.my.proc(in :: INTEGER?) :: (a :: INTEGER?, b :: INTEGER?)")
    assert str(parse_signature("test.doNothing() :: ()")) == "test.doNothing() :: ()"
    assert parse_signature("p(x :: FLOAT) :: (y :: NUMBER?)").inputs[0].nullable is False
    assert parse_signature("p(x :: list of integer?) :: ()").inputs[0].type == "LIST OF INTEGER"


@pytest.mark.parametrize(
    "text",
    [
        "test.proc",
        "test.proc(in INTEGER?) :: ()",
        "test.proc(in :: INTEGER?)",
        "test.proc(a :: INTEGER?, a :: STRING?) :: ()",
        "(x :: INTEGER?) :: ()",
        "p(x :: ) :: ()",
    ],
)
def test_malformed_signatures(text):
    with pytest.raises(ValueError, match=r"signature|parameter"):
        parse_signature(text)


CITIES = Table(
    (
        ("name", "id", "city", "country_code"),
        ("'Andres'", "1", "'Malmö'", "46"),
        ("'Stefan'", "1", "'Berlin'", "49"),
        ("'Stefan'", "2", "'München'", "49"),
        ("'Stefan'", "1", "'Bonn'", "49"),
    ),
    1,
)


def test_rows_matching_the_arguments_in_table_order():
    signature = parse_signature(CITY_SIGNATURE)
    procedure = table_procedure(signature, CITIES)
    assert list(procedure("Stefan", 1)) == [("Berlin", 49), ("Bonn", 49)]
    assert list(procedure("Stefan", 2)) == [("München", 49)]
    assert list(procedure("Nobody", 1)) == []
    # type-aware: 1.0 is not the integer 1 for an INTEGER input
    assert list(procedure("Stefan", 1.0)) == []


def test_null_inputs_match_null_cells():
    procedure = table_procedure(
        parse_signature("test.my.proc(in :: INTEGER?) :: (out :: STRING?)"),
        Table((("in", "out"), ("null", "'nix'"), ("1", "'one'")), 1),
    )
    assert list(procedure(None)) == [("nix",)]
    assert list(procedure(1)) == [("one",)]


def test_float_inputs_accept_integers():
    procedure = table_procedure(
        parse_signature("test.my.proc(in :: FLOAT?) :: (out :: STRING?)"),
        Table((("in", "out"), ("42.0", "'wisdom'")), 1),
    )
    assert list(procedure(42)) == [("wisdom",)]
    assert list(procedure(42.0)) == [("wisdom",)]


def test_number_inputs_keep_integers_and_floats_apart():
    procedure = table_procedure(
        parse_signature("test.my.proc(in :: NUMBER?) :: (out :: STRING?)"),
        Table((("in", "out"), ("42", "'wisdom'"), ("42.3", "'about right'")), 1),
    )
    assert list(procedure(42)) == [("wisdom",)]
    assert list(procedure(42.3)) == [("about right",)]


def test_procedure_without_inputs_or_outputs():
    nothing = table_procedure(parse_signature("test.doNothing() :: ()"), Table(((),), 1))
    assert list(nothing()) == []
    labels = table_procedure(
        parse_signature("test.labels() :: (label :: STRING?)"),
        Table((("label",), ("'A'",), ("'B'",)), 1),
    )
    assert list(labels()) == [("A",), ("B",)]


def test_wrong_number_of_arguments():
    procedure = table_procedure(
        parse_signature("test.labels() :: (label :: STRING?)"), Table((("label",),), 1)
    )
    with pytest.raises(TypeError, match="takes 0 argument"):
        procedure(1)


def test_table_header_must_match_the_signature():
    signature = parse_signature("test.my.proc(in :: INTEGER?) :: (out :: STRING?)")
    with pytest.raises(ValueError, match="must list the inputs then the outputs"):
        table_procedure(signature, Table((("out", "in"),), 1))
