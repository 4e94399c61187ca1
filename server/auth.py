"""API keys and roles: issuing, storing (hashed), verifying and revoking keys.

A key reads ``egk_<id>_<secret>``: the id finds the stored record, the whole key is
checked against its SHA-256 digest with a constant-time comparison (keys are 256-bit
random secrets, so a fast hash is enough; the plain key is shown once and never stored).
Keys live in a JSON file written atomically (temporary file, fsync, rename) with mode
0600. Roles nest: ``reader`` reads, ``writer`` also writes data, ``admin`` also changes
the schema and manages keys and running queries.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "ANONYMOUS",
    "ApiKey",
    "KeyStore",
    "KeyStoreError",
    "Principal",
    "Role",
    "bearer_token",
]

_KEY_FORMAT: Final = re.compile(r"^egk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
_FILE_VERSION: Final = 1


class KeyStoreError(Exception):
    """The key file cannot be read or written (the message names the file)."""


class Role(enum.StrEnum):
    """What a key may do; each role includes the ones before it."""

    READER = "reader"
    WRITER = "writer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """Position in reader < writer < admin."""
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """Whether this role may do what `other` may."""
        return self.rank >= other.rank


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored key: everything but the secret."""

    id: str
    name: str
    role: Role
    digest: str
    created: str


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is making a request: the key's id, name and role."""

    key_id: str
    name: str
    role: Role

    def may(self, role: Role) -> bool:
        """Whether the principal has at least `role`."""
        return self.role.includes(role)


#: the principal of every request when authentication is off (loopback only)
ANONYMOUS: Final = Principal("anonymous", "anonymous", Role.ADMIN)


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, if well formed."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class KeyStore:
    """The API keys of one server, persisted in a JSON file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._keys: dict[str, ApiKey] = {}
        self._load()

    # -- reading -------------------------------------------------------------------------

    def _load(self) -> None:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as error:
            raise KeyStoreError(f"cannot read key file '{self.path}': {error.strerror}") from None
        try:
            data = json.loads(raw)
            if data.get("version") != _FILE_VERSION:
                raise ValueError(f"unknown version {data.get('version')!r}")
            for item in data["keys"]:
                key = ApiKey(
                    id=str(item["id"]),
                    name=str(item["name"]),
                    role=Role(item["role"]),
                    digest=str(item["digest"]),
                    created=str(item["created"]),
                )
                self._keys[key.id] = key
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyStoreError(f"key file '{self.path}' is damaged: {error}") from None

    def __iter__(self) -> Iterator[ApiKey]:
        with self._lock:
            keys = sorted(self._keys.values(), key=lambda key: (key.created, key.id))
        return iter(keys)

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def exists(self) -> bool:
        """Whether the key file exists."""
        return self.path.exists()

    # -- changing ------------------------------------------------------------------------

    def create(self, name: str, role: Role) -> tuple[ApiKey, str]:
        """Issue a key; returns its record and the plain key (shown once, never stored)."""
        with self._lock:
            key_id = secrets.token_hex(6)
            while key_id in self._keys:
                key_id = secrets.token_hex(6)
            token = f"egk_{key_id}_{secrets.token_urlsafe(32)}"
            created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            record = ApiKey(key_id, name, Role(role), _digest(token), created)
            self._keys[key_id] = record
            try:
                self._save()
            except BaseException:
                del self._keys[key_id]
                raise
        return record, token

    def revoke(self, key_id: str) -> bool:
        """Delete a key; False if there is none with that id."""
        with self._lock:
            record = self._keys.pop(key_id, None)
            if record is None:
                return False
            try:
                self._save()
            except BaseException:
                self._keys[key_id] = record
                raise
        return True

    def ensure_admin(self) -> str | None:
        """Create the first admin key when the store has no key at all; returns it once."""
        with self._lock:
            if self._keys:
                return None
        _, token = self.create("initial admin", Role.ADMIN)
        return token

    def _save(self) -> None:
        data = {
            "version": _FILE_VERSION,
            "keys": [
                {**asdict(key), "role": key.role.value}
                for key in sorted(self._keys.values(), key=lambda k: k.id)
            ],
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle, temporary = tempfile.mkstemp(prefix=".keys-", dir=self.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(data, stream, indent=2)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, 0o600)
            os.replace(temporary, self.path)
        except OSError as error:
            raise KeyStoreError(f"cannot write key file '{self.path}': {error.strerror}") from None

    # -- checking ------------------------------------------------------------------------

    def verify(self, token: str | None) -> Principal | None:
        """The principal of a presented key, or None if it is unknown, revoked or malformed."""
        if not token:
            return None
        match = _KEY_FORMAT.match(token)
        if match is None:
            return None
        record = self._keys.get(match.group(1))
        if record is None:
            return None
        if not hmac.compare_digest(record.digest, _digest(token)):
            return None
        return Principal(record.id, record.name, record.role)
