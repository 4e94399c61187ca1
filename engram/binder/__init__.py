"""Bind stage: AST plus catalog to a checked, resolved query (`bind`).

`bind(statement, procedures=..., catalog=None)` resolves every name, infers types and
makes every compile-time check; `check_parameters(bound, supplied)` is the one check left
for execution start (a parameter the query uses but the caller did not supply).
"""

from __future__ import annotations

from engram.binder.binder import bind
from engram.binder.context import Catalog
from engram.binder.parameters import check_parameters

__all__ = ["Catalog", "bind", "check_parameters"]
