"""Fuse `Filter(Filter(x, p), q)` into `Filter(x, p + q)`.

Why: one filter per segment evaluates its predicates in one pass over each batch and
gives later rules a single conjunct list to reason about.

Before::

    Filter: b.age > 30
      Filter: a.name = 'Ada'

After::

    Filter: a.name = 'Ada' AND b.age > 30
"""

from __future__ import annotations

from typing import ClassVar

from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.planner.operators import Filter, LogicalOp

__all__ = ["MergeFilters"]


class MergeFilters:
    """Filter over Filter becomes one Filter."""

    name: ClassVar[str] = "merge_filters"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Merge directly nested filters."""
        match op:
            case Filter(child=Filter(child=inner, predicates=lower), predicates=upper):
                return Filter(child=inner, predicates=lower + upper)
        return None
