"""Execute stage: physical operators over batches, expression compilation, functions."""

from __future__ import annotations
