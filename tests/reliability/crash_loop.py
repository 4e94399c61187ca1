"""The public-API crash loop: kill a writer (SIGKILL or a crash point), reopen, compare.

Each cycle starts `tests.reliability.crash_writer` on the same database and stops it
either with SIGKILL after a random delay or at a crash point inside engram
(``ENGRAM_CRASH_POINT``, `engram.faults`). Then the database is reopened through
`engram.open` and checked against the oracle of `tests.reliability.crash_workload`:

- every acknowledged transaction is there, and at most the one in flight beyond them
  (0 lost);
- the graph, markers and schema equal the model after exactly that many transactions
  (0 torn transactions);
- `check_integrity` finds nothing (no dangling relationships, adjacency, label, index or
  unique entries; statistics equal a recount), index seeks agree with the model, and
  every uid is unique;
- with vector indexes, the index holds exactly the stored vectors.

Long runs: ``python -m tests.reliability.crash_loop --cycles 1000`` (random kills) and
``python -m tests.reliability.crash_loop --points all --cycles 20`` (20 crashes at every
crash point).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import engram
from engram.errors import CorruptionError
from engram.faults import CRASH_EXIT_CODE, ENVIRONMENT_VARIABLE, POINTS
from engram.storage.backup import MANIFEST, restore_backup
from engram.storage.verify import check_integrity
from tests.reliability.crash_workload import (
    Graph,
    apply,
    create_schema,
    describe_difference,
    has_vector_indexes,
    plan,
    read_graph,
    same,
)

ROOT = Path(__file__).resolve().parents[2]

#: whether the transaction in flight at a commit crash point must have committed (the
#: operating system keeps what was written when a process dies, synced or not)
IN_FLIGHT_COMMITTED: dict[str, bool] = {
    "commit.before_write": False,
    "commit.after_write": True,
    "commit.after_sync": True,
    # an ingested table file without its commit batch is taken out again at the next open
    "commit.before_ingest": False,
    "commit.after_ingest": False,
}

#: crash points the writer reaches, and the largest hit count a cycle picks for each
REACHABLE: dict[str, int] = {
    "commit.before_write": 40,
    "commit.after_write": 40,
    "commit.after_sync": 40,
    "commit.before_ingest": 3,
    "commit.after_ingest": 3,
    "index.build": 2,
    "analyze.after_write": 3,
    "backup.checkpoint": 2,
    "backup.manifest": 2,
    "restore.copied": 2,
}
#: crash points of vector index saves (reached when the engine has vector indexes)
VECTOR_POINTS: dict[str, int] = {
    "vector.save.files": 3,
    "vector.save.renamed": 3,
    "vector.save.recorded": 3,
}


@dataclass
class CrashReport:
    """What a run of cycles saw."""

    cycles: int = 0
    acknowledged: int = 0
    committed: int = 0
    in_flight_committed: int = 0
    lost: int = 0
    torn: int = 0
    integrity_problems: int = 0
    index_problems: int = 0
    vector_problems: int = 0
    backups_checked: int = 0
    half_backups_refused: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    reopen_seconds: list[float] = field(default_factory=list)

    @property
    def violations(self) -> int:
        return (
            self.lost
            + self.torn
            + self.integrity_problems
            + self.index_problems
            + self.vector_problems
        )

    def summary(self) -> str:
        reopen = sorted(self.reopen_seconds) or [0.0]
        hits = ", ".join(f"{name} {count}" for name, count in sorted(self.hits.items()))
        return (
            f"{self.cycles} cycles, {self.acknowledged} acknowledged and {self.committed} "
            f"committed transactions ({self.in_flight_committed} committed while in flight); "
            f"{self.lost} lost, {self.torn} torn, {self.integrity_problems} integrity, "
            f"{self.index_problems} index and {self.vector_problems} vector problems; "
            f"{self.backups_checked} backups restored and checked, "
            f"{self.half_backups_refused} half-made backups refused; reopen median "
            f"{statistics.median(reopen) * 1e3:.0f} ms, max {reopen[-1] * 1e3:.0f} ms"
            + (f"; crash points hit: {hits}" if hits else "")
        )


@dataclass
class Oracle:
    """The model of the committed state, and the committed transaction numbers."""

    graph: Graph = field(default_factory=Graph)
    last: int = 0


def _writer_command(path: Path, first: int, vectors: bool, backups: Path | None) -> list[str]:
    command = [sys.executable, "-m", "tests.reliability.crash_writer", str(path), str(first)]
    if vectors:
        command.append("--vectors")
    if backups is not None:
        command += ["--backups", str(backups)]
    command += ["--analyze-every", "7"]
    return command


def run_writer(
    path: Path,
    first: int,
    rng: random.Random,
    *,
    point: str | None,
    vectors: bool,
    backups: Path | None,
) -> tuple[list[int], bool]:
    """Run one writer until it is killed or stops at `point`.

    Returns the acknowledged transaction numbers and whether the crash point fired.
    """
    environment = dict(os.environ)
    environment.pop(ENVIRONMENT_VARIABLE, None)
    if point is not None:
        highest = REACHABLE.get(point) or VECTOR_POINTS[point]
        environment[ENVIRONMENT_VARIABLE] = f"{point}:{rng.randint(1, highest)}"
    with subprocess.Popen(
        _writer_command(path, first, vectors, backups),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment,
    ) as writer:
        assert writer.stdout is not None
        assert writer.stderr is not None
        ready = writer.stdout.readline().strip()
        if ready != "ready":
            writer.kill()
            writer.wait()
            raise AssertionError(f"the writer did not start: {ready}{writer.stderr.read()}")
        if point is None:
            time.sleep(rng.uniform(0.02, 0.8))
            os.kill(writer.pid, signal.SIGKILL)
        try:
            writer.wait(timeout=300)
        except subprocess.TimeoutExpired:
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            raise AssertionError(f"the writer never reached crash point {point}") from None
        out = writer.stdout.read()
        err = writer.stderr.read()
    expected = -signal.SIGKILL if point is None else CRASH_EXIT_CODE
    assert writer.returncode == expected, f"the writer failed ({writer.returncode}):\n{err}"
    return [int(line) for line in out.split()], point is not None


def _index_problems(db: engram.Database, graph: Graph) -> int:
    problems = 0
    for label, wanted in (("A", True), ("B", graph.toggled_index)):
        if not wanted:
            continue
        for value in range(10):
            found = sorted(
                row[0]
                for row in db.execute(
                    f"MATCH (n:{label}) WHERE n.v = $v RETURN n.uid", v=value
                ).rows()
            )
            expected = sorted(
                uid
                for uid, (labels, props) in graph.nodes.items()
                if label in labels and props.get("v") == value
            )
            problems += found != expected
    return problems


def _vector_problems(db: engram.Database, graph: Graph) -> int:
    from tests.reliability.vector_checks import vector_index_problems

    return len(vector_index_problems(db, graph))


def verify(path: Path, oracle: Oracle, last: int, report: CrashReport, vectors: bool) -> bool:
    """Reopen and check the database; advances the oracle to what it holds.

    Returns whether the transaction in flight at the crash had committed.
    """
    started = time.perf_counter()
    db = engram.open(path)
    report.reopen_seconds.append(time.perf_counter() - started)
    try:
        found = read_graph(db)
        in_flight = False
        if not same(found, oracle.graph):
            ahead = oracle.graph.copy()
            apply(plan(last + 1, oracle.graph, vectors=vectors), ahead)
            if same(found, ahead):
                oracle.graph = ahead
                last += 1
                in_flight = True
                report.in_flight_committed += 1
            else:
                if found.markers >= oracle.graph.markers:
                    report.torn += 1
                else:
                    report.lost += 1
                raise AssertionError(
                    f"after transaction {last}: {describe_difference(found, oracle.graph)}"
                )
        oracle.last = last
        with db.begin_read() as view:
            problems = check_integrity(view)
        report.integrity_problems += len(problems)
        assert problems == [], problems
        report.index_problems += _index_problems(db, oracle.graph)
        if vectors:
            report.vector_problems += _vector_problems(db, oracle.graph)
        assert report.violations == 0, report.summary()
    finally:
        db.close()
    return in_flight


def check_backups(backups: Path, report: CrashReport) -> None:
    """Every complete backup restores to a sound database; half-made ones are refused."""
    if not backups.is_dir():
        return
    for backup in sorted(backups.glob("backup-*")):
        restored = backups / f"check-{backup.name}"
        if not (backup / MANIFEST).exists():
            try:
                restore_backup(str(backup), str(restored))
            except CorruptionError:
                report.half_backups_refused += 1
            else:
                raise AssertionError(f"a backup without a manifest was restored: {backup}")
        else:
            restore_backup(str(backup), str(restored))
            with engram.open(restored) as db, db.begin_read() as view:
                problems = check_integrity(view)
                report.integrity_problems += len(problems)
                assert problems == [], problems
                markers = [row[0] for row in db.execute("MATCH (m:Marker) RETURN m.tx").rows()]
                assert len(markers) == len(set(markers))
            report.backups_checked += 1
        shutil.rmtree(restored, ignore_errors=True)
    shutil.rmtree(backups, ignore_errors=True)


def run_cycles(
    path: Path,
    cycles: int,
    seed: int,
    *,
    points: tuple[str, ...] = (),
    vectors: bool | None = None,
    progress: bool = False,
) -> CrashReport:
    """`cycles` kill-and-check cycles; with `points`, each cycle stops at one of them in turn."""
    rng = random.Random(seed)
    report = CrashReport()
    oracle = Oracle()
    use_vectors = has_vector_indexes() if vectors is None else vectors
    with engram.open(path) as db:  # the writers' schema, made before any crash point is armed
        create_schema(db, vectors=use_vectors)
    for cycle in range(cycles):
        point = points[cycle % len(points)] if points else None
        backups = (
            path.parent / "backups" if point and point.startswith(("backup", "restore")) else None
        )
        acknowledged, fired = run_writer(
            path, oracle.last + 1, rng, point=point, vectors=use_vectors, backups=backups
        )
        if point is not None and fired:
            report.hits[point] += 1
        if acknowledged:
            assert acknowledged == list(range(oracle.last + 1, acknowledged[-1] + 1))
        for number in acknowledged:
            apply(plan(number, oracle.graph, vectors=use_vectors), oracle.graph)
        report.acknowledged += len(acknowledged)
        last = acknowledged[-1] if acknowledged else oracle.last
        in_flight = verify(path, oracle, last, report, use_vectors)
        wanted = IN_FLIGHT_COMMITTED.get(point or "")
        if wanted is not None and in_flight != wanted:
            transaction = plan(last + 1, oracle.graph, vectors=use_vectors)
            if transaction.mode != "abort":  # an aborted transaction never reaches commit
                report.lost += wanted
                report.torn += not wanted
                raise AssertionError(f"crash at {point}: in-flight commit present: {in_flight}")
        if backups is not None:
            check_backups(backups, report)
        report.cycles += 1
        if progress and report.cycles % 10 == 0:
            print(f"cycle {report.cycles}: {report.summary()}", flush=True)
    report.committed = oracle.last
    return report


def main(argv: list[str] | None = None) -> int:
    """Run cycles and print the figures; exit status 1 on any violation."""
    parser = argparse.ArgumentParser(description="public-API crash loop")
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--points", default="", help="'all' or comma-separated crash points (default: SIGKILL)"
    )
    parser.add_argument("--path", type=Path, help="work directory (default: a temporary one)")
    args = parser.parse_args(argv)
    points: tuple[str, ...] = ()
    if args.points == "all":
        points = tuple(REACHABLE) + (tuple(VECTOR_POINTS) if has_vector_indexes() else ())
    elif args.points:
        points = tuple(args.points.split(","))
        unknown = [point for point in points if point not in POINTS]
        if unknown:
            parser.error(f"unknown crash points: {unknown}")
    work = args.path or Path(tempfile.mkdtemp(prefix="engram-crash-", dir="/var/tmp"))
    work.mkdir(parents=True, exist_ok=True)
    cycles = args.cycles * (len(points) if points else 1)
    started = time.perf_counter()
    try:
        report = run_cycles(work / "db", cycles, args.seed, points=points, progress=True)
    finally:
        if args.path is None:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\n{report.summary()}\n{time.perf_counter() - started:.0f} s")
    return 1 if report.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
