"""Fixtures for storage tests: real RocksDB databases in temporary directories."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

import engram
from engram.storage import Store, WriteTransaction


@dataclass(frozen=True)
class Schema:
    """Ids of the names most tests use."""

    person: int
    city: int
    knows: int
    lives_in: int
    name: int
    age: int
    email: int


def make_schema(tx: WriteTransaction) -> Schema:
    return Schema(
        person=tx.intern_label("Person"),
        city=tx.intern_label("City"),
        knows=tx.intern_type("KNOWS"),
        lives_in=tx.intern_type("LIVES_IN"),
        name=tx.intern_property_key("name"),
        age=tx.intern_property_key("age"),
        email=tx.intern_property_key("email"),
    )


def pytest_collection_modifyitems(config, items):
    """Skip this package's `slow` tests unless a marker expression selects tests."""
    if config.option.markexpr:
        return
    skip = pytest.mark.skip(reason="long-running; run it with `pytest -m slow`")
    here = Path(__file__).parent
    for item in items:
        if "slow" in item.keywords and here in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture
def db(tmp_path):
    """An unsynced database: the tests that need durable commits open their own."""
    database = engram.open(tmp_path / "graph", sync=False)
    yield database
    database.close()


@pytest.fixture
def durable_store(tmp_path):
    """A store that fsyncs every commit (the default of `engram.open`)."""
    database = engram.open(tmp_path / "durable")
    yield database._store
    database.close()


@pytest.fixture
def store(db) -> Store:
    return db._store


@pytest.fixture
def schema(store) -> Schema:
    with store.begin_write() as tx:
        return make_schema(tx)
