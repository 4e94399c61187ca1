"""Column encoding of bulk records: byte for byte what the per-record encoder writes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engram.storage.codec import encode_properties
from engram.storage.columns import checked_columns, encode_rows

_INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
# values around every msgpack integer form's edges, and anywhere
_EDGES = st.sampled_from(
    [
        *(0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000, 2**32 - 1, 2**32, 2**63 - 1),
        *(-1, -32, -33, -0x80, -0x81, -0x8000, -0x8001, -(2**31), -(2**31) - 1, -(2**63)),
    ]
)


@settings(deadline=None)
@given(
    st.lists(st.lists(st.one_of(_EDGES, _INT64), min_size=3, max_size=3), min_size=1),
    st.booleans(),
)
def test_integer_columns_encode_as_the_record_encoder_does(rows, floats):
    table = np.array(rows, dtype=np.int64)
    columns = {0: table[:, 0], 7: table[:, 1], 300: table[:, 2]}
    if floats:
        columns[2] = table[:, 0].astype(np.float64)
    checked = checked_columns(columns, len(rows))
    prefix = b"\x00" * 8
    expected = [
        prefix + encode_properties({key: column[i].item() for key, column in checked.items()})
        for i in range(len(rows))
    ]
    assert encode_rows(checked, len(rows), prefix=prefix) == expected


def test_a_column_of_one_form_and_a_column_of_many():
    same = np.full(5, 2018)
    mixed = np.array([1, 300, -5, -40_000, 2**40])
    rows = encode_rows(checked_columns({1: same, 2: mixed}, 5), 5)
    assert rows == [encode_properties({1: 2018, 2: int(value)}) for value in mixed]
