"""Every limit of the server, each exceeded once, with the error the client sees."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

import engram
from engram.server import ServerSettings
from engram.server.settings import SettingsError
from tests.server.support import codes_of, errors_of, running_server, ws_client

# a long read that checks its deadline often (a sort of two million rows)
SLOW = "UNWIND range(1, 2000000) AS i WITH i ORDER BY i DESC RETURN i LIMIT 1"
# a long read that checks its deadline rarely (a filter dropping every row)
UNCHECKED = "UNWIND range(1, 3000000) AS i WITH i WHERE i < 0 RETURN count(i)"


def limited(**limits):
    return ServerSettings().with_limits(**limits)


@pytest.fixture
def db(tmp_path):
    database = engram.open(tmp_path / "db")
    database.execute("UNWIND range(1, 60) AS i CREATE (:Item {rank: i})")
    database.execute("MATCH (a:Item), (b:Item) WHERE b.rank = a.rank + 1 CREATE (a)-[:NEXT]->(b)")
    yield database
    database.close()


def wait_idle(server, seconds=60):
    deadline = time.monotonic() + seconds
    while server.state.runner.running():
        assert time.monotonic() < deadline, "a cancelled statement kept running"
        time.sleep(0.05)


def test_query_timeout_stops_the_query(db):
    query = "query Q($q: String!, $t: Float) { cypher(query: $q, timeout: $t) { rows } }"
    with running_server(db, limited(query_timeout=0.5)) as server:
        started = time.monotonic()
        body = server.gql(query, {"q": SLOW, "t": 60})
        assert codes_of(body) == ["QUERY_TIMEOUT"], "the server's limit caps the client's"
        assert time.monotonic() - started < 3
        started = time.monotonic()
        assert codes_of(server.gql(query, {"q": SLOW, "t": 0.1})) == ["QUERY_TIMEOUT"]
        assert time.monotonic() - started < 3
        write = "UNWIND range(1, 1000000) AS i CREATE (:Junk {i: i})"
        body = server.gql("mutation M($q: String!) { cypher(query: $q) { rows } }", {"q": write})
        assert codes_of(body) == ["QUERY_TIMEOUT"]
        wait_idle(server)
        assert db.execute("MATCH (j:Junk) RETURN count(j)").scalar() == 0


def test_the_client_is_answered_even_when_the_engine_overruns(db):
    query = "query Q($q: String!) { cypher(query: $q, timeout: 0.3) { rows } }"
    mutation = "mutation M($q: String!) { cypher(query: $q, timeout: 0.3) { rows } }"
    late = "UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000000 = 0 CREATE (:Late {i: i})"
    with running_server(db) as server:
        started = time.monotonic()
        assert codes_of(server.gql(query, {"q": UNCHECKED})) == ["QUERY_TIMEOUT"]
        assert codes_of(server.gql(mutation, {"q": late})) == ["QUERY_TIMEOUT"]
        assert time.monotonic() - started < 5
        wait_idle(server)
        assert db.execute("MATCH (n:Late) RETURN count(n)").scalar() == 0, "never committed"


def _running_ids(server) -> list[str]:
    return [row["id"] for row in server.data("{ runningQueries { id } }")["runningQueries"]]


@pytest.mark.parametrize("statement", [SLOW, UNCHECKED], ids=["checked", "unchecked"])
def test_an_admin_cancels_a_running_query(db, statement):
    outcome: dict = {}
    query = "query Q($q: String!) { cypher(query: $q, timeout: 120) { rows } }"
    with running_server(db, limited(query_timeout=120)) as server:
        thread = threading.Thread(
            target=lambda: outcome.setdefault("body", server.gql(query, {"q": statement}))
        )
        thread.start()
        deadline = time.monotonic() + 30
        while not (ids := _running_ids(server)):
            assert time.monotonic() < deadline, "the query never showed as running"
            time.sleep(0.05)
        started = time.monotonic()
        assert server.data(f'mutation {{ cancelQuery(id: "{ids[0]}") }}') == {"cancelQuery": True}
        thread.join(60)
        # answered within the stop allowance even when the engine checks rarely
        assert time.monotonic() - started < 5
        body = outcome["body"]
        assert codes_of(body) == ["QUERY_TIMEOUT"]
        assert "cancelled" in errors_of(body)[0]["message"]
        wait_idle(server)
        assert codes_of(server.gql('mutation { cancelQuery(id: "q999") }')) == ["NOT_FOUND"]


def test_max_rows(db):
    with running_server(db, limited(max_rows=50)) as server:
        ok = server.data('{ cypher(query: "UNWIND range(1, 50) AS i RETURN i") { rowCount } }')
        assert ok["cypher"]["rowCount"] == 50
        body = server.gql('{ cypher(query: "UNWIND range(1, 51) AS i RETURN i") { rowCount } }')
        (error,) = errors_of(body)
        assert error["extensions"]["code"] == "RESULT_TOO_LARGE"
        assert error["extensions"]["limit"] == 50
        assert "cypherStream" in error["extensions"]["hint"]
        assert codes_of(server.gql("{ itemList { rank } }")) == ["RESULT_TOO_LARGE"]
        assert len(server.data("{ itemList(limit: 10) { rank } }")["itemList"]) == 10
        body = server.gql(
            'mutation { cypher(query: "UNWIND range(1, 51) AS i CREATE (n:Made) RETURN n") '
            "{ rowCount } }"
        )
        assert codes_of(body) == ["RESULT_TOO_LARGE"]
        assert db.execute("MATCH (m:Made) RETURN count(m)").scalar() == 0, "rolled back"


def test_depth_limit(db):
    with running_server(db, limited(max_depth=3)) as server:
        ok = "{ itemList(limit: 1) { outNext { rank } } }"
        assert server.data(ok)
        deep = "{ itemList(limit: 1) { outNext { outNext { rank } } } }"
        body = server.gql(deep)
        assert codes_of(body) == ["DEPTH_LIMIT"]
        assert "limit is 3" in errors_of(body)[0]["message"]
        fragment = (
            "query { itemList(limit: 1) { ...F } } "
            "fragment F on Item { outNext { outNext { rank } } }"
        )
        assert codes_of(server.gql(fragment)) == ["DEPTH_LIMIT"]
        introspection = server.gql(
            "{ __schema { types { name fields { name type { name ofType { name ofType "
            "{ name ofType { name } } } } } } } }"
        )
        assert "errors" not in introspection, "introspection is exempt"


def test_alias_limit(db):
    with running_server(db, limited(max_aliases=3)) as server:
        three = "{ a: itemCount b: itemCount c: itemCount }"
        assert server.data(three) == {"a": 60, "b": 60, "c": 60}
        four = "{ a: itemCount b: itemCount c: itemCount d: itemCount }"
        assert codes_of(server.gql(four)) == ["ALIAS_LIMIT"]
        spread = "{ ...F ...F } fragment F on Query { a: itemCount b: itemCount }"
        assert codes_of(server.gql(spread)) == ["ALIAS_LIMIT"]


def test_complexity_limit(db):
    with running_server(db, limited(max_complexity=1000, default_list_size=50)) as server:
        cheap = "{ itemList(limit: 10) { rank outNext(limit: 10) { rank } } }"
        assert server.data(cheap)
        costly = "{ itemList(limit: 100) { rank outNext(limit: 100) { rank } } }"
        body = server.gql(costly)
        assert codes_of(body) == ["COMPLEXITY_LIMIT"]
        assert "limit is 1000" in errors_of(body)[0]["message"]
        by_variable = (
            "query Q($n: Int) { itemList(limit: $n) { rank outNext(limit: $n) { rank } } }"
        )
        assert codes_of(server.gql(by_variable, {"n": 100})) == ["COMPLEXITY_LIMIT"]
        assert "errors" not in server.gql(by_variable, {"n": 5})
        # the document's validation is cached; the limits are checked again with new values
        assert codes_of(server.gql(by_variable, {"n": 100})) == ["COMPLEXITY_LIMIT"]
        unbounded = "{ itemList { rank outNext { rank outNext { rank } } } }"
        assert codes_of(server.gql(unbounded)) == ["COMPLEXITY_LIMIT"]


def test_body_size_limit(db):
    with running_server(db, limited(max_body_bytes=2048)) as server:
        padding = " " * 3000
        with server.client() as client:
            response = client.post("/graphql", json={"query": "{ itemCount }" + padding})
            assert response.status_code == 413
            assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"

            def chunks():
                yield b'{"query": "{ itemCount }'
                for _ in range(10):
                    yield b" " * 500
                yield b'"}'

            response = client.post(
                "/graphql", content=chunks(), headers={"content-type": "application/json"}
            )
            assert response.status_code == 413
            assert client.post("/graphql", json={"query": "{ itemCount }"}).status_code == 200

        async def big_message() -> int | None:
            async with ws_client(server, server.keys["reader"]) as ws:
                await ws.send({"id": "1", "type": "subscribe", "payload": {"query": " " * 5000}})
                try:
                    await ws.receive(timeout=10)
                except Exception:
                    return ws.connection.close_code
                return None

        assert asyncio.run(big_message()) == 1009


def test_rate_limit_per_key(db):
    with running_server(db, limited(rate_limit=1.0, rate_burst=3)) as server:
        statuses = []
        with server.client("reader") as client:
            for _ in range(4):
                response = client.post("/graphql", json={"query": "{ itemCount }"})
                statuses.append(response.status_code)
        assert statuses == [200, 200, 200, 429]
        assert int(response.headers["retry-after"]) >= 1
        body = response.json()
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert server.gql("{ itemCount }", role="writer")["_status"] == 200, "another key is fine"
        time.sleep(int(response.headers["retry-after"]))
        assert server.gql("{ itemCount }", role="reader")["_status"] == 200
        assert server.state.metrics.rate_limited.value() >= 1


def test_failed_authentication_is_rate_limited(db):
    with running_server(db, limited(failed_auth_burst=2, failed_auth_rate=0.1)) as server:
        wrong = {"Authorization": "Bearer egk_000000000000_" + "x" * 43}
        with server.client(None, headers=wrong) as client:
            codes = [
                client.post("/graphql", json={"query": "{ me { id } }"}).status_code
                for _ in range(3)
            ]
        assert codes == [401, 401, 429]


def test_write_lock_timeout(db):
    with running_server(db, limited(write_lock_timeout=0.3)) as server:
        holding = threading.Event()
        release = threading.Event()

        def hold() -> None:
            with db.transaction() as tx:
                tx.execute("CREATE (:Held)")
                holding.set()
                release.wait(10)

        thread = threading.Thread(target=hold)
        thread.start()
        holding.wait(10)
        try:
            body = server.gql('mutation { cypher(query: "CREATE (:Blocked)") { rowCount } }')
        finally:
            release.set()
            thread.join()
        assert codes_of(body) == ["TRANSACTION_ERROR"]
        assert db.execute("MATCH (b:Blocked) RETURN count(b)").scalar() == 0


def test_concurrent_query_limit_queues_queries(db):
    query = "query Q($q: String!) { cypher(query: $q, timeout: 0.4) { rows } }"
    with running_server(db, limited(max_concurrent_queries=1)) as server:
        results = []

        def run() -> None:
            results.append(codes_of(server.gql(query, {"q": SLOW})))

        started = time.monotonic()
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        assert results == [["QUERY_TIMEOUT"], ["QUERY_TIMEOUT"]]
        assert elapsed >= 0.8, "the second query waited for the first"


def test_subscription_limits(db):
    settings = limited(max_subscriptions_per_connection=2, max_stream_batch=100)

    async def session(server) -> list:
        outcomes = []
        async with ws_client(server, server.keys["reader"]) as ws:
            for _ in range(3):
                await ws.subscribe('subscription { labelChanges(label: "X") { version } }')
            message = await ws.receive()
            outcomes.append(message["payload"][0]["message"])
            operation = await ws.subscribe(
                'subscription { cypherStream(query: "RETURN 1 AS x", batchSize: 101) { rows } }'
            )
            del operation
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(
                'subscription { cypherStream(query: "RETURN 1 AS x", batchSize: 0) { rows } }'
            )
            while True:
                message = await ws.receive()
                if message.get("id") == operation:
                    payload = message["payload"]
                    errors = payload if isinstance(payload, list) else payload.get("errors")
                    outcomes.append(errors[0]["extensions"]["code"])
                    break
        return outcomes

    with running_server(db, settings) as server:
        outcomes = asyncio.run(session(server))
    assert outcomes == ["Subscription limit reached", "BAD_USER_INPUT"]


def test_a_slow_change_subscriber_is_dropped(db):
    async def session(server) -> str:
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(
                'subscription { labelChanges(label: "Tick") { version } }'
            )
            await asyncio.sleep(0.3)
            # one commit brings 50 changes at once: more than the subscriber may fall behind
            await asyncio.to_thread(db.execute, "UNWIND range(1, 50) AS n CREATE (:Tick {n: n})")
            received = 0
            async for payload in ws.messages(operation):
                if payload.get("errors"):
                    return f"{received}:{payload['errors'][0]['extensions']['code']}"
                received += 1
            return f"{received}:completed"

    with running_server(db, limited(change_queue_size=5)) as server:
        outcome = asyncio.run(session(server))
    count, _, error = outcome.partition(":")
    assert "SUBSCRIBER_TOO_SLOW" in error
    assert int(count) <= 5


def test_stream_timeout(db):
    async def session(server) -> str:
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(
                'subscription { cypherStream(query: "UNWIND range(1, 1000000) AS i RETURN i", '
                "batchSize: 10) { offset done } }"
            )
            first = True
            async for payload in ws.messages(operation):
                if payload.get("errors"):
                    return payload["errors"][0]["extensions"]["code"]
                if first:
                    await asyncio.sleep(1.0)  # past the stream's deadline; the server waits
                    first = False
            return "completed"

    with running_server(db, limited(stream_timeout=0.5)) as server:
        assert asyncio.run(session(server)) == "QUERY_TIMEOUT"


def test_no_auth_setting_skips_keys_but_keeps_every_other_limit(db):
    with running_server(db, ServerSettings(auth=False).with_limits(max_aliases=1)) as server:
        assert server.gql("{ me { role } }", role=None)["data"] == {"me": {"role": "ADMIN"}}
        assert codes_of(server.gql("{ a: itemCount b: itemCount }", role=None)) == ["ALIAS_LIMIT"]


def test_a_query_over_the_memory_limit_is_reported_as_such(tmp_path):
    database = engram.open(tmp_path / "small", memory_limit=4 * 1024 * 1024)
    try:
        query = "query Q($q: String!) { cypher(query: $q) { rows } }"
        big = "UNWIND range(1, 1000000) AS i RETURN collect(i)"
        with running_server(database) as server:
            body = server.gql(query, {"q": big})
            assert codes_of(body) == ["MEMORY_LIMIT_EXCEEDED"]
            [error] = errors_of(body)
            assert error["extensions"]["operator"] == "range()"
            assert "memory limit of 4.0 MiB" in error["message"]
            assert codes_of(server.gql(query, {"q": "RETURN 1 AS one"})) == []
    finally:
        database.close()


def test_the_memory_limit_setting_applies_to_every_statement(db):
    query = "query Q($q: String!) { cypher(query: $q) { rows } }"
    mutation = "mutation M($q: String!) { cypher(query: $q) { rows } }"
    big = "UNWIND range(1, 1000000) AS i RETURN collect(i)"
    settings = ServerSettings.from_mapping({"limits": {"memory_limit": "4MiB"}})
    assert settings.limits.memory_limit == 4 * 1024 * 1024
    with running_server(db, settings) as server:
        [error] = errors_of(server.gql(query, {"q": big}))
        assert error["extensions"]["code"] == "MEMORY_LIMIT_EXCEEDED"
        assert "memory limit of 4.0 MiB" in error["message"]
        write = "UNWIND range(1, 1000000) AS i WITH collect(i) AS c CREATE (:Junk {n: size(c)})"
        assert codes_of(server.gql(mutation, {"q": write})) == ["MEMORY_LIMIT_EXCEEDED"]
        assert codes_of(server.gql(query, {"q": "RETURN 1 AS one"})) == []
    assert db.execute("MATCH (j:Junk) RETURN count(j)").scalar() == 0


@pytest.mark.parametrize("value", ["lots", "0", -1, True])
def test_a_bad_memory_limit_setting_is_refused(value):
    with pytest.raises(SettingsError, match="memory_limit"):
        ServerSettings.from_mapping({"limits": {"memory_limit": value}})
