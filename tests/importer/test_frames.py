"""Data frame import: dtypes pass through, NaN means no property, typed column names."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import engram
from engram.importer import BulkImportError
from engram.storage.verify import check_integrity


def test_nodes_and_relationships_from_frames():
    people = pd.DataFrame(
        {
            "id": [10, 11, 12],
            "name": ["Ada", "Alan", None],
            "age": [36, 41, 29],
            "score": [1.5, np.nan, 3.0],
            "active": [True, False, True],
            "born": pd.to_datetime(["1815-12-10", "1912-06-23", "1906-12-09"]),
            "vector": [np.array([0.5, 0.25]), np.array([1.0, 0.0]), None],
        }
    )
    knows = pd.DataFrame({"start": [10, 11], "end": [11, 12], "since:int": [1936, 1950]})
    with engram.open() as db:
        summary = db.import_dataframe(nodes={"Person": people}, relationships={"KNOWS": knows})
        assert (summary.nodes, summary.relationships, summary.bad_rows) == (3, 2, ())
        rows = db.execute(
            "MATCH (p:Person) RETURN p.id, p.name, p.age, p.score, p.active, p.born, p.vector "
            "ORDER BY p.id"
        ).rows()
        assert rows[0] == (10, "Ada", 36, 1.5, True, dt.datetime(1815, 12, 10), [0.5, 0.25])
        assert rows[1][3] is None
        assert rows[2][1] is None
        assert rows[2][6] is None
        chain = db.execute(
            "MATCH (a)-[k:KNOWS]->(b) RETURN a.name, k.since, b.id ORDER BY k.since"
        ).rows()
        assert chain == [("Ada", 1936, 11), ("Alan", 1950, 12)]
        with db.begin_read() as tx:
            assert check_integrity(tx) == []


def test_string_ids_labels_and_bad_rows():
    nodes = pd.DataFrame({"key": ["a", "b", "a"], ":LABEL": ["X", "Y", "X"]})
    rels = pd.DataFrame({"from": ["a", "b"], "to": ["b", "zz"]})
    with engram.open() as db:
        summary = db.import_dataframe(
            nodes=[("N", nodes)],
            relationships={"R": rels},
            id="key",
            start="from",
            end="to",
            skip_bad_rows=True,
        )
        assert [str(row) for row in summary.bad_rows] == [
            "nodes[N]:3: duplicate id 'a' (id space 'global')",
            "relationships[R]:2: 'to:END_ID' value 'zz' matches no node (id space 'global')",
        ]
        assert db.execute("MATCH (n:N:X) RETURN n.key").rows() == [("a",)]
        assert db.execute("MATCH (:X)-[:R]->(b:Y) RETURN b.key").rows() == [("b",)]


def test_frames_without_the_named_columns():
    with engram.open() as db:
        with pytest.raises(BulkImportError, match="needs a :START_ID and an :END_ID"):
            db.import_dataframe(relationships={"R": pd.DataFrame({"a": [1]})})
        with pytest.raises(BulkImportError, match="expected a data frame"):
            db.import_dataframe(nodes={"N": [1, 2, 3]})
        summary = db.import_dataframe(nodes={"N": pd.DataFrame({"x": [1, 2]})})
        assert summary.nodes == 2
        assert db.execute("MATCH (n:N) RETURN sum(n.x)").scalar() == 3


def test_frames_with_the_nodes_committed_first():
    people = pd.DataFrame({"id": [1, 2, 3], "age": [30, 40, 50]})
    knows = pd.DataFrame({"start": [1, 2], "end": [2, 3], "since": [2001, 2002]})
    with engram.open() as db:
        summary = db.import_dataframe(
            nodes={"Person": people}, relationships={"KNOWS": knows}, commit_nodes_first=True
        )
        assert (summary.nodes, summary.relationships, summary.commits) == (3, 2, 2)
        rows = db.execute("MATCH (a)-[k:KNOWS]->(b) RETURN a.age, k.since, b.age ORDER BY k.since")
        assert rows.rows() == [(30, 2001, 40), (40, 2002, 50)]
