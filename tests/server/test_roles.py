"""Every role against every operation: a reader can never write through any path.

Each cell of the matrix is one test: the principal (no key, a wrong key, a revoked key,
reader, writer, admin) runs the operation, and the outcome must be exactly the one in
the table ("ok" or an error code). Every refused operation must also leave the graph,
its indexes and the key list untouched.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import pytest

import engram
from engram.server import ServerSettings
from tests.server.support import Server, codes_of, new_key, running_server, ws_client

PRINCIPALS = ("none", "wrong", "revoked", "reader", "writer", "admin")


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[Server, str | None], str]
    allowed: frozenset[str]  # roles for which the outcome is "ok"
    refused: str = "FORBIDDEN"  # the code for the other roles (keys are checked first)


def _graphql(query: str, variables: dict | None = None) -> Callable[[Server, str | None], str]:
    def run(server: Server, key: str | None) -> str:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        with server.client(None, headers=headers) as client:
            response = client.post("/graphql", json={"query": query, "variables": variables})
        body = response.json()
        if response.status_code != 200:
            return str(body["errors"][0]["extensions"]["code"])
        codes = codes_of(body)
        return codes[0] if codes else "ok"

    return run


def _websocket(query: str) -> Callable[[Server, str | None], str]:
    async def session(server: Server, key: str | None) -> str:
        async with ws_client(server) as client:
            await client.send(
                {
                    "type": "connection_init",
                    "payload": {} if key is None else {"Authorization": f"Bearer {key}"},
                }
            )
            try:
                ack = await client.receive(timeout=10)
            except Exception:  # the server closed the connection instead of acknowledging
                return "UNAUTHENTICATED"
            if ack.get("type") != "connection_ack":
                return "UNAUTHENTICATED"
            operation = await client.subscribe(query)
            while True:
                message = await client.receive()
                if message.get("id") != operation:
                    continue
                if message["type"] == "error":
                    return str(message["payload"][0]["extensions"]["code"])
                if message["type"] == "next":
                    errors = message["payload"].get("errors")
                    if errors:
                        return str(errors[0]["extensions"]["code"])
                    await client.send({"id": operation, "type": "complete"})
                    return "ok"
                if message["type"] == "complete":
                    return "ok"

    def run(server: Server, key: str | None) -> str:
        return asyncio.run(session(server, key))

    return run


def _metrics(server: Server, key: str | None) -> str:
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    with server.client(None, headers=headers) as client:
        response = client.get("/metrics")
    if response.status_code == 200:
        return "ok"
    return str(response.json()["errors"][0]["extensions"]["code"])


ALL = frozenset({"reader", "writer", "admin"})
WRITERS = frozenset({"writer", "admin"})
ADMIN = frozenset({"admin"})

OPERATIONS = [
    Operation(
        "query cypher read",
        _graphql('{ cypher(query: "MATCH (n) RETURN count(n)") { rows } }'),
        ALL,
    ),
    Operation(
        "query cypher write",
        _graphql('{ cypher(query: "CREATE (:Intruder)") { rows } }'),
        frozenset(),
        "READ_ONLY_OPERATION",
    ),
    Operation(
        "query cypher PROFILE write",
        _graphql('{ cypher(query: "PROFILE CREATE (:Intruder)") { rows } }'),
        frozenset(),
        "READ_ONLY_OPERATION",
    ),
    Operation(
        "query cypher schema change",
        _graphql('{ cypher(query: "CREATE INDEX FOR (n:Intruder) ON (n.x)") { rows } }'),
        frozenset(),
        "READ_ONLY_OPERATION",
    ),
    Operation(
        "query cypher EXPLAIN write",
        _graphql('{ cypher(query: "EXPLAIN CREATE (:Intruder)") { rows } }'),
        ALL,
    ),
    Operation("query procedure", _graphql('{ cypher(query: "CALL db.labels()") { rows } }'), ALL),
    Operation("query explain", _graphql('{ explain(query: "CREATE (:Intruder)") { text } }'), ALL),
    Operation("query typed list", _graphql("{ personList { name outKnows { name } } }"), ALL),
    Operation(
        "query typed connection", _graphql("{ personConnection(first: 1) { totalCount } }"), ALL
    ),
    Operation("query me", _graphql("{ me { role } }"), ALL),
    Operation("query schemaInfo", _graphql("{ schemaInfo { generation } }"), ALL),
    Operation(
        "mutation cypher write",
        _graphql('mutation { cypher(query: "CREATE (:Scratch)") { rows } }'),
        WRITERS,
    ),
    Operation(
        "mutation cypher read",
        _graphql('mutation { cypher(query: "MATCH (n) RETURN count(n)") { rows } }'),
        WRITERS,
    ),
    Operation(
        "mutation cypher procedure",
        _graphql('mutation { cypher(query: "CALL db.labels()") { rows } }'),
        WRITERS,
    ),
    Operation(
        "mutation cypher create index",
        _graphql(
            'mutation { cypher(query: "CREATE INDEX roles_idx IF NOT EXISTS '
            'FOR (n:Person) ON (n.age)") { rows } }'
        ),
        ADMIN,
    ),
    Operation(
        "mutation cypher create constraint",
        _graphql(
            'mutation { cypher(query: "CREATE CONSTRAINT roles_unique IF NOT EXISTS '
            'FOR (n:Scratch) REQUIRE n.key IS UNIQUE") { rows } }'
        ),
        ADMIN,
    ),
    Operation(
        "mutation cypher drop index",
        _graphql('mutation { cypher(query: "DROP INDEX roles_tmp") { rows } }'),
        ADMIN,
    ),
    Operation(
        "mutation typed create",
        _graphql('mutation { createPerson(input: {name: "Scratch"}) { _id } }'),
        WRITERS,
    ),
    Operation(
        "mutation typed update",
        _graphql(
            'mutation { updatePersonWhere(where: {name: {eq: "Ada"}}, set: {age: 36}) { age } }'
        ),
        WRITERS,
    ),
    Operation(
        "mutation typed delete",
        _graphql('mutation { deletePersonWhere(where: {name: {eq: "Nobody"}}) }'),
        WRITERS,
    ),
    Operation(
        "mutation typed relationship",
        _graphql(
            'mutation { createKnowsRelationship(from: "0", to: "1", input: {since: 1}) { _id } }'
        ),
        WRITERS,
    ),
    Operation("admin list keys", _graphql("{ apiKeys { id role } }"), ADMIN),
    Operation(
        "admin create key",
        _graphql('mutation { createApiKey(name: "matrix", role: READER) { secret } }'),
        ADMIN,
    ),
    Operation(
        "admin revoke key",
        _graphql('mutation { revokeApiKey(id: "000000000000") }'),
        frozenset(),
        "FORBIDDEN",
    ),
    Operation("admin running queries", _graphql("{ runningQueries { id } }"), ADMIN),
    Operation(
        "admin cancel query",
        _graphql('mutation { cancelQuery(id: "q0") }'),
        frozenset(),
        "FORBIDDEN",
    ),
    Operation("admin refresh schema", _graphql("mutation { refreshSchema { generation } }"), ADMIN),
    Operation(
        "subscription stream read",
        _websocket(
            'subscription { cypherStream(query: "UNWIND range(1, 3) AS i RETURN i") { rows } }'
        ),
        ALL,
    ),
    Operation(
        "subscription stream write",
        _websocket('subscription { cypherStream(query: "CREATE (:Intruder) RETURN 1") { rows } }'),
        frozenset(),
        "READ_ONLY_OPERATION",
    ),
    Operation(
        "subscription label changes",
        _websocket('subscription { labelChanges(label: "Person") { version } }'),
        ALL,
    ),
    Operation(
        "websocket mutation write",
        _websocket('mutation { cypher(query: "CREATE (:Scratch)") { rows } }'),
        WRITERS,
    ),
    Operation(
        "websocket typed create",
        _websocket('mutation { createPerson(input: {name: "Scratch"}) { _id } }'),
        WRITERS,
    ),
    Operation("metrics page", _metrics, ALL),
]

# outcomes that are not "ok" for an allowed role but show the operation was permitted
PERMITTED = {
    ("admin revoke key", "admin"): "NOT_FOUND",
    ("admin cancel query", "admin"): "NOT_FOUND",
}


def expected(operation: Operation, principal: str) -> str:
    if principal in ("none", "wrong", "revoked"):
        return "UNAUTHENTICATED"
    if (operation.name, principal) in PERMITTED:
        return PERMITTED[(operation.name, principal)]
    if operation.name == "subscription label changes":
        return "pending"
    return "ok" if principal in operation.allowed else operation.refused


@pytest.fixture(scope="module")
def matrix_server(tmp_path_factory):
    db = engram.open(tmp_path_factory.mktemp("roles") / "db")
    db.execute(
        "CREATE (:Person {name: 'Ada', age: 36})-[:KNOWS {since: 1}]->(:Person {name: 'Bob'})"
    )
    db.execute("CREATE INDEX roles_tmp FOR (n:Person) ON (n.name)")
    try:
        settings = ServerSettings().with_limits(failed_auth_burst=10_000, rate_burst=10_000)
        with running_server(db, settings) as handle:
            handle.keys["wrong"] = "egk_000000000000_" + "x" * 43
            revoked = new_key(handle.state, "admin")
            handle.state.keys.revoke(revoked.split("_")[1])
            handle.keys["revoked"] = revoked
            yield handle
    finally:
        db.close()


def _snapshot(server: Server) -> tuple:
    db = server.db
    intruders = db.execute("MATCH (n:Intruder) RETURN count(n)").scalar()
    nodes = db.execute("MATCH (n) RETURN count(n)").scalar()
    rels = db.execute("MATCH ()-[r]->() RETURN count(r)").scalar()
    indexes = len(db.execute("SHOW INDEXES").rows())
    keys = len(server.state.keys)
    return intruders, nodes, rels, indexes, keys


@pytest.mark.parametrize("principal", PRINCIPALS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_matrix(matrix_server, operation, principal):
    key = None if principal == "none" else matrix_server.keys[principal]
    want = expected(operation, principal)
    before = _snapshot(matrix_server)
    if want == "pending":
        # a change subscription has no first event until a commit: it must be accepted
        want = "ok"
        outcome = _subscribe_then_commit(matrix_server, key)
    else:
        outcome = operation.run(matrix_server, key)
    assert outcome == want, f"{operation.name} as {principal}"
    if want != "ok":
        assert _snapshot(matrix_server) == before, "a refused operation changed something"
    assert _snapshot(matrix_server)[0] == 0, "nothing may ever create an :Intruder"


def _subscribe_then_commit(server: Server, key: str | None) -> str:
    async def session() -> str:
        async with ws_client(server) as client:
            payload = {} if key is None else {"Authorization": f"Bearer {key}"}
            await client.send({"type": "connection_init", "payload": payload})
            try:
                ack = await client.receive(timeout=10)
            except Exception:
                return "UNAUTHENTICATED"
            if ack.get("type") != "connection_ack":
                return "UNAUTHENTICATED"
            operation = await client.subscribe(
                'subscription { labelChanges(label: "Ping") { version change } }'
            )
            await asyncio.sleep(0.2)
            await asyncio.to_thread(server.db.execute, "CREATE (:Ping)")
            async for payload in client.messages(operation):
                assert payload["data"]["labelChanges"]["change"] == "CREATED"
                return "ok"
            return "completed without an event"

    outcome = asyncio.run(session())
    server.db.execute("MATCH (p:Ping) DELETE p")
    return outcome


def test_a_websocket_without_a_key_is_closed(matrix_server):
    async def session() -> int | None:
        async with ws_client(matrix_server) as client:
            await client.send({"type": "connection_init", "payload": {}})
            try:
                await client.receive(timeout=10)
            except Exception:
                return client.connection.close_code
            return None

    assert asyncio.run(session()) == 4403


def test_mutations_over_get_are_refused(matrix_server):
    with matrix_server.client("admin") as client:
        response = client.get(
            "/graphql",
            params={"query": 'mutation { cypher(query: "CREATE (:Intruder)") { rows } }'},
        )
    assert response.status_code in (400, 405)
    assert matrix_server.db.execute("MATCH (n:Intruder) RETURN count(n)").scalar() == 0
