"""Child process of the public-API crash loop: commit workload transactions until killed.

Usage: ``python -m tests.reliability.crash_writer PATH FIRST [--vectors] [--backups DIR]
[--analyze-every N]``. Prints ``ready`` once open, then the number of every transaction
whose `commit` (or auto-commit `execute`) returned, flushed at once, so the parent knows
exactly which transactions were acknowledged. With ``--vectors``, every third
transaction is followed by a save of the vector indexes. With ``--backups``, every tenth
transaction is followed by an online backup into DIR and a restore of it beside it
(the backup and restore crash points fire there).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import engram
from engram.storage import bulk
from engram.storage.backup import restore_backup
from tests.reliability.crash_workload import apply, create_schema, plan, read_graph, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("first", type=int)
    parser.add_argument("--vectors", action="store_true")
    parser.add_argument("--backups", type=Path)
    parser.add_argument("--analyze-every", type=int, default=0)
    args = parser.parse_args(argv)
    # every bulk commit (the import transactions) goes through table file ingestion
    bulk.INGEST_MIN = 1
    db = engram.open(args.path)
    create_schema(db, vectors=args.vectors)
    graph = read_graph(db)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    number = args.first
    while True:
        transaction = plan(number, graph, vectors=args.vectors)
        run(db, transaction)
        apply(transaction, graph)
        sys.stdout.write(f"{number}\n")
        sys.stdout.flush()
        if args.backups is not None and number % 10 == 0:
            backup = args.backups / f"backup-{number}"
            db.backup(backup)
            restore_backup(str(backup), str(args.backups / f"restored-{number}"))
        if args.analyze_every and number % args.analyze_every == 0:
            db._store.analyze()
        if args.vectors and number % 3 == 0:
            # saves normally wait for 1,024 changes or the close; force them so the
            # vector.save.* crash points are reached
            from engram.index.manager import vector_indexes

            vector_indexes(db._store).save_all()
        number += 1


if __name__ == "__main__":
    raise SystemExit(main())
