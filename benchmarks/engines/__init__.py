"""The engines under test, one module each, behind the `Engine` protocol of `base`."""

from __future__ import annotations
