"""Physical operators, one family per module."""

from __future__ import annotations
