"""Pausing Python's cyclic garbage collector around bulk work.

Bulk writes allocate hundreds of thousands of small containers (rows, property maps,
record states) that are all alive until the commit; each allocation threshold then
triggers a collection that walks every one of them, which cost a third of the CPU time
of a 100,000-row ``UNWIND ... CREATE``. Reference counting still frees everything that
is not in a cycle; cycles made meanwhile are collected when the collector resumes.

>>> import gc
>>> with gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["gc_paused"]


class gc_paused:  # noqa: N801  # used as a function: `with gc_paused():`
    """Disable the cyclic collector for the block; re-enable it only if this disabled it.

    A class rather than a generator-based context manager: read queries enter it twice
    each, and it should cost next to nothing for a query of ten rows.
    """

    __slots__ = ("_paused",)

    def __enter__(self) -> None:
        self._paused = gc.isenabled()
        if self._paused:
            gc.disable()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._paused:
            gc.enable()
