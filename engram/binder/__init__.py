"""Bind stage: AST plus catalog to a checked, resolved query (`bind`)."""

from __future__ import annotations
