"""Backups while writes continue, verified restores, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import engram
from engram.cli import main
from engram.errors import CorruptionError, StorageError
from engram.storage import backup as backup_module
from engram.storage.backup import MANIFEST, restore_backup
from engram.storage.verify import check_integrity

ROOT = Path(__file__).resolve().parents[2]


def fill(db, commits: int) -> tuple[int, int]:
    """Commit `commits` transactions; each adds a Step node and bumps a counter node."""
    with db.transaction() as tx:
        s = tx.storage
        label, key = s.intern_label("Step"), s.intern_property_key("n")
        s.create_index(label, [key], unique=True)
        counter = s.create_node([], {key: 0})
    for step in range(1, commits + 1):
        with db.transaction() as tx:
            tx.storage.create_node([label], {key: step})
            tx.storage.set_node_property(counter, key, step)
    return label, key


def assert_consistent(path: Path) -> int:
    """The restored database is sound and is a prefix of the commits; returns its step."""
    with engram.open(path) as db, db.begin_read() as tx:
        assert check_integrity(tx) == []
        label = tx.catalog.label_id("Step")
        key = tx.catalog.property_key_id("n")
        steps = tx.node_property(0, key)
        assert tx.count_nodes(label) == steps
        return steps


def test_online_backup_while_a_thread_writes(tmp_path):
    with engram.open(tmp_path / "db", sync=False) as db:
        label, key = fill(db, 20)
        stop = threading.Event()

        def writer():
            step = 1000
            while not stop.is_set():
                step += 1
                with db.transaction() as tx:
                    tx.storage.create_node([label], {key: step})
                    tx.storage.set_node_property(0, key, tx.storage.count_nodes(label))

        thread = threading.Thread(target=writer)
        thread.start()
        try:
            info = db.backup(tmp_path / "backup")
        finally:
            stop.set()
            thread.join()
        assert info.method == "checkpoint"
        final = db.begin_read().count_nodes(label)
    version = restore_backup(str(tmp_path / "backup"), str(tmp_path / "restored"))
    assert version >= 21
    assert 20 <= assert_consistent(tmp_path / "restored") <= final


def test_command_line_backup_and_restore(tmp_path, capsys):
    with engram.open(tmp_path / "db", sync=False) as db:
        fill(db, 5)
    assert main(["backup", str(tmp_path / "db"), str(tmp_path / "bk")]) == 0
    assert "checkpoint" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "db"), str(tmp_path / "bk")]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "bk"), str(tmp_path / "new")]) == 0
    assert "restored version" in capsys.readouterr().out
    assert assert_consistent(tmp_path / "new") == 5
    assert main(["restore", str(tmp_path / "bk"), str(tmp_path / "new")]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "nothing"), str(tmp_path / "bk2")]) == 1


WRITER = """
import sys, time
import engram
with engram.open(sys.argv[1], sync=False) as db:
    with db.transaction() as tx:
        s = tx.storage
        label, key = s.intern_label("Step"), s.intern_property_key("n")
        counter = s.create_node([], {key: 0})
    print("ready", flush=True)
    step = 0
    while not sys.stdin.closed:
        step += 1
        with db.transaction() as tx:
            tx.storage.create_node([label], {key: step})
            tx.storage.set_node_property(counter, key, step)
        if step % 50 == 0 and sys.stdin.readline().strip() == "stop":
            break
print(step, flush=True)
"""


def test_backup_from_another_process_while_it_writes(tmp_path):
    path = tmp_path / "db"
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(WRITER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as writer:
        assert writer.stdout is not None
        assert writer.stdin is not None
        assert writer.stdout.readline().strip() == "ready"
        writer.stdin.write("go\n" * 4)
        writer.stdin.flush()
        info = backup_module.backup_database(str(path), str(tmp_path / "bk"))
        writer.stdin.write("stop\n" * 100)
        writer.stdin.close()
        writer.wait(timeout=60)
        out = writer.stdout.read()  # the buffered stream readline used
        err = writer.stderr.read() if writer.stderr else ""
    assert writer.returncode == 0, err
    assert info.method == "follower-copy"
    restore_backup(str(tmp_path / "bk"), str(tmp_path / "restored"))
    steps = assert_consistent(tmp_path / "restored")
    assert 0 <= steps <= int(out.split()[-1])


@pytest.fixture
def backup_dir(tmp_path):
    with engram.open(tmp_path / "db", sync=False) as db:
        fill(db, 10)
        db.backup(tmp_path / "bk")
    return tmp_path / "bk"


def test_damaged_backup_is_refused_and_nothing_installed(backup_dir, tmp_path):
    manifest = json.loads((backup_dir / MANIFEST).read_text())
    victim = next(name for name in manifest["files"] if name.endswith((".sst", ".log")))
    data = bytearray((backup_dir / victim).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (backup_dir / victim).write_bytes(bytes(data))
    with pytest.raises(CorruptionError, match="damaged"):
        restore_backup(str(backup_dir), str(tmp_path / "restored"))
    assert not (tmp_path / "restored").exists()
    assert not list(tmp_path.glob(".engram-restore-*"))


def test_manifest_checks(backup_dir, tmp_path):
    manifest_path = backup_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["meta_sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CorruptionError, match="meta checksum"):
        restore_backup(str(backup_dir), str(tmp_path / "a"))
    manifest["format"] = 99
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CorruptionError, match="format version 99"):
        restore_backup(str(backup_dir), str(tmp_path / "b"))
    manifest_path.write_text("{not json")
    with pytest.raises(CorruptionError, match="manifest is damaged"):
        restore_backup(str(backup_dir), str(tmp_path / "c"))
    manifest_path.unlink()
    with pytest.raises(CorruptionError, match="not an engram backup"):
        restore_backup(str(backup_dir), str(tmp_path / "d"))
    assert not any((tmp_path / name).exists() for name in "abcd")


def test_backup_hooks_add_derived_files(tmp_path):
    def hook(store, derived):
        (derived / "vectors.bin").write_bytes(b"derived data")

    backup_module.add_backup_hook(hook)
    try:
        with engram.open(tmp_path / "db", sync=False) as db:
            fill(db, 2)
            db.backup(tmp_path / "bk")
    finally:
        backup_module._HOOKS.remove(hook)
    manifest = json.loads((tmp_path / "bk" / MANIFEST).read_text())
    assert "derived/vectors.bin" in manifest["files"]
    restore_backup(str(tmp_path / "bk"), str(tmp_path / "restored"))
    assert (tmp_path / "restored" / "derived" / "vectors.bin").read_bytes() == b"derived data"
    assert assert_consistent(tmp_path / "restored") == 2


def test_backup_destination_must_be_new(backup_dir, tmp_path):
    with engram.open(tmp_path / "db") as db, pytest.raises(StorageError, match="already exists"):
        db.backup(backup_dir)
