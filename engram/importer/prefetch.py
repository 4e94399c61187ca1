"""Producing the items of an iterator in a background thread, a few ahead of the consumer.

The importer reads and converts the next chunk of a file while it resolves and stores
the current one. Most of a chunk's reading on the integer path is numpy work that
releases the GIL, so the two overlap on a machine with more than one core.

An exception raised by the producer is raised in the consumer, at the item where it
happened; a consumer that stops early (an exception of its own, a ``break``) stops the
producer before `prefetched` returns.

>>> list(prefetched(iter(range(5))))
[0, 1, 2, 3, 4]
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Final, TypeVar

__all__ = ["prefetched"]

T = TypeVar("T")

#: how long the producer waits for room before checking whether the consumer has gone
_POLL_SECONDS: Final = 0.1


class _Done:
    """The end of the items."""


class _Failed:
    """The producer raised `error`."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items of `items`, produced by a thread that keeps up to `depth` of them ready."""
    ready: queue.Queue[T | _Done | _Failed] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: T | _Done | _Failed) -> bool:
        while not stop.is_set():
            try:
                ready.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            offer(_Failed(error))
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()  # a generator's files are closed in this thread
        offer(_Done())

    worker = threading.Thread(target=produce, name="engram-import-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()
            if isinstance(item, _Done):
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()
