"""The all-integer CSV fast path: exact values, exact fallbacks, same import as the text path."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engram
from engram.importer import csvfile as csvfile_module
from engram.importer.csvfile import CsvFile
from engram.importer.intblock import int_columns
from engram.storage.verify import check_integrity

NL = "\n"


def block(rows):
    return "".join(",".join(str(cell) for cell in row) + NL for row in rows).encode()


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.integers(-(10**18) + 1, 10**18 - 1), min_size=3, max_size=3),
        min_size=1,
        max_size=40,
    )
)
def test_every_int_up_to_18_digits_reads_as_int_would(rows):
    columns = int_columns(block(rows), 3, ",")
    assert columns is not None
    assert [column.dtype for column in columns] == [np.dtype(np.int64)] * 3
    assert [list(row) for row in zip(*(c.tolist() for c in columns), strict=True)] == rows


@pytest.mark.parametrize(
    "text",
    [
        "1,02\n",  # a leading zero: '02' and '2' differ in a string id space
        "-0,1\n",
        "1,\n",  # an empty cell is "no property", not 0
        ",1\n",
        "1, 2\n",
        "+1,2\n",
        "-,1\n",
        "1,2,3\n",
        "1\n2\n",
        "1,2\n\n",
        "1,2\r\n",
        "1,2",  # no line end
        "1234567890123456789,1\n",  # 19 digits: left to int()
        'a,"1"\n',
        "1.5,2\n",
        "1,2\n3,x\n",
    ],
)
def test_anything_else_falls_back_to_the_text_path(text):
    assert int_columns(text.encode(), 2, ",") is None


def test_other_delimiters():
    columns = int_columns(b"1|2\n3|4\n", 2, "|")
    assert columns is not None
    assert [column.tolist() for column in columns] == [[1, 3], [2, 4]]
    assert int_columns(b"1,2\n", 2, "|") is None


def test_a_file_of_ids_and_int_properties_takes_the_fast_path(tmp_path):
    path = tmp_path / "k.csv"
    path.write_text(":START_ID,:END_ID,since:int" + NL + "1,2,2018" + NL + "3,4,-7" + NL)
    chunk = next(CsvFile(path).chunks())
    assert all(isinstance(cells, np.ndarray) for cells in chunk.cells)
    assert chunk.lines.tolist() == [2, 3]
    named = tmp_path / "p.csv"
    named.write_text("id:ID,name" + NL + "1,Ada" + NL)
    assert next(CsvFile(named).chunks()).cells == [["1"], ["Ada"]]


def graph(db):
    people = db.execute("MATCH (p:P) RETURN p.id, p.v ORDER BY p.id").rows()
    rels = db.execute("MATCH (a)-[k:K]->(b) RETURN a.id, b.id, k.w ORDER BY a.id, b.id, k.w").rows()
    return people, rels


def import_both(tmp_path, people_text, knows_text, block_size, monkeypatch, **options):
    """The same files imported with the fast path on and off; both graphs and summaries."""
    people, knows = tmp_path / "p.csv", tmp_path / "k.csv"
    people.write_text(people_text)
    knows.write_text(knows_text)
    monkeypatch.setattr(csvfile_module, "BLOCK_SIZE", block_size)
    found = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(csvfile_module, "int_columns", lambda *_: None)
        with engram.open() as db:
            summary = db.import_csv(nodes={"P": people}, relationships={"K": knows}, **options)
            with db.begin_read() as tx:
                assert check_integrity(tx) == []
            bad = [(row.path.split("/")[-1], row.line, row.reason) for row in summary.bad_rows]
            found.append((graph(db), bad, summary.nodes, summary.relationships))
    return found


@pytest.mark.parametrize("block_size", [5, 64, 1 << 20])
def test_fast_and_text_paths_import_the_same_graph(tmp_path, monkeypatch, block_size):
    people = "id:ID,v:int" + NL + "".join(f"{i},{i * 3 - 50}{NL}" for i in range(120))
    rows = [f"{i % 120},{(i * 7) % 120},{i - 60}" for i in range(300)]
    rows[10] = "10,007,1"  # a leading zero: the block is read as text, the id still resolves
    rows[200] = "5,999,1"  # no such node
    rows[250] = "5,6,"  # an empty property
    knows = ":START_ID,:END_ID,w:int" + NL + NL.join(rows) + NL
    fast, text = import_both(tmp_path, people, knows, block_size, monkeypatch, skip_bad_rows=True)
    assert fast == text
    (people_rows, rels), bad, nodes, relationships = fast
    assert people_rows[:2] == [(0, -50), (1, -47)]
    assert bad == [("k.csv", 202, "':END_ID' value '999' matches no node (id space 'global')")]
    assert (nodes, relationships) == (120, 299)
    assert rels.count((5, 6, None)) == 1
    assert (10, 7, 1) in rels


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pairs=st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(-(2**40), 2**40)),
        max_size=60,
    ),
    block_size=st.sampled_from([4, 16, 1 << 20]),
)
def test_any_integer_graph_imports_the_same_both_ways(tmp_path_factory, pairs, block_size):
    folder = tmp_path_factory.mktemp("ints")
    people = "id:ID,v:int" + NL + "".join(f"{i},{i}{NL}" for i in range(25))
    knows = ":START_ID,:END_ID,w:int" + NL + "".join(f"{a},{b},{w}{NL}" for a, b, w in pairs)
    with pytest.MonkeyPatch.context() as patch:
        fast, text = import_both(folder, people, knows, block_size, patch, skip_bad_rows=True)
    assert fast == text
    expected = sorted((a, b, w) for a, b, w in pairs if a < 25 and b < 25)
    assert fast[0][1] == expected


def test_prefetched_items_errors_and_early_stops():
    from engram.importer.prefetch import prefetched

    assert list(prefetched(iter(range(100)), depth=3)) == list(range(100))

    def failing():
        yield 1
        raise ValueError("bad chunk")

    items = prefetched(failing())
    assert next(items) == 1
    with pytest.raises(ValueError, match="bad chunk"):
        next(items)
    closed = []

    def endless():
        try:
            count = 0
            while True:
                count += 1
                yield count
        finally:
            closed.append(True)

    for item in prefetched(endless()):
        if item == 5:
            break
    assert closed == [True]
