"""W1 by itself: a durable single-node CREATE next to the disk's bare fdatasync latency.

`python -m benchmarks.durable_create [--runs 300] [--dir PATH]` alternates, call by call,
a 52-byte `pwrite` + `fdatasync` on a scratch file (the floor any synced commit pays on
this disk at this moment) and `db.execute("CREATE (:Person {...})")` on a database opened
with synced commits, and prints both medians and p99s. The disk is shared on most
machines, so the floor is what makes a W1 figure readable.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import engram
from benchmarks.runner.measure import summarize

__all__ = ["main"]

_CREATE = "CREATE (:Person {id: $id, firstName: 'a', lastName: 'b', age: 30, cityId: 1})"


def _summary(name: str, seconds: list[float]) -> str:
    figures = summarize(seconds)
    assert figures is not None
    return f"{name}: median {figures['median'] * 1000:.3f} ms, p99 {figures['p99'] * 1000:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    """Print the fdatasync floor and the durable CREATE latency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--dir", type=Path, default=None, help="on the disk to measure")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="engram-w1-", dir=args.dir) as workdir:
        scratch = os.open(Path(workdir) / "probe", os.O_RDWR | os.O_CREAT)
        db = engram.open(str(Path(workdir) / "db"))  # synced commits, the default
        db.execute("CREATE INDEX person_id FOR (p:Person) ON (p.id)")
        floor: list[float] = []
        creates: list[float] = []
        cpu: list[float] = []
        try:
            for i in range(args.runs):
                started = time.perf_counter()
                os.pwrite(scratch, b"x" * 52, i * 52)
                os.fdatasync(scratch)
                floor.append(time.perf_counter() - started)
                started, cpu_started = time.perf_counter(), time.process_time()
                db.execute(_CREATE, id=i)
                creates.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
        finally:
            db.close()
            os.close(scratch)
    print(_summary("bare fdatasync of 52 bytes", floor))
    print(_summary("durable CREATE (wall)", creates))
    print(_summary("durable CREATE (CPU)", cpu))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
