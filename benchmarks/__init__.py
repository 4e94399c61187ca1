"""engram's benchmark harness: data generation, side-by-side runs with other engines, reports."""

from __future__ import annotations
