"""Corruption: flipped bytes in RocksDB's files and in the meta record never give wrong answers.

A database is written, closed (or left as a crashed process leaves it, with its data only
in the write-ahead log), then one byte of one file is flipped. Reopening and reading
everything back must either raise `CorruptionError` or return exactly the data written:
RocksDB's block, WAL-record and MANIFEST checksums catch the damage, and engram turns
RocksDB's "Corruption" status into `CorruptionError`, at open and on any later read.
A write-ahead log cut short (a torn tail after a power cut) is not damage: the database
opens with a prefix of its transactions.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import engram
from engram.errors import CorruptionError
from engram.storage.commit import STATE_KEY
from tests.reliability.crash_loop import ROOT

BATCHES = 40
PER_BATCH = 25
SEEDS = range(12)

_WRITER = """
import os, sys, engram
db = engram.open(sys.argv[1])
db.execute("CREATE INDEX p_id FOR (n:P) ON (n.id)")
for b in range({batches}):
    db.execute(
        "UNWIND range(1, {per}) AS j CREATE (:P {{id: $b * 1000 + j, name: 'p' + toString(j)}})",
        b=b,
    )
    print(b, flush=True)
if sys.argv[2] == "close":
    db._store._kv.flush()
    db.close()
else:
    os._exit(0)  # as a crash leaves it: the data only in the write-ahead log
"""


def _expected(batches: int) -> list[tuple[int, str]]:
    return [(b * 1000 + j, f"p{j}") for b in range(batches) for j in range(1, PER_BATCH + 1)]


def _build(path: Path, how: str) -> None:
    script = _WRITER.format(batches=BATCHES, per=PER_BATCH)
    subprocess.run(
        [sys.executable, "-c", script, str(path), how], check=True, cwd=ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def closed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("closed") / "db"
    _build(path, "close")
    return path


@pytest.fixture(scope="module")
def crashed_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crashed") / "db"
    _build(path, "crash")
    return path


def _read_all(path: Path) -> tuple[list[tuple[int, str]], list[int]]:
    with engram.open(path) as db:
        rows = db.execute("MATCH (n:P) RETURN n.id, n.name ORDER BY n.id").rows()
        seeks = [
            db.execute("MATCH (n:P) WHERE n.id = $id RETURN count(n)", id=key).scalar()
            for key in (1, 17_005, 39_025)
        ]
    return [tuple(row) for row in rows], seeks  # type: ignore[misc]


def _flip(path: Path, rng: random.Random, *, skip_header: int = 0) -> int:
    data = bytearray(path.read_bytes())
    position = rng.randrange(min(skip_header, len(data) - 1), len(data))
    data[position] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return position


def _damaged_copy(source: Path, target: Path, pattern: str, seed: int) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("LOCK", "engram.lock"))
    files = sorted(target.glob(pattern), key=lambda file: file.stat().st_size)
    assert files, f"no {pattern} file in {sorted(p.name for p in target.iterdir())}"
    _flip(files[-1], random.Random(seed))
    return target


def _outcome(path: Path, batches: int) -> str:
    """'refused' (CorruptionError) or 'intact'; wrong answers fail the test."""
    try:
        rows, seeks = _read_all(path)
    except CorruptionError as error:
        return "refused" if "damaged" in str(error) else f"unclear message: {error}"
    assert rows == _expected(batches), "a damaged database served wrong rows"
    assert seeks == [1, 1, 1], "a damaged index served wrong answers"
    return "intact"


@pytest.mark.parametrize("pattern", ["*.sst", "MANIFEST-*"])
def test_flipped_bytes_in_closed_database(closed_db: Path, tmp_path: Path, pattern: str):
    outcomes = [
        _outcome(_damaged_copy(closed_db, tmp_path / f"copy{seed}", pattern, seed), BATCHES)
        for seed in SEEDS
    ]
    # most flips land in checksummed bytes; the rest change nothing that is read
    assert set(outcomes) <= {"refused", "intact"}, outcomes
    assert outcomes.count("refused") >= len(SEEDS) // 3, outcomes


def test_flipped_bytes_in_write_ahead_log(crashed_db: Path, tmp_path: Path):
    assert list(crashed_db.glob("*.sst")) == []  # everything is in the log
    outcomes = [
        _outcome(_damaged_copy(crashed_db, tmp_path / f"copy{seed}", "*.log", seed), BATCHES)
        for seed in SEEDS
    ]
    # a damaged record in the log is refused, never skipped (skipping it would silently
    # drop the acknowledged transactions after it)
    assert set(outcomes) <= {"refused", "intact"}, outcomes
    assert outcomes.count("refused") >= len(SEEDS) - 1, outcomes


def test_torn_log_tail_opens_with_a_prefix(crashed_db: Path, tmp_path: Path):
    rng = random.Random(5)
    for attempt in range(6):
        copy = tmp_path / f"copy{attempt}"
        shutil.copytree(crashed_db, copy, ignore=shutil.ignore_patterns("LOCK", "engram.lock"))
        (log,) = copy.glob("*.log")
        data = log.read_bytes()
        log.write_bytes(data[: rng.randrange(len(data) // 2, len(data))])
        rows, _ = _read_all(copy)
        kept = len(rows) // PER_BATCH
        assert rows == _expected(kept), "a torn log left a partial transaction"
        assert kept < BATCHES


def test_damaged_meta_record_is_refused(closed_db: Path, tmp_path: Path):
    copy = tmp_path / "copy"
    shutil.copytree(closed_db, copy, ignore=shutil.ignore_patterns("LOCK", "engram.lock"))
    with engram.open(copy) as db:
        kv = db._store._kv
        state = kv.get(STATE_KEY)
        assert state is not None
        batch = kv.new_batch()
        batch.put(STATE_KEY, state[:-3])
        kv.write(batch, sync=True)
    with pytest.raises(CorruptionError, match="state record"):
        engram.open(copy)
