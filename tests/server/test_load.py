"""A short load run: concurrent clients mixing reads and writes, no errors, no lost writes.

The full run (50 clients for 60 s against `engram serve`) is `python -m tests.server.load`;
its figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio

import engram
from tests.server.load import check_writes, run_clients, seed
from tests.server.support import new_key, running_server


def test_concurrent_reads_and_writes_lose_nothing(tmp_path):
    db = engram.open(tmp_path / "db")
    try:
        seed(db, accounts=500)
        with running_server(db) as server:
            keys = [new_key(server.state, "writer") for _ in range(8)]
            report = asyncio.run(run_clients(server.url, keys, seconds=4, accounts=500))
        check_writes(db, report)
    finally:
        db.close()
    assert report.errors == []
    assert report.lost == set()
    assert len(report.acknowledged) > 0
    assert {"typed read", "cypher read", "typed write", "cypher write"} <= set(report.latencies)
