"""Plans drawn as trees (repl/plans.py), from hand-made depths and from the real engine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import engram
from engram.repl.plans import render_plan, tree_prefixes
from engram.repl.render import Display

_TREES = st.recursive(st.just([]), lambda children: st.lists(children, max_size=3), max_leaves=12)


def _depths(tree: list, depth: int = 0) -> list[int]:
    out = [depth]
    for child in tree:
        out += _depths(child, depth + 1)
    return out


@settings(deadline=None)
@given(_TREES)
def test_every_child_hangs_under_its_parent(tree):
    depths = _depths(tree)
    prefixes = tree_prefixes(depths)
    assert prefixes[0] == ""
    for index, (depth, prefix) in enumerate(zip(depths, prefixes, strict=True)):
        if index == 0:
            continue
        assert len(prefix) == 3 * depth
        is_last = all(later > depth for later in depths[index + 1 : _next_shallower(depths, index)])
        assert prefix.endswith("└─ " if is_last else "├─ ")


def _next_shallower(depths: list[int], index: int) -> int:
    for later in range(index + 1, len(depths)):
        if depths[later] < depths[index]:
            return later
    return len(depths)


def test_ascii_drawing():
    assert tree_prefixes([0, 1, 2, 1], unicode=False) == ["", "|- ", "|  `- ", "`- "]


def test_profiled_plan_has_estimates_actuals_and_notes():
    with engram.open() as db:
        db.execute("UNWIND range(1, 20) AS i CREATE (:Item {i: i})")
        plan = db.explain("MATCH (n:Nothing) RETURN n")
        text = render_plan(plan, Display(width=100))
        assert text.split("\n")[-1] == "note: label ':Nothing' does not exist in the graph"
        result = db.profile("MATCH (n:Item) WHERE n.i > 15 RETURN n.i ORDER BY n.i")
        assert [row[0] for row in result] == [16, 17, 18, 19, 20]
        text = render_plan(result.plan, Display(width=100), timings=False)
    lines = text.split("\n")
    assert [cell.strip() for cell in lines[1].split("│")[1:-1]] == [
        "Operator",
        "Est. rows",
        "Rows",
        "Reads",
    ]
    scan = next(line for line in lines if "LabelScan" in line)
    assert [cell.strip() for cell in scan.split("│")[2:-1]] == ["20", "20", "0"]
