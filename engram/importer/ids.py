"""Id spaces: the import ids of nodes and the lookup of relationship ends.

Node files name their nodes in an ID column; relationship files refer to them in
START_ID and END_ID columns. Ids are unique within an id space (``:ID(Person)``; the
global space by default). A space holds integer ids or string ids: with the default
id type ``auto`` the first id decides (an integer literal makes an integer space), and
``integer`` or ``string`` force one. Integer spaces are numpy arrays, looked up with
one vectorised search per chunk; string spaces are dictionaries.

>>> spaces = IdSpaces()
>>> person = spaces.space("")
>>> values, bad = person.parse(["10", "11", "10"], "id")
>>> person.duplicates(values, bad)
{2: "duplicate id '10' (id space 'global')"}
>>> person.add(values[:2], np.array([0, 1]))
>>> person.resolve(["11", "12"], ":END_ID")
(array([ 1, -1]), {1: "':END_ID' value '12' matches no node (id space 'global')"})
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from engram.importer.lookup import KeyLookup
from engram.importer.report import BulkImportError

__all__ = ["ID_TYPES", "IdSpace", "IdSpaces"]

ID_TYPES: Final = ("auto", "integer", "string")
_INT64_MIN: Final = -(2**63)
_INT64_MAX: Final = 2**63 - 1
_NO_IDS: Final = np.empty(0, dtype=np.int64)


def _is_int(text: str) -> bool:
    try:
        return _INT64_MIN <= int(text) <= _INT64_MAX
    except ValueError:
        return False


class IdSpace:
    """The ids of one id space."""

    def __init__(self, name: str, id_type: str) -> None:
        self.name = name
        self.kind: str | None = {"integer": "int", "string": "str"}.get(id_type)
        self._ints: list[tuple[np.ndarray, np.ndarray]] = []
        self._sorted: tuple[np.ndarray, np.ndarray] | None = None
        self._finder: KeyLookup | None = None
        self._strings: dict[str, int] = {}

    @property
    def label(self) -> str:
        """The space's name in messages."""
        return f"'{self.name}'" if self.name else "'global'"

    def __len__(self) -> int:
        return sum(len(ext) for ext, _ in self._ints) + len(self._strings)

    # node ids ---------------------------------------------------------------------------

    def parse(self, texts: Sequence[str] | np.ndarray, column: str) -> tuple[Any, dict[int, str]]:
        """A chunk's ids (text, or integers from a data frame) as values, and the bad cells."""
        bad: dict[int, str] = {}
        if isinstance(texts, np.ndarray):
            if self.kind is None:
                self.kind = "int"
            if self.kind == "int":
                return texts.astype(np.int64), bad
            texts = [str(value) for value in texts.tolist()]
        if self.kind is None:
            first = next((text for text in texts if text), None)
            if first is None:
                return [None] * len(texts), dict.fromkeys(
                    range(len(texts)), f"'{column}' has no id"
                )
            self.kind = "int" if _is_int(first) else "str"
        if self.kind == "str":
            for position, text in enumerate(texts):
                if not text:
                    bad[position] = f"'{column}' has no id"
            return list(texts), bad
        try:
            return np.fromiter(map(int, texts), dtype=np.int64, count=len(texts)), bad
        except (ValueError, OverflowError):
            pass
        values = np.zeros(len(texts), dtype=np.int64)
        for position, text in enumerate(texts):
            if not text:
                bad[position] = f"'{column}' has no id"
            elif not _is_int(text):
                bad[position] = (
                    f"'{column}' value '{text}' is not an integer, but id space {self.label} "
                    "holds integer ids"
                )
            else:
                values[position] = int(text)
        return values, bad

    def duplicates(self, values: Any, bad: dict[int, str]) -> dict[int, str]:
        """Rows (not already bad) whose id is taken, here or earlier in the chunk."""
        found: dict[int, str] = {}
        if self.kind == "str":
            seen: set[str] = set()
            for position, value in enumerate(values):
                if position in bad:
                    continue
                if value in self._strings or value in seen:
                    found[position] = self._duplicate(value)
                seen.add(value)
            return found
        array = np.asarray(values, dtype=np.int64)
        usable = np.ones(len(array), dtype=bool)
        usable[list(bad)] = False
        order = np.flatnonzero(usable)
        candidates = array[order]
        sort = np.argsort(candidates, kind="stable")
        repeated = np.zeros(len(candidates), dtype=bool)
        ordered = candidates[sort]
        repeated[sort[1:]] = ordered[1:] == ordered[:-1]
        existing, _ = self._lookup_arrays()
        if len(existing) and len(candidates):
            at = np.minimum(np.searchsorted(existing, candidates), len(existing) - 1)
            repeated |= existing[at] == candidates
        for position in order[repeated].tolist():
            found[position] = self._duplicate(int(array[position]))
        return found

    def _duplicate(self, value: Any) -> str:
        return f"duplicate id '{value}' (id space {self.label})"

    def add(self, values: Any, node_ids: np.ndarray) -> None:
        """Record that the nodes `node_ids` have import ids `values`."""
        if self.kind == "str":
            self._strings.update(zip(values, node_ids.tolist(), strict=True))
            return
        self._ints.append((np.asarray(values, dtype=np.int64), np.asarray(node_ids)))
        self._sorted = None

    def _lookup_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._sorted is None:
            if not self._ints:
                return _NO_IDS, _NO_IDS
            external = np.concatenate([ext for ext, _ in self._ints])
            internal = np.concatenate([ids for _, ids in self._ints])
            order = np.argsort(external, kind="stable")
            self._sorted = (external[order], internal[order])
            self._ints = [self._sorted]
            self._finder = None
        return self._sorted

    # relationship ends ------------------------------------------------------------------

    def resolve(
        self, texts: Sequence[str] | np.ndarray, column: str
    ) -> tuple[np.ndarray, dict[int, str]]:
        """Node ids of a chunk's START_ID or END_ID cells (-1 and a reason where unknown)."""
        nodes = np.full(len(texts), -1, dtype=np.int64)
        bad: dict[int, str] = {}
        if isinstance(texts, np.ndarray):
            if self.kind != "int":
                texts = [str(value) for value in texts.tolist()]
            else:
                return self._lookup(texts.astype(np.int64), np.ones(len(texts), bool), column)
        if self.kind == "str":
            strings = self._strings
            for position, text in enumerate(texts):
                found = strings.get(text)
                if found is None:
                    bad[position] = self._unknown(column, text)
                else:
                    nodes[position] = found
            return nodes, bad
        try:
            values = np.fromiter(map(int, texts), dtype=np.int64, count=len(texts))
            parsed = np.ones(len(texts), dtype=bool)
        except (ValueError, OverflowError):
            values, parsed = self._parse_ends(texts)
        return self._lookup(values, parsed, column, texts)

    def _lookup(
        self,
        values: np.ndarray,
        parsed: np.ndarray,
        column: str,
        texts: Sequence[str] | None = None,
    ) -> tuple[np.ndarray, dict[int, str]]:
        external, internal = self._lookup_arrays()
        if len(external):
            if self._finder is None:
                self._finder = KeyLookup(external)
            at, hit = self._finder.find(values)
            hit &= parsed
            nodes = np.where(hit, internal[at], -1)
        else:
            nodes = np.full(len(values), -1, dtype=np.int64)
        bad = {}
        for position in np.flatnonzero(nodes < 0).tolist():
            shown = texts[position] if texts is not None else str(values[position])
            bad[position] = self._unknown(column, shown)
        return nodes, bad

    def _parse_ends(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        values = np.zeros(len(texts), dtype=np.int64)
        parsed = np.zeros(len(texts), dtype=bool)
        for position, text in enumerate(texts):
            if text and _is_int(text):
                values[position] = int(text)
                parsed[position] = True
        return values, parsed

    def _unknown(self, column: str, text: str) -> str:
        if not text:
            return f"'{column}' is empty"
        return f"'{column}' value '{text}' matches no node (id space {self.label})"


class IdSpaces:
    """Every id space of one import."""

    def __init__(self, id_type: str = "auto") -> None:
        if id_type not in ID_TYPES:
            raise BulkImportError(
                f"unknown id type '{id_type}'", hint=f"use one of {', '.join(ID_TYPES)}"
            )
        self.id_type = id_type
        self._spaces: dict[str, IdSpace] = {}

    def space(self, name: str) -> IdSpace:
        """The id space called `name` ("" for the global one), created when new."""
        found = self._spaces.get(name)
        if found is None:
            found = self._spaces[name] = IdSpace(name, self.id_type)
        return found
