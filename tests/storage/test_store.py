"""Opening and closing: persistence, format versions, foreign directories, locking."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from rocksdict import Options, Rdict

import engram
from engram.errors import CorruptionError, DatabaseLocked, StorageError, TransactionError
from engram.storage import FORMAT_VERSION
from engram.storage.commit import FORMAT_KEY
from engram.storage.verify import check_integrity

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
        check=False,
    )


def test_everything_survives_a_reopen(tmp_path):
    path = tmp_path / "db"
    with engram.open(path) as db, db.transaction() as tx:
        s = tx.storage
        person, knows = s.intern_label("Person"), s.intern_type("KNOWS")
        name = s.intern_property_key("name")
        index = s.create_index(person, [name], unique=True)
        a = s.create_node([person], {name: "a"})
        b = s.create_node([person], {name: "b"})
        rel = s.create_relationship(knows, a, b)
    with engram.open(path) as db:
        with db.begin_read() as tx:
            assert tx.catalog.label_id("Person") == person
            assert tx.catalog.index(index.name) == index
            assert tx.unique_lookup(index, ["b"]) == b
            assert tx.relationship(rel).end == b
            assert tx.statistics.label_count(person) == 2
            assert check_integrity(tx) == []
        with db.transaction() as tx:
            assert tx.storage.create_node() > b  # ids are never reused
            assert tx.storage.create_relationship(knows, a, a) > rel


def test_temporary_database_is_removed_on_close():
    db = engram.open()
    path = db.path
    assert os.path.isdir(path)
    db.close()
    assert not os.path.exists(path)


def test_temporary_database_cannot_be_read_only():
    with pytest.raises(TransactionError):
        engram.open(read_only=True)


def test_newer_format_is_refused(tmp_path):
    path = tmp_path / "db"
    engram.open(path).close()
    raw = Rdict(str(path), Options(raw_mode=True))
    raw[FORMAT_KEY] = (FORMAT_VERSION + 1).to_bytes(4, "big")
    raw.close()
    with pytest.raises(CorruptionError, match=f"format version {FORMAT_VERSION + 1}, newer"):
        engram.open(path)
    # the failed open released the directory
    raw = Rdict(str(path), Options(raw_mode=True))
    raw[FORMAT_KEY] = b"\x00\x01"
    raw.close()
    with pytest.raises(CorruptionError, match="damaged format"):
        engram.open(path)


def test_foreign_directories_are_refused(tmp_path):
    other = tmp_path / "photos"
    other.mkdir()
    (other / "cat.jpg").write_bytes(b"jpeg")
    with pytest.raises(CorruptionError, match="not an engram database"):
        engram.open(other)
    assert sorted(os.listdir(other)) == ["cat.jpg"]
    rocks = tmp_path / "rocks"
    raw = Rdict(str(rocks), Options(raw_mode=True))
    raw[b"key"] = b"value"
    raw.close()
    with pytest.raises(CorruptionError, match="not an engram one"):
        engram.open(rocks)
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(StorageError, match="is a file"):
        engram.open(a_file)
    with pytest.raises(StorageError, match="no database"):
        engram.open(tmp_path / "missing", read_only=True)


def test_second_open_in_the_same_process_fails(tmp_path):
    with engram.open(tmp_path / "db"):
        with pytest.raises(DatabaseLocked, match="already open for writing in this process"):
            engram.open(tmp_path / "db")
        with pytest.raises(DatabaseLocked):
            engram.open(str(tmp_path / "." / "db"))
    engram.open(tmp_path / "db").close()  # free again after close


def test_second_writer_process_fails_at_once(tmp_path):
    path = tmp_path / "db"
    with engram.open(path):
        started = time.monotonic()
        result = run_python(
            f"""
            import engram
            try:
                engram.open({str(path)!r})
            except engram.DatabaseLocked as error:
                print("locked:", error)
            """
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("locked:")
        assert "another process" in result.stdout
        assert time.monotonic() - started < 30
    result = run_python(f"import engram; engram.open({str(path)!r}).close(); print('ok')")
    assert result.stdout.strip() == "ok", result.stderr


def test_read_only_open_refuses_writes(tmp_path):
    path = tmp_path / "db"
    with engram.open(path) as db, db.transaction() as tx:
        tx.storage.create_node()
    with engram.open(path, read_only=True) as db:
        assert db.read_only
        with pytest.raises(TransactionError, match="read-only"):
            db.begin_write()
        with db.transaction() as tx:
            assert tx.read_only
            assert tx.storage.count_nodes() == 1


def test_analyze_recomputes_estimates(tmp_path):
    with engram.open(tmp_path / "db") as db:
        with db.transaction() as tx:
            s = tx.storage
            knows = s.intern_type("KNOWS")
            hub = s.create_node()
            rels = [s.create_relationship(knows, hub, s.create_node()) for _ in range(20)]
        with db.transaction() as tx:
            for rel in rels[:15]:
                tx.storage.delete_relationship(rel)
        assert db.begin_read().statistics.max_degree(knows, outgoing=True) == 20
        stats = db._store.analyze()
        assert stats.max_degree(knows, outgoing=True) == 5
        assert db.begin_read().statistics == stats
    with engram.open(tmp_path / "db") as db:
        assert db.begin_read().statistics.max_degree(knows, outgoing=True) == 5


def test_unclosed_temporary_database_is_removed_when_dropped():
    db = engram.open()
    path = db.path
    with db.transaction() as tx:
        tx.storage.create_node()
    del db, tx
    import gc

    gc.collect()
    assert not os.path.exists(path)


def test_temporary_database_is_removed_at_interpreter_exit():
    result = run_python(
        """
        import engram
        db = engram.open()
        with db.transaction() as tx:
            tx.storage.create_node()
        print(db.path)
        """
    )
    assert result.returncode == 0, result.stderr
    assert not os.path.exists(result.stdout.strip())
