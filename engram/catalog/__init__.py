"""Catalog: names of labels, types and property keys to ids; index and constraint definitions."""

from __future__ import annotations
