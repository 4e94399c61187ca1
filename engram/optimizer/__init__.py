"""Optimize stage: rewrite rules and cost-based choices over logical plans."""

from __future__ import annotations
