"""Structured logs: the request id of the current request and a one-JSON-object-per-line format.

Every log record written while a request is handled carries its request id (from the
`X-Request-ID` header when the client sent a sane one, otherwise generated), so one
request's access line, errors and slow-query notes can be found together.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from typing import Any, Final

__all__ = [
    "JsonFormatter",
    "TextFormatter",
    "configure_logging",
    "current_request_id",
    "new_request_id",
    "request_id_var",
]

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

_CLIENT_ID: Final = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
# attributes every LogRecord has; anything else was passed with `extra=`
_STANDARD: Final = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


def new_request_id(offered: str | None = None) -> str:
    """The client's request id if it is short and plain, else a fresh random one."""
    if offered and _CLIENT_ID.match(offered):
        return offered
    return uuid.uuid4().hex


def current_request_id() -> str:
    """The id of the request being handled (``"-"`` outside requests)."""
    return request_id_var.get()


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON line."""
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """Human-readable lines with the request id and extras as key=value pairs."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line (plus a traceback when there is one)."""
        extras = " ".join(
            f"{key}={value}"
            for key, value in record.__dict__.items()
            if key not in _STANDARD and key != "request_id"
        )
        request = getattr(record, "request_id", None) or request_id_var.get()
        stamp = time.strftime("%H:%M:%S", time.localtime(record.created))
        line = f"{stamp} {record.levelname:<7} [{request}] {record.getMessage()}"
        if extras:
            line += f" {extras}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def configure_logging(log_format: str = "json", level: int = logging.INFO) -> None:
    """Send engram's and uvicorn's logs to stderr in the chosen format (CLI use)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    for name in ("engram", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # the server writes its own access log lines with request ids
    logging.getLogger("uvicorn.access").disabled = True
