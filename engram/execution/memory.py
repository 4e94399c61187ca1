"""Per-query memory budget: cheap size estimates of held rows and values, and the check.

Operators that hold rows (Eager, Sort, Top, Aggregate, Distinct, hash joins, shortest
path frontiers, the materialised result) reserve an estimate of what they hold once per
batch through a `Holding` and give it back when they finish; functions that build large
values at once (`range()`) check the budget of the running query before they build
them. Estimates follow CPython's object sizes (64-bit) and sample long lists, so
accounting costs a few dictionary and attribute reads per batch, never a walk of every
value. Going over the limit raises `MemoryLimitExceeded`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Final

from engram.errors import MemoryLimitExceeded
from engram.execution.entities import NodeRef, PathValue, RelRef

__all__ = [
    "Holding",
    "MemoryBudget",
    "active_budget",
    "batch_size",
    "charge_active",
    "default_memory_limit",
    "parse_bytes",
    "row_size",
    "running",
    "value_size",
]

#: bytes of one reference inside a list, tuple, dict or set
POINTER: Final = 8
#: elements of a list or map measured before the rest is assumed to be alike
_SAMPLE: Final = 8
#: lists up to this long are measured element by element: a sample's estimate can fall
#: when an element is added (the sampled positions move), and short lists are cheap
_EXACT: Final = 256
#: the share of the machine's memory one query may hold by default (docs/adr/0009)
DEFAULT_SHARE: Final = 4

_FIXED: Final[dict[type, int]] = {
    int: 32,
    float: 24,
    bool: 0,  # singletons
    type(None): 0,
    NodeRef: 56,
    RelRef: 88,
}


def value_size(value: Any) -> int:
    """Estimated bytes of `value` (lists and maps beyond a few elements are sampled)."""
    fixed = _FIXED.get(type(value))
    if fixed is not None:
        return fixed
    if isinstance(value, str):
        return 49 + len(value)
    if isinstance(value, list | tuple):
        return 56 + POINTER * len(value) + _sampled(value)
    if isinstance(value, dict):
        count = len(value)
        if count == 0:
            return 64
        sample = list(value.items())[:_SAMPLE]
        each = sum(value_size(k) + value_size(v) for k, v in sample) / len(sample)
        return 232 + int(count * (each + 3 * POINTER))
    if isinstance(value, PathValue):
        return 64 + value_size(value.nodes) + value_size(value.rels)
    if isinstance(value, bytes | bytearray):
        return 33 + len(value)
    nbytes = getattr(value, "nbytes", None)  # numpy arrays (vectors)
    if isinstance(nbytes, int):
        return 112 + nbytes
    return 64  # temporal values and other small immutable objects


def _sampled(items: Sequence[Any]) -> int:
    count = len(items)
    if count <= _EXACT:
        return sum(value_size(item) for item in items)
    step = count // _SAMPLE
    sample = [value_size(items[i * step]) for i in range(_SAMPLE)]
    return int(sum(sample) * count / _SAMPLE)


def row_size(row: Sequence[Any]) -> int:
    """Estimated bytes of one row tuple and its values."""
    return 40 + POINTER * len(row) + sum(map(value_size, row))


def batch_size(batch: Sequence[Sequence[Any]]) -> int:
    """Estimated bytes of a batch of rows (its first row stands for the others)."""
    if not batch:
        return 0
    return 56 + len(batch) * (POINTER + row_size(batch[0]))


class MemoryBudget:
    """The bytes one query may hold (None: unlimited), what it holds now and at most."""

    __slots__ = ("limit", "peak", "used")

    def __init__(self, limit: int | None = None) -> None:
        self.limit = limit
        self.used = 0
        self.peak = 0

    def reserve(self, nbytes: int, operator: str) -> None:
        """Hold `nbytes` more; raises `MemoryLimitExceeded` past the limit."""
        used = self.used + nbytes
        self.used = used
        if used > self.peak:
            self.peak = used
            if self.limit is not None and used > self.limit:
                raise MemoryLimitExceeded(self.limit, used, operator)

    def release(self, nbytes: int) -> None:
        """Give back `nbytes` reserved earlier."""
        self.used -= nbytes

    def check(self, nbytes: int, operator: str) -> None:
        """Raise when `nbytes` more (about to be built, held briefly) would not fit."""
        if self.limit is not None and self.used + nbytes > self.limit:
            raise MemoryLimitExceeded(self.limit, self.used + nbytes, operator)

    def holding(self, operator: str) -> Holding:
        """A tally for one operator's buffers, released together."""
        return Holding(self, operator)


class Holding:
    """What one operator holds: grown or resized per batch, released when it finishes."""

    __slots__ = ("budget", "held", "operator")

    def __init__(self, budget: MemoryBudget, operator: str) -> None:
        self.budget = budget
        self.operator = operator
        self.held = 0

    def add(self, nbytes: int) -> None:
        """Hold `nbytes` more (raises `MemoryLimitExceeded` past the limit)."""
        self.held += nbytes
        self.budget.reserve(nbytes, self.operator)

    def resize(self, nbytes: int) -> None:
        """Hold exactly `nbytes` now (a buffer that was cut back gives bytes back)."""
        delta = nbytes - self.held
        self.held = nbytes
        if delta > 0:
            self.budget.reserve(delta, self.operator)
        else:
            self.budget.release(-delta)

    def close(self) -> None:
        """Release everything held."""
        self.budget.release(self.held)
        self.held = 0


_ACTIVE = threading.local()


def active_budget() -> MemoryBudget | None:
    """The budget of the query this thread is running, if any."""
    budget: MemoryBudget | None = getattr(_ACTIVE, "budget", None)
    return budget


class running:  # noqa: N801  # used as a function: `with running(budget):`
    """Make `budget` the thread's active budget (for functions without a context).

    A class rather than a generator-based context manager: a query enters it once per
    batch it produces.
    """

    __slots__ = ("_budget", "_previous")

    def __init__(self, budget: MemoryBudget) -> None:
        self._budget = budget
        self._previous: MemoryBudget | None = None

    def __enter__(self) -> None:
        self._previous = getattr(_ACTIVE, "budget", None)
        _ACTIVE.budget = self._budget

    def __exit__(self, *exc: object) -> None:
        _ACTIVE.budget = self._previous


def charge_active(nbytes: int, operator: str) -> None:
    """Check that a value of `nbytes` about to be built fits the running query's budget."""
    budget: MemoryBudget | None = getattr(_ACTIVE, "budget", None)
    if budget is not None:
        budget.check(nbytes, operator)


def default_memory_limit() -> int:
    """A quarter of the memory this process may use: physical RAM or its cgroup's limit."""
    total = _physical_memory()
    cgroup = _cgroup_limit()
    if cgroup is not None:
        total = min(total, cgroup)
    return max(total // DEFAULT_SHARE, 64 * 1024 * 1024)


def _physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return 8 * 1024**3  # unknown platform: assume 8 GiB


def _cgroup_limit() -> int | None:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as handle:
                text = handle.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 1 << 60:
            return int(text)
    return None


_UNITS: Final = {
    "": 1,
    "b": 1,
    "k": 1024,
    "kb": 1000,
    "kib": 1024,
    "m": 1024**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1024**3,
    "gb": 1000**3,
    "gib": 1024**3,
    "t": 1024**4,
    "tb": 1000**4,
    "tib": 1024**4,
}


def parse_bytes(text: str) -> int:
    """A memory size as people write it: `1048576`, `512MiB`, `2 GB`, `1.5g` (k, m, g: KiB...).

    >>> parse_bytes("512MiB"), parse_bytes("2 GB"), parse_bytes("1.5g")
    (536870912, 2000000000, 1610612736)

    Raises:
        ValueError: not a positive size.
    """
    cleaned = text.strip().lower().replace("_", "")
    number = cleaned.rstrip("abcdefghijklmnopqrstuvwxyz").strip()
    unit = cleaned[len(number) :].strip() if number else cleaned
    not_a_size = ValueError(f"{text!r} is not a size (examples: 268435456, 512MiB, 2GiB, 1.5g)")
    if unit not in _UNITS or not number:
        raise not_a_size
    try:
        value = float(number) * _UNITS[unit]
    except ValueError:
        raise not_a_size from None
    if not value >= 1:
        raise ValueError(f"{text!r} is not a positive size")
    return int(value)
