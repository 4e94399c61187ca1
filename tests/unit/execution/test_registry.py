"""The function catalogue and FunctionSpec: lookup, arity, types, binding, extension."""

from __future__ import annotations

import pytest

from engram.errors import InternalError
from engram.execution.functions import registry
from engram.execution.functions.registry import all_functions, lookup, register, suggest
from engram.execution.functions.spec import FunctionSpec, scalar_spec
from engram.types import (
    ANY,
    BOOLEAN,
    DURATION,
    FLOAT,
    INTEGER,
    MAP,
    NODE,
    NULL,
    NUMBER,
    PATH,
    STRING,
    list_of,
)

BUILTINS = {
    # strings
    "toUpper", "toLower", "upper", "lower", "trim", "lTrim", "rTrim", "btrim", "replace",
    "substring", "left", "right", "split", "normalize", "char_length", "character_length",
    # numeric
    "abs", "ceil", "floor", "round", "sign", "isNaN", "sqrt", "exp", "log", "log10", "sin",
    "cos", "tan", "cot", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "coth",
    "haversin", "degrees", "radians", "e", "pi", "rand",
    # conversion
    "toInteger", "toIntegerOrNull", "toFloat", "toFloatOrNull", "toBoolean", "toBooleanOrNull",
    "toString", "toStringOrNull", "toIntegerList", "toFloatList", "toBooleanList",
    "toStringList",
    # lists, maps, general
    "size", "head", "last", "tail", "reverse", "range", "keys", "properties", "isEmpty",
    "coalesce", "nullIf", "randomUUID",
    # aggregates
    "count", "sum", "avg", "min", "max", "collect", "stDev", "stDevP", "percentileCont",
    "percentileDisc",
}  # fmt: skip


def test_every_builtin_is_registered_once_under_its_display_name():
    names = {spec.display_name for spec in all_functions()}
    assert names >= BUILTINS
    canonical = [spec.name for spec in all_functions()]
    assert canonical == sorted(canonical)
    assert len(canonical) == len(set(canonical))


@pytest.mark.parametrize("name", ["tolower", "TOLOWER", "toLower", "ToLoWeR"])
def test_lookup_is_case_insensitive(name):
    spec = lookup(name)
    assert spec is not None
    assert spec.display_name == "toLower"


def test_unknown_functions_and_suggestions():
    assert lookup("toLowr") is None
    assert suggest("toLowr")[0] == "toLower"
    assert suggest("SUBSTRNG")[0] == "substring"
    assert suggest("zzzzzz") == []


def test_every_spec_documents_itself():
    for spec in all_functions():
        assert spec.signature.startswith(spec.display_name + "("), spec.display_name
        assert spec.description.endswith("."), spec.display_name
        assert spec.impl.__doc__ or spec.name in ("e", "pi", "rand"), spec.display_name


@pytest.mark.parametrize(
    ("name", "counts", "text"),
    [
        ("substring", {2: True, 3: True, 1: False, 4: False}, "2 or 3"),
        ("round", {1: True, 2: True, 3: True, 0: False, 4: False}, "1 to 3"),
        ("pi", {0: True, 1: False}, "0"),
        ("coalesce", {0: False, 1: True, 9: True}, "at least 1"),
        ("percentileCont", {2: True, 1: False}, "2"),
    ],
)
def test_arity(name, counts, text):
    spec = lookup(name)
    assert spec is not None
    assert {count: spec.accepts_arity(count) for count in counts} == counts
    assert spec.arity_text == text


@pytest.mark.parametrize(
    ("name", "position", "accepted", "rejected"),
    [
        ("toUpper", 0, [STRING, ANY, NULL], [INTEGER, list_of(STRING)]),
        ("size", 0, [STRING, list_of(INTEGER), list_of(ANY)], [PATH, MAP, INTEGER]),
        ("substring", 1, [INTEGER, NUMBER], [STRING, FLOAT]),
        ("toInteger", 0, [STRING, FLOAT, BOOLEAN], [list_of(ANY), MAP, NODE]),
        ("toString", 0, [INTEGER, DURATION, STRING], [list_of(ANY), MAP, NODE]),
        ("keys", 0, [MAP, NODE], [STRING, list_of(ANY)]),
        ("coalesce", 5, [INTEGER, NODE], []),
        ("sum", 0, [INTEGER, DURATION], [STRING]),
    ],
)
def test_argument_types(name, position, accepted, rejected):
    spec = lookup(name)
    assert spec is not None
    for argument_type in accepted:
        assert spec.accepts_argument(position, argument_type), argument_type
    for argument_type in rejected:
        assert not spec.accepts_argument(position, argument_type), argument_type


@pytest.mark.parametrize(
    ("name", "arguments", "result"),
    [
        ("abs", [INTEGER], INTEGER),
        ("abs", [FLOAT], FLOAT),
        ("abs", [ANY], NUMBER),
        ("head", [list_of(STRING)], STRING),
        ("head", [ANY], ANY),
        ("tail", [list_of(INTEGER)], list_of(INTEGER)),
        ("reverse", [STRING], STRING),
        ("coalesce", [NULL, INTEGER, INTEGER], INTEGER),
        ("coalesce", [INTEGER, STRING], ANY),
        ("sum", [INTEGER], INTEGER),
        ("sum", [DURATION], DURATION),
        ("avg", [INTEGER], FLOAT),
        ("avg", [DURATION], DURATION),
        ("collect", [NODE], list_of(NODE)),
        ("max", [STRING], STRING),
        ("toLower", [STRING], STRING),
        ("split", [STRING, STRING], list_of(STRING)),
    ],
)
def test_result_types(name, arguments, result):
    spec = lookup(name)
    assert spec is not None
    assert spec.result_type_for(arguments) == result


def test_null_propagation_skips_the_implementation():
    calls = []

    def impl(*args):
        calls.append(args)
        return len(args)

    spec = scalar_spec(
        "testOnlyNulls",
        impl,
        [(ANY,)] * 3,
        INTEGER,
        optional=2,
        signature="testOnlyNulls(a, b, c)",
        description="Test.",
    )
    for arity in (1, 2, 3):
        arguments = [1] * arity
        assert spec.bind(arity)(*arguments) == arity
        for position in range(arity):
            with_null = [*arguments[:position], None, *arguments[position + 1 :]]
            assert spec.bind(arity)(*with_null) is None
    assert calls == [(1,), (1, 1), (1, 1, 1)]
    assert spec.bind(2) is spec.bind(2)


def test_functions_that_see_nulls_get_them():
    spec = lookup("coalesce")
    assert spec is not None
    assert not spec.propagates_null
    assert spec.bind(3)(None, None, 5) == 5


def test_context_functions_receive_the_context_first():
    spec = FunctionSpec(
        name="test.scope",
        display_name="test.scope",
        impl=lambda ctx, value: (ctx["name"], value),
        min_arity=1,
        max_arity=1,
        needs_context=True,
        signature="test.scope(value :: ANY) :: LIST<ANY>",
        description="Test.",
    )
    call = spec.bind(1)
    assert call({"name": "ctx"}, 3) == ("ctx", 3)
    assert call({"name": "ctx"}, None) is None
    with pytest.raises(InternalError):
        spec.invoke(3)


def test_register_and_replace():
    spec = scalar_spec(
        "test.answer",
        lambda: 42,
        [],
        INTEGER,
        signature="test.answer() :: INTEGER",
        description="Test.",
    )
    try:
        assert register(spec) is spec
        assert register(spec) is spec  # the same object again is harmless
        assert lookup("TEST.ANSWER") is spec
        assert spec in all_functions()
        other = scalar_spec(
            "test.answer",
            lambda: 41,
            [],
            INTEGER,
            signature="test.answer() :: INTEGER",
            description="Test.",
        )
        with pytest.raises(InternalError, match="registered twice"):
            register(other)
        register(other, replace=True)
        replaced = lookup("test.answer")
        assert replaced is not None
        assert replaced.invoke() == 41
    finally:
        registry._FUNCTIONS.pop("test.answer", None)
    assert lookup("test.answer") is None


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Upper", "display_name": "Upper"},
        {"name": "upper", "display_name": "lower"},
        {"name": "f", "display_name": "f", "min_arity": 2, "max_arity": 1},
        {"name": "f", "display_name": "f", "min_arity": -1, "max_arity": 1},
        {"name": "f", "display_name": "f", "max_arity": 0, "arg_types": ((ANY,),)},
    ],
)
def test_malformed_specs_are_bugs(fields):
    arguments = {"impl": lambda: None, "min_arity": 0, "max_arity": 0, **fields}
    with pytest.raises(InternalError):
        FunctionSpec(**arguments)


def test_aggregates_cannot_be_invoked_as_scalars():
    spec = lookup("count")
    assert spec is not None
    with pytest.raises(InternalError):
        spec.invoke(1)


def test_deterministic_flags():
    # functions reading the graph or a clock are registered by the engine with a context
    pure = [spec for spec in all_functions() if not spec.needs_context]
    nondeterministic = {spec.display_name for spec in pure if not spec.deterministic}
    assert nondeterministic == {"rand", "randomUUID"}
