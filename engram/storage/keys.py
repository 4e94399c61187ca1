"""Byte layout of every key (fixed-width big-endian ids); pure functions.

Every key starts with a one-byte family tag. Ids are unsigned and big-endian, so byte
order is numeric order. Within a family no key is a proper prefix of another (fixed
widths, and index values use the prefix-free encoding of `engram.storage.ordered`):
the history family relies on that to find all versions of one key by prefix.

==========  ====  =========================================================  ===========
family      tag   key                                                        versioned
==========  ====  =========================================================  ===========
meta        0x01  01 name(ascii)                                             no
catalog     0x02  02 kind(1) id(4)                                           no
statistics  0x03  03 kind(1) fields                                          no
node        0x10  10 node(8)                                                 yes
rel         0x11  11 rel(8)                                                  yes
label       0x12  12 label(4) node(8)                                        yes
type        0x13  13 type(4) rel(8)                                          yes
adjacency   0x14  14 node(8) direction(1) type(4) first_rel(8)               yes
index       0x15  15 index(4) value-key marks node(8)                        yes
unique      0x16  16 index(4) value-key                                      yes
derived     0x17  17 index(4) 'f' version(8) (feed) / 's' (saved state)      no
vector      0x18  18 node(8) property_key(4)                                 yes
history     0x7f  7f original-key end_version(8)                             (value)
==========  ====  =========================================================  ===========

Values of versioned families start with the 8-byte big-endian commit version that wrote
them (see `docs/adr/0002-storage-mvcc.md`). The vector family holds a node's float
vector properties beside its record, as raw little-endian float64 after the version
(see `docs/adr/0011-vectors-beside-records.md`).
"""

from __future__ import annotations

import struct
from typing import Final

import numpy as np

__all__ = [
    "ADJ",
    "CATALOG",
    "DERIVED",
    "HISTORY",
    "IN",
    "INDEX",
    "LABEL",
    "META",
    "NODE",
    "OUT",
    "REL",
    "STATS",
    "TYPE",
    "UNIQUE",
    "VECTOR",
    "adjacency_key",
    "adjacency_list_prefix",
    "adjacency_node_prefix",
    "derived_feed_key",
    "derived_prefix",
    "derived_state_key",
    "family_range",
    "history_key",
    "history_prefix",
    "index_entry_prefix",
    "index_prefix",
    "label_key",
    "label_prefix",
    "node_key",
    "node_keys",
    "parse_adjacency_key",
    "prefix_end",
    "prefixed_id_matrix",
    "prefixed_ids",
    "rel_key",
    "rel_keys",
    "split_history_key",
    "type_key",
    "type_prefix",
    "unique_prefix",
    "vector_key",
    "version_bytes",
]

META: Final = 0x01
CATALOG: Final = 0x02
STATS: Final = 0x03
NODE: Final = 0x10
REL: Final = 0x11
LABEL: Final = 0x12
TYPE: Final = 0x13
ADJ: Final = 0x14
INDEX: Final = 0x15
UNIQUE: Final = 0x16
DERIVED: Final = 0x17
VECTOR: Final = 0x18
HISTORY: Final = 0x7F

#: adjacency direction bytes
OUT: Final = 0
IN: Final = 1

_NODE_B: Final = bytes([NODE])
_REL_B: Final = bytes([REL])
_HISTORY_B: Final = bytes([HISTORY])

_ID = struct.Struct(">BQ")
_MEMBER = struct.Struct(">BIQ")
_ADJ = struct.Struct(">BQBIQ")
_ADJ_LIST = struct.Struct(">BQBI")
_ADJ_NODE = struct.Struct(">BQB")
_SMALL = struct.Struct(">BI")
_VECTOR = struct.Struct(">BQI")
_U64 = struct.Struct(">Q")

ID_KEY_LEN: Final = 9
MEMBER_KEY_LEN: Final = 13
ADJ_KEY_LEN: Final = 22
ADJ_LIST_PREFIX_LEN: Final = 14


#: the 8-byte big-endian form of a commit version (the struct's packer: a C call, made
#: by every statement's snapshot)
version_bytes: Final = _U64.pack


def node_key(node_id: int) -> bytes:
    """Key of a node record."""
    return _ID.pack(NODE, node_id)


def vector_key(node_id: int, key_id: int) -> bytes:
    """Key of a node's float vector property stored beside its record."""
    return _VECTOR.pack(VECTOR, node_id, key_id)


def rel_key(rel_id: int) -> bytes:
    """Key of a relationship record."""
    return _ID.pack(REL, rel_id)


def prefixed_id_matrix(prefix: bytes, ids: np.ndarray) -> np.ndarray:
    """``prefix + id(u64)`` for each id, as the rows of a uint8 matrix (ids non-negative)."""
    count, width = len(ids), len(prefix) + 8
    matrix = np.empty((count, width), dtype=np.uint8)
    matrix[:, : len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
    matrix[:, len(prefix) :] = np.asarray(ids, dtype=">u8").view(np.uint8).reshape(count, 8)
    return matrix


def prefixed_ids(prefix: bytes, ids: np.ndarray) -> list[bytes]:
    r"""``prefix + id(u64)`` for each id, built as one byte matrix (ids are non-negative).

    >>> prefixed_ids(b"R", np.array([1, 258]))
    [b'R\x00\x00\x00\x00\x00\x00\x00\x01', b'R\x00\x00\x00\x00\x00\x00\x01\x02']
    """
    if not len(ids):
        return []
    matrix = prefixed_id_matrix(prefix, ids)
    # a void view's tolist makes one bytes object per row in C (trailing zeros kept)
    keys: list[bytes] = matrix.view(f"V{matrix.shape[1]}").ravel().tolist()
    return keys


def _id_keys(tag: bytes, ids: np.ndarray) -> list[bytes]:
    return prefixed_ids(tag, ids)


def node_keys(ids: np.ndarray) -> list[bytes]:
    """Keys of many node records."""
    return _id_keys(_NODE_B, ids)


def rel_keys(ids: np.ndarray) -> list[bytes]:
    """Keys of many relationship records."""
    return _id_keys(_REL_B, ids)


def label_key(label_id: int, node_id: int) -> bytes:
    """Key of a label membership entry."""
    return _MEMBER.pack(LABEL, label_id, node_id)


def label_prefix(label_id: int) -> bytes:
    """Prefix of all members of a label."""
    return _SMALL.pack(LABEL, label_id)


def type_key(type_id: int, rel_id: int) -> bytes:
    """Key of a relationship type membership entry."""
    return _MEMBER.pack(TYPE, type_id, rel_id)


def type_prefix(type_id: int) -> bytes:
    """Prefix of all relationships of a type."""
    return _SMALL.pack(TYPE, type_id)


def adjacency_key(node_id: int, direction: int, type_id: int, first_rel: int) -> bytes:
    """Key of an adjacency chunk whose first relationship id is `first_rel`."""
    return _ADJ.pack(ADJ, node_id, direction, type_id, first_rel)


def adjacency_list_prefix(node_id: int, direction: int, type_id: int) -> bytes:
    """Prefix of all chunks of one (node, direction, type) list."""
    return _ADJ_LIST.pack(ADJ, node_id, direction, type_id)


def adjacency_node_prefix(node_id: int, direction: int) -> bytes:
    """Prefix of all chunks of a node in one direction (all types)."""
    return _ADJ_NODE.pack(ADJ, node_id, direction)


def parse_adjacency_key(key: bytes) -> tuple[int, int, int, int]:
    """(node, direction, type, first_rel) of an adjacency chunk key."""
    _, node_id, direction, type_id, first_rel = _ADJ.unpack(key)
    return node_id, direction, type_id, first_rel


def index_prefix(index_id: int) -> bytes:
    """Prefix of all entries of a (non-unique) property index."""
    return _SMALL.pack(INDEX, index_id)


def index_entry_prefix(index_id: int, value_key: bytes) -> bytes:
    """Prefix of the entries of one value (or value prefix) in a non-unique index."""
    return _SMALL.pack(INDEX, index_id) + value_key


def unique_prefix(index_id: int) -> bytes:
    """Prefix of all entries of a unique (constraint) index."""
    return _SMALL.pack(UNIQUE, index_id)


def derived_prefix(index_id: int) -> bytes:
    """Prefix of every record of a derived (non-property) index."""
    return _SMALL.pack(DERIVED, index_id)


def derived_feed_key(index_id: int, version: int) -> bytes:
    """Change-feed record of a derived index for one commit version."""
    return _SMALL.pack(DERIVED, index_id) + b"f" + _U64.pack(version)


def derived_state_key(index_id: int) -> bytes:
    """The record where a derived index keeps what it last saved."""
    return _SMALL.pack(DERIVED, index_id) + b"s"


def history_key(key: bytes, end_version: int) -> bytes:
    """History entry of `key` superseded by the commit `end_version`."""
    return _HISTORY_B + key + _U64.pack(end_version)


def history_prefix(key_or_prefix: bytes) -> bytes:
    """Prefix of the history entries of a key (or of every key under a prefix)."""
    return _HISTORY_B + key_or_prefix


def split_history_key(history: bytes) -> tuple[bytes, bytes]:
    """(original key, end version bytes) of a history key."""
    return history[1:-8], history[-8:]


def prefix_end(prefix: bytes) -> bytes:
    """The smallest key greater than every key starting with `prefix` (b"" if none)."""
    trimmed = prefix.rstrip(b"\xff")
    if not trimmed:
        return b""
    return trimmed[:-1] + bytes([trimmed[-1] + 1])


def family_range(tag: int) -> tuple[bytes, bytes]:
    """[low, high) covering every key of a family."""
    return bytes([tag]), bytes([tag + 1])
