"""Micro-benchmarks of engram's pipeline stages, run where those stages exist."""

from __future__ import annotations
