"""Plan stage: bound query to a logical plan (`plan`)."""

from __future__ import annotations
