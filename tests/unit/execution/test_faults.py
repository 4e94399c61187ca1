"""Runtime error constructors, type names and value types."""

from __future__ import annotations

import pytest

from engram.errors import ErrorDetail, ErrorKind, Phase, QueryRuntimeError, Span
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.faults import (
    argument_error,
    arithmetic_error,
    type_error,
    type_name,
    value_type,
    with_span,
)
from engram.types import (
    ANY,
    BOOLEAN,
    DURATION,
    FLOAT,
    INTEGER,
    MAP,
    NODE,
    NULL,
    PATH,
    RELATIONSHIP,
    STRING,
    list_of,
)
from tests.unit.execution.temporal_values import Instant
from tests.unit.execution.temporal_values import Span as Seconds

PATH_VALUE = PathValue((NodeRef(1),))


@pytest.mark.parametrize(
    ("value", "name", "logical"),
    [
        (None, "NULL", NULL),
        (True, "BOOLEAN", BOOLEAN),
        (1, "INTEGER", INTEGER),
        (1.5, "FLOAT", FLOAT),
        ("a", "STRING", STRING),
        ([1, 2], "LIST", list_of(INTEGER)),
        ([1, None], "LIST", list_of(INTEGER)),
        ([1, "a"], "LIST", list_of(ANY)),
        ([], "LIST", list_of(ANY)),
        ((1.5,), "LIST", list_of(FLOAT)),
        ({"a": 1}, "MAP", MAP),
        (NodeRef(1), "NODE", NODE),
        (RelRef(1, 0, 1, 2), "RELATIONSHIP", RELATIONSHIP),
        (PATH_VALUE, "PATH", PATH),
        (Seconds(1), "SPAN", ANY),
        (Instant(1), "INSTANT", ANY),
        (object(), "OBJECT", ANY),
    ],
)
def test_names_and_types(value, name, logical):
    assert type_name(value) == name
    assert value_type(value) == logical


def test_temporal_classes_are_named_after_their_type():
    class Duration(Seconds):
        __slots__ = ()

    class LocalDateTime(Instant):
        __slots__ = ()

    assert type_name(Duration(1)) == "DURATION"
    assert value_type(Duration(1)) == DURATION
    assert type_name(LocalDateTime(1)) == "LOCALDATETIME"


@pytest.mark.parametrize(
    ("error", "kind", "detail"),
    [
        (type_error("x"), ErrorKind.TYPE_ERROR, ErrorDetail.INVALID_ARGUMENT_TYPE),
        (argument_error("x"), ErrorKind.ARGUMENT_ERROR, ErrorDetail.NUMBER_OUT_OF_RANGE),
        (
            arithmetic_error("x", ErrorDetail.DIVISION_BY_ZERO),
            ErrorKind.ARITHMETIC_ERROR,
            ErrorDetail.DIVISION_BY_ZERO,
        ),
    ],
)
def test_error_constructors(error, kind, detail):
    assert isinstance(error, QueryRuntimeError)
    assert error.kind == kind
    assert error.detail == detail
    assert error.phase == Phase.RUNTIME
    assert error.span is None
    assert error.code.startswith("E4")


def test_with_span_attaches_once_and_renders_a_caret():
    error = type_error("cannot apply '+' to INTEGER and BOOLEAN")
    assert with_span(error, Span(7, 15)) is error
    with_span(error, Span(0, 1))
    assert error.span == Span(7, 15)
    rendered = str(error.with_source("RETURN 1 + true"))
    assert rendered.splitlines()[0].startswith("TypeError (InvalidArgumentType) [E4")
    assert "  |        ^^^^^^^^" in rendered
