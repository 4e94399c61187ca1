"""Vector index files: reopen without rebuilding, feed replay, damage, crashes, backups."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import engram
from engram.index.persistence import DERIVED_DIR
from engram.storage import keys as layout
from tests.vector.support import exact_ids, index_matches_data, load, manager, vectors

ROOT = Path(__file__).resolve().parents[2]


def files(path: Path) -> list[str]:
    derived = path / DERIVED_DIR
    return sorted(p.name for p in derived.iterdir()) if derived.is_dir() else []


TOP = (
    "MATCH (d:Doc) WHERE d.emb IS NOT NULL RETURN d.id "
    "ORDER BY vector.similarity.cosine(d.emb, $q) DESC LIMIT $k"
)


def ids(db, query, k=5):
    return [row[0] for row in db.execute(TOP, q=query.tolist(), k=k).rows()]


def test_reopen_loads_the_saved_files(tmp_path):
    matrix = vectors(500, 8)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
        expected = [ids(db, row) for row in matrix[:10]]
    saved = files(tmp_path / "db")
    assert [name.rsplit(".", 1)[1] for name in saved] == ["hnsw", "slots"]
    with engram.open(tmp_path / "db") as db:
        assert files(tmp_path / "db") == saved  # loaded, not rebuilt
        assert [ids(db, row) for row in matrix[:10]] == expected
        index_matches_data(db)


def test_commits_after_the_last_save_are_replayed(tmp_path):
    matrix = vectors(300, 8, seed=1)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
    script = f"""
import os, engram
db = engram.open({str(tmp_path / "db")!r})
db.execute("MATCH (d:Doc) WHERE d.id < 10 SET d.emb = [1.0, 0, 0, 0, 0, 0, 0, 0]")
db.execute("MATCH (d:Doc) WHERE 10 <= d.id < 20 DETACH DELETE d")
db.execute("CREATE (:Doc {{id: 999, emb: [0, 1.0, 0, 0, 0, 0, 0, 0]}})")
db.execute("MATCH (d:Doc) WHERE 20 <= d.id < 25 REMOVE d.emb")
os._exit(0)  # no close: nothing saved since the index was built
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=ROOT, timeout=120)
    with engram.open(tmp_path / "db") as db:
        index_matches_data(db)
        one_hot = np.eye(8, dtype=np.float32)
        assert ids(db, one_hot[1], 1) == [999]
        assert sorted(ids(db, one_hot[0], 10)) == list(range(10))
        assert db.execute("CALL db.indexes() YIELD size RETURN size").scalar() == 300 - 10 + 1 - 5


def test_damaged_or_missing_files_are_rebuilt_from_the_data(tmp_path):
    matrix = vectors(200, 8, seed=2)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
        expected = exact_ids(db, matrix[4], 5)
    derived = tmp_path / "db" / DERIVED_DIR
    hnsw = next(derived.glob("*.hnsw"))
    data = bytearray(hnsw.read_bytes())
    data[len(data) // 2] ^= 0xFF
    hnsw.write_bytes(bytes(data))
    with engram.open(tmp_path / "db") as db:
        assert ids(db, matrix[4]) == expected
        index_matches_data(db)
    for path in derived.iterdir():
        path.unlink()
    derived.rmdir()
    with engram.open(tmp_path / "db") as db:
        assert ids(db, matrix[4]) == expected
    assert len(files(tmp_path / "db")) == 2


def test_dropping_the_index_removes_its_files_and_records(tmp_path):
    with engram.open(tmp_path / "db") as db:
        load(db, vectors(50, 8))
        db.execute("DROP INDEX doc_emb")
        with db.begin_read() as view:
            low, high = layout.family_range(layout.DERIVED)
            assert view.store.scan_derived(low, high) == []
    assert files(tmp_path / "db") == []


def test_backups_carry_the_index_files(tmp_path):
    matrix = vectors(200, 8, seed=4)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
        expected = ids(db, matrix[7])
        db.backup(tmp_path / "backup")
    assert len(files(tmp_path / "backup")) == 2
    from engram.storage.backup import restore_backup

    restore_backup(str(tmp_path / "backup"), str(tmp_path / "restored"))
    restored = files(tmp_path / "restored")
    with engram.open(tmp_path / "restored") as db:
        assert files(tmp_path / "restored") == restored  # loaded, not rebuilt
        assert ids(db, matrix[7]) == expected
        index_matches_data(db)


def test_a_read_only_follower_catches_up_with_the_writer(tmp_path):
    matrix = vectors(100, 8, seed=5)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
        with engram.open(tmp_path / "db", read_only=True) as follower:
            assert ids(follower, matrix[3], 1) == [3]
            db.execute("CREATE (:Doc {id: 500, emb: $e})", e=(matrix[3] * 2).tolist())
            db.execute("MATCH (d:Doc {id: 3}) DELETE d")
            assert ids(follower, matrix[3], 1) == [500]
            index_matches_data(follower)


WRITER = """
import sys, numpy as np, engram
from engram.index.manager import vector_indexes
path = sys.argv[1]
db = engram.open(path)
with db.begin_read() as view:
    indexes = vector_indexes(view.store)
rng = np.random.default_rng(int(sys.argv[2]))
print("ready", flush=True)
step = 0
while True:
    step += 1
    rows = [{"id": int(i), "emb": rng.normal(size=8).astype(np.float32).tolist()}
            for i in rng.integers(0, 400, 20)]
    db.execute("UNWIND $rows AS r MATCH (d:Doc {id: r.id}) SET d.emb = r.emb", rows=rows)
    db.execute("MATCH (d:Doc {id: $i}) DETACH DELETE d", i=int(rng.integers(0, 400)))
    db.execute("CREATE (:Doc {id: $i, emb: $e})", i=1000 + step,
               e=rng.normal(size=8).astype(np.float32).tolist())
    indexes.save_all()
"""


@pytest.mark.parametrize("seed", range(6))
def test_killing_the_process_while_it_saves_leaves_a_usable_index(tmp_path, seed):
    with engram.open(tmp_path / "db") as db:
        load(db, vectors(400, 8, seed=seed))
        db.execute("CREATE INDEX doc_id FOR (d:Doc) ON (d.id)")
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "db"), str(seed)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            assert process.stdout is not None
            assert process.stdout.readline().strip() == "ready"
            time.sleep(random.Random(seed).uniform(0.05, 1.5))
        finally:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()
    with engram.open(tmp_path / "db") as db:
        index_matches_data(db)
        # HNSW is approximate: after many deletes its graph keeps deleted elements, and
        # a search may miss one true neighbour; the index itself must match the data
        for row in vectors(400, 8, seed=seed)[:5]:
            found, truth = ids(db, row, 5), exact_ids(db, row, 5)
            assert len(found) == 5
            assert len(set(found) & set(truth)) >= 4, (found, truth)
            assert found[0] == truth[0]
        assert manager(db) is manager(db)
    leftovers = [name for name in files(tmp_path / "db") if name.startswith(".tmp-")]
    assert leftovers == []


CRASH_AT = """
import os, signal, sys, engram
import engram.index.manager as manager_module
import engram.index.persistence as persistence
from engram.index.manager import vector_indexes

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = sys.argv[2]
db = engram.open(sys.argv[1])
db.execute("MATCH (d:Doc) WHERE d.id < 50 SET d.emb = [0.5, 0, 0, 0, 0, 0, 0, 1.0]")
db.execute("MATCH (d:Doc) WHERE 50 <= d.id < 60 DELETE d")
if point == "temporary files written":
    persistence._fsync_file = die
elif point == "files renamed":
    persistence.fsync_directory = die
elif point == "record written":
    manager_module.remove_unreferenced = die
with db.begin_read() as view:
    vector_indexes(view.store).save_all()
"""


@pytest.mark.parametrize("point", ["temporary files written", "files renamed", "record written"])
def test_a_crash_at_each_step_of_a_save(tmp_path, point):
    matrix = vectors(300, 8, seed=9)
    with engram.open(tmp_path / "db") as db:
        load(db, matrix)
    before = files(tmp_path / "db")
    result = subprocess.run(
        [sys.executable, "-c", CRASH_AT, str(tmp_path / "db"), point], cwd=ROOT, timeout=120
    )
    assert result.returncode == -signal.SIGKILL
    during = files(tmp_path / "db")
    assert during != before  # the crash left new files behind
    with engram.open(tmp_path / "db") as db:
        index_matches_data(db)
        assert db.execute("CALL db.indexes() YIELD size RETURN size").scalar() == 290
        top = ids(db, np.eye(8, dtype=np.float32)[7], 50)
        assert sorted(top) == list(range(50))
    left = files(tmp_path / "db")
    assert not any(name.startswith(".tmp-") for name in left)
    assert len(left) in (2, 4)  # the saved files, and the previous ones for backups
