"""The demo graph and every example the welcome text suggests (repl/demo.py)."""

from __future__ import annotations

import pytest

import engram
from engram.repl.demo import EXAMPLES, available_examples, load_demo, welcome_text


@pytest.fixture(scope="module")
def demo():
    with engram.open() as db:
        load_demo(db)
        yield db


def test_the_demo_graph(demo):
    counts = demo.execute(
        "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label"
    ).rows()
    assert counts == [("Genre", 6), ("Movie", 14), ("Person", 33)]
    assert demo.execute("MATCH ()-[r]->() RETURN count(r)").scalar() == 85
    indexes = {row[0]: row[1] for row in demo.execute("SHOW INDEXES").rows()}
    assert indexes == {
        "movie_title": "PROPERTY",
        "person_name": "PROPERTY",
        "movie_embedding": "VECTOR",
    }
    embeddings = demo.execute("MATCH (m:Movie) RETURN m.embedding").rows()
    assert all(len(row[0]) == 5 for row in embeddings)


EXPECTED_FIRST_ROWS = {
    "who played whom in The Matrix": ("Carrie-Anne Moss", ["Trinity"]),
    "the busiest actors (aggregation)": (
        "Keanu Reeves",
        6,
        [
            "The Matrix",
            "The Matrix Reloaded",
            "John Wick",
            "Speed",
            "The Devil's Advocate",
            "Something's Gotta Give",
        ],
    ),
    "Kevin Bacon to Keanu Reeves (shortest path)": (
        [
            "Kevin Bacon",
            "A Few Good Men",
            "Jack Nicholson",
            "Something's Gotta Give",
            "Keanu Reeves",
        ],
    ),
    # the embeddings' cosine is 0.995; the function scales it to (1 + cosine) / 2
    "films like The Matrix (vector similarity, answered by an HNSW index)": (
        "The Matrix Reloaded",
        0.998,
    ),
    "co-stars of co-stars Tom Hanks has not worked with (recommendation)": ("Tom Cruise", 2),
}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.caption)
def test_every_example_works(demo, example):
    if example not in available_examples():
        pytest.skip(f"{example.needs_function} is not in this build yet (issue 6)")
    rows = demo.execute(example.text).rows()
    assert rows
    assert rows[0] == EXPECTED_FIRST_ROWS[example.caption]


def test_the_welcome_text_shows_the_examples_that_work():
    text = welcome_text("demo", color=False)
    for example in EXAMPLES:
        assert (example.text in text) is (example in available_examples())
    assert all(len(line) <= 80 for line in text.split("\n"))


def test_the_similarity_example_runs_on_the_vector_index(demo):
    [example] = [e for e in available_examples() if "vector" in e.caption]
    plan = demo.explain(example.text.rstrip(";"))
    assert "VectorSearch" in [line.operator for line in plan.lines]
