"""Meta-commands and statements through `ShellCore`, over a real database (repl/commands.py)."""

from __future__ import annotations

import re

import pytest

from tests.repl.support import session


@pytest.fixture
def shell():
    with session() as shell:
        assert shell.run(
            "CREATE (:Person {name: 'Ada', age: 36}), (:Person {name: 'Alan', age: 41})"
        )
        shell.take()
        yield shell


def test_help_lists_every_command_and_explains_one(shell):
    assert shell.run(":help")
    out, _ = shell.take()
    for name in (
        ":schema",
        ":param",
        ":params",
        ":explain",
        ":profile",
        ":begin",
        ":commit",
        ":rollback",
        ":format",
        ":timing",
        ":source",
        ":quit",
    ):
        assert re.search(rf"^  {name}\b", out, re.MULTILINE), name
    assert shell.run(":help param")
    out, _ = shell.take()
    assert out.startswith(":param name => expression")
    assert ":param since => date('2020-01-01')" in out


def test_unknown_command_suggests_the_nearest(shell):
    assert not shell.run(":profil MATCH (n) RETURN n")
    _, err = shell.take()
    assert err.splitlines() == [
        "error: unknown command ':profil'",
        "  = help: did you mean :profile? (:help lists every command)",
    ]
    assert not shell.run(":xyzzy")
    _, err = shell.take()
    assert "= help: :help lists every command" in err


def test_param_forms_and_use(shell):
    assert shell.run(":param min => 30 + 8")
    assert shell.run(":param {names: ['Ada', 'Alan'], label: 'x'}")
    _, err = shell.take()
    assert err.splitlines() == ["$min = 38", "$names = ['Ada', 'Alan']", "$label = 'x'"]
    assert shell.run(":param twice => $min * 2")
    assert shell.core.params == {"min": 38, "names": ["Ada", "Alan"], "label": "x", "twice": 76}
    shell.take()
    assert shell.run("MATCH (p:Person) WHERE p.age > $min AND p.name IN $names RETURN p.name AS n;")
    out, _ = shell.take()
    assert "'Alan'" in out
    assert "'Ada'" not in out
    assert shell.run(":params")
    out, _ = shell.take()
    assert re.search(r"│ \$twice\s+│ 76\s+│", out)
    assert shell.run(":params clear")
    assert shell.core.params == {}


def test_a_missing_parameter_says_how_to_set_it(shell):
    assert not shell.run("MATCH (p:Person) WHERE p.age > $min RETURN p.name;")
    _, err = shell.take()
    assert "= help: set it with :param min => value" in err
    # a near miss keeps the engine's suggestion
    assert shell.run(":param minimum => 30")
    assert not shell.run("MATCH (p:Person) WHERE p.age > $minimun RETURN p.name;")
    _, err = shell.take()
    assert "= help: did you mean $minimum?" in err


def test_param_errors_point_into_the_expression(shell):
    assert not shell.run(":param x => 1 +* 2")
    _, err = shell.take()
    assert "1 | 1 +* 2" in err
    assert "  |    ^" in err
    assert not shell.run(":param who => Ada")
    _, err = shell.take()
    assert "= help: a string is quoted: 'Ada'" in err
    assert not shell.run(":param 1x => 2")
    _, err = shell.take()
    assert "cannot read ':param 1x => 2'" in err
    assert shell.core.params == {}


def test_format_changes_the_output(shell):
    assert shell.run(":format csv")
    assert shell.run("MATCH (p:Person) RETURN p.name AS name, p.age AS age ORDER BY name;")
    out, _ = shell.take()
    assert out == "name,age\nAda,36\nAlan,41\n"
    assert shell.run(":format jsonl\nRETURN {a: 1} AS m;")
    out, _ = shell.take()
    assert out == '{"m": {"a": 1}}\n'
    assert not shell.run(":format yaml")
    _, err = shell.take()
    assert "unknown format 'yaml'" in err
    assert "table, csv, json, jsonl, markdown" in err


def test_timing_and_maxrows_change_the_summary(shell):
    assert shell.run("UNWIND range(1, 5) AS i RETURN i;")
    _, err = shell.take()
    assert re.fullmatch(r"5 rows · [0-9.]+ m?s\n", err)
    assert shell.run(":timing off\n:maxrows 2\nUNWIND range(1, 5) AS i RETURN i;")
    out, err = shell.take()
    assert err.splitlines()[-1] == "5 rows (first 2 shown; :maxrows changes this)"
    assert len([line for line in out.splitlines() if re.fullmatch(r"│ +\d │", line)]) == 2
    assert shell.run(":maxrows all")
    assert shell.core.settings.max_rows is None


def test_write_statements_report_what_changed(shell):
    assert shell.run("CREATE (:City {name: 'Paris'})-[:NEAR]->(:City {name: 'Lyon'});")
    out, err = shell.take()
    assert out == ""
    assert re.fullmatch(
        r"2 nodes created, 1 relationship created, 2 labels added, 2 properties set · .*\n", err
    )


def test_begin_commit_and_rollback(shell):
    assert shell.run(":begin\nCREATE (:Temp);\n:commit")
    assert shell.run(":begin\nCREATE (:Temp);\nCREATE (:Temp);\n:rollback")
    shell.take()
    assert shell.run("MATCH (t:Temp) RETURN count(t) AS n;")
    out, _ = shell.take()
    assert re.search(r"│ 1 │", out)


def test_a_failing_statement_in_a_transaction_undoes_only_itself(shell):
    assert shell.run(":begin\nCREATE (:Kept);")
    assert not shell.run("CREATE (:Lost) WITH 1 AS x RETURN 1 / 0;")
    _, err = shell.take()
    assert "the transaction is still open" in err
    assert shell.core.transaction is not None
    assert shell.run(
        "MATCH (k:Kept) RETURN count(k) AS kept;\nMATCH (l:Lost) RETURN count(l) AS lost;"
    )
    out, _ = shell.take()
    assert re.findall(r"│\s+(\d) │", out) == ["1", "0"]
    assert shell.run(":rollback")


def test_transaction_commands_out_of_order(shell):
    assert not shell.run(":commit")
    _, err = shell.take()
    assert "no transaction is open" in err
    assert shell.run(":begin")
    assert not shell.run(":begin")
    _, err = shell.take()
    assert "a transaction is already open" in err
    assert not shell.run(":rollback now")
    _, err = shell.take()
    assert ":rollback takes no argument" in err
    shell.core.close()
    _, err = shell.take()
    assert "rolled back the open transaction" in err


def test_source_runs_a_file_and_stops_at_its_first_failure(shell, tmp_path):
    script = tmp_path / "load.cypher"
    script.write_text("CREATE (:Loaded {n: 1});\n\nRETURN missing;\nCREATE (:Loaded {n: 2});\n")
    assert not shell.run(f":source {script}")
    out, err = shell.take()
    assert "variable 'missing' is not defined" in err
    assert f"in {script}, line 3" in err
    assert f"stopped: a statement in '{script}' failed" in err
    assert shell.run("MATCH (l:Loaded) RETURN count(l) AS n;")
    out, _ = shell.take()
    assert re.search(r"│ 1 │", out)
    assert not shell.run(f":source {tmp_path / 'absent.cypher'}")
    _, err = shell.take()
    assert "cannot read" in err
    assert "no such file or directory" in err


def test_source_that_sources_itself_stops(shell, tmp_path):
    script = tmp_path / "loop.cypher"
    script.write_text(f":source {script}\n")
    assert not shell.run(f":source {script}")
    _, err = shell.take()
    assert ":source is nested more than 16 deep" in err


def test_schema_shows_labels_types_properties_and_indexes(shell):
    assert shell.run(
        "MATCH (a:Person {name: 'Ada'}), (b:Person {name: 'Alan'})"
        " CREATE (a)-[:KNOWS {since: 1}]->(b);"
    )
    assert shell.run("CREATE INDEX person_name FOR (p:Person) ON (p.name);")
    shell.take()
    assert shell.run(":schema")
    out, err = shell.take()
    assert out.startswith("2 nodes, 1 relationship\n")
    assert re.search(r"│ Person │\s+2 │ age, name\s+│", out)
    assert re.search(r"│ KNOWS │\s+1 │ since\s+│", out)
    assert re.search(r"│ person_name │ PROPERTY │ NODE\s+│ Person\s+│ name\s+│ ONLINE │\s+2 │", out)
    assert "no constraints" in err


def test_explain_and_profile_draw_plans(shell):
    assert shell.run(":explain MATCH (p:Person) WHERE p.age > 40 RETURN p.name")
    out, _ = shell.take()
    assert out.split("\n")[1].startswith("│ Operator")
    assert "└─ Filter" in out
    assert shell.run(":profile MATCH (p:Person) WHERE p.age > 40 RETURN p.name")
    out, err = shell.take()
    assert re.search(r"│ Operator\s+│ Est. rows │ Rows │ Reads │ Time\s+│", out)
    assert re.search(r"LabelScan node=p:Person\s+│\s+2 │\s+2 │", out)
    assert err.startswith("1 row · ")
    assert not shell.run(":explain")
    _, err = shell.take()
    assert ":explain needs a query" in err


def test_explain_prefix_is_drawn_as_a_tree_too(shell):
    assert shell.run("EXPLAIN MATCH (p:Person) RETURN p;")
    out, _ = shell.take()
    assert "│ Operator" in out
    assert "└─ LabelScan node=p:Person" in out


def test_quit_stops_the_rest(shell):
    assert shell.run(":quit\nCREATE (:Never);")
    assert shell.core.quit_requested
    shell.core.quit_requested = False
    assert shell.run("MATCH (n:Never) RETURN count(n) AS n;")
    out, _ = shell.take()
    assert re.search(r"│ 0 │", out)


def test_confirmations_are_quiet_in_scripts():
    with session(terminal=False) as shell:
        assert shell.run(":param x => 1\n:format csv\n:timing off\nRETURN $x AS x;")
        out, err = shell.take()
        assert (out, err) == ("x\n1\n", "")
