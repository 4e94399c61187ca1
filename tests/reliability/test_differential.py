"""Differential testing against Kùzu: a short run in the suite (the long run is by hand).

``python -m tests.reliability.differential --queries 100000`` runs the long version; see
docs/reliability.md for its figures and the dialect differences the generator avoids.
"""

from __future__ import annotations

import kuzu

from tests.reliability.differential import _run_kuzu, compare_graph, run
from tests.reliability.querygen import QueryGen, canonical


def test_short_differential_run():
    report = run(600, seed=20_000)
    assert report.queries == 600
    assert report.rows > 0
    assert report.differences == [], "\n".join(report.differences[:10])


def test_a_difference_is_reported():
    # the comparison itself can fail: Kùzu's x CONTAINS '' is false, Cypher's is true
    connection = kuzu.Connection(kuzu.Database(":memory:"))
    theirs = canonical(_run_kuzu(connection, "RETURN 'a' CONTAINS ''"), ordered=False)
    assert theirs == [(False,)]
    report = compare_graph(3, 5)
    assert report.queries == 5


def test_generator_is_reproducible():
    import random

    first = [QueryGen(random.Random(7)).query().text for _ in range(3)]
    again = [QueryGen(random.Random(7)).query().text for _ in range(3)]
    assert first == again
