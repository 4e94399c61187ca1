"""Bulk commits through table file ingestion: same graph, atomic, undone when cut short."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engram
from engram.errors import InternalError, StorageError
from engram.faults import CRASH_EXIT_CODE
from engram.storage import Direction, Store
from engram.storage import bulk as bulk_module
from engram.storage import bulk_records as bulk_records_module
from engram.storage import ingest as ingest_module
from engram.storage import keys as layout
from engram.storage.bulk import BulkLoad
from engram.storage.bulk_records import Records, stable_order
from engram.storage.chunks import CHUNK_CAPACITY
from engram.storage.ingest import INGEST_DIRECTORY, INTENT_KEY, IngestFiles, ingest
from tests.storage.test_bulk import assert_sound, graph_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def always_ingest(monkeypatch):
    monkeypatch.setattr(bulk_module, "INGEST_MIN", 1)
    # tests that set it get it back
    monkeypatch.setattr(ingest_module, "CHILD_PROCESS", ingest_module.CHILD_PROCESS)


def load_graph(store, rng):
    """Two bulk commits (nodes, then relationships) and an ordinary one; returns node ids."""
    with store.begin_write() as tx:
        person, city = tx.intern_label("Person"), tx.intern_label("City")
        knows, lives = tx.intern_type("KNOWS"), tx.intern_type("LIVES_IN")
        age, name = tx.intern_property_key("age"), tx.intern_property_key("name")
        old = tx.create_node([person], {age: 1})
    load = BulkLoad(store)
    people = load.create_nodes(
        [person], columns={age: rng.integers(0, 90, 400), name: [f"p{i}" for i in range(400)]}
    )
    cities = load.create_nodes([city, person], count=3)
    load.commit()
    hub = np.repeat(people[:1], len_hub())
    starts = np.concatenate([people[rng.integers(0, 400, 3000)], hub, [old]])
    fan = people[np.arange(len(hub)) % 400]
    ends = np.concatenate([people[rng.integers(0, 400, 3000)], fan, people[:1]])
    load.create_relationships(knows, starts, ends, columns={age: rng.integers(0, 9, len(ends))})
    load.create_relationships(lives, people, cities[rng.integers(0, 3, 400)])
    load.commit()
    with store.begin_write() as tx:
        tx.create_relationship(knows, int(people[5]), old)
    return people


def len_hub():
    return 2 * CHUNK_CAPACITY + 5


@pytest.mark.parametrize("ingested", [False, True])
def test_ingested_commits_store_the_same_graph(tmp_path, monkeypatch, ingested):
    monkeypatch.setattr(bulk_module, "INGEST_MIN", 1 if ingested else 10**12)
    graphs = []
    for name in ("a", "b"):
        with engram.open(tmp_path / name, sync=False) as db:
            load_graph(db._store, np.random.default_rng(5))
            assert_sound(db._store)
            assert not os.path.exists(tmp_path / name / INGEST_DIRECTORY)
            graphs.append(graph_of(db._store))
        with engram.open(tmp_path / name) as db:
            assert graph_of(db._store) == graphs[-1]
    assert graphs[0] == graphs[1]


def test_ingestion_and_the_batch_path_agree(tmp_path, monkeypatch):
    graphs = []
    for minimum in (10**12, 1):
        monkeypatch.setattr(bulk_module, "INGEST_MIN", minimum)
        with engram.open(tmp_path / str(minimum), sync=False) as db:
            load_graph(db._store, np.random.default_rng(11))
            graphs.append(graph_of(db._store))
            with db._store.begin_read() as tx:
                graphs.append(tx.statistics)
    assert graphs[0] == graphs[2]
    expected = 3000 + len_hub() + 1 + 400 + 1
    assert graphs[1].relationship_count == graphs[3].relationship_count == expected
    assert dict(graphs[1].patterns) == dict(graphs[3].patterns)


def test_an_ingested_commit_is_invisible_to_older_readers(store, schema, always_ingest):
    reader = store.begin_read()
    with BulkLoad(store) as load:
        ids = load.create_nodes([schema.person], [{schema.age: 1}, {schema.age: 2}])
        load.create_relationships(schema.knows, ids[:1], ids[1:])
    assert reader.count_nodes() == 0
    assert reader.expand(ids, Direction.BOTH).relationship.tolist() == []
    reader.close()
    with store.begin_read() as tx:
        assert tx.count_nodes() == 2
        assert tx.expand(ids[:1], Direction.OUT).neighbour.tolist() == [int(ids[1])]
    assert_sound(store)


def pending_ingestion(store):
    """Ingest node records of the next version without their commit batch (a cut-short commit)."""
    version = store.counters.version + 1
    first = store.counters.next_node
    files = IngestFiles(store.path, store._kv.options)
    vbytes = layout.version_bytes(version)
    ids = np.arange(first, first + 3)
    record = vbytes + b"\x00\x01\x00\x00\x00\x00\x80"
    files.add("nodes", Records(layout.node_keys(ids), [record] * 3))
    members = layout.prefixed_ids(bytes([layout.LABEL, 0, 0, 0, 0]), ids)
    files.add("label 0", Records(members, vbytes))
    assert files.finish()
    ingest(store._kv, files, version)
    return ids


def test_an_ingestion_without_its_commit_is_undone_at_the_next_open(tmp_path, schema_store):
    path, store = schema_store
    before = graph_of(store)
    ids = pending_ingestion(store)
    assert store._kv.get(INTENT_KEY) is not None
    assert store._kv.get(layout.node_key(int(ids[0]))) is not None
    store.close()
    with engram.open(path) as db:
        store = db._store
        assert store._kv.get(INTENT_KEY) is None
        assert store._kv.get(layout.node_key(int(ids[0]))) is None
        assert graph_of(store) == before
        assert_sound(store)
        # the version and the ids are handed out again, safely
        with BulkLoad(store) as load:
            again = load.create_nodes([0], count=3)
        assert again.tolist() == ids.tolist()
        with store.begin_read() as tx:
            assert tx.count_nodes() == len(before[0]) + 3
        assert_sound(store)


def test_a_follower_does_not_see_a_pending_ingestion(schema_store):
    path, store = schema_store
    nodes = len(graph_of(store)[0])
    pending_ingestion(store)
    follower = Store(str(path), read_only=True)
    try:
        with follower.begin_read() as tx:
            assert tx.count_nodes() == nodes
            assert sum(len(batch) for batch in tx.scan_nodes()) == nodes
    finally:
        follower.close()


def test_a_failed_ingestion_leaves_nothing(schema_store):
    _, store = schema_store
    files = IngestFiles(store.path, store._kv.options)
    files.add("nodes", Records(layout.node_keys(np.arange(90, 92)), b"\x00" * 8))
    assert files.finish()
    os.remove(files.paths[0])
    with pytest.raises(StorageError, match="ingesting"):
        ingest(store._kv, files, store.counters.version + 1)
    assert store._kv.get(INTENT_KEY) is None
    assert not os.path.exists(files.folder)


def test_records_out_of_key_order_are_refused(schema_store):
    _, store = schema_store
    files = IngestFiles(store.path, store._kv.options)
    files.add("nodes", Records(layout.node_keys(np.arange(5, 7)), b"\x00" * 8))
    files.add("relationships", Records(layout.rel_keys(np.arange(1, 3)), b"\x00" * 8))
    with pytest.raises(InternalError, match="out of key order"):
        files.add("nodes", Records(layout.node_keys(np.arange(1, 3)), b"\x00" * 8))
    assert not os.path.exists(files.folder)


@pytest.fixture
def schema_store(tmp_path):
    path = tmp_path / "db"
    store = Store(str(path))
    with store.begin_write() as tx:
        label = tx.intern_label("Person")
        tx.create_node([label], {})
    try:
        yield path, store
    finally:
        if not store._closed:
            store.close()


_CRASHING_IMPORT = """
import sys
import engram
from engram.storage import bulk
bulk.INGEST_MIN = 1
folder = sys.argv[1]
with engram.open(folder + '/db') as db:
    db.import_csv(nodes={'P': folder + '/p.csv'}, relationships={'K': folder + '/k.csv'},
                  commit_nodes_first=True)
"""


@pytest.mark.parametrize("point", ["commit.before_ingest", "commit.after_ingest"])
def test_a_crash_during_an_ingested_commit_keeps_the_earlier_commits_only(tmp_path, point):
    people = "".join(f"{i},{i % 7}\n" for i in range(300))
    (tmp_path / "p.csv").write_text("id:ID,v:int\n" + people)
    knows = "".join(f"{i % 300},{(i * 13) % 300}\n" for i in range(900))
    (tmp_path / "k.csv").write_text(":START_ID,:END_ID\n" + knows)
    result = subprocess.run(
        [sys.executable, "-c", _CRASHING_IMPORT, str(tmp_path)],
        env={**os.environ, "ENGRAM_CRASH_POINT": f"{point}:2"},
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == CRASH_EXIT_CODE, result.stderr
    with engram.open(tmp_path / "db") as db:
        # the nodes' commit (the first ingestion) landed; the relationships' did not
        assert db.execute("MATCH (p:P) RETURN count(*), sum(p.v)").rows() == [(300, 897)]
        assert db.execute("MATCH ()-[k]->() RETURN count(k)").scalar() == 0
        assert_sound(db._store)
        summary = db.import_csv(
            nodes={"Q": tmp_path / "p.csv"}, relationships={"K": tmp_path / "k.csv"}
        )
        assert summary.relationships == 900
        assert db.execute("MATCH (:Q)-[k:K]->(:Q) RETURN count(k)").scalar() == 900
        assert_sound(db._store)


def interleaved_load(store):
    """Runs of several labels and types, nodes after relationships, crossing INGEST_MIN."""
    with store.begin_write() as tx:
        a, b = tx.intern_label("A"), tx.intern_label("B")
        x, y = tx.intern_type("X"), tx.intern_type("Y")
        w = tx.intern_property_key("w")
    rng = np.random.default_rng(9)
    with BulkLoad(store) as load:
        first = load.create_nodes([a], columns={w: np.arange(20)})
        second = load.create_nodes([a, b], columns={w: [f"s{i}" for i in range(40)]})
        both = np.concatenate([first, second])
        load.create_relationships(y, both[rng.integers(0, 60, 30)], both[rng.integers(0, 60, 30)])
        third = load.create_nodes([b], count=10)
        every = np.concatenate([both, third])
        load.create_relationships(
            x,
            every[rng.integers(0, 70, 90)],
            every[rng.integers(0, 70, 90)],
            columns={w: rng.integers(0, 5, 90)},
        )
        load.create_relationships(y, third, first[:10])


def test_streaming_from_the_middle_of_a_load_matches_the_batch_path(tmp_path, monkeypatch):
    graphs = []
    for minimum in (10**12, 50):
        monkeypatch.setattr(bulk_module, "INGEST_MIN", minimum)
        with engram.open(tmp_path / str(minimum), sync=False) as db:
            interleaved_load(db._store)
            assert_sound(db._store)
            graphs.append(graph_of(db._store))
            assert db.execute("MATCH (n:A:B) RETURN count(n)").scalar() == 40
            assert db.execute("MATCH (:B)-[r:Y]->(:A) RETURN count(r)").scalar() >= 10
    assert graphs[0] == graphs[1]


@pytest.mark.parametrize("child", [False, True])
def test_a_rolled_back_streaming_load_leaves_no_files(store, schema, always_ingest, child):
    ingest_module.CHILD_PROCESS = child
    load = BulkLoad(store)
    ids = load.create_nodes([schema.person], count=5)
    load.create_relationships(schema.knows, ids[:4], ids[1:])
    files = load._part.files
    assert files.paths  # started (the child process creates them on its side)
    process = files._child
    assert (process is not None) == child
    load.rollback()
    assert not os.path.exists(os.path.join(store.path, INGEST_DIRECTORY))
    if process is not None:
        assert process._process.poll() is not None  # the child has ended
    with store.begin_read() as tx:
        assert tx.count_nodes() == 0
    assert_sound(store)


@settings(max_examples=100, deadline=None)
@given(
    ids=st.lists(
        st.one_of(st.integers(0, 300), st.integers(0, 2**20), st.integers(0, 2**40)), max_size=200
    )
)
def test_stable_order_is_a_stable_argsort(ids):
    array = np.asarray(ids, dtype=np.int64)
    assert stable_order(array).tolist() == np.argsort(array, kind="stable").tolist()


def test_a_bulk_commit_reports_its_ids_as_ranges(store, schema, always_ingest):
    seen = []
    store.add_listener(seen.append)
    with BulkLoad(store) as load:
        ids = load.create_nodes([schema.person], count=5)
        rels = load.create_relationships(schema.knows, ids[:4], ids[1:])
    (changes,) = seen
    assert changes.nodes == set(ids.tolist())
    assert changes.relationships == set(rels.tolist())
    assert int(ids[0]) in changes.nodes
    assert int(ids[-1]) + 1 not in changes.nodes
    assert len(changes.relationships) == 4
    assert schema.knows in changes.types


def test_files_of_unfiltered_families_have_no_bloom_filter(tmp_path, store):
    kv = store._kv
    files = IngestFiles(str(tmp_path), kv.ingest_options(), kv.ingest_options(filtered=False))
    keys = layout.rel_keys(np.arange(2000))
    files.add("with", Records(keys, b"v" * 40))
    files.add("without", Records(layout.node_keys(np.arange(2000)), b"v" * 40), filtered=False)
    assert files.finish()
    with_filter, without = (os.path.getsize(path) for path in files.paths)
    assert without < with_filter  # the same amount of data, less the filter block
    files.discard()


@pytest.mark.parametrize("ingested", [False, True])
def test_adjacency_made_in_small_pieces_is_the_same(tmp_path, monkeypatch, ingested):
    graphs = []
    for pairs in (10**9, 7):
        monkeypatch.setattr(bulk_records_module, "WINDOW_PAIRS", pairs)
        monkeypatch.setattr(bulk_module, "INGEST_MIN", 1 if ingested else 10**12)
        with engram.open(tmp_path / f"{pairs}", sync=False) as db:
            load_graph(db._store, np.random.default_rng(23))
            assert_sound(db._store)
            graphs.append(graph_of(db._store))
    assert graphs[0] == graphs[1]
