"""Answer canonicalisation and checking: a wrong answer must never pass unnoticed."""

from __future__ import annotations

import re

import pytest

from benchmarks.dataset.graph import GraphSpec, generate
from benchmarks.queries.answers import canonical, check_query, recall_at_k, same_answer
from benchmarks.queries.params import make_params
from benchmarks.queries.workload import QUERIES, QUERY_NAMES, WRITE, render_literals
from benchmarks.runner.measure import summarize
from benchmarks.runner.report import growth_table, latency_table, markdown, problems


def test_canonical_forms():
    assert canonical("Q1", [("Ada", "Lovelace", 36)]) == ["Ada", "Lovelace", 36]
    assert canonical("Q1", []) is None
    assert canonical("Q2", [(3, "b", "x", 2001), (1, "a", "y", 2000)]) == [
        [1, "a", "y", 2000],
        [3, "b", "x", 2001],
    ]
    assert canonical("Q3", []) == 0  # grand-cypher returns no row for a zero count
    assert canonical("Q5", []) is None
    assert canonical("Q5", [(4,), (3,)]) == 3
    assert canonical("Q8", [(5,), (2,)]) == [5, 2]
    with pytest.raises(ValueError, match="unknown query"):
        canonical("Q9", [])


def test_same_answer_tolerates_float_noise_only():
    assert same_answer([["Rome", 3, 40.0]], [["Rome", 3, 40.0 + 1e-12]])
    assert not same_answer([["Rome", 3, 40.0]], [["Rome", 3, 40.1]])
    assert not same_answer([["Rome", 3, 40.0]], [["Rome", 4, 40.0]])
    assert not same_answer(3, "3")
    assert not same_answer([1, 2], [1, 2, 3])
    assert not same_answer(None, 0)


def test_check_query_counts_and_shows_mismatches():
    params = [{"id": 1}, {"id": 2}, {"id": 3}]
    reference = [{"value": 5}, {"value": 7}, {"value": 9}]
    answers = [{"value": 5}, {"value": 8}, None]  # the third set did not run
    check = check_query("Q3", params, reference, answers)
    assert check.compared == 2
    assert check.mismatches == 1
    assert check.examples == ({"params": {"id": 2}, "expected": 7, "got": 8},)


def test_check_query_reports_recall_for_vectors():
    reference = [{"value": list(range(10))}]
    check = check_query("Q8", [{"vector": []}], reference, [{"value": [*range(8), 50, 51]}])
    assert check.mismatches == 0
    assert check.recall == pytest.approx(0.8)
    assert recall_at_k([], [1]) == 1.0


def test_render_literals_quotes_and_escapes():
    text = "MATCH (p {name: $name, age: $age}) WHERE p.v = $v RETURN $name"
    rendered = render_literals(text, {"name": "O'Neil", "age": 3, "v": [0.5, -1.0]})
    assert rendered == (
        r"MATCH (p {name: 'O\'Neil', age: 3}) WHERE p.v = [0.5, -1.0] RETURN 'O\'Neil'"
    )
    assert render_literals("$s", {"s": 'say "hi"'}, quote='"') == r'"say \"hi\""'
    with pytest.raises(KeyError):
        render_literals("$missing", {})


def test_engram_texts_take_every_value_as_a_parameter():
    graph = generate(GraphSpec(persons=50, seed=3))
    params = make_params(graph, runs=2, warmup=1, seed=3)
    for query in (*QUERIES, WRITE):
        placeholders = set(re.findall(r"\$(\w+)", query.engram))
        assert set(params.measured[query.name][0]) == placeholders, query.name
        assert "'" not in query.engram, query.name
        assert '"' not in query.engram, query.name
    assert QUERY_NAMES == ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8")


def test_summarize_percentiles():
    stats = summarize([float(value) for value in range(1, 101)])
    assert stats is not None
    assert stats["median"] == 50.5
    assert stats["p99"] == 99.0
    assert summarize([]) is None


def _summary(check):
    outcome = {
        "status": "ok",
        "form": "literal",
        "calibration": {"literal": 0.001, "prepared": 0.002},
        "runs": 10,
        "planned": 10,
        "summary": {"median": 0.001, "p99": 0.002},
    }
    return {
        "meta": {"dataset": {"counts": {"persons": 100}}},
        "engines": {
            "numpy": {"status": "ok", "queries": {"Q3": outcome}},
            "kuzu": {"status": "ok", "queries": {"Q3": outcome}},
            "engram": {"status": "skipped", "reason": "not built"},
        },
        "verification": {"reference": "numpy", "engines": {"kuzu": {"Q3": check}}},
    }


def test_report_flags_wrong_answers_loudly():
    wrong = {"compared": 10, "mismatches": 2, "examples": [{"params": {"id": 1}}], "recall": None}
    summary = _summary(wrong)
    found = problems(summary)
    assert len(found) == 1
    assert found[0].startswith("kuzu Q3: 2 of 10 answers differ")
    table = latency_table(summary)
    q3 = next(row for row in table.rows if row[0].startswith("Q3"))
    assert "WRONG 2/10" in q3[table.headers.index("kuzu")]
    assert q3[table.headers.index("engram")] == "pending"
    assert "| Q3 2-hop distinct count |" in markdown(table)


def test_report_is_quiet_when_answers_match():
    right = {"compared": 10, "mismatches": 0, "examples": [], "recall": None}
    assert problems(_summary(right)) == []


def test_growth_table_orders_runs_by_size():
    small, large = _summary(None), _summary(None)
    large["meta"] = {"dataset": {"counts": {"persons": 10_000}}}
    large["engines"]["kuzu"]["queries"]["Q3"] = {
        **large["engines"]["kuzu"]["queries"]["Q3"],
        "summary": {"median": 0.004, "p99": 0.005},
    }
    table = growth_table([large, small], ("engram", "kuzu"))
    assert table.headers == ("query", "kuzu 100", "kuzu 10k")
    assert table.rows == (("Q3", "1.00", "4.00"),)
