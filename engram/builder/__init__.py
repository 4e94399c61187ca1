"""Fluent, immutable Python query builder that builds the parser's AST."""

from __future__ import annotations
