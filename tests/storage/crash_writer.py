"""Child process of the crash test: commit workload transactions until killed.

Usage: ``python -m tests.storage.crash_writer PATH FIRST_TRANSACTION``. Prints ``ready``
once open, then the number of every transaction whose commit returned (flushed at once,
so the parent knows exactly which commits were acknowledged).
"""

from __future__ import annotations

import sys

import engram
from tests.storage.crash_model import apply, create_schema, execute, plan, read_model


def main(argv: list[str]) -> int:
    path, first = argv[1], int(argv[2])
    db = engram.open(path)
    with db.begin_read() as tx:
        model = read_model(tx)
        needs_schema = tx.catalog.index("a_v") is None
    if needs_schema:
        with db.transaction() as tx:
            create_schema(tx.storage)
    counters = db._store.counters
    model.next_node, model.next_rel = counters.next_node, counters.next_rel
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    number = first
    while True:
        ops = plan(number, model)
        with db.transaction() as tx:
            execute(ops, tx.storage, model)
        apply(ops, model)
        sys.stdout.write(f"{number}\n")
        sys.stdout.flush()
        number += 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
