"""The hash look-up of relationship ends: exactly the keys there are, where they are."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.importer.lookup import KeyLookup

_SHAPES = st.sampled_from(["dense", "sparse", "clustered", "extremes", "small"])


def keys_of(shape, rng):
    if shape == "dense":
        keys = np.arange(5_000) * 3 - 7_000
    elif shape == "sparse":
        keys = rng.choice(2**40, 20_000, replace=False) + 10**12
    elif shape == "clustered":
        keys = np.concatenate([np.arange(3_000), rng.choice(2**50, 100, replace=False) + 2**51])
    elif shape == "extremes":
        keys = np.concatenate([[-(2**63), 2**63 - 1], rng.integers(-(2**40), 2**40, 3_000)])
    else:
        keys = rng.integers(0, 100, 50)
    unique = np.unique(keys.astype(np.int64))
    return unique[rng.permutation(len(unique))]  # in any order


@settings(max_examples=60, deadline=None)
@given(_SHAPES, st.integers(0, 2**32 - 1))
def test_every_value_is_found_exactly_where_it_is(shape, seed):
    rng = np.random.default_rng(seed)
    keys = keys_of(shape, rng)
    present = rng.choice(keys, 500)
    absent = np.concatenate([rng.integers(-(2**63), 2**63 - 1, 500), present + 1, present - 1])
    edges = [-(2**63), 2**63 - 1, int(keys[0]) - 1, int(keys[-1]) + 1]
    extremes = np.array([e for e in edges if -(2**63) <= e < 2**63], dtype=np.int64)
    values = np.concatenate([present, absent, extremes]).astype(np.int64)
    positions, found = KeyLookup(keys).find(values)
    members = set(keys.tolist())
    assert found.tolist() == [value in members for value in values.tolist()]
    assert (keys[positions[found]] == values[found]).all()


def test_probe_sequences_stay_short_for_the_benchmark_like_ids():
    rng = np.random.default_rng(3)
    people = rng.choice(2**34, 100_000, replace=False) + 10**12
    lookup = KeyLookup(np.concatenate([people, np.arange(2_000)]))
    assert lookup._probes < 40
    positions, found = lookup.find(people[:1000])
    assert found.all()
    assert (positions == np.arange(1000)).all()
