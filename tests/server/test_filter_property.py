"""Property test: typed filters select exactly what an independent three-valued oracle selects."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from tests.server.support import running_server

NAMES = ["ab", "abc", "b", "ba", "c", "", "bab"]


def _rows():
    rng = random.Random(7)
    rows = []
    for _ in range(40):
        rows.append(
            {
                "age": rng.choice([None, *range(6)]),
                "name": rng.choice([None, *NAMES]),
                "score": rng.choice([None, 0.5, 1.0, 1.5, 2.0]),
            }
        )
    return rows


ROWS = _rows()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = engram.open(tmp_path_factory.mktemp("filters") / "db")
    for position, row in enumerate(ROWS):
        props = {key: value for key, value in row.items() if value is not None}
        db.execute("CREATE (t:T) SET t = $props, t.pos = $pos", props=props, pos=position)
    try:
        with running_server(db) as handle:
            yield handle
    finally:
        db.close()


# -- the oracle: Cypher's three-valued logic over the rows -------------------------------------


def _and(values):
    values = list(values)
    if any(value is False for value in values):
        return False
    if any(value is None for value in values):
        return None
    return True


def _or(values):
    values = list(values)
    if any(value is True for value in values):
        return True
    if any(value is None for value in values):
        return None
    return False


def _leaf(value, op, operand):
    if op == "isNull":
        return (value is None) == operand
    if op in ("in", "notIn") and not operand:
        return op == "notIn"  # `x IN []` is false even for a null x
    if value is None:
        return None
    match op:
        case "eq":
            return value == operand
        case "ne":
            return value != operand
        case "in":
            return value in operand
        case "notIn":
            return value not in operand
        case "lt":
            return value < operand
        case "lte":
            return value <= operand
        case "gt":
            return value > operand
        case "gte":
            return value >= operand
        case "startsWith":
            return value.startswith(operand)
        case "endsWith":
            return value.endswith(operand)
        case "contains":
            return operand in value
    raise AssertionError(op)


def evaluate(where, row):
    parts = []
    for key, condition in where.items():
        if key == "AND":
            parts.append(_and(evaluate(item, row) for item in condition))
        elif key == "OR":
            parts.append(_or(evaluate(item, row) for item in condition))
        elif key == "NOT":
            inner = evaluate(condition, row)
            parts.append(None if inner is None else not inner)
        else:
            parts.extend(_leaf(row[key], op, operand) for op, operand in condition.items())
    return _and(parts)


# -- the generator ---------------------------------------------------------------------------

ages = st.integers(min_value=-1, max_value=6)
scores = st.sampled_from([0.5, 1.0, 1.25, 1.5, 2.0])
texts = st.sampled_from([*NAMES, "a", "zz"])


def _filter(values, text_ops=False):
    ops = {
        "eq": values,
        "ne": values,
        "in": st.lists(values, max_size=3),
        "notIn": st.lists(values, max_size=3),
        "lt": values,
        "lte": values,
        "gt": values,
        "gte": values,
        "isNull": st.booleans(),
    }
    if text_ops:
        ops.update(startsWith=values, endsWith=values, contains=values)
    return st.fixed_dictionaries({}, optional=ops)


leaves = st.fixed_dictionaries(
    {},
    optional={"age": _filter(ages), "name": _filter(texts, True), "score": _filter(scores)},
)
wheres = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.fixed_dictionaries({"AND": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"OR": st.lists(inner, max_size=3)}),
        st.fixed_dictionaries({"NOT": inner}),
        st.builds(lambda a, b: {**a, **b}, leaves, st.fixed_dictionaries({"NOT": inner})),
    ),
    max_leaves=6,
)

QUERY = "query Q($where: TWhere) { tList(where: $where, orderBy: [{pos: ASC}]) { pos } }"


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(where=wheres)
def test_filters_match_the_oracle(server, where):
    data = server.data(QUERY, {"where": where})
    got = [row["pos"] for row in data["tList"]]
    expected = [pos for pos, row in enumerate(ROWS) if evaluate(where, row) is True]
    assert got == expected, where
