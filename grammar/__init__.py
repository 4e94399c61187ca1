"""The grammar of engram's Cypher-like language (Lark files, loaded as package data)."""

from __future__ import annotations
