"""Subscriptions over graphql-transport-ws: streaming 100,000 rows with backpressure, changes."""

from __future__ import annotations

import asyncio
import socket

from websockets.asyncio.client import connect

from tests.server.support import WsClient, ws_client

STREAM = """
subscription S($q: String!, $p: JSON, $size: Int!) {
  cypherStream(query: $q, params: $p, batchSize: $size) { columns offset rows done }
}
"""


def test_a_100000_row_result_streams_in_batches(server):
    async def session() -> list[dict]:
        batches = []
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(
                STREAM, {"q": "UNWIND range(1, 100000) AS i RETURN i, i * 2 AS j", "size": 1000}
            )
            async for payload in ws.messages(operation, timeout=60):
                assert "errors" not in payload, payload
                batches.append(payload["data"]["cypherStream"])
        return batches

    batches = asyncio.run(session())
    assert len(batches) == 101
    assert all(batch["columns"] == ["i", "j"] for batch in batches)
    assert [batch["offset"] for batch in batches] == [n * 1000 for n in range(101)]
    assert all(len(batch["rows"]) == 1000 and not batch["done"] for batch in batches[:-1])
    assert batches[-1] == {"columns": ["i", "j"], "offset": 100000, "rows": [], "done": True}
    rows = [row for batch in batches for row in batch["rows"]]
    assert rows == [[i, 2 * i] for i in range(1, 100001)]


def _small_socket(url: str) -> socket.socket:
    host, port = url.removeprefix("ws://").split("/")[0].split(":")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    sock.connect((host, int(port)))
    sock.setblocking(False)
    return sock


def test_a_slow_client_slows_the_stream_down(server):
    """Backpressure: while the client reads nothing, the server stops reading rows."""
    sent = server.state.metrics.stream_rows
    pad = "x" * 1000  # 100,000 rows: about 100 MB of JSON, far more than socket buffers hold

    async def session() -> tuple[float, float, float, list[int]]:
        sock = _small_socket(server.ws_url)
        async with connect(
            server.ws_url,
            sock=sock,
            subprotocols=["graphql-transport-ws"],
            max_size=None,
            max_queue=1,
            compression=None,  # the padding would compress to almost nothing
        ) as connection:
            ws = WsClient(connection)
            ack = await ws.init({"Authorization": f"Bearer {server.keys['reader']}"})
            assert ack["type"] == "connection_ack"
            start = sent.value()
            operation = await ws.subscribe(
                STREAM,
                {
                    "q": "UNWIND range(1, 100000) AS i RETURN i, $pad AS pad",
                    "p": {"pad": pad},
                    "size": 500,
                },
            )
            first = await ws.receive()
            assert first["type"] == "next"
            await asyncio.sleep(1.0)  # read nothing for a while
            stalled_at = sent.value() - start
            await asyncio.sleep(1.0)
            still_at = sent.value() - start
            offsets = [first["payload"]["data"]["cypherStream"]["offset"]]
            async for payload in ws.messages(operation, timeout=60):
                offsets.append(payload["data"]["cypherStream"]["offset"])
            return stalled_at, still_at, sent.value() - start, offsets

    stalled_at, still_at, total, offsets = asyncio.run(session())
    # what is ahead sits in socket buffers: a few MB, so some thousands of 1 kB rows
    assert stalled_at < 20_000, f"the server read {stalled_at} rows ahead of a client that waits"
    assert still_at == stalled_at, "nothing more is read while the client waits"
    assert total == 100_000
    assert offsets == [n * 500 for n in range(201)]


def test_a_stream_that_the_client_abandons_releases_its_snapshot(server):
    async def session() -> None:
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(
                STREAM, {"q": "UNWIND range(1, 1000000) AS i RETURN i", "size": 100}
            )
            await ws.receive()
            await ws.send({"id": operation, "type": "complete"})
            await asyncio.sleep(0.3)

    asyncio.run(session())
    deadline = asyncio.run(_wait_until(lambda: not server.state.runner.running()))
    assert deadline, "the stream's statement ended when the client completed it"


async def _wait_until(condition, seconds: float = 10) -> bool:
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while loop.time() < end:
        if condition():
            return True
        await asyncio.sleep(0.05)
    return False


CHANGES = """
subscription C($label: String!, $changes: [ChangeKind!]) {
  labelChanges(label: $label, changes: $changes) {
    version change labelsBefore changedKeys node { _id labels properties }
  }
}
"""


def test_label_changes_arrive_in_commit_order(fresh_server):
    server = fresh_server

    async def session() -> list[dict]:
        events = []
        async with ws_client(server, server.keys["reader"]) as ws:
            operation = await ws.subscribe(CHANGES, {"label": "Person"})
            await asyncio.sleep(0.3)
            writes = [
                "CREATE (:Person {name: 'Ada'}), (:Robot {name: 'R2'})",
                "MATCH (p:Person) SET p.age = 36",
                "MATCH (r:Robot) SET r:Person",
                "MATCH (p:Person {name: 'Ada'}) REMOVE p:Person",
                "MATCH (p {name: 'Ada'}) DELETE p",
                "MATCH (p:Person) DETACH DELETE p",
            ]
            for write in writes:
                body = await asyncio.to_thread(
                    server.gql,
                    "mutation M($q: String!) { cypher(query: $q) { rowCount } }",
                    {"q": write},
                )
                assert "errors" not in body, body
            async for payload in ws.messages(operation):
                events.append(payload["data"]["labelChanges"])
                if len(events) == 5:
                    break
        return events

    events = asyncio.run(session())
    summary = [
        (event["change"], event["node"]["properties"].get("name"), event["changedKeys"])
        for event in events
    ]
    assert summary == [
        ("CREATED", "Ada", ["name"]),
        ("UPDATED", "Ada", ["age"]),
        ("UPDATED", "R2", []),
        ("UPDATED", "Ada", []),
        ("DELETED", "R2", ["name"]),
    ]
    versions = [event["version"] for event in events]
    assert versions == sorted(versions)
    assert len(set(versions)) == 5
    assert events[3]["labelsBefore"] == ["Person"]
    assert events[3]["node"]["labels"] == []


def test_change_kinds_can_be_chosen_and_relationships_followed(fresh_server):
    server = fresh_server

    async def session() -> tuple[list, list]:
        async with ws_client(server, server.keys["reader"]) as ws:
            deletions = await ws.subscribe(CHANGES, {"label": "T", "changes": ["DELETED"]})
            rels = await ws.subscribe(
                'subscription { relationshipChanges(type: "R") { change changedKeys '
                "relationship { type start end properties } } }"
            )
            await asyncio.sleep(0.3)
            for write in (
                "CREATE (a:T {n: 1})-[:R {w: 1}]->(b:T {n: 2})",
                "MATCH ()-[r:R]->() SET r.w = 2",
                "MATCH (t:T {n: 1}) DETACH DELETE t",
            ):
                await asyncio.to_thread(server.db.execute, write)
            got_deletions, got_rels = [], []
            while len(got_deletions) < 1 or len(got_rels) < 3:
                message = await ws.receive()
                assert message["type"] == "next", message
                if message["id"] == deletions:
                    got_deletions.append(message["payload"]["data"]["labelChanges"])
                elif message["id"] == rels:
                    got_rels.append(message["payload"]["data"]["relationshipChanges"])
        return got_deletions, got_rels

    deletions, rels = asyncio.run(session())
    assert [(d["change"], d["node"]["properties"]) for d in deletions] == [("DELETED", {"n": 1})]
    assert [(r["change"], r["relationship"]["properties"]) for r in rels] == [
        ("CREATED", {"w": 1}),
        ("UPDATED", {"w": 2}),
        ("DELETED", {"w": 2}),
    ]
    assert rels[1]["changedKeys"] == ["w"]


def test_an_open_connection_sees_the_regenerated_schema(fresh_server):
    server = fresh_server

    async def session() -> dict:
        async with ws_client(server, server.keys["writer"]) as ws:
            await asyncio.to_thread(
                server.gql,
                'mutation { cypher(query: "CREATE (:Comet {name: \\"Halley\\"})") { rowCount } }',
            )
            operation = await ws.subscribe("{ cometList { name } }")
            async for payload in ws.messages(operation):
                return payload
        raise AssertionError("no result")

    payload = asyncio.run(session())
    assert payload == {"data": {"cometList": [{"name": "Halley"}]}}
