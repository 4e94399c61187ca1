"""Table files written by a child process: the same records, failures reported and undone."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import engram
from engram.errors import StorageError
from engram.storage import bulk as bulk_module
from engram.storage import ingest as ingest_module
from engram.storage import keys as layout
from engram.storage import table_process
from engram.storage.bulk import BulkLoad
from engram.storage.bulk_records import Packed, Records
from engram.storage.ingest import INGEST_DIRECTORY
from tests.storage.test_bulk import assert_sound, graph_of
from tests.storage.test_ingest import load_graph


@pytest.fixture
def always_ingest(monkeypatch):
    monkeypatch.setattr(bulk_module, "INGEST_MIN", 1)
    monkeypatch.setattr(ingest_module, "CHILD_PROCESS", True)


def ready(process):
    """Wait for the child to start (records go to it from then on)."""
    deadline = time.monotonic() + 60
    while not process.ready:
        assert time.monotonic() < deadline, "the child process did not start"
        time.sleep(0.01)
    return process


def test_every_form_of_records_reaches_the_file_unchanged(store):
    files = store.ingest_files()
    files.add("adjacency", Records([b"\x14a"], b"first"), child=False)  # starts the child
    ready(files._child)
    ids = np.arange(10, 20)
    fixed = np.arange(40, dtype=np.uint8).reshape(10, 4)
    padded = np.zeros((10, 6), dtype=np.uint8)
    padded[:, :] = np.arange(6, dtype=np.uint8)
    sizes = np.arange(10) % 7
    versions = b"\x00" * 7 + b"\x01"
    node_keys = layout.node_keys(ids)
    rel_keys = layout.rel_keys(ids)
    files.add("nodes", Packed(layout.prefixed_id_matrix(b"\x10", ids[:5]), fixed[:5]))
    files.add("nodes", Records(node_keys[5:], [bytes([i]) * i for i in range(5)]))
    files.add("relationships", Packed(layout.prefixed_id_matrix(b"\x11", ids), padded, sizes))
    files.add("type 3", Packed(layout.prefixed_id_matrix(b"\x13\x00\x00\x00\x03", ids), versions))
    files.add("adjacency", Records([b"\x14z"], b"same"), child=False)
    assert [found.number is not None for found in files._files] == [False, True, True, True]
    assert files.finish()
    store._kv.ingest(files.paths)
    files.discard()
    get = store._kv.get
    assert [get(key) for key in node_keys[:5]] == [bytes(row) for row in fixed[:5]]
    assert [get(key) for key in node_keys[5:]] == [bytes([i]) * i for i in range(5)]
    assert [get(key) for key in rel_keys] == [bytes(range(size)) for size in sizes]
    assert get(layout.type_key(3, 15)) == versions
    assert get(b"\x14z") == b"same"
    assert get(b"\x14a") == b"first"


@pytest.mark.parametrize("child", [False, True])
def test_the_child_process_stores_the_same_graph(tmp_path, monkeypatch, child):
    monkeypatch.setattr(bulk_module, "INGEST_MIN", 1)
    monkeypatch.setattr(ingest_module, "CHILD_PROCESS", child)
    with engram.open(tmp_path / "db", sync=False) as db:
        load_graph(db._store, np.random.default_rng(5))
        assert_sound(db._store)
        graph = graph_of(db._store)
    monkeypatch.setattr(bulk_module, "INGEST_MIN", 10**12)
    with engram.open(tmp_path / "batch", sync=False) as db:
        load_graph(db._store, np.random.default_rng(5))
        assert graph_of(db._store) == graph


def test_a_child_that_dies_fails_the_commit_and_leaves_the_store_as_it_was(
    store, schema, always_ingest
):
    before = graph_of(store)
    load = BulkLoad(store)
    ids = load.create_nodes([schema.person], count=50)
    process = ready(load._part.files._child)
    process._process.kill()
    process._process.wait()
    with pytest.raises(StorageError, match="table file writer went away"):
        load.create_relationships(schema.knows, ids[:-1], ids[1:])
    load.rollback()
    assert not os.path.exists(os.path.join(store.path, INGEST_DIRECTORY))
    assert graph_of(store) == before
    assert_sound(store)
    with BulkLoad(store) as again:  # the next load works
        again.create_nodes([schema.person], count=3)
    with store.begin_read() as tx:
        assert tx.count_nodes() == len(before[0]) + 3


def test_a_child_that_cannot_start_leaves_the_writing_to_this_process(
    store, schema, always_ingest, monkeypatch
):
    monkeypatch.setattr(table_process.sys, "executable", "/nonexistent/python")
    with BulkLoad(store) as load:
        ids = load.create_nodes([schema.person], count=10)
        assert load._part.files._child is None
        load.create_relationships(schema.knows, ids[:-1], ids[1:])
    with store.begin_read() as tx:
        assert tx.count_nodes() == 10
        assert tx.count_relationships() == 9
    assert_sound(store)


def test_a_file_the_child_cannot_write_is_reported(tmp_path):
    process = table_process.TableProcess()
    number = process.open(str(tmp_path / "missing" / "x.sst"), bloom_bits=0, lz4=True)
    process.put(number, Records([b"a"], b"v"))
    with pytest.raises(StorageError, match="table file writer failed"):
        process.finish()
    process.close()


def test_a_child_that_dies_before_it_is_ready_leaves_the_writing_to_this_process(
    store, schema, always_ingest, monkeypatch, tmp_path
):
    broken = tmp_path / "broken_child.py"
    broken.write_text("import sys\nsys.exit(3)\n")
    monkeypatch.setattr(table_process.child, "__file__", str(broken))
    with BulkLoad(store) as load:
        ids = load.create_nodes([schema.person], count=10)
        load._part.files._child._process.wait()
        load.create_relationships(schema.knows, ids[:-1], ids[1:])
        assert load._part.files._child is None
    with store.begin_read() as tx:
        assert tx.count_relationships() == 9
    assert_sound(store)
