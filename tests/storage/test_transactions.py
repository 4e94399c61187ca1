"""Transactions: commit and rollback, the writer lock, ended and leaked transactions."""

from __future__ import annotations

import gc
import threading
import time

import pytest

import engram
from engram.errors import StorageError, TransactionError


def test_commit_returns_increasing_versions(store, schema):
    versions = []
    for _ in range(3):
        with store.begin_write() as tx:
            tx.create_node()
        versions.append(tx.committed_version)
    assert versions == sorted(versions)
    assert len(set(versions)) == 3
    with store.begin_read() as tx:
        assert tx.version == versions[-1]


def test_empty_commit_does_not_create_a_version(store, schema):
    before = store.published.version
    with store.begin_write() as tx:
        tx.node(0)
    assert tx.committed_version == before == store.published.version


def test_rollback_leaves_no_trace(store, schema):
    with store.begin_write() as tx:
        keep = tx.create_node([schema.person], {schema.name: "kept"})
    keys_before = list(store._kv.scan(b"\x00", b"\xff"))
    with store.begin_write() as tx:
        tx.create_node([schema.city], {schema.name: "gone"})
        tx.set_node_property(keep, schema.name, "changed")
        tx.create_index(schema.person, [schema.name])
        tx.intern_label("Unused")
        tx.rollback()
        assert not tx.is_open
    assert list(store._kv.scan(b"\x00", b"\xff")) == keys_before
    with store.begin_read() as tx:
        assert tx.node_property(keep, schema.name) == "kept"
        assert tx.catalog.label_id("Unused") is None
        assert tx.catalog.indexes == ()


def _fail_inside_transaction(store) -> None:
    with store.begin_write() as tx:
        tx.create_node()
        raise RuntimeError("boom")


def test_exception_in_context_manager_rolls_back(store, schema):
    with pytest.raises(RuntimeError):
        _fail_inside_transaction(store)
    with store.begin_read() as tx:
        assert tx.count_nodes() == 0


def test_ended_transactions_refuse_further_use(store, schema):
    tx = store.begin_write()
    tx.create_node()
    tx.commit()
    with pytest.raises(TransactionError, match="committed"):
        tx.create_node()
    with pytest.raises(TransactionError, match="committed"):
        tx.count_nodes()
    with pytest.raises(TransactionError):
        tx.commit()
    tx.rollback()  # a no-op once ended
    reader = store.begin_read()
    reader.close()
    with pytest.raises(TransactionError, match="ended"):
        reader.node(0)


def test_second_writer_waits_then_times_out(store, schema):
    holder = store.begin_write()
    failures = []

    def contend():
        started = time.monotonic()
        try:
            store.begin_write(timeout=0.2)
        except TransactionError as error:
            failures.append((error, time.monotonic() - started))

    thread = threading.Thread(target=contend)
    thread.start()
    thread.join()
    holder.rollback()
    ((error, waited),) = failures
    assert "gave up after 0.2 s" in str(error)
    assert 0.15 <= waited < 5


def test_second_writer_proceeds_when_the_first_finishes(store, schema):
    holder = store.begin_write()
    holder.create_node()
    results = []

    def second():
        with store.begin_write(timeout=10) as tx:
            results.append(tx.count_nodes())
            tx.create_node()

    thread = threading.Thread(target=second)
    thread.start()
    time.sleep(0.1)
    assert thread.is_alive()  # waiting for the writer lock
    holder.commit()
    thread.join(timeout=10)
    assert results == [1]  # it started from the first writer's commit
    with store.begin_read() as tx:
        assert tx.count_nodes() == 2


def test_same_thread_second_writer_fails_at_once(store, schema):
    with store.begin_write():
        started = time.monotonic()
        with pytest.raises(TransactionError, match="already has an open write"):
            store.begin_write(timeout=30)
        assert time.monotonic() - started < 1


def test_leaked_write_transaction_releases_the_lock(store, schema):
    tx = store.begin_write()
    tx.create_node()
    del tx
    gc.collect()
    with store.begin_write(timeout=1) as again:
        assert again.count_nodes() == 0


def test_readers_do_not_block_writers_and_vice_versa(store, schema):
    reader = store.begin_read()
    with store.begin_write(timeout=1) as tx:
        tx.create_node()
        other = store.begin_read()  # a reader starts while the writer is open
        assert other.count_nodes() == 0
        other.close()
    assert reader.count_nodes() == 0
    reader.close()


def test_closed_database_refuses_transactions(tmp_path):
    db = engram.open(tmp_path / "db")
    reader = db.begin_read()
    writer = db.begin_write()
    writer.create_node()
    db.close()
    assert not writer.is_open  # rolled back by close
    with pytest.raises(TransactionError, match="closed"):
        db.begin_read()
    with pytest.raises(TransactionError, match="closed"):
        db.transaction()
    with pytest.raises((TransactionError, StorageError)):
        reader.count_nodes() or reader.node(0)
    db.close()  # idempotent


def test_api_transaction_wrapper(tmp_path):
    with engram.open(tmp_path / "db") as db:
        with db.transaction() as tx:
            label = tx.storage.intern_label("L")
            tx.storage.create_node([label])
            assert tx.is_open
            assert not tx.read_only
        assert not tx.is_open
        tx2 = db.transaction()
        tx2.storage.create_node([label])
        tx2.rollback()
        with pytest.raises(TransactionError):
            tx2.commit()
        tx3 = db.transaction()
        tx3.storage.create_node([label])
        tx3.commit()
        assert db.begin_read().count_nodes(label) == 2
        assert "read-write" in repr(db)


def test_unsynced_database_still_commits(tmp_path):
    with engram.open(tmp_path / "db", sync=False) as db, db.transaction() as tx:
        tx.storage.create_node()
    with engram.open(tmp_path / "db") as db:
        assert db.begin_read().count_nodes() == 1


def test_concurrent_committers_all_land(durable_store):
    store = durable_store
    with store.begin_write() as tx:
        label = tx.intern_label("Person")
    per_thread, threads = 25, 4

    def work():
        for _ in range(per_thread):
            with store.begin_write(timeout=60) as tx:
                tx.create_node([label])

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with store.begin_read() as tx:
        assert tx.count_nodes(label) == per_thread * threads
        assert tx.version == store.published.version
    assert store.sync
    assert store._synced == store.published.version


def test_abandoned_readers_are_released(store, schema):
    with store.begin_write() as tx:
        node = tx.create_node([], {schema.age: 0})
    reader = store.begin_read()
    assert len(store._readers) == 1
    del reader
    gc.collect()
    assert len(store._readers) == 0
    with store.begin_write() as tx:
        tx.set_node_property(node, schema.age, 1)
    with store.begin_write() as tx:  # nothing holds the old version: history is collected
        tx.set_node_property(node, schema.age, 2)
    assert len(store._history) <= 1
