"""Deterministic vocabularies for the generated graph: person, city and country names.

Names are built from syllables by mixed-radix counting, so every list is reproducible,
unique, ASCII letters only (no CSV quoting needed anywhere) and as long as asked for.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
from numpy.typing import NDArray

__all__ = ["city_names", "country_names", "first_names", "last_names", "zipf_weights"]

_ONSETS: Final = ("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v")
_VOWELS: Final = ("a", "e", "i", "o", "u", "ai", "ei", "ou")
_CODAS: Final = ("", "n", "r", "s", "l", "th", "m", "x")


def _syllable(index: int) -> str:
    onset = _ONSETS[index % len(_ONSETS)]
    index //= len(_ONSETS)
    vowel = _VOWELS[index % len(_VOWELS)]
    index //= len(_VOWELS)
    return onset + vowel + _CODAS[index % len(_CODAS)]


_SYLLABLE_COUNT: Final = len(_ONSETS) * len(_VOWELS) * len(_CODAS)


def _words(count: int, syllables: int, offset: int) -> tuple[str, ...]:
    """`count` distinct capitalised words of `syllables` syllables each.

    Word `i` is the mixed-radix spelling of `offset + i * stride` modulo the number of
    possible words; the stride is odd (so coprime with that power-of-two count, which makes
    the words distinct) and close to the golden ratio of it (so every syllable varies).
    """
    capacity = _SYLLABLE_COUNT**syllables
    stride = int(capacity * 0.6180339887) | 1
    if count > capacity:
        raise ValueError(f"cannot make {count} distinct words of {syllables} syllables")
    words = []
    for position in range(count):
        code = (offset + position * stride) % capacity
        parts = []
        for _ in range(syllables):
            parts.append(_syllable(code % _SYLLABLE_COUNT))
            code //= _SYLLABLE_COUNT
        words.append("".join(parts).capitalize())
    return tuple(words)


@cache
def first_names(count: int) -> tuple[str, ...]:
    """Person first names, most frequent first."""
    return _words(count, 2, offset=7)


@cache
def last_names(count: int) -> tuple[str, ...]:
    """Person last names, most frequent first."""
    return _words(count, 3, offset=11)


@cache
def city_names(count: int) -> tuple[str, ...]:
    """City names, unique, largest city first."""
    return _words(count, 3, offset=101)


@cache
def country_names(count: int) -> tuple[str, ...]:
    """Country names, unique."""
    return _words(count, 2, offset=3)


def zipf_weights(count: int, exponent: float) -> NDArray[np.float64]:
    """Normalised Zipf-like weights `1 / rank**exponent` for ranks 1..count."""
    ranks = np.arange(1, count + 1, dtype=np.float64)
    weights = ranks**-exponent
    result: NDArray[np.float64] = weights / weights.sum()
    return result
