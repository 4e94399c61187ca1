"""Test helpers: a real uvicorn server on 127.0.0.1, GraphQL over HTTP, graphql-transport-ws."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from websockets.asyncio.client import ClientConnection, connect

import engram
from engram.server import ServerSettings, create_app
from engram.server.auth import KeyStore, Role
from engram.server.context import ServerState


@dataclass
class Server:
    """A running server: its URL, database, state and one key per role."""

    url: str
    db: engram.Database
    state: ServerState
    keys: dict[str, str] = field(default_factory=dict)
    uvicorn: uvicorn.Server | None = None

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"

    def client(self, role: str | None = "admin", **kwargs: Any) -> httpx.Client:
        headers = dict(kwargs.pop("headers", {}))
        if role is not None:
            headers["Authorization"] = f"Bearer {self.keys[role]}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kwargs)

    def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        role: str | None = "admin",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """POST a GraphQL request; returns the JSON body (any status)."""
        with self.client(role) as client:
            response = client.post(
                "/graphql", json={"query": query, "variables": variables}, **kwargs
            )
        body: dict[str, Any] = response.json()
        body["_status"] = response.status_code
        body["_headers"] = dict(response.headers)
        return body

    def refresh(self) -> None:
        """Regenerate the typed schema now (after writing to `db` directly)."""
        self.data("mutation { refreshSchema { generation } }")

    def data(self, query: str, variables: dict[str, Any] | None = None, *, role: str = "admin"):
        """The data of a request that must succeed."""
        body = self.gql(query, variables, role=role)
        assert "errors" not in body, body.get("errors")
        return body["data"]


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextlib.contextmanager
def running_server(
    db: engram.Database | None = None,
    settings: ServerSettings | None = None,
    *,
    keys_dir: str | None = None,
) -> Iterator[Server]:
    """Start uvicorn in a thread on a free loopback port; stop it on exit."""
    own_db = db is None
    database = db if db is not None else engram.open()
    settings = settings or ServerSettings()
    if settings.auth and settings.keys_file is None and keys_dir is not None:
        settings = settings.replace(keys_file=f"{keys_dir}/keys.json")
    app = create_app(database, settings)
    state: ServerState = app.state.engram
    keys: dict[str, str] = {}
    if state.keys is not None:
        for role in Role:
            _, keys[role.value] = state.keys.create(f"test {role.value}", role)
    sock = _free_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,
        access_log=False,
        lifespan="on",
        ws_max_size=settings.limits.max_body_bytes,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    handle = Server(f"http://127.0.0.1:{port}", database, state, keys, server)
    try:
        yield handle
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        if own_db:
            database.close()


def new_key(state: ServerState, role: str) -> str:
    keys: KeyStore | None = state.keys
    assert keys is not None
    _, token = keys.create(f"extra {role}", Role(role))
    return token


class WsClient:
    """A graphql-transport-ws client over a websockets connection."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self._ids = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self, timeout: float = 30) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        return message

    async def init(self, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send({"type": "connection_init", "payload": payload or {}})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._ids += 1
        operation = str(self._ids)
        await self.send(
            {
                "id": operation,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables or {}},
            }
        )
        return operation

    async def messages(self, operation: str, timeout: float = 30) -> AsyncIterator[dict[str, Any]]:
        """`next` payloads of one operation until it completes (errors raise)."""
        while True:
            message = await self.receive(timeout)
            if message.get("id") != operation:
                continue
            if message["type"] == "next":
                yield message["payload"]
            elif message["type"] == "complete":
                return
            elif message["type"] == "error":
                raise AssertionError(f"subscription error: {message['payload']}")


@contextlib.asynccontextmanager
async def ws_client(
    server: Server, key: str | None = None, **kwargs: Any
) -> AsyncIterator[WsClient]:
    async with connect(
        server.ws_url, subprotocols=["graphql-transport-ws"], max_size=None, **kwargs
    ) as connection:
        client = WsClient(connection)
        if key is not None:
            ack = await client.init({"Authorization": f"Bearer {key}"})
            assert ack["type"] == "connection_ack", ack
        yield client


def errors_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = body.get("errors") or []
    return errors


def codes_of(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in errors_of(body)]
