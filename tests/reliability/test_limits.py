"""Limits: a runaway variable-length query stops at its timeout and the database lives on.

The precise figures (overshoot past the timeout, point-read latency beside the runaway
query) come from ``python -m tests.reliability.limits``; here the bound is loose so a
loaded machine cannot fail the suite.
"""

from __future__ import annotations

import engram
from tests.reliability.limits import POINT, complete_graph, run_runaway


def test_runaway_variable_length_query_is_stopped_and_the_database_serves_on():
    # the limits benchmark found that a Project checked the deadline once per batch of
    # 1,024 rows: building 1,024 long paths ran 1.4 s past a 0.5 s timeout
    with engram.open() as db:
        complete_graph(db, nodes=16)
        stopped = run_runaway(db, timeout=0.3)
        assert 0.3 <= stopped < 0.3 + 5.0
        assert db.execute(POINT, id=1, other=2).rows() == [(1,)]
        assert db.execute("MATCH (v:V) RETURN count(v)").scalar() == 16
