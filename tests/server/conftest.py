"""Fixtures of the server tests: real uvicorn servers on 127.0.0.1 over temporary databases."""

from __future__ import annotations

import pytest

import engram
from tests.server.support import Server, running_server

SOCIAL = """
CREATE (ada:Person {name: 'Ada', age: 36, born: date('1815-12-10'), score: 9.5,
                    tags: ['math', 'poetry'], active: true}),
       (bob:Person {name: 'Bob', age: 25, score: 7.0, tags: ['cars'], active: false}),
       (cy:Person {name: 'Cy', age: 41, tags: [], active: true}),
       (dee:Person {name: 'Dee', age: 25, score: 8.25}),
       (eve:Person {name: 'Eve'}),
       (acme:Company {name: 'Acme', founded: 1990}),
       (globex:Company {name: 'Globex', founded: 2001}),
       (ada)-[:KNOWS {since: 2001}]->(bob),
       (ada)-[:KNOWS {since: 1999}]->(cy),
       (bob)-[:KNOWS {since: 2010}]->(cy),
       (cy)-[:KNOWS {since: 2015}]->(dee),
       (ada)-[:WORKS_AT {role: 'founder'}]->(acme),
       (bob)-[:WORKS_AT {role: 'engineer'}]->(acme),
       (dee)-[:WORKS_AT {role: 'analyst'}]->(globex)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One server per test module over the small social graph above."""
    directory = tmp_path_factory.mktemp("server")
    db = engram.open(directory / "db")
    db.execute(SOCIAL)
    try:
        with running_server(db) as handle:
            yield handle
    finally:
        db.close()


@pytest.fixture
def fresh_server(tmp_path) -> Server:
    """A server over an empty database, for tests that change or need a clean graph."""
    db = engram.open(tmp_path / "db")
    try:
        with running_server(db) as handle:
            yield handle
    finally:
        db.close()
