"""`engram shell PATH < script` and `engram query`: exit codes, formats, parameters, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import engram

SCRIPT = """\
// a script: statements, a meta-command, an error, and a statement after it
CREATE (:Person {name: 'Ada', age: 36}), (:Person {name: 'Alan', age: 41});
:format csv
MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY name;
RETURN nope;
CREATE (:After);
"""


def _engram(*args: str, stdin: str | bytes = "", cwd=None) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [sys.executable, "-m", "engram.cli", *args],
        input=data,
        capture_output=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def _count(path, label: str) -> int:
    with engram.open(path) as db:
        return db.execute(f"MATCH (n:{label}) RETURN count(n)").scalar()


def test_script_stops_at_the_first_error(tmp_path):
    db = tmp_path / "db"
    result = _engram("shell", str(db), stdin=SCRIPT)
    assert result.returncode == 1
    assert result.stdout == "name,age\nAda,36\nAlan,41\n"
    assert result.stderr.splitlines() == [
        "SyntaxError (UndefinedVariable) [E202]: variable 'nope' is not defined",
        " --> query:1:8",
        "  |",
        "1 | RETURN nope",
        "  |        ^^^^",
        "  in stdin, line 5",
    ]
    assert _count(db, "After") == 0


def test_script_with_continue_runs_the_rest_and_still_fails(tmp_path):
    db = tmp_path / "db"
    result = _engram("shell", str(db), "--continue", stdin=SCRIPT)
    assert result.returncode == 1
    assert _count(db, "After") == 1


def test_script_without_errors_exits_zero_with_no_colour(tmp_path):
    result = _engram("shell", "--format", "jsonl", stdin="UNWIND [1, 2] AS x RETURN x;")
    assert result.returncode == 0
    assert result.stdout == '{"x": 1}\n{"x": 2}\n'
    assert "\x1b[" not in result.stdout + result.stderr


def test_python_dash_m_repl_is_the_shell(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "engram.repl", "--demo", "--format", "csv"],
        input=b"MATCH (m:Movie) RETURN count(m) AS films;",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.decode() == "films\n14\n"


def test_script_that_is_not_utf8_is_refused(tmp_path):
    result = _engram("shell", stdin=b"RETURN '\xff\xfe';")
    assert result.returncode == 2
    assert "standard input is not UTF-8 text" in result.stderr


def test_query_with_parameters_and_json(tmp_path):
    db = tmp_path / "db"
    assert _engram("query", str(db), "CREATE (:Person {name: 'Ada', tags: ['x']})").returncode == 0
    result = _engram(
        "query",
        str(db),
        "MATCH (p:Person {name: $name}) RETURN p, $n + 1 AS next",
        "--param",
        "name='Ada'",
        "--param",
        "n=41",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        {
            "p": {"id": 0, "labels": ["Person"], "properties": {"name": "Ada", "tags": ["x"]}},
            "next": 42,
        }
    ]


def test_query_runs_several_statements(tmp_path):
    result = _engram(
        "query",
        str(tmp_path / "db"),
        "CREATE (:T); MATCH (t:T) RETURN count(t) AS n",
        "--format",
        "csv",
    )
    assert (result.returncode, result.stdout) == (0, "n\n1\n")


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("name=Ada", "= help: a string is quoted: 'Ada'"),
        ("novalue", "--param 'novalue' is not NAME=VALUE"),
        ("x=[1,", "SyntaxError"),
    ],
)
def test_query_rejects_bad_parameters(tmp_path, param, message):
    result = _engram("query", str(tmp_path / "db"), "RETURN $name", "--param", param)
    assert result.returncode == 2
    assert message in result.stderr


def test_query_error_exits_one(tmp_path):
    result = _engram("query", str(tmp_path / "db"), "RETURN 1 / 0")
    assert result.returncode == 1
    assert "DivisionByZero" in result.stderr


def test_a_missing_parameter_says_how_to_give_it(tmp_path):
    result = _engram("query", str(tmp_path / "db"), "RETURN $limit AS n")
    assert result.returncode == 1
    assert "expected a value for parameter '$limit'" in result.stderr
    assert "= help: give it with --param limit=VALUE" in result.stderr


def test_a_locked_database_is_reported(tmp_path):
    db = tmp_path / "db"
    with engram.open(db):
        result = _engram("query", str(db), "RETURN 1")
    assert result.returncode == 2
    assert result.stderr.startswith("DatabaseLocked: ")
    assert "Traceback" not in result.stderr


def test_demo_refuses_a_database_with_data(tmp_path):
    db = tmp_path / "db"
    assert _engram("query", str(db), "CREATE (:Mine)").returncode == 0
    result = _engram("shell", str(db), "--demo")
    assert result.returncode == 2
    assert "is not empty; --demo loads into an empty database only" in result.stderr
    assert _count(db, "Movie") == 0


def test_demo_into_an_empty_database_keeps_it(tmp_path):
    db = tmp_path / "db"
    assert _engram("shell", str(db), "--demo", stdin="").returncode == 0
    assert _count(db, "Movie") == 14


def test_read_only_refuses_writes(tmp_path):
    db = tmp_path / "db"
    assert _engram("query", str(db), "CREATE (:X)").returncode == 0
    result = _engram("query", str(db), "CREATE (:Y)", "--read-only")
    assert result.returncode == 1
    assert "read-only" in result.stderr


def test_memory_limit_option_of_query_and_shell(tmp_path):
    db = tmp_path / "db"
    big = "UNWIND range(1, 1000000) AS i RETURN size(collect(i)) AS n"
    limited = _engram("query", str(db), big, "--memory-limit", "2MiB")
    assert limited.returncode == 1
    assert "memory limit of 2.0 MiB" in limited.stderr
    assert _engram("query", str(db), big, "--memory-limit", "1GiB").stdout.count("1000000") == 1
    shell = _engram("shell", str(db), "--memory-limit", "2m", stdin=big + ";\n")
    assert shell.returncode == 1
    assert "MemoryLimitExceeded" in shell.stderr or "memory limit" in shell.stderr
    bad = _engram("query", str(db), "RETURN 1", "--memory-limit", "lots")
    assert bad.returncode == 2
    assert "is not a size" in bad.stderr
