"""Catalog: names of labels, types and property keys to ids; index and constraint definitions.

Pure data with no storage imports: the storage engine publishes a `Catalog` and a
`Statistics` object with every committed version, and the binder, planner and optimizer
read them.
"""

from __future__ import annotations

from engram.catalog.catalog import Catalog, NameKind, NameTable
from engram.catalog.indexes import PROPERTY_INDEX, IndexDef, IndexState
from engram.catalog.statistics import ANY_LABEL, DegreeStats, IndexStats, Statistics

__all__ = [
    "ANY_LABEL",
    "PROPERTY_INDEX",
    "Catalog",
    "DegreeStats",
    "IndexDef",
    "IndexState",
    "IndexStats",
    "NameKind",
    "NameTable",
    "Statistics",
]
