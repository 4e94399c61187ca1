"""Tiny hand-written graphs (Cypher scripts) that `.test` files load with `load <name>`."""

from __future__ import annotations
