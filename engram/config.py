"""Process-wide switches, read once from the environment when engram is imported.

`ENGRAM_CACHES=off` turns off every cache that only exists for speed: the plan cache and
the derived read structures of committed versions (label member arrays and bitmaps,
property columns, CSR adjacency). Results must not change; the TCK and the `.test`
suite are run both ways (docs/testing.md).
"""

from __future__ import annotations

import os
from typing import Final

__all__ = ["CACHES"]

CACHES: Final[bool] = os.environ.get("ENGRAM_CACHES", "on").strip().lower() not in (
    "off",
    "0",
    "false",
    "no",
)
