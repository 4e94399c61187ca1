"""Query plans drawn as trees, with estimated rows and, when profiled, actual rows and time.

The operator column is the plan's tree (children under their parent with ``├─`` and
``└─``; plans run once per input row, under OPTIONAL MATCH, MERGE or a subquery, hang
from dashed branches ``├╌``); the number columns line up to the right of it. The same drawing serves
`:explain`, `:profile` and statements that start with EXPLAIN or PROFILE.
"""

from __future__ import annotations

from collections.abc import Sequence

from engram import Plan
from engram.planner.explain import PlanLine
from engram.repl.render import Display, time_text
from engram.repl.table import Cell, TableStyle, draw_table

__all__ = ["render_plan", "tree_prefixes"]


def tree_prefixes(depths: Sequence[int], *, unicode: bool = True) -> list[str]:
    """The tree drawing in front of each operator, given each line's depth (pre-order).

    A line two levels deeper than its parent starts a nested plan (run once per input
    row, as under OPTIONAL MATCH or MERGE); its branch is drawn dashed.

    >>> tree_prefixes([0, 1, 2, 1, 2])
    ['', '├─ ', '│  └─ ', '└─ ', '   └─ ']
    >>> tree_prefixes([0, 2, 3, 1])
    ['', '├╌ ', '│  └─ ', '└─ ']
    """
    parents = _parents(depths)
    last_child = {parent: index for index, parent in enumerate(parents) if parent is not None}
    has_next = [
        parent is not None and last_child[parent] != index for index, parent in enumerate(parents)
    ]
    solid, dashed, bars = (
        (("├─ ", "└─ "), ("├╌ ", "└╌ "), ("│  ", "   "))
        if unicode
        else (("|- ", "`- "), ("|~ ", "`~ "), ("|  ", "   "))
    )
    prefixes = []
    for index, parent in enumerate(parents):
        if parent is None:
            prefixes.append("")
            continue
        ancestors = []
        node, up = parent, parents[parent]
        while up is not None:
            ancestors.append(bars[0] if has_next[node] else bars[1])
            node, up = up, parents[up]
        nested = depths[index] - depths[parent] >= 2
        tee, elbow = dashed if nested else solid
        prefixes.append("".join(reversed(ancestors)) + (tee if has_next[index] else elbow))
    return prefixes


def _parents(depths: Sequence[int]) -> list[int | None]:
    """For each line, the index of the nearest earlier line that is shallower."""
    parents: list[int | None] = []
    stack: list[int] = []
    for index, depth in enumerate(depths):
        while stack and depths[stack[-1]] >= depth:
            stack.pop()
        parents.append(stack[-1] if stack else None)
        stack.append(index)
    return parents


def _estimate_text(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 10:
        return f"{value:,.0f}"
    return f"{value:.2g}"


def _operator_text(prefix: str, line: PlanLine) -> str:
    return f"{prefix}{line.operator}" + (f" {line.details}" if line.details else "")


def render_plan(plan: Plan, display: Display, *, timings: bool = True) -> str:
    """The plan as a tree table, then its notes (one ``note:`` line each).

    Args:
        plan: the plan (`db.explain`, or `result.plan` of a profiled query).
        display: width, colour and box characters.
        timings: show the time column of a profiled plan (off for stable output).
    """
    lines = list(plan.lines)
    prefixes = tree_prefixes([line.depth for line in lines], unicode=display.unicode)
    header = ["Operator", "Est. rows"]
    if plan.profiled:
        header += ["Rows", "Reads"] + (["Time"] if timings else [])
    rows: list[list[Cell]] = []
    for prefix, line in zip(prefixes, lines, strict=True):
        row = [Cell(_operator_text(prefix, line)), Cell(_estimate_text(line.estimated_rows), True)]
        if plan.profiled:
            row.append(Cell("" if line.rows is None else f"{line.rows:,}", True))
            row.append(Cell("" if line.reads is None else f"{line.reads:,}", True))
            if timings:
                time = "" if line.time_ms is None else time_text(line.time_ms / 1000)
                row.append(Cell(time, True))
        rows.append(row)
    style = TableStyle(unicode=display.unicode, color=display.color)
    text = draw_table(header, rows, display.width, style)
    notes = [f"note: {note}" for note in plan.notes]
    return "\n".join([text, *notes])
