"""Splitting a long reliability run into jobs, one process each, and merging their reports."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import Protocol, Self, TypeVar

__all__ = ["Mergeable", "run_jobs"]


class Mergeable(Protocol):
    """A report that can absorb another of its kind."""

    def merge(self, other: Self) -> None:
        """Add `other`'s counts and findings to this report."""
        ...


R = TypeVar("R", bound=Mergeable)


def run_jobs(chunk: Callable[[tuple[int, int]], R], total: int, seed: int, jobs: int, into: R) -> R:
    """`chunk((count, seed))` for `jobs` equal shares of `total`, merged into `into`.

    Each job's seeds start a million apart, so no two jobs draw the same graph. `chunk`
    must be a module-level function (jobs are spawned processes).
    """
    share = -(-total // jobs)
    chunks = [(share, seed + job * 1_000_000) for job in range(jobs)]
    if jobs == 1:
        into.merge(chunk(chunks[0]))
        return into
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for report in pool.imap_unordered(chunk, chunks):
            into.merge(report)
    return into
