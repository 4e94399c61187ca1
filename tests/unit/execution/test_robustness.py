"""Bad input never escapes as anything but a QueryError: every function and operator is
fed awkward values (extremes, NaN, huge strings, wrong types) and must either return a
runtime value or raise a QueryError."""

from __future__ import annotations

import contextlib
import itertools

import pytest

from engram.errors import QueryError
from engram.execution.arithmetic import BINARY_OPERATORS, negate, plus
from engram.execution.entities import NodeRef, PathValue, RelRef
from engram.execution.functions.access import index, list_slice, property_of
from engram.execution.functions.registry import all_functions
from engram.execution.functions.strings import STRING_PREDICATES
from engram.execution.ordering import group_key, join_key, order_key
from engram.execution.ternary import COMPARATORS, and3, in_list, not3, or3, xor3

AWKWARD = [
    None,
    True,
    0,
    -1,
    2**62,
    -(2**63),
    2**63 - 1,
    1.5,
    -0.0,
    float("nan"),
    float("inf"),
    "",
    "x",
    "9" * 5000,
    "(a|aa)+",
    [],
    [1, "a", None],
    {},
    {"a": [1]},
    NodeRef(1),
    RelRef(2, 0, 1, 1),
    PathValue((NodeRef(1),)),
]
RUNTIME_TYPES = (type(None), bool, int, float, str, list, dict, NodeRef, RelRef, PathValue)


def _scalar_specs():
    return [spec for spec in all_functions() if not spec.is_aggregate and not spec.needs_context]


def _calls(spec):
    high = spec.max_arity if spec.max_arity is not None else 3
    for arity in range(spec.min_arity, min(high, 3) + 1):
        yield from itertools.product(AWKWARD, repeat=arity)


@pytest.mark.parametrize("spec", _scalar_specs(), ids=lambda spec: spec.display_name)
def test_scalar_functions_raise_only_query_errors(spec):
    for arguments in _calls(spec):
        try:
            result = spec.invoke(*arguments)
        except QueryError:
            continue
        assert isinstance(result, RUNTIME_TYPES), (spec.display_name, arguments, result)


@pytest.mark.parametrize(
    "spec", [spec for spec in all_functions() if spec.is_aggregate], ids=lambda spec: spec.name
)
def test_aggregates_raise_only_query_errors(spec):
    for distinct in (False, True):
        for value, extra in itertools.product(AWKWARD, AWKWARD[:8]):
            accumulator = spec.impl(distinct)
            arguments = (value, extra)[: spec.min_arity]
            try:
                accumulator.add(*arguments)
                accumulator.add(*arguments)
                accumulator.result()
            except QueryError:
                continue


OPERATORS = {
    **BINARY_OPERATORS,
    **COMPARATORS,
    **STRING_PREDICATES,
    "AND": and3,
    "OR": or3,
    "XOR": xor3,
    "IN": in_list,
    "[]": index,
    "[..]": lambda container, start: list_slice(container, start, start),
}


@pytest.mark.parametrize("operator", sorted(OPERATORS))
def test_binary_operators_raise_only_query_errors(operator):
    implementation = OPERATORS[operator]
    for left, right in itertools.product(AWKWARD, repeat=2):
        try:
            implementation(left, right)
        except QueryError:
            continue


def test_unary_operators_and_keys_never_fail_unexpectedly():
    for value in AWKWARD:
        for implementation in (negate, plus, not3, lambda v: property_of(v, "k")):
            with contextlib.suppress(QueryError):
                implementation(value)
        order_key(value)
        group_key(value)
        join_key(value)
