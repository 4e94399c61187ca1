"""Indexes derived from the store: HNSW vector indexes (hnswlib) and their persistence."""

from __future__ import annotations
