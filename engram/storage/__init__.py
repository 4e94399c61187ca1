"""Storage: the graph store over RocksDB, MVCC transactions, keys and value codecs."""

from __future__ import annotations
