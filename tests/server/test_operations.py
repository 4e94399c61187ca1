"""Operating the server: health, readiness, metrics, request ids, logs, and `engram serve`."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

import engram
from engram.server.logs import JsonFormatter, TextFormatter

SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? [-+0-9.eInf]+$')


def test_health_and_readiness(server):
    with httpx.Client(base_url=server.url) as client:
        health = client.get("/health")
        ready = client.get("/ready")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


def test_metrics_in_the_prometheus_text_format(server):
    server.data('{ cypher(query: "RETURN 1 AS x") { rows } }')
    server.gql('{ cypher(query: "RETURN nmae") { rows } }')
    with server.client("reader") as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert SAMPLE.match(line), line
    assert 'engram_http_requests_total{route="/graphql",status="200"}' in text
    assert 'engram_http_request_duration_seconds_bucket{route="/graphql",le="+Inf"}' in text
    assert 'engram_graphql_operations_total{type="query",outcome="error"}' in text
    assert 'engram_graphql_errors_total{code="E202"}' in text
    assert "engram_queries_running 0" in text
    assert 'engram_query_duration_seconds_count{mode="read"}' in text
    assert "# TYPE engram_commits_total counter" in text
    assert "engram_schema_generations_total" in text


def test_commits_are_counted(fresh_server):
    commits = fresh_server.state.metrics.commits
    before = commits.value()
    fresh_server.data('mutation { cypher(query: "CREATE (:C)") { rowCount } }')
    fresh_server.data('mutation { cypher(query: "CREATE (:C)") { rowCount } }')
    assert commits.value() - before == 2


def test_request_ids_are_echoed_or_made(server):
    with server.client("reader") as client:
        given = client.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"X-Request-ID": "abc-1"}
        )
        made = client.post("/graphql", json={"query": "{ me { id } }"})
        unsafe = client.post(
            "/graphql", json={"query": "{ me { id } }"}, headers={"X-Request-ID": "not ok!" * 20}
        )
    assert given.headers["x-request-id"] == "abc-1"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])


def test_access_log_lines_carry_the_request_id(server, caplog):
    with caplog.at_level(logging.INFO, logger="engram.server.access"):
        server.gql("{ me { id } }", role="reader", headers={"X-Request-ID": "log-7"})
        # the access line is written once the response is sent: it may come a moment later
        deadline = time.monotonic() + 10
        while not (found := [r for r in caplog.records if getattr(r, "request_id", "") == "log-7"]):
            assert time.monotonic() < deadline, "no access log line for the request"
            time.sleep(0.02)
    (record,) = found
    assert (record.method, record.path, record.status) == ("POST", "/graphql", 200)
    assert record.duration_ms > 0
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "log-7"
    assert line["status"] == 200
    assert line["level"] == "info"
    assert "[log-7]" in TextFormatter().format(record)


def test_graphiql_page_and_assets(server):
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/graphql", headers={"Accept": "text/html"})
        script = client.get("/graphiql/static/graphiql.min.js")
        plain = client.get(
            "/graphiql/static/react.production.min.js", headers={"Accept-Encoding": "identity"}
        )
        missing = client.get("/graphiql/static/secret.txt")
        prefilled = client.get(
            "/graphql",
            params={"query": "{ me { role } }"},
            headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        )
        by_get = client.get(
            "/graphql", params={"query": "{ me { role } }"}, headers={"Accept": "application/json"}
        )
    assert page.status_code == 200
    assert "graphiql.min.js" in page.text
    assert "engram-key" in page.text
    assert script.status_code == 200
    assert "GraphiQL" in script.text
    assert script.headers.get("content-encoding") == "gzip"
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    assert plain.text.startswith("/**")
    assert missing.status_code == 404
    assert prefilled.status_code == 200
    assert "graphiql.min.js" in prefilled.text, "a browser link with ?query= opens GraphiQL"
    assert by_get.status_code == 401, "a GraphQL GET without a key is refused"


# -- engram serve as a process -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Process:
    def __init__(self, path: Path, *args: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "engram.cli",
                "serve",
                str(path),
                "--port",
                str(self.port),
                *args,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._pump, args=(self.proc.stderr, self.stderr), daemon=True),
        ]
        for pump in self.pumps:
            pump.start()

    @staticmethod
    def _pump(stream, sink: list[str]) -> None:
        sink.extend(stream)

    def wait_ready(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited: {''.join(self.stderr)}")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready")

    def admin_key(self) -> str | None:
        for line in self.stdout:
            match = re.search(r"(egk_[0-9a-f]{12}_[A-Za-z0-9_-]{43})", line)
            if match:
                return match.group(1)
        return None

    def stop(self, timeout: float = 30) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            for pump in self.pumps:
                pump.join(10)
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()


def _post(url: str, key: str | None, query: str, timeout: float = 200):
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return httpx.post(f"{url}/graphql", json={"query": query}, headers=headers, timeout=timeout)


def test_first_start_prints_an_admin_key_once(tmp_path):
    path = tmp_path / "db"
    first = Process(path)
    try:
        first.wait_ready()
        key = first.admin_key()
        assert key is not None, "".join(first.stdout)
        assert "shown only this once" in "".join(first.stdout)
        response = _post(first.url, key, "{ me { role } }")
        assert response.json() == {"data": {"me": {"role": "ADMIN"}}}
        assert _post(first.url, None, "{ me { role } }").status_code == 401
    finally:
        assert first.stop() == 0
    stored = (path / "server-keys.json").read_text()
    assert key not in stored, "only a hash is stored"
    assert oct((path / "server-keys.json").stat().st_mode & 0o777) == "0o600"
    second = Process(path)
    try:
        second.wait_ready()
        assert second.admin_key() is None, "the key is printed only on the first start"
        assert _post(second.url, key, "{ me { role } }").status_code == 200
    finally:
        assert second.stop() == 0
    third = Process(path, "--new-admin-key")
    try:
        third.wait_ready()
        fresh = third.admin_key()
        assert fresh is not None
        assert fresh != key
        assert _post(third.url, fresh, "{ me { role } }").status_code == 200
    finally:
        assert third.stop() == 0


def test_no_auth_only_on_loopback(tmp_path):
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "engram.cli",
            "serve",
            str(tmp_path / "db"),
            "--no-auth",
            "--host",
            "0.0.0.0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert "loopback" in refused.stderr
    loopback = Process(tmp_path / "db", "--no-auth")
    try:
        loopback.wait_ready()
        assert "authentication is OFF" in "".join(loopback.stderr)
        assert loopback.admin_key() is None
        response = _post(loopback.url, None, "{ me { role } }")
        assert response.json() == {"data": {"me": {"role": "ADMIN"}}}
    finally:
        assert loopback.stop() == 0


def test_bad_settings_and_a_locked_database_are_reported(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text("[limits]\nmax_rowz = 5\n")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "engram.cli",
            "serve",
            str(tmp_path / "db"),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert "'max_rowz'" in bad.stderr
    with engram.open(tmp_path / "held"):
        locked = subprocess.run(
            [sys.executable, "-m", "engram.cli", "serve", str(tmp_path / "held")],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert locked.returncode == 1
    assert "engram serve:" in locked.stderr
    assert "Traceback" not in locked.stderr


def test_settings_file_sets_limits(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text('log_format = "text"\n[limits]\nmax_rows = 3\n')
    process = Process(tmp_path / "db", "--config", str(config))
    try:
        process.wait_ready()
        key = process.admin_key()
        body = _post(
            process.url, key, '{ cypher(query: "UNWIND range(1, 4) AS i RETURN i") { rows } }'
        ).json()
        assert body["errors"][0]["extensions"]["code"] == "RESULT_TOO_LARGE"
    finally:
        assert process.stop() == 0
    assert any("engram server ready" in line and "{" not in line[:1] for line in process.stderr)


def _wait_until_running(process: Process, key: str | None, seconds: float = 30) -> None:
    """Wait until /metrics shows a query running (so the signal arrives mid-query)."""
    headers = {"Authorization": f"Bearer {key}"}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        text = httpx.get(f"{process.url}/metrics", headers=headers, timeout=10).text
        if re.search(r"^engram_queries_running [1-9]", text, re.MULTILINE):
            return
        time.sleep(0.05)
    raise AssertionError("the query never started running")


def test_graceful_shutdown_finishes_running_queries_and_closes_the_store(tmp_path):
    path = tmp_path / "db"
    config = tmp_path / "server.toml"
    # generous on a loaded machine: the query must finish inside the grace period
    config.write_text("shutdown_grace = 120\n[limits]\nquery_timeout = 300\n")
    process = Process(path, "--config", str(config))
    outcome: dict = {}
    try:
        process.wait_ready()
        key = process.admin_key()
        _post(process.url, key, 'mutation { cypher(query: "CREATE (:Kept {n: 1})") { rowCount } }')
        query = (
            '{ cypher(query: "UNWIND range(1, 1000000) AS i WITH i ORDER BY i DESC '
            'RETURN i LIMIT 1") { rows } }'
        )

        def run() -> None:
            outcome["response"] = _post(process.url, key, query)

        thread = threading.Thread(target=run)
        thread.start()
        _wait_until_running(process, key)
        process.proc.send_signal(signal.SIGTERM)
        thread.join(180)
        assert process.proc.wait(180) == 0
    finally:
        process.stop()
    response = outcome["response"]
    assert response.status_code == 200
    assert response.json() == {"data": {"cypher": {"rows": [[1000000]]}}}
    with engram.open(path) as db:  # closed cleanly: not locked, data intact
        assert db.execute("MATCH (k:Kept) RETURN k.n").scalar() == 1


def test_shutdown_cancels_queries_that_outlast_the_grace_period(tmp_path):
    config = tmp_path / "server.toml"
    config.write_text("shutdown_grace = 0.5\n")
    process = Process(tmp_path / "db", "--config", str(config))
    outcome: dict = {}
    try:
        process.wait_ready()
        key = process.admin_key()
        query = (
            '{ cypher(query: "UNWIND range(1, 8000000) AS i WITH i ORDER BY i DESC '
            'RETURN i LIMIT 1") { rows } }'
        )

        def run() -> None:
            outcome["response"] = _post(process.url, key, query)

        thread = threading.Thread(target=run)
        thread.start()
        _wait_until_running(process, key)
        started = time.monotonic()
        process.proc.send_signal(signal.SIGTERM)
        thread.join(60)
        assert process.proc.wait(60) == 0
        assert time.monotonic() - started < 15
    finally:
        process.stop()
    body = outcome["response"].json()
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TIMEOUT"
    assert "cancelled" in body["errors"][0]["message"]


@pytest.mark.parametrize("path", ["/health", "/ready"])
def test_probes_need_no_key(server, path):
    assert httpx.get(f"{server.url}{path}").status_code == 200
