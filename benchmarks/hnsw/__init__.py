"""The HNSW baseline: hnswlib directly on the generated vectors, against exact search."""

from __future__ import annotations
