"""Parse stage: query text to an AST (`parse`); the only entry into this stage."""

from __future__ import annotations
