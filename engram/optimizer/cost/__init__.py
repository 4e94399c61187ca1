"""Cost model: cardinality estimates, operator costs and join enumeration (pure functions)."""

from __future__ import annotations
