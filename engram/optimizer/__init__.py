"""Optimize stage: rewrite rules and cost-based choices over logical plans.

`RULES` is the only list of rules; its order matters and each entry says why.
"""

from __future__ import annotations

from engram.optimizer.rule import ApplyOrder, Rule, RuleContext, run_rules
from engram.optimizer.rules.columnar_aggregate import ColumnarAggregate
from engram.optimizer.rules.distinct_reachability import DistinctReachability
from engram.optimizer.rules.fold_constants import FoldConstants
from engram.optimizer.rules.merge_filters import MergeFilters
from engram.optimizer.rules.plan_patterns import PlanPatterns
from engram.optimizer.rules.simplify_predicates import SimplifyPredicates
from engram.optimizer.rules.sort_limit_to_top import SortLimitToTop
from engram.optimizer.rules.use_vector_index import UseVectorIndex
from engram.planner.operators import LogicalOp

__all__ = ["RULES", "ApplyOrder", "Rule", "RuleContext", "optimize"]

RULES: tuple[Rule, ...] = (
    # first: folded literals are what index selection and pattern costing can read
    FoldConstants(),
    # after fold_constants (which turns constant sub-expressions into literals): drops TRUE
    # conjuncts before plan_patterns places predicates
    SimplifyPredicates(),
    # after fold_constants: chooses scans, seeks and expand order from statistics
    PlanPatterns(),
    # after plan_patterns, which emits one Filter per step
    MergeFilters(),
    # after merge_filters (one Filter between the aggregate and the expansion)
    DistinctReachability(),
    # after plan_patterns, merge_filters and distinct_reachability: reads the final
    # shape of the chain (a reachability expansion runs on columns too)
    ColumnarAggregate(),
    # independent of the others; last so EXPLAIN shows the fused operator
    SortLimitToTop(),
    # after plan_patterns (an index seek becomes the search's candidates), merge_filters
    # (one predicate list) and sort_limit_to_top (it matches the fused Top)
    UseVectorIndex(),
)


def optimize(plan: LogicalOp, ctx: RuleContext) -> LogicalOp:
    """Apply `RULES` to `plan` (rules named in `ctx.disabled` are skipped)."""
    return run_rules(plan, RULES, ctx)
