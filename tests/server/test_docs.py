"""The examples in docs/server.md run against a real server and give the responses shown.

The page's ```cypher blocks build the graph; every ```graphql block then runs in order
(as an admin), and when a ```json block follows it, the response must equal it.
Subscriptions are validated against the live schema (the subscription tests run them).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from graphql import parse, validate

import engram
from tests.server.support import running_server

DOC = Path(__file__).resolve().parents[2] / "docs" / "server.md"
TEXT = DOC.read_text(encoding="utf-8")
SEED = re.findall(r"```cypher\n(.*?)```", TEXT, flags=re.S)
EXAMPLES = [
    (query, expected or None)
    for query, expected in re.findall(
        r"```graphql\n(.*?)```\n(?:\n```json\n(.*?)```)?", TEXT, flags=re.S
    )
]


def test_the_page_has_examples():
    assert len(SEED) >= 2
    assert len(EXAMPLES) >= 12
    assert sum(expected is not None for _, expected in EXAMPLES) >= 10


def test_examples_give_the_responses_shown(tmp_path):
    db = engram.open(tmp_path / "db")
    try:
        for statement in SEED:
            db.execute(statement)
        with running_server(db) as server:
            schema = server.state.schemas.schema._schema
            for number, (query, expected) in enumerate(EXAMPLES):
                if query.lstrip().startswith("subscription"):
                    assert validate(schema, parse(query)) == [], query
                    continue
                body = server.gql(query)
                assert body["_status"] == 200, (number, body)
                assert "errors" not in body, (number, query, body["errors"])
                if expected is not None:
                    assert {"data": body["data"]} == json.loads(expected), (number, query)
    finally:
        db.close()


@pytest.mark.parametrize("block", re.findall(r"```toml\n(.*?)```", TEXT, flags=re.S))
def test_settings_example_is_valid(block, tmp_path):
    from engram.server import ServerSettings

    path = tmp_path / "server.toml"
    path.write_text(re.sub(r"^  ", "", block, flags=re.M))
    settings = ServerSettings.from_toml(path)
    assert settings.limits.max_rows == 5000
