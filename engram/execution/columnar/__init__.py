"""Columnar execution: aggregation chains run over numpy columns instead of row tuples."""

from __future__ import annotations

from engram.execution.columnar.aggregate import ColumnarAggregateExec
from engram.execution.columnar.support import Chain, columnar_chain

__all__ = ["Chain", "ColumnarAggregateExec", "columnar_chain"]
