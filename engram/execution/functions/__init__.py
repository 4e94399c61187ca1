"""Scalar and aggregate function implementations."""

from __future__ import annotations
