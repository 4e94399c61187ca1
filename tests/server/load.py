"""Load test of the GraphQL server: concurrent clients mixing point reads and writes.

Every client has its own writer key and loops for the given time over a mix of typed and
Cypher point reads of one account and acknowledged writes (a Cypher `CREATE` or a typed
`createEvent`). Afterwards every acknowledged write must be in the database.

Run by hand (it starts `engram serve` in its own process):

    python -m tests.server.load --clients 50 --seconds 60

`tests/server/test_load.py` runs a short version against an in-process server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

import engram

ACCOUNTS = 10_000

TYPED_READ = "query($uid: Long!) { accountList(where: {uid: {eq: $uid}}, limit: 1) { uid name } }"
CYPHER_READ = (
    'query($uid: Int!) { cypher(query: "MATCH (a:Account {uid: $uid}) RETURN a.name AS name", '
    "params: {uid: $uid}) { rows } }"
)
CYPHER_WRITE = (
    "mutation($client: Int!, $seq: Int!) { cypher(query: "
    "\"CREATE (:Event {client: $client, seq: $seq, via: 'cypher'})\", "
    "params: {client: $client, seq: $seq}) { stats { nodesCreated } } }"
)
TYPED_WRITE = (
    "mutation($client: Long!, $seq: Long!) { "
    'createEvent(input: {client: $client, seq: $seq, via: "typed"}) { _id } }'
)


@dataclass
class LoadReport:
    """What the clients saw."""

    clients: int
    seconds: float
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: set[tuple[int, int]] = field(default_factory=set)
    lost: set[tuple[int, int]] = field(default_factory=set)
    #: CPU seconds the server process used during the run (when it is measured)
    server_cpu: float | None = None
    #: requests answered 429 (the client waited `Retry-After` and went on)
    throttled: int = 0

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def percentile(self, kind: str, q: float) -> float:
        values = sorted(self.latencies.get(kind, []))
        if not values:
            return float("nan")
        index = min(len(values) - 1, max(0, round(q / 100 * len(values)) - 1))
        return values[index]

    def summary(self) -> str:
        lines = [
            f"{self.clients} clients for {self.seconds:.0f} s: {self.requests} requests "
            f"({self.requests / self.seconds:.0f}/s), {len(self.errors)} errors, "
            f"{len(self.acknowledged)} acknowledged writes, {len(self.lost)} lost, "
            f"{self.throttled} rate limited",
            *(
                [
                    f"server CPU: {self.server_cpu:.1f} s, "
                    f"{self.server_cpu / max(self.requests, 1) * 1000:.2f} ms per request"
                ]
                if self.server_cpu is not None
                else []
            ),
            f"{'operation':<14}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}"
            f"{'max ms':>10}",
        ]
        for kind in sorted(self.latencies):
            values = self.latencies[kind]
            lines.append(
                f"{kind:<14}{len(values):>8}"
                f"{statistics.median(values) * 1000:>10.1f}"
                f"{self.percentile(kind, 95) * 1000:>10.1f}"
                f"{self.percentile(kind, 99) * 1000:>10.1f}"
                f"{max(values) * 1000:>10.1f}"
            )
        lines.extend(f"error: {error}" for error in self.errors[:10])
        return "\n".join(lines)


def seed(db: engram.Database, accounts: int = ACCOUNTS) -> None:
    """Accounts with an index on uid, and one event so the typed Event fields exist."""
    db.execute("CREATE INDEX account_uid IF NOT EXISTS FOR (a:Account) ON (a.uid)")
    db.execute(
        "UNWIND range(0, $n - 1) AS i CREATE (:Account {uid: i, name: 'account ' + toString(i)})",
        n=accounts,
    )
    db.execute("CREATE (:Event {client: -1, seq: -1, via: 'seed'})")


async def create_keys(url: str, admin_key: str, clients: int) -> list[str]:
    """One writer key per client, made through the admin API."""
    query = "mutation($name: String!) { createApiKey(name: $name, role: WRITER) { secret } }"
    headers = {"Authorization": f"Bearer {admin_key}"}
    keys = []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        for number in range(clients):
            response = await client.post(
                "/graphql", json={"query": query, "variables": {"name": f"load {number}"}}
            )
            keys.append(response.json()["data"]["createApiKey"]["secret"])
    return keys


async def _client(
    url: str, key: str, number: int, until: float, report: LoadReport, mix: tuple[float, int]
) -> None:
    write_share, accounts = mix
    rng = random.Random(number)
    seq = 0
    sent = 0
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        # every client makes each of the four kinds of request once, however slow the run
        while time.monotonic() < until or sent < 4:
            sent += 1
            if sent in (1, 2) or (sent > 4 and rng.random() < write_share):
                seq += 1
                kind = "cypher write" if seq % 2 else "typed write"
                query = CYPHER_WRITE if seq % 2 else TYPED_WRITE
                variables: dict[str, Any] = {"client": number, "seq": seq}
            else:
                typed = sent == 3 or (sent > 4 and rng.random() < 0.5)
                kind = "typed read" if typed else "cypher read"
                query = TYPED_READ if typed else CYPHER_READ
                uid = rng.randrange(accounts)
                variables = {"uid": uid}
            started = time.perf_counter()
            try:
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
            except httpx.HTTPError as error:
                report.errors.append(f"{kind}: {type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - started
            report.requests += 1
            if response.status_code == 429:  # over the key's rate: wait as told, then go on
                report.throttled += 1
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
                continue
            body = response.json() if response.content else {}
            if response.status_code != 200 or body.get("errors"):
                report.errors.append(f"{kind}: {response.status_code} {json.dumps(body)[:300]}")
                continue
            report.record(kind, elapsed)
            if kind.endswith("write"):
                report.acknowledged.add((number, seq))
            elif _read_of(kind, body) != f"account {uid}":
                report.errors.append(f"{kind}: wrong result for uid {uid}: {body}")


def _read_of(kind: str, body: dict[str, Any]) -> object:
    data = body["data"]
    if kind == "typed read":
        found = data["accountList"]
        return found[0]["name"] if len(found) == 1 else found
    rows = data["cypher"]["rows"]
    return rows[0][0] if len(rows) == 1 else rows


async def run_clients(
    url: str,
    keys: list[str],
    seconds: float,
    write_share: float = 0.2,
    accounts: int = ACCOUNTS,
) -> LoadReport:
    """Run one client per key for `seconds`; returns what they saw."""
    report = LoadReport(clients=len(keys), seconds=seconds)
    until = time.monotonic() + seconds
    await asyncio.gather(
        *(
            _client(url, key, number, until, report, (write_share, accounts))
            for number, key in enumerate(keys)
        )
    )
    return report


def check_writes(db: engram.Database, report: LoadReport) -> None:
    """Record in `report` the acknowledged writes missing from the database."""
    stored = {
        (row[0], row[1])
        for row in db.execute("MATCH (e:Event) WHERE e.client >= 0 RETURN e.client, e.seq")
    }
    report.lost = report.acknowledged - stored


# -- by hand: `engram serve` in its own process ------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--write-share", type=float, default=0.2)
    parser.add_argument("--path", help="database directory (default: a temporary one)")
    parser.add_argument(
        "--rate-limit", type=float, help="requests per second per key (default: the server's)"
    )
    args = parser.parse_args(argv)
    folder = Path(args.path or tempfile.mkdtemp(prefix="engram-load-"))
    path = folder / "db"
    config = folder / "server.toml"
    limits = (
        ""
        if args.rate_limit is None
        else (f"rate_limit = {args.rate_limit}\nrate_burst = {max(1, int(args.rate_limit * 2))}\n")
    )
    config.write_text(f"[limits]\n{limits}")
    with engram.open(path) as db:
        seed(db)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "engram.cli",
            "serve",
            str(path),
            "--port",
            str(port),
            "--config",
            str(config),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ, PYTHONUNBUFFERED="1"),
    )
    assert process.stdout is not None
    admin = None
    for line in process.stdout:
        match = re.search(r"(egk_\S+)", line)
        if match:
            admin = match.group(1)
            break
    if admin is None:
        raise SystemExit("engram serve printed no admin key")
    try:
        _wait(lambda: _ready(url), 60, "the server")
        keys = asyncio.run(create_keys(url, admin, args.clients))
        before = _cpu_seconds(process.pid)
        report = asyncio.run(run_clients(url, keys, args.seconds, args.write_share))
        report.server_cpu = _cpu_seconds(process.pid) - before
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(120)
        process.stdout.close()
    with engram.open(path) as db:  # after a clean shutdown: every acknowledged write is there
        check_writes(db, report)
    print(report.summary())
    print(f"server exit status {code}")
    return 0 if not report.errors and not report.lost and code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
