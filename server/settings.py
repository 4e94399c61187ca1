"""Server settings: authentication, limits, logging and schema options, with their defaults.

`ServerSettings` is what `create_app(db, settings)` takes; `engram serve --config FILE`
reads the same fields from a TOML file (top-level keys for `ServerSettings`, a
``[limits]`` table for `Limits`), and unknown keys are an error rather than silently
ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

__all__ = ["Limits", "ServerSettings", "SettingsError"]


class SettingsError(ValueError):
    """A settings file or value is invalid (the message names the setting)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Every limit the server enforces (see docs/server.md, "Limits").

    Attributes:
        query_timeout: seconds a query or mutation may run before it is stopped.
        stream_timeout: seconds a `cypherStream` subscription may stream.
        max_rows: rows a query, mutation or typed list may return in one response.
        max_depth: nesting depth of a GraphQL operation (introspection excluded).
        max_aliases: aliased fields in one GraphQL document.
        max_complexity: estimated cost of an operation (fields times list sizes).
        default_list_size: list size assumed by the cost estimate when none is given.
        max_body_bytes: bytes in one HTTP request body or WebSocket message.
        rate_limit: sustained requests per second per API key.
        rate_burst: requests a key may make at once before the rate applies.
        failed_auth_rate: requests per second with a missing or wrong key, per client
            address (slows down guessing keys).
        failed_auth_burst: such requests allowed at once.
        write_lock_timeout: seconds a write waits for the one writer slot.
        max_concurrent_queries: queries running at the same time (more wait).
        max_stream_batch: rows in one subscription batch.
        max_subscriptions_per_connection: operations open on one WebSocket.
        change_queue_size: change events buffered per subscriber before it is dropped.
        memory_limit: bytes one query, mutation or stream may hold (None: the database's
            default, a quarter of the machine's memory); the TOML file may write a size
            such as ``"2GiB"``.
    """

    query_timeout: float = 30.0
    stream_timeout: float = 600.0
    max_rows: int = 10_000
    max_depth: int = 12
    max_aliases: int = 30
    max_complexity: int = 200_000
    default_list_size: int = 100
    max_body_bytes: int = 1_048_576
    rate_limit: float = 100.0
    rate_burst: int = 200
    failed_auth_rate: float = 1.0
    failed_auth_burst: int = 20
    write_lock_timeout: float = 10.0
    max_concurrent_queries: int = 32
    max_stream_batch: int = 10_000
    max_subscriptions_per_connection: int = 16
    change_queue_size: int = 10_000
    memory_limit: int | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "memory_limit" and value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise SettingsError(f"limit '{item.name}' must be a positive number, not {value!r}")


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """How one server runs.

    Attributes:
        auth: require an API key on every GraphQL request (False only on loopback).
        keys_file: where API keys are stored (hashed); default: inside the database
            directory, ``server-keys.json``.
        limits: the limits.
        graphiql: serve the GraphiQL page on GET /graphql from a browser.
        log_format: ``"json"`` (one object per line) or ``"text"``.
        schema_sample: entities per label read to find property types.
        schema_debounce: seconds to wait for more commits before regenerating the
            typed schema after a change.
        shutdown_grace: seconds running queries get to finish on shutdown before they
            are cancelled.
        cors_origins: origins allowed to call the API from browsers on other hosts.
        metrics_auth: require an API key for /metrics.
    """

    auth: bool = True
    keys_file: str | None = None
    limits: Limits = field(default_factory=Limits)
    graphiql: bool = True
    log_format: Literal["json", "text"] = "json"
    schema_sample: int = 2000
    schema_debounce: float = 0.25
    shutdown_grace: float = 10.0
    cors_origins: tuple[str, ...] = ()
    metrics_auth: bool = True

    def replace(self, **changes: Any) -> ServerSettings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def with_limits(self, **changes: Any) -> ServerSettings:
        """A copy with some limits changed."""
        return dataclasses.replace(self, limits=dataclasses.replace(self.limits, **changes))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ServerSettings:
        """Settings from a mapping shaped like the TOML file (unknown keys are errors)."""
        data = dict(data)
        limits = data.pop("limits", {})
        if not isinstance(limits, Mapping):
            raise SettingsError("'limits' must be a table")
        _check_keys("limits", limits, Limits)
        _check_keys("settings", data, cls)
        if isinstance(limits.get("memory_limit"), str):
            limits = {**limits, "memory_limit": _size("memory_limit", limits["memory_limit"])}
        if "cors_origins" in data:
            data["cors_origins"] = tuple(data["cors_origins"])
        if data.get("log_format", "json") not in ("json", "text"):
            raise SettingsError("'log_format' must be 'json' or 'text'")
        try:
            return cls(limits=Limits(**limits), **data)
        except TypeError as error:
            raise SettingsError(str(error)) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> ServerSettings:
        """Settings from a TOML file."""
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise SettingsError(f"cannot read settings file '{path}': {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise SettingsError(f"settings file '{path}' is not valid TOML: {error}") from None
        return cls.from_mapping(data)


def _check_keys(where: str, data: Mapping[str, Any], kind: type) -> None:
    known = {item.name for item in fields(kind)} - {"limits"}
    unknown = sorted(set(data) - known)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise SettingsError(f"unknown {where} key {names}; known: {', '.join(sorted(known))}")


def _size(name: str, text: str) -> int:
    from engram.cli import parse_size

    try:
        return parse_size(text)
    except ValueError as error:
        raise SettingsError(f"limit '{name}': {error}") from None
