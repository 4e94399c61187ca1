"""The database thread: runs each database call off the main thread so Ctrl-C can cancel it.

Every call the shell makes to the database runs on one long-lived daemon thread (so the
write transaction opened by ``:begin`` always belongs to the same thread). The main
thread waits, ticking a progress callback, and turns Ctrl-C (KeyboardInterrupt) into the
statement's cancellation event; the engine then stops at its next batch and changes
nothing. A query stuck in one long step can be abandoned by pressing Ctrl-C more times,
which the caller decides how to handle.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

__all__ = ["Control", "Worker"]

T = TypeVar("T")


@dataclass
class Control:
    """What a task shares with the waiting thread: the cancel event and its row count."""

    cancel: threading.Event = field(default_factory=threading.Event)
    rows: int = 0

    @property
    def cancelled(self) -> bool:
        """Whether Ctrl-C asked the task to stop."""
        return self.cancel.is_set()


class _Call(Generic[T]):
    def __init__(self, task: Callable[[Control], T], control: Control) -> None:
        self.task = task
        self.control = control
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.task(self.control)
        except BaseException as error:  # handed to the waiting thread, never swallowed
            self.error = error
        finally:
            self.done.set()


class Worker:
    """One daemon thread that runs the shell's database calls in order."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[_Call[Any] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="engram-shell-db", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while True:
            call = self._queue.get()
            if call is None:
                return
            call.run()

    def run(
        self,
        task: Callable[[Control], T],
        *,
        on_wait: Callable[[float, Control], None] | None = None,
        on_interrupt: Callable[[int, Control], None] | None = None,
    ) -> T:
        """Run `task` on the database thread and wait for it.

        Args:
            task: the work; it receives the `Control` (check `cancel`, count `rows`).
            on_wait: called about ten times a second with the seconds elapsed.
            on_interrupt: called on each Ctrl-C with how many there have been so far
                (after the cancel event is set); it may raise to stop waiting.

        Returns:
            What `task` returned; its exception is raised here instead.
        """
        control = Control()
        call: _Call[T] = _Call(task, control)
        self._queue.put(call)
        started = time.monotonic()
        interrupts = 0
        while True:
            try:
                if call.done.wait(0.1):
                    break
                if on_wait is not None:
                    on_wait(time.monotonic() - started, control)
            except KeyboardInterrupt:
                interrupts += 1
                control.cancel.set()
                if on_interrupt is not None:
                    on_interrupt(interrupts, control)
        if call.error is not None:
            raise call.error
        return cast(T, call.value)

    def close(self) -> None:
        """Let the thread finish after the calls already queued."""
        self._queue.put(None)
