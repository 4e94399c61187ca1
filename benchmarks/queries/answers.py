"""Answers: raw result rows to one canonical JSON value per query, and their comparison.

A benchmark that compares wrong answers is worthless, so every engine's answer for every
parameter set is compared with the reference engine's (hand-written numpy over the
generator's arrays). Rows without ORDER BY are compared as sorted lists; averages with a
relative tolerance; vector top-10 results by recall@10 against the exact answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["QueryCheck", "canonical", "check_query", "recall_at_k", "same_answer"]

Row = Sequence[Any]
_COUNTS: Final = frozenset({"Q3", "Q6", "Q7"})
_TOLERANCE: Final = 1e-9
_EXAMPLES: Final = 3


def canonical(query: str, rows: Sequence[Row]) -> Any:
    """The answer of `query` as a JSON value that equal results share."""
    if query == "Q1":
        return list(rows[0]) if rows else None
    if query == "Q2":
        return sorted(list(row) for row in rows)
    if query in _COUNTS:
        return int(rows[0][0]) if rows else 0
    if query == "Q4":
        return [[row[0], int(row[1]), float(row[2])] for row in rows]
    if query == "Q5":
        lengths = [int(row[0]) for row in rows if row[0] is not None]
        return min(lengths) if lengths else None
    if query == "Q8":
        return [int(row[0]) for row in rows]
    if query == "W1":
        return None
    raise ValueError(f"unknown query {query!r}")


def same_answer(expected: Any, got: Any) -> bool:
    """Equal JSON values, floats within a relative tolerance of 1e-9."""
    if isinstance(expected, float) or isinstance(got, float):
        if not isinstance(expected, int | float) or not isinstance(got, int | float):
            return False
        return math.isclose(expected, got, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE)
    if isinstance(expected, list) and isinstance(got, list):
        return len(expected) == len(got) and all(map(same_answer, expected, got))
    return bool(type(expected) is type(got) and expected == got)


def recall_at_k(exact: Sequence[int], found: Sequence[int]) -> float:
    """Share of the exact top-k ids that were found."""
    if not exact:
        return 1.0
    return len(set(exact) & set(found)) / len(exact)


@dataclass(frozen=True, slots=True)
class QueryCheck:
    """How one engine's answers to one query compare with the reference."""

    compared: int
    mismatches: int
    examples: tuple[dict[str, Any], ...] = field(default=())
    recall: float | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "compared": self.compared,
            "mismatches": self.mismatches,
            "examples": list(self.examples),
            "recall": self.recall,
        }


def check_query(
    query: str,
    params: Sequence[Mapping[str, Any]],
    reference: Sequence[Any],
    answers: Sequence[Any],
    missing: object = None,
) -> QueryCheck:
    """Compare `answers` with `reference` wherever both engines ran the parameter set.

    Entries equal to `missing` (the marker of a parameter set an engine did not run)
    are skipped. For Q8 the result is recall@10 and a set never counts as a mismatch.
    """
    compared, wrong = 0, 0
    examples: list[dict[str, Any]] = []
    recalls: list[float] = []
    for index, (expected, got) in enumerate(zip(reference, answers, strict=False)):
        if expected is missing or got is missing:
            continue
        expected_value, got_value = expected["value"], got["value"]
        compared += 1
        if query == "Q8":
            recalls.append(recall_at_k(expected_value, got_value))
            continue
        if not same_answer(expected_value, got_value):
            wrong += 1
            if len(examples) < _EXAMPLES:
                examples.append(
                    {"params": dict(params[index]), "expected": expected_value, "got": got_value}
                )
    recall = sum(recalls) / len(recalls) if recalls else None
    return QueryCheck(compared, wrong, tuple(examples), recall)
