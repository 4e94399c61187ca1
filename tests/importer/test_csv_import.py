"""CSV import: typed headers, values, id spaces, quoting, bad rows, batches, integrity."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from engram.importer import BulkImportError, import_csv
from engram.importer import csvfile as csvfile_module
from engram.storage.verify import check_integrity


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def sound(db):
    with db.begin_read() as tx:
        assert check_integrity(tx) == []


@pytest.fixture
def db(tmp_path):
    with engram.open(tmp_path / "db", sync=False) as database:
        yield database


def test_every_value_type_round_trips(tmp_path, db):
    people = write(
        tmp_path / "people.csv",
        "id:ID,name,age:int,score:float,active:boolean,born:date,seen:datetime,"
        "wait:duration,tags:string[],embedding:float[],nick\n"
        "1,Ada,36,1.5,true,1815-12-10,2020-01-02T03:04:05Z,P1DT2H,a;b,0.5;0.25,\n"
        '2,Alan,,2e3,FALSE,1912-06-23,2021-05-06T07:08:09+02:00,PT30S,,"[1.0,2.0]",Al\n',
    )
    summary = db.import_csv(nodes={"Person": people})
    assert (summary.nodes, summary.relationships, summary.bad_rows) == (2, 0, ())
    ada, alan = (
        row[0].properties for row in db.execute("MATCH (p:Person) RETURN p ORDER BY p.id").rows()
    )
    assert ada["age"] == 36
    assert "age" not in alan
    assert (ada["score"], alan["score"]) == (1.5, 2000.0)
    assert (ada["active"], alan["active"]) == (True, False)
    born, seen, wait = db.execute(
        "MATCH (p:Person) RETURN p.born, p.seen, p.wait ORDER BY p.id"
    ).rows()[0]
    assert born == dt.date(1815, 12, 10)
    assert seen == dt.datetime(2020, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    assert str(wait) == "P1DT2H"
    assert str(alan["seen"]) == "2021-05-06T07:08:09+02:00"
    assert ada["tags"] == ["a", "b"]
    assert "tags" not in alan
    assert ada["embedding"] == [0.5, 0.25]
    assert alan["embedding"] == [1.0, 2.0]
    assert "nick" not in ada
    assert alan["nick"] == "Al"
    assert summary.properties == 10 + 9
    sound(db)


def test_relationships_labels_types_and_id_spaces(tmp_path, db):
    people = write(tmp_path / "people.csv", "pid:ID(Person),name,:LABEL\n1,Ada,Admin\n2,Alan,\n")
    cities = write(tmp_path / "cities.csv", ":ID(City),name\n1,London\n")
    rels = write(
        tmp_path / "rels.csv",
        ":START_ID(Person),:END_ID(Person),:TYPE,since:int\n1,2,KNOWS,1936\n2,1,,1940\n",
    )
    lives = write(tmp_path / "lives.csv", ":START_ID(Person),:END_ID(City)\n1,1\n2,1\n")
    summary = db.import_csv(
        nodes=[("Person", people), ("City", cities)],
        relationships={"FRIEND": rels, "LIVES_IN": lives},
    )
    assert (summary.nodes, summary.relationships) == (3, 4)
    assert db.execute("MATCH (n:Admin) RETURN n.name").rows() == [("Ada",)]
    assert db.execute("MATCH (c:City) RETURN keys(c)").rows() == [(["name"],)]
    rows = db.execute(
        "MATCH (a)-[r]->(b:Person) RETURN a.name, type(r), r.since, b.name ORDER BY r.since"
    ).rows()
    assert rows == [("Ada", "KNOWS", 1936, "Alan"), ("Alan", "FRIEND", 1940, "Ada")]
    counts = db.execute("MATCH (:Person)-[:LIVES_IN]->(c:City) RETURN c.name, count(*)").rows()
    assert counts == [("London", 2)]
    assert [(f.kind, f.target, f.rows, f.imported) for f in summary.files] == [
        ("nodes", "Person", 2, 2),
        ("nodes", "City", 1, 1),
        ("relationships", "FRIEND", 2, 2),
        ("relationships", "LIVES_IN", 2, 2),
    ]
    sound(db)


def test_id_types(tmp_path):
    nodes = write(tmp_path / "n.csv", "id:ID\n007\n8\n")
    rels = write(tmp_path / "r.csv", ":START_ID,:END_ID\n007,8\n")
    with engram.open() as db:
        db.import_csv(nodes={"N": nodes}, relationships={"R": rels})
        assert db.execute("MATCH (n:N) RETURN n.id ORDER BY n.id").rows() == [(7,), (8,)]
    with engram.open() as db:
        db.import_csv(nodes={"N": nodes}, relationships={"R": rels}, id_type="string")
        rows = db.execute("MATCH (a)-[:R]->(b) RETURN a.id, b.id").rows()
        assert rows == [("007", "8")]
    words = write(tmp_path / "w.csv", "id:ID\nada\n7\n")
    with engram.open() as db:
        summary = db.import_csv(nodes={"W": words})
        assert summary.nodes == 2
        assert db.execute("MATCH (w:W) RETURN w.id ORDER BY w.id").rows() == [("7",), ("ada",)]


def test_quoted_fields_and_line_numbers(tmp_path, db):
    text = 'id:ID,name\n1,"Lovelace, Ada"\n2,"say ""hi"""\n3,"two\nlines"\n4,x,extra\n5,plain\n'
    path = write(tmp_path / "q.csv", text)
    bad = []
    summary = db.import_csv(nodes={"Q": path}, skip_bad_rows=True, on_bad_row=bad.append)
    names = db.execute("MATCH (q:Q) RETURN q.name ORDER BY q.id").rows()
    assert names == [("Lovelace, Ada",), ('say "hi"',), ("two\nlines",), ("plain",)]
    assert [str(row) for row in bad] == [f"{path}:6: expected 2 fields, found 3"]
    assert summary.bad_rows == tuple(bad)


@pytest.mark.parametrize("block", [7, 64, 1 << 20])
def test_block_boundaries_keep_rows_and_lines(tmp_path, db, monkeypatch, block):
    monkeypatch.setattr(csvfile_module, "BLOCK_SIZE", block)
    lines = ["id:ID,v:int"] + [f"{i},{i * i}" for i in range(200)]
    lines[101] = "100,notanumber"
    path = write(tmp_path / "b.csv", "\r\n".join(lines))  # CRLF, no newline at the end
    summary = db.import_csv(nodes={"B": path}, skip_bad_rows=True)
    assert [(row.line, row.reason) for row in summary.bad_rows] == [
        (102, "'v' value 'notanumber' is not an integer")
    ]
    assert summary.nodes == 199
    total = db.execute("MATCH (b:B) RETURN sum(b.v), count(*)").single()
    assert total == (sum(i * i for i in range(200)) - 100 * 100, 199)


def test_bad_rows_are_each_reported_and_nothing_else_is_lost(tmp_path, db):
    people = write(
        tmp_path / "people.csv",
        "id:ID,age:int,ok:boolean\n1,30,true\n2,x,true\n3,40,maybe\n1,50,false\n4,60\n,70,true\n5,80,true\n",
    )
    knows = write(
        tmp_path / "knows.csv",
        ":START_ID,:END_ID,w:float\n1,5,1.0\n1,99,2.0\n5,,3.0\n5,1,abc\n5,1,4.5\n",
    )
    summary = db.import_csv(
        nodes={"Person": people}, relationships={"KNOWS": knows}, skip_bad_rows=True
    )
    assert [str(row).split("/")[-1] for row in summary.bad_rows] == [
        "people.csv:3: 'age' value 'x' is not an integer",
        "people.csv:4: 'ok' value 'maybe' is not a boolean (true or false)",
        "people.csv:5: duplicate id '1' (id space 'global')",
        "people.csv:6: expected 3 fields, found 2",
        "people.csv:7: 'id:ID' has no id",
        "knows.csv:3: ':END_ID' value '99' matches no node (id space 'global')",
        "knows.csv:4: ':END_ID' is empty",
        "knows.csv:5: 'w' value 'abc' is not a float",
    ]
    assert (summary.nodes, summary.relationships) == (2, 2)
    assert db.execute("MATCH (p:Person) RETURN p.id, p.age ORDER BY p.id").rows() == [
        (1, 30),
        (5, 80),
    ]
    rows = db.execute("MATCH (a)-[k:KNOWS]->(b) RETURN a.id, b.id, k.w ORDER BY k.w").rows()
    assert rows == [(1, 5, 1.0), (5, 1, 4.5)]
    assert [f.bad_rows for f in summary.files] == [5, 3]
    sound(db)


def test_a_bad_row_stops_the_import_and_nothing_is_written(tmp_path, db):
    people = write(tmp_path / "people.csv", "id:ID\n1\n2\n")
    knows = write(tmp_path / "knows.csv", ":START_ID,:END_ID\n1,2\n2,3\n")
    with pytest.raises(BulkImportError) as caught:
        db.import_csv(nodes={"P": people}, relationships={"K": knows})
    error = caught.value
    assert str(error.bad_rows[0]).endswith(
        "knows.csv:3: ':END_ID' value '3' matches no node (id space 'global')"
    )
    assert "nothing was imported" in error.hint
    assert db.execute("MATCH (n) RETURN count(n)").scalar() == 0
    sound(db)


def test_batches_commit_separately_and_match_one_commit(tmp_path):
    people = write(tmp_path / "p.csv", "id:ID\n" + "".join(f"{i}\n" for i in range(300)))
    pairs = [(i, (i * 7) % 300) for i in range(300)] + [(i, 0) for i in range(300)]
    knows = write(
        tmp_path / "k.csv", ":START_ID,:END_ID\n" + "".join(f"{a},{b}\n" for a, b in pairs)
    )
    results = []
    for batch_size in (None, 50):
        with engram.open() as db:
            summary = db.import_csv(
                nodes={"P": people}, relationships={"K": knows}, batch_size=batch_size
            )
            assert summary.commits == (1 if batch_size is None else 18)
            rows = db.execute("MATCH (a)-[:K]->(b) RETURN a.id, b.id ORDER BY a.id, b.id").rows()
            results.append(rows)
            sound(db)
    assert results[0] == results[1] == sorted(pairs)


def test_a_batched_import_that_stops_says_what_it_kept(tmp_path, db):
    people = write(tmp_path / "p.csv", "id:ID\n" + "".join(f"{i}\n" for i in range(10)) + "x\n")
    with pytest.raises(BulkImportError) as caught:
        db.import_csv(nodes={"P": people}, batch_size=4)
    assert caught.value.committed == 8
    assert "8 nodes and relationships committed in earlier batches are kept" in caught.value.hint
    assert db.execute("MATCH (n) RETURN count(n)").scalar() == 8


def test_unique_constraints_and_indexes(tmp_path, db):
    db.execute("CREATE CONSTRAINT FOR (p:P) REQUIRE p.email IS UNIQUE")
    db.execute("CREATE INDEX FOR (p:P) ON (p.age)")
    db.execute("CREATE (:P {email: 'taken@x'})")
    path = write(tmp_path / "p.csv", "email,age:int\na@x,1\ntaken@x,2\nb@x,3\na@x,4\n,5\n")
    summary = db.import_csv(nodes={"P": path}, skip_bad_rows=True)
    assert [row.line for row in summary.bad_rows] == [3, 5]
    assert all("unique constraint" in row.reason for row in summary.bad_rows)
    rows = db.execute("MATCH (p:P) WHERE p.age >= 1 RETURN p.age ORDER BY p.age").rows()
    assert rows == [(1,), (3,), (5,)]
    with db.begin_read() as tx:
        index = tx.catalog.index("index_P_age")
        found = tx.index_seek(index, equal=[3])
        assert [record.properties for record in tx.nodes(found)] == [
            {tx.catalog.property_key_id("email"): "b@x", tx.catalog.property_key_id("age"): 3}
        ]
    assert db.execute("MATCH (p:P) WHERE p.age = 3 RETURN p.email").rows() == [("b@x",)]
    sound(db)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("id:ID,age:integerish\n", "unknown type 'integerish'"),
        ("id:ID,name,name\n", "property 'name' appears twice"),
        (":ID,:ID\n", "more than one :ID column"),
        (":START_ID,x\n", "a node file cannot have a :START_ID column"),
        ("", "the file has no header row"),
    ],
)
def test_bad_node_headers(tmp_path, db, header, message):
    path = write(tmp_path / "h.csv", header)
    with pytest.raises(BulkImportError, match=message):
        db.import_csv(nodes={"N": path})


def test_bad_relationship_headers_and_arguments(tmp_path, db):
    nodes = write(tmp_path / "n.csv", "id:ID\n1\n")
    no_end = write(tmp_path / "r.csv", ":START_ID,x\n1,2\n")
    with pytest.raises(BulkImportError, match="needs a :START_ID and an :END_ID"):
        db.import_csv(nodes={"N": nodes}, relationships={"R": no_end})
    untyped = write(tmp_path / "u.csv", ":START_ID,:END_ID\n1,1\n")
    with pytest.raises(BulkImportError, match="no relationship type"):
        db.import_csv(nodes={"N": nodes}, relationships=[untyped])
    with pytest.raises(BulkImportError, match="cannot read"):
        db.import_csv(nodes={"N": tmp_path / "missing.csv"})
    with pytest.raises(BulkImportError, match="unknown id type"):
        db.import_csv(nodes={"N": nodes}, id_type="uuid")
    with pytest.raises(BulkImportError, match="batch size must be positive"):
        db.import_csv(nodes={"N": nodes}, batch_size=0)
    with pytest.raises(BulkImportError, match="invalid delimiter"):
        db.import_csv(nodes={"N": nodes}, delimiter="ab")
    bad_utf8 = tmp_path / "latin.csv"
    bad_utf8.write_bytes(b"id:ID,name\n1,caf\xe9\n")
    with pytest.raises(BulkImportError, match="line 2: the file is not valid UTF-8"):
        db.import_csv(nodes={"N": bad_utf8})
    assert db.execute("MATCH (n) RETURN count(n)").scalar() == 0


def test_other_delimiters_and_empty_files(tmp_path, db):
    path = write(tmp_path / "t.tsv", "id:ID\tnames:string[]\n1\tx|y\n")
    empty = write(tmp_path / "e.csv", "id:ID\n")
    summary = db.import_csv(nodes=[("T", path), ("E", empty)], delimiter="\t", array_delimiter="|")
    assert summary.nodes == 1
    assert db.execute("MATCH (t:T) RETURN t.names").scalar() == ["x", "y"]


text_cells = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(st.tuples(text_cells, st.integers(-(2**63), 2**63 - 1)), max_size=25))
def test_any_text_written_by_a_csv_writer_comes_back(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("csv")
    path = folder / "t.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id:ID", "text", "number:int"])
        for position, (text, number) in enumerate(rows):
            writer.writerow([position, text, number])
    with engram.open(folder / "db", sync=False) as db:
        import_csv(db._store, nodes={"T": path})
        found = db.execute("MATCH (t:T) RETURN t.text, t.number ORDER BY t.id").rows()
    assert found == [
        (text.replace("\r\n", "\n") if False else text, number) for text, number in rows
    ]
