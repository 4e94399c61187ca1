"""Finding many integers among known keys at once, through a hash table built by numpy.

Resolving a relationship file's ends looks up every START_ID and END_ID among the
node ids: millions of look-ups, in no particular order, into a hundred thousand ids or
more. ``np.searchsorted`` does a binary search per value, and in random order each of
its steps is a cache miss (7 ms for 65,000 values among 102,000 ids). `KeyLookup` puts
the keys into an open-addressing table of four times their number (multiplicative
hashing, linear probing; 16 bytes per key, as much as the ids themselves), built and
probed with whole-array steps: a value is found, or known absent, after one or two
probes on average (about 1 ms for the same look-ups), whatever the keys look like
(dense, sparse, bunched, negative).

>>> lookup = KeyLookup(np.array([400, 3, 11, 10]))
>>> positions, found = lookup.find(np.array([11, 5, 400, -7, 3]))
>>> positions[found].tolist(), found.tolist()
([2, 0, 1], [True, False, True, False, True])
"""

from __future__ import annotations

from typing import Final

import numpy as np

__all__ = ["KeyLookup"]

#: Fibonacci hashing: the odd constant nearest 2**64 / golden ratio
_MULTIPLIER: Final = np.uint64(0x9E3779B97F4A7C15)
_EMPTY: Final = -1


class KeyLookup:
    """Positions of values among `keys` (distinct int64, in any order).

    Args:
        keys: the keys; the array is kept, not copied.
    """

    def __init__(self, keys: np.ndarray) -> None:
        self.keys = keys
        bits = max(4, (4 * len(keys) - 1).bit_length())  # at most a quarter full
        self._mask = (1 << bits) - 1
        self._shift = np.uint64(64 - bits)
        # the table holds positions into `keys`
        width = np.int32 if len(keys) < 2**31 else np.int64
        self._table = np.full(1 << bits, _EMPTY, dtype=width)
        self._probes = self._insert()

    def _slots(self, values: np.ndarray) -> np.ndarray:
        """The home slot of each value: the top bits of its product with the constant."""
        mixed = values.view(np.uint64) * _MULTIPLIER  # wraps, as hashing wants
        slots: np.ndarray = (mixed >> self._shift).astype(np.int64)
        return slots

    def _insert(self) -> int:
        """Place every key (linear probing); the longest probe sequence."""
        table, mask = self._table, self._mask
        pending = np.arange(len(self.keys), dtype=np.int64)
        slots = self._slots(self.keys)
        probes = 0
        while len(pending):
            probes += 1
            wanted = slots[pending]
            free = table[wanted] == _EMPTY
            # of the keys wanting one free slot, the first takes it
            taken, first = np.unique(wanted[free], return_index=True)
            winners = np.flatnonzero(free)[first]
            table[taken] = pending[winners]
            placed = np.zeros(len(pending), dtype=bool)
            placed[winners] = True
            pending = pending[~placed]
            slots[pending] = (slots[pending] + 1) & mask
        return probes

    def find(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position, found) of each value: ``keys[position] == value`` where found."""
        values = np.asarray(values, dtype=np.int64)
        positions = np.zeros(len(values), dtype=np.int64)
        found = np.zeros(len(values), dtype=bool)
        if not len(self.keys):
            return positions, found
        table, keys, mask = self._table, self.keys, self._mask
        active = np.arange(len(values), dtype=np.int64)
        slots = self._slots(values)
        for _ in range(self._probes):
            held = table[slots]
            empty = held == _EMPTY
            match = ~empty & (keys[np.maximum(held, 0)] == values)
            positions[active[match]] = held[match]
            found[active[match]] = True
            going = ~(empty | match)
            if not going.any():
                break
            active, values = active[going], values[going]
            slots = (slots[going] + 1) & mask
        return positions, found
