"""The interactive engram shell (prompt-toolkit) and the one-shot `engram query`."""

from __future__ import annotations
