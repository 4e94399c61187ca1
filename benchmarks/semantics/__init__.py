"""Micro-benchmarks of value semantics and the function library (per-row costs)."""

from __future__ import annotations
