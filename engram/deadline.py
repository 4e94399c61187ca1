"""The running statement's deadline during compilation, checked by parse-to-lower stages.

A statement's timeout starts when `execute` is called, so parsing, binding, planning
and optimisation count against it. The engine sets the deadline (and the cancellation
event) for the thread that compiles with `compiling`; long loops in the planner and the
optimizer call `check` between steps. Outside `compiling`, `check` does nothing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from engram.errors import QueryTimeout

__all__ = ["check", "compiling"]

_CURRENT = threading.local()


@contextmanager
def compiling(deadline: float | None, cancel: threading.Event | None = None) -> Iterator[None]:
    """Make `deadline` (a `time.monotonic()` instant) and `cancel` this thread's limits."""
    previous = getattr(_CURRENT, "limits", None)
    _CURRENT.limits = None if deadline is None and cancel is None else (deadline, cancel)
    try:
        yield
    finally:
        _CURRENT.limits = previous


def check() -> None:
    """Raise `QueryTimeout` when the compiling statement's deadline passed or it was cancelled."""
    limits: tuple[float | None, threading.Event | None] | None = getattr(_CURRENT, "limits", None)
    if limits is None:
        return
    deadline, cancel = limits
    if cancel is not None and cancel.is_set():
        raise QueryTimeout("the query was cancelled while it was compiled; nothing was changed")
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout(
            "the query ran past its timeout while it was compiled and was stopped; "
            "nothing was changed"
        )
