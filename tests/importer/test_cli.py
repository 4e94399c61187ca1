"""`engram import`: arguments, progress, summary, bad rows, exit status."""

from __future__ import annotations

import subprocess
import sys

import engram
from engram.cli import main


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_prints_a_summary_and_loads_the_graph(tmp_path, capsys):
    people = write(tmp_path / "people.csv", "id:ID,name\n1,Ada\n2,Alan\n")
    cities = write(tmp_path / "cities.csv", "id:ID(City),name\n1,London\n")
    knows = write(tmp_path / "knows.csv", ":START_ID,:END_ID\n1,2\n")
    lives = write(tmp_path / "lives.csv", ":START_ID,:END_ID(City)\n1,1\n2,1\n")
    status = main(
        [
            "import",
            str(tmp_path / "db"),
            "--nodes",
            f"Person:Human={people}",
            "--nodes",
            f"City={cities}",
            "--relationships",
            f"KNOWS={knows}",
            "--relationships",
            f"LIVES_IN={lives}",
            "--quiet",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "imported 3 nodes, 3 relationships and 6 properties" in out
    assert "people.csv" in out
    with engram.open(tmp_path / "db") as db:
        assert db.execute("MATCH (p:Person:Human) RETURN count(p)").scalar() == 2
        assert db.execute("MATCH (:Person)-[:LIVES_IN]->(c) RETURN DISTINCT c.name").rows() == [
            ("London",)
        ]


def test_skipped_rows_are_printed_with_file_and_line(tmp_path, capsys):
    people = write(tmp_path / "people.csv", "id:ID,age:int\n1,1\n2,two\n3,3\n")
    status = main(
        ["import", str(tmp_path / "db"), "--nodes", f"P={people}", "--skip-bad-rows", "--quiet"]
    )
    captured = capsys.readouterr()
    assert status == 0
    assert f"skipped {people}:3: 'age' value 'two' is not an integer" in captured.err
    assert "skipped 1 bad row\n" in captured.out
    with engram.open(tmp_path / "db") as db:
        assert db.execute("MATCH (p:P) RETURN count(*)").scalar() == 2


def test_a_bad_row_stops_with_status_1_and_a_hint(tmp_path, capsys):
    people = write(tmp_path / "people.csv", "id:ID,age:int\n1,1\n2,two\n")
    status = main(["import", str(tmp_path / "db"), "--nodes", f"P={people}", "--quiet"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{people}:3: 'age' value 'two' is not an integer" in err
    assert "--skip-bad-rows" in err
    with engram.open(tmp_path / "db") as db:
        assert db.execute("MATCH (n) RETURN count(n)").scalar() == 0


def test_commit_nodes_first_keeps_the_nodes_when_a_relationship_row_stops(tmp_path, capsys):
    people = write(tmp_path / "people.csv", "id:ID\n1\n2\n")
    knows = write(tmp_path / "knows.csv", ":START_ID,:END_ID\n1,2\n2,9\n")
    args = ["import", str(tmp_path / "db"), "--nodes", f"P={people}", "--quiet"]
    status = main([*args, "--relationships", f"K={knows}", "--commit-nodes-first"])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{knows}:3: ':END_ID' value '9' matches no node" in err
    assert "2 nodes and relationships committed in earlier batches are kept" in err
    with engram.open(tmp_path / "db") as db:
        assert db.execute("MATCH (n:P) RETURN count(n)").scalar() == 2
        assert db.execute("MATCH ()-[k]->() RETURN count(k)").scalar() == 0


def test_nothing_to_import_and_bad_specs(tmp_path, capsys):
    assert main(["import", str(tmp_path / "db")]) == 2
    assert "give at least one" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "db"), "--nodes", "P=", "--quiet"]) == 1
    assert "names no file" in capsys.readouterr().err


def test_the_installed_command_shows_progress(tmp_path):
    people = write(tmp_path / "people.csv", "id:ID\n" + "".join(f"{i}\n" for i in range(1000)))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "engram.cli",
            "import",
            str(tmp_path / "db"),
            "--nodes",
            f"P={people}",
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "120", "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert "reading" in result.stderr
    assert "committing" in result.stderr
    assert "imported 1,000 nodes" in result.stdout
