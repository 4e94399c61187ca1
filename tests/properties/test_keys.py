"""Key layouts: byte order is numeric order, keys parse back, prefixes bound their ranges."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.storage import keys as layout

IDS = st.integers(min_value=0, max_value=2**63 - 1)
SMALL = st.integers(min_value=0, max_value=2**32 - 1)
BYTES = st.binary(max_size=12)


@settings(deadline=None)
@given(IDS, IDS)
def test_id_keys_sort_numerically(left, right):
    for build in (layout.node_key, layout.rel_key):
        assert (build(left) < build(right)) == (left < right)
    assert (layout.label_key(3, left) < layout.label_key(3, right)) == (left < right)


@settings(deadline=None)
@given(st.lists(IDS, max_size=20))
def test_vectorised_keys_match_single_keys(ids):
    array = np.array(ids, dtype=np.int64)
    assert layout.node_keys(array) == [layout.node_key(i) for i in ids]
    assert layout.rel_keys(array) == [layout.rel_key(i) for i in ids]


@settings(deadline=None)
@given(IDS, st.sampled_from([layout.OUT, layout.IN]), SMALL, IDS)
def test_adjacency_keys_parse_back(node, direction, type_id, first):
    key = layout.adjacency_key(node, direction, type_id, first)
    assert layout.parse_adjacency_key(key) == (node, direction, type_id, first)
    assert key.startswith(layout.adjacency_list_prefix(node, direction, type_id))
    assert key.startswith(layout.adjacency_node_prefix(node, direction))


@settings(deadline=None)
@given(BYTES, IDS)
def test_history_keys_split_back(key, version):
    original, end = layout.split_history_key(layout.history_key(key, version))
    assert original == key
    assert end == layout.version_bytes(version)


@settings(deadline=None)
@given(BYTES, BYTES)
def test_prefix_end_bounds_the_prefix_range(prefix, other):
    end = layout.prefix_end(prefix)
    if not end:  # only 0xff bytes: every key above the prefix is in range
        assert prefix.strip(b"\xff") == b""
        return
    assert (prefix <= other < end) == other.startswith(prefix)


def test_families_do_not_overlap():
    tags = [
        layout.META,
        layout.CATALOG,
        layout.STATS,
        layout.NODE,
        layout.REL,
        layout.LABEL,
        layout.TYPE,
        layout.ADJ,
        layout.INDEX,
        layout.UNIQUE,
        layout.HISTORY,
    ]
    assert len(set(tags)) == len(tags)
    low, high = layout.family_range(layout.NODE)
    assert low <= layout.node_key(2**63 - 1) < high
