"""Fuse ORDER BY with LIMIT (and SKIP) into Top: a bounded heap instead of a full sort.

Why: `ORDER BY x LIMIT k` needs the k smallest rows, which a heap of size k finds in one
pass with O(n log k) work and O(k) memory.

Before::

    Limit: 10
      Skip: 5
        Sort: p.age DESC

After::

    Top: p.age DESC, limit=10, skip=5
"""

from __future__ import annotations

from typing import ClassVar

from engram.optimizer.rule import ApplyOrder, RuleContext
from engram.planner.operators import Limit, LogicalOp, Skip, Sort, Top

__all__ = ["SortLimitToTop"]


class SortLimitToTop:
    """Limit(Sort) and Limit(Skip(Sort)) become Top."""

    name: ClassVar[str] = "sort_limit_to_top"
    order: ClassVar[ApplyOrder] = ApplyOrder.BOTTOM_UP

    def apply(self, op: LogicalOp, ctx: RuleContext) -> LogicalOp | None:
        """Fuse a Sort directly under a Limit (with an optional Skip between)."""
        match op:
            case Limit(child=Sort(child=inner, items=items), count=count):
                return Top(child=inner, items=items, limit=count)
            case Limit(child=Skip(child=Sort(child=inner, items=items), count=skip), count=count):
                return Top(child=inner, items=items, limit=count, skip=skip)
        return None
