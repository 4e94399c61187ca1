"""Optimizer rules, one per module; the ordered list is `engram.optimizer.RULES`."""

from __future__ import annotations
