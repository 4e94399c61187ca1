"""Float vectors stored beside node records: layout, writes, snapshots, older stores, checks."""

from __future__ import annotations

import numpy as np
import pytest
from rocksdict import Options, Rdict

import engram
from engram.api import Transaction
from engram.storage import keys as layout
from engram.storage.codec import BESIDE, FLOAT_ARRAY_MIN, decode_node, encode_node
from engram.storage.commit import FORMAT_KEY
from engram.storage.verify import check_integrity

VECTOR = [float(i) / 7 for i in range(32)]
OTHER = [float(-i) / 3 for i in range(32)]


def _raw(db, key):
    with db._store.begin_read() as view:
        return view._reader.get(key)


def _key_ids(db, *names):
    with db._store.begin_read() as view:
        catalog = view.catalog
        return [catalog.property_keys.id_of(name) for name in names]


def _sound(db):
    with db._store.begin_read() as view:
        assert check_integrity(view) == []


def _one(db):
    return db.execute("MATCH (n:Doc) RETURN id(n)").scalar()


@pytest.fixture
def db(tmp_path):
    with engram.open(tmp_path / "db") as database:
        yield database


def test_a_vector_is_stored_beside_a_small_record(db):
    db.execute("CREATE (:Doc {name: 'a', v: $v, short: [1.0, 2.0]})", v=VECTOR)
    node = _one(db)
    (v_key,) = _key_ids(db, "v")
    record = _raw(db, layout.node_key(node))
    _, properties = decode_node(record, 8)
    assert properties[v_key] is BESIDE
    assert len(record) < 64  # the 32 floats (256 bytes) are not in it
    beside = _raw(db, layout.vector_key(node, v_key))
    assert np.frombuffer(beside[8:], "<f8").tolist() == VECTOR
    row = db.execute("MATCH (n:Doc) RETURN n.v, n.short, n.name, properties(n).v").rows()[0]
    assert row == (VECTOR, [1.0, 2.0], "a", VECTOR)
    assert db.execute("MATCH (n:Doc) RETURN n").scalar().properties["v"] == VECTOR
    _sound(db)


def test_short_and_mixed_lists_stay_inline(db):
    short = [0.5] * (FLOAT_ARRAY_MIN - 1)
    db.execute("CREATE (:Doc {s: $s, ints: $i})", s=short, i=list(range(40)))
    node = _one(db)
    s_key, i_key = _key_ids(db, "s", "ints")
    assert _raw(db, layout.vector_key(node, s_key)) is None
    assert _raw(db, layout.vector_key(node, i_key)) is None
    assert db.execute("MATCH (n:Doc) RETURN n.s, n.ints").rows()[0] == (short, list(range(40)))


def test_setting_other_properties_leaves_the_vector_as_written(db):
    db.execute("CREATE (:Doc {name: 'a', v: $v})", v=VECTOR)
    node = _one(db)
    (v_key,) = _key_ids(db, "v")
    before = _raw(db, layout.vector_key(node, v_key))
    db.execute("MATCH (n:Doc) SET n.name = 'b'")
    assert _raw(db, layout.vector_key(node, v_key)) == before  # same version prefix
    db.execute("MATCH (n:Doc) SET n.v = $v", v=OTHER)
    after = _raw(db, layout.vector_key(node, v_key))
    assert after[:8] > before[:8]
    assert db.execute("MATCH (n:Doc) RETURN n.v").scalar() == OTHER
    _sound(db)


@pytest.mark.parametrize(
    "change",
    [
        "MATCH (n:Doc) REMOVE n.v",
        "MATCH (n:Doc) SET n.v = [1.0, 2.0]",
        "MATCH (n:Doc) SET n.v = 'text'",
        "MATCH (n:Doc) SET n = {name: 'x'}",
    ],
)
def test_replacing_or_removing_a_vector_deletes_it_beside(db, change):
    db.execute("CREATE (:Doc {name: 'a', v: $v})", v=VECTOR)
    node = _one(db)
    (v_key,) = _key_ids(db, "v")
    db.execute(change)
    assert _raw(db, layout.vector_key(node, v_key)) is None
    found = db.execute("MATCH (n:Doc) RETURN n.v").scalar()
    assert found != VECTOR
    _sound(db)


def test_deleting_the_node_deletes_its_vectors(db):
    db.execute("CREATE (:Doc {v: $v, w: $w})", v=VECTOR, w=OTHER)
    node = _one(db)
    keys = _key_ids(db, "v", "w")
    db.execute("MATCH (n:Doc) DELETE n")
    assert all(_raw(db, layout.vector_key(node, key)) is None for key in keys)
    _sound(db)


def test_a_snapshot_keeps_the_vector_it_saw(db):
    db.execute("CREATE (:Doc {v: $v})", v=VECTOR)
    with Transaction(db, db.begin_read()) as reader:
        db.execute("MATCH (n:Doc) SET n.v = $v", v=OTHER)
        assert reader.execute("MATCH (n:Doc) RETURN n.v").scalar() == VECTOR
        db.execute("MATCH (n:Doc) DETACH DELETE n")
        assert reader.execute("MATCH (n:Doc) RETURN n.v").scalar() == VECTOR
    assert db.execute("MATCH (n:Doc) RETURN count(n)").scalar() == 0


def test_a_rolled_back_vector_write_leaves_nothing(db):
    db.execute("CREATE (:Doc {v: $v})", v=VECTOR)
    node = _one(db)
    (v_key,) = _key_ids(db, "v")
    before = _raw(db, layout.vector_key(node, v_key))
    with pytest.raises(engram.QueryError):
        db.execute("MATCH (n:Doc) SET n.v = $v WITH n RETURN 1 / 0", v=OTHER)
    assert _raw(db, layout.vector_key(node, v_key)) == before
    assert db.execute("MATCH (n:Doc) RETURN n.v").scalar() == VECTOR


def test_bulk_creates_store_vectors_beside(db):
    rows = [{"i": i, "v": [float(i + j) for j in range(20)]} for i in range(3000)]
    db.execute("UNWIND $rows AS r CREATE (:Doc {i: r.i, v: r.v})", rows=rows)
    (v_key,) = _key_ids(db, "v")
    found = db.execute("MATCH (n:Doc) RETURN id(n), n.i, n.v ORDER BY n.i").rows()
    assert [row[2] for row in found] == [row["v"] for row in rows]
    node = found[1234][0]
    assert decode_node(_raw(db, layout.node_key(node)), 8)[1][v_key] is BESIDE
    _sound(db)


def test_vector_index_reads_vectors_beside(db):
    db.execute(
        "UNWIND range(0, 99) AS i CREATE (:Doc {i: i, v: [x IN range(0, 15) | i + x + 0.5]})"
    )
    db.execute("CREATE VECTOR INDEX docs FOR (n:Doc) ON (n.v) OPTIONS {dimensions: 16}")
    query = [42 + x + 0.5 for x in range(16)]
    top = db.execute(
        "MATCH (n:Doc) RETURN n.i ORDER BY vector.similarity.euclidean(n.v, $q) DESC LIMIT 1",
        q=query,
    ).scalar()
    assert top == 42


def test_a_store_with_inline_vectors_reads_and_moves_them(tmp_path):
    path = tmp_path / "db"
    with engram.open(path) as db:
        db.execute("CREATE (:Doc {name: 'a', v: $v})", v=VECTOR)
        node = _one(db)
        (v_key,) = _key_ids(db, "v")
        record = _raw(db, layout.node_key(node))
        labels, properties = decode_node(record, 8)
    # rewrite the node the way format 1 stored it: the vector inside the record
    raw = Rdict(str(path), Options(raw_mode=True))
    raw[layout.node_key(node)] = record[:8] + encode_node(labels, {**properties, v_key: VECTOR})
    del raw[layout.vector_key(node, v_key)]
    raw[FORMAT_KEY] = (1).to_bytes(4, "big")
    raw.close()
    with engram.open(path) as db:
        assert _raw(db, FORMAT_KEY) == (2).to_bytes(4, "big")
        assert db.execute("MATCH (n:Doc) RETURN n.v").scalar() == VECTOR
        _sound(db)
        db.execute("MATCH (n:Doc) SET n.name = 'b'")
        assert _raw(db, layout.vector_key(node, v_key)) is not None
        assert db.execute("MATCH (n:Doc) RETURN n.v, n.name").rows()[0] == (VECTOR, "b")
        _sound(db)


def test_integrity_check_finds_missing_and_orphan_vectors(tmp_path):
    path = tmp_path / "db"
    with engram.open(path) as db:
        db.execute("CREATE (:Doc {v: $v})", v=VECTOR)
        node = _one(db)
        (v_key,) = _key_ids(db, "v")
        beside = _raw(db, layout.vector_key(node, v_key))
    raw = Rdict(str(path), Options(raw_mode=True))
    del raw[layout.vector_key(node, v_key)]
    raw[layout.vector_key(node + 1000, v_key)] = beside
    raw.close()
    with engram.open(path) as db, db._store.begin_read() as view:
        problems = check_integrity(view)
    assert f"node {node} lacks its vector {v_key}" in problems
    assert f"vector ({node + 1000}, {v_key}) has no matching record" in problems


@pytest.mark.parametrize(("ingest", "child"), [(True, True), (True, False), (False, False)])
def test_bulk_loads_store_vectors_beside(tmp_path, monkeypatch, ingest, child):
    """A bulk load writes the vectors beside (into their own table file when it ingests)."""
    from engram.storage import bulk as bulk_module
    from engram.storage import ingest as ingest_module

    monkeypatch.setattr(bulk_module, "INGEST_MIN", 1 if ingest else 10**12)
    monkeypatch.setattr(ingest_module, "CHILD_PROCESS", child)
    written: list[str] = []
    add = ingest_module.IngestFiles.add

    def recording(files, name, records, **options):
        written.append(name)
        return add(files, name, records, **options)

    monkeypatch.setattr(ingest_module.IngestFiles, "add", recording)
    rows = [{"i": i, "v": [float(i * 3 + j) for j in range(24)]} for i in range(2000)]
    with engram.open(tmp_path / "db") as db:
        with db.transaction() as tx:
            doc, i_key = tx.storage.intern_label("Doc"), tx.storage.intern_property_key("i")
            v_key = tx.storage.intern_property_key("v")
        with bulk_module.BulkLoad(db._store) as load:
            load.create_nodes(
                [doc], columns={i_key: np.arange(2000), v_key: [row["v"] for row in rows]}
            )
        assert ("vectors" in written) == ingest
        found = db.execute("MATCH (n:Doc) RETURN id(n), n.v ORDER BY n.i").rows()
        assert [row[1] for row in found] == [row["v"] for row in rows]
        node = found[777][0]
        assert decode_node(_raw(db, layout.node_key(node)), 8)[1][v_key] is BESIDE
        _sound(db)
        db.execute("MATCH (n:Doc) WHERE n.i = 777 SET n.v = [1.5, 2.5]")
        assert _raw(db, layout.vector_key(node, v_key)) is None
        _sound(db)
