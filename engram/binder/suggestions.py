"""'Did you mean' suggestions (difflib) for variables, functions, procedures and catalog names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "did_you_mean"]

_CUTOFF = 0.6


def closest(name: str, candidates: Iterable[str], *, limit: int = 3) -> list[str]:
    """The candidates most similar to `name`, best first; case is ignored for matching.

    An exact case-insensitive match (`Count` for `count`) always comes first.
    """
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        if candidate != name:
            by_folded.setdefault(candidate.casefold(), candidate)
    folded = name.casefold()
    if folded in by_folded:
        return [by_folded[folded]]
    matches = difflib.get_close_matches(folded, list(by_folded), n=limit, cutoff=_CUTOFF)
    return [by_folded[match] for match in matches]


def did_you_mean(
    name: str, candidates: Iterable[str], *, prefix: str = "", suffix: str = ""
) -> str | None:
    """A hint such as ``did you mean 'person'?``, or None when nothing is close.

    `prefix` / `suffix` decorate each quoted candidate (`':'` for labels, `'()'` for
    functions).
    """
    matches = closest(name, candidates)
    if not matches:
        return None
    quoted = [f"'{prefix}{match}{suffix}'" for match in matches]
    if len(quoted) == 1:
        return f"did you mean {quoted[0]}?"
    return f"did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"
