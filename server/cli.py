"""`engram serve`: open the database, make sure an admin key exists, run uvicorn until stopped.

The first start on a database creates an admin API key and prints it once (only its
hash is stored). `--no-auth` is refused unless the server listens on a loopback address,
and warns loudly. SIGINT / SIGTERM stop the server gracefully: no new requests, running
statements get `shutdown_grace` seconds before they are cancelled, subscriptions end,
and the database is closed cleanly; the process then exits with status 0.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import sys
from types import FrameType

import uvicorn

import engram
from engram.server.app import create_app, keys_path
from engram.server.auth import KeyStore, KeyStoreError, Role
from engram.server.context import ServerState
from engram.server.logs import configure_logging
from engram.server.settings import ServerSettings, SettingsError

__all__ = ["is_loopback", "run_serve"]

_log = logging.getLogger("engram.server")

_BANNER = "=" * 72


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _settings(args: argparse.Namespace) -> ServerSettings:
    config = getattr(args, "config", None)
    settings = ServerSettings.from_toml(config) if config else ServerSettings()
    if getattr(args, "no_auth", False):
        settings = settings.replace(auth=False)
    if getattr(args, "keys_file", None):
        settings = settings.replace(keys_file=args.keys_file)
    if getattr(args, "log_format", None):
        settings = settings.replace(log_format=args.log_format)
    if getattr(args, "memory_limit", None):
        settings = settings.with_limits(memory_limit=args.memory_limit)
    return settings


def _announce_key(token: str, path: str, first: bool) -> None:
    what = "the first admin API key" if first else "a new admin API key"
    print(_BANNER)
    print(f"engram: created {what}. It is shown only this once; store it now:")
    print()
    print(f"    {token}")
    print()
    print(f"Only its hash is kept, in {path}. Create reader and writer keys with the")
    print("createApiKey mutation (admin role).")
    print(_BANNER, flush=True)


def _warn_no_auth(host: str) -> None:
    message = (
        f"authentication is OFF: anyone who can reach {host} can read, write and change "
        "the schema of this database"
    )
    print(f"{_BANNER}\nWARNING: {message}\n{_BANNER}", file=sys.stderr, flush=True)
    _log.warning(message)


class _Server(uvicorn.Server):
    """uvicorn's server, telling the app when a stop signal arrives."""

    def __init__(self, config: uvicorn.Config, state: ServerState) -> None:
        super().__init__(config)
        self._state = state

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        """Begin the graceful shutdown, then let uvicorn stop."""
        self._state.ready = False
        self._state.runner.begin_shutdown(self._state.settings.shutdown_grace)
        super().handle_exit(sig, frame)
        # a completed graceful shutdown exits with 0 instead of dying by the signal again
        self._captured_signals.clear()


def run_serve(args: argparse.Namespace) -> int:
    """Run the server for `engram serve`; returns the exit code."""
    try:
        settings = _settings(args)
    except SettingsError as error:
        print(f"engram serve: {error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_format)
    if not settings.auth and not is_loopback(args.host):
        print(
            f"engram serve: --no-auth is only allowed on a loopback address, not '{args.host}'",
            file=sys.stderr,
        )
        return 2
    try:
        db = engram.open(args.path)
    except engram.EngramError as error:
        print(f"engram serve: {error}", file=sys.stderr)
        return 1
    try:
        return _serve(db, settings, args)
    finally:
        db.close()


def _serve(db: engram.Database, settings: ServerSettings, args: argparse.Namespace) -> int:
    if settings.auth:
        try:
            keys = KeyStore(keys_path(db, settings))
            first = keys.ensure_admin()
            if first is not None:
                _announce_key(first, str(keys.path), first=True)
            if getattr(args, "new_admin_key", False):
                _, token = keys.create("admin", Role.ADMIN)
                _announce_key(token, str(keys.path), first=False)
        except KeyStoreError as error:
            print(f"engram serve: {error}", file=sys.stderr)
            return 1
    else:
        _warn_no_auth(args.host)
    app = create_app(db, settings, owns_database=True)
    config = uvicorn.Config(
        app,
        host=args.host,
        port=args.port,
        ws_max_size=settings.limits.max_body_bytes,
        timeout_graceful_shutdown=int(settings.shutdown_grace) + 5,
        log_config=None,
        access_log=False,
        lifespan="on",
        server_header=False,
    )
    _Server(config, app.state.engram).run()
    return 0
