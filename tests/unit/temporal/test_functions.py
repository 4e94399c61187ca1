"""The function table the engine registers: names, arities, calling conventions."""

from __future__ import annotations

import inspect

import pytest
from hypothesis import given

from engram.temporal.base import TemporalValue
from engram.temporal.functions import TEMPORAL_FUNCTION_SPECS, TEMPORAL_FUNCTIONS
from tests.unit.temporal import strategies as ts
from tests.unit.temporal.helpers import CONTEXT, call
from tests.unit.temporal.strategies import no_deadline

TYPES = ("date", "localtime", "time", "localdatetime", "datetime")


def test_every_temporal_function_is_registered():
    expected = {
        "duration",
        "duration.between",
        "duration.inmonths",
        "duration.indays",
        "duration.inseconds",
    }
    expected |= {"datetime.fromepoch", "datetime.fromepochmillis", "timestamp"}
    for name in TYPES:
        expected |= {
            name,
            f"{name}.transaction",
            f"{name}.statement",
            f"{name}.realtime",
            f"{name}.truncate",
        }
    assert set(TEMPORAL_FUNCTIONS) == expected
    assert all(name == name.lower() for name in TEMPORAL_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(TEMPORAL_FUNCTION_SPECS))
def test_specs_describe_the_callables(name):
    spec = TEMPORAL_FUNCTION_SPECS[name]
    assert spec.name == name
    assert spec.impl is TEMPORAL_FUNCTIONS[name]
    assert 0 <= spec.min_args <= spec.max_args <= 3
    assert spec.impl.__doc__
    signature = inspect.signature(spec.impl)
    assert next(iter(signature.parameters)) == "context"
    # null in any argument position gives null
    if spec.min_args:
        assert spec.impl(CONTEXT, *([None] * spec.min_args)) is None


def test_clock_reading_functions_are_flagged():
    reading = {name for name, spec in TEMPORAL_FUNCTION_SPECS.items() if spec.reads_clock}
    assert "date" in reading
    assert "datetime.realtime" in reading
    assert "date.truncate" in reading
    assert "duration.between" not in reading
    assert "datetime.fromepoch" not in reading


def test_from_epoch():
    assert str(call("datetime.fromepoch", 416779, 999999999)) == "1970-01-05T19:46:19.999999999Z"
    assert str(call("datetime.fromepoch", -1, 5)) == "1969-12-31T23:59:59.000000005Z"
    assert str(call("datetime.fromepochmillis", 237821673987)) == "1977-07-15T13:34:33.987Z"
    assert str(call("datetime.fromepochmillis", -1)) == "1969-12-31T23:59:59.999Z"
    assert call("datetime.fromepoch", None, 1) is None
    assert str(call("datetime.fromepoch", 1.5, 0)) == "1970-01-01T00:00:01.500Z"
    assert str(call("datetime.fromepochmillis", 1.000001)) == "1970-01-01T00:00:00.001000001Z"


def test_values_pickle():
    import pickle

    for value in (call("datetime", "2015-07-21T21:40[Europe/London]"), call("duration", "P1DT1S")):
        assert pickle.loads(pickle.dumps(value)) == value
        assert str(pickle.loads(pickle.dumps(value))) == str(value)


@no_deadline
@given(ts.datetimes())
def test_epoch_components_rebuild_the_instant(value):
    rebuilt = call(
        "datetime.fromepoch", value.property("epochSeconds"), value.property("nanosecond")
    )
    assert rebuilt.epoch_second == value.epoch_second
    assert rebuilt.nano == value.nano


@no_deadline
@given(ts.instants)
def test_constructors_accept_their_own_text(value: TemporalValue):
    name = type(value).__name__.lower()
    assert call(name, str(value)) == value
    assert call(name, value) == value


def test_get_component_gives_user_facing_errors():
    from engram.errors import ErrorDetail, ErrorKind, QueryRuntimeError
    from engram.temporal.functions import component_names, get_component

    value = call("date", "2015-07-21")
    assert get_component(value, "year") == 2015
    assert "weekYear" in component_names(value)
    with pytest.raises(QueryRuntimeError) as caught:
        get_component(value, "yaer")
    assert (caught.value.kind, caught.value.detail) == (
        ErrorKind.ARGUMENT_ERROR,
        ErrorDetail.INVALID_ARGUMENT_VALUE,
    )
    assert caught.value.message == "a date has no component 'yaer'"
    assert caught.value.hint == "did you mean 'year'?"
    with pytest.raises(QueryRuntimeError) as caught:
        get_component(call("duration", "P1D"), "hour")
    assert caught.value.hint == "did you mean 'hours'?"
