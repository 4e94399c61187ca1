"""The seeded LDBC-SNB-like social graph: generation, CSV files and the on-disk cache."""

from __future__ import annotations
